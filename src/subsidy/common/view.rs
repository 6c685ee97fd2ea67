//! What the pages show of an application: one version in display form, shared by the
//! applicant's page, the official's review and the assessor's page.

use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::subsidy::common::money::euro;
use crate::subsidy::common::store::{self, RoundCategory, Version};
use crate::web::time_fmt;

pub struct Line {
    pub label: String,
    pub text: String,
}

pub struct Answer {
    pub criterion: String,
    pub question: String,
    pub text: String,
}

pub struct DocumentRow {
    pub document_id: Uuid,
    pub kind: String,
    pub file_name: String,
    pub size: String,
    pub uploaded: String,
}

/// One version of an application, ready to show.
pub struct VersionView {
    pub version: i32,
    pub title: String,
    pub activities: String,
    pub budget: Vec<Line>,
    pub budget_total: String,
    pub requested: String,
    pub participants: i32,
    pub reach: String,
    pub counter_service: String,
    pub answers: Vec<Answer>,
    pub facilities: Vec<String>,
    pub declarations: Vec<String>,
    pub saved: String,
    pub submitted: Option<String>,
    pub documents: Vec<DocumentRow>,
}

impl VersionView {
    /// The answer given to the criterion named `criterion`; empty when none.
    pub fn answer_to(&self, criterion: &str) -> &str {
        self.answers
            .iter()
            .find(|a| a.criterion == criterion)
            .map(|a| a.text.as_str())
            .unwrap_or("")
    }

    pub async fn build(
        tx: &mut TenantTx,
        application_id: Uuid,
        version: &Version,
        category: &RoundCategory,
    ) -> AppResult<Self> {
        let tenant_id = tx.tenant_id();
        let facilities: Vec<String> = sqlx::query_scalar(
            "select name from facilities where tenant_id = $1 and facility_id = any($2) order by name",
        )
        .bind(tenant_id)
        .bind(&version.facility_ids)
        .fetch_all(&mut **tx)
        .await?;
        let documents = documents(tx, application_id, version.version).await?;
        Ok(Self {
            version: version.version,
            title: version.title.clone(),
            activities: version.activities.clone(),
            budget: vec![
                line("Vaste lasten", version.fixed_costs_cents),
                line("Betaalde krachten", version.staff_costs_cents),
                line("Activiteiten", version.activity_costs_cents),
                line("Overige kosten", version.other_costs_cents),
            ],
            budget_total: euro(version.budget_total()),
            requested: euro(version.requested_cents),
            participants: version.participants,
            reach: version.reach.clone(),
            counter_service: match version.counter_service.as_str() {
                "tegenprestatie" => "Deelnemers leveren een tegenprestatie".into(),
                "vergoeding" => "Deelnemers betalen een vergoeding".into(),
                _ => String::new(),
            },
            answers: category
                .criteria
                .iter()
                .filter(|c| !c.computed)
                .map(|c| Answer {
                    criterion: c.name.clone(),
                    question: c.question.clone(),
                    text: version.answer(&c.code).to_string(),
                })
                .collect(),
            facilities,
            declarations: version
                .declarations
                .iter()
                .map(|d| store::declaration_text(d).to_string())
                .collect(),
            saved: time_fmt::date_time(version.saved_at),
            submitted: version.submitted_at.map(time_fmt::date_time),
            documents,
        })
    }
}

fn line(label: &str, cents: i64) -> Line {
    Line {
        label: label.into(),
        text: euro(cents),
    }
}

/// The documents of one version of an application.
pub async fn documents(
    tx: &mut TenantTx,
    application_id: Uuid,
    version: i32,
) -> AppResult<Vec<DocumentRow>> {
    let tenant_id = tx.tenant_id();
    let rows: Vec<(Uuid, String, String, String, i32, time::OffsetDateTime)> = sqlx::query_as(
        "select document_id, kind, file_name, media_type, size_bytes, uploaded_at from subsidy_documents \
         where tenant_id = $1 and application_id = $2 and version = $3 order by kind, uploaded_at",
    )
    .bind(tenant_id)
    .bind(application_id)
    .bind(version)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(document_id, kind, file_name, media_type, size, at)| DocumentRow {
                document_id,
                kind: store::document_name(&kind).to_string(),
                // Names stored before they were cleaned on upload are shown as stored now.
                file_name: crate::subsidy::common::files::stored_name(&file_name, &media_type),
                size: if size >= 1024 * 1024 {
                    format!("{:.1} MB", size as f64 / 1024.0 / 1024.0).replace('.', ",")
                } else {
                    format!("{} kB", (size + 1023) / 1024)
                },
                uploaded: time_fmt::date_time(at),
            },
        )
        .collect())
}
