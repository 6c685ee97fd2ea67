//! Documents attached to a verantwoording: the activity report, the financial report with the
//! realised budget, anything else. Which ones are required follows the amount band of the
//! grant ([`Duty`]); the verantwoording cannot be filed without them. They are added and
//! replaced until the verantwoording is filed, then kept with it; the official reads them
//! beside the report when settling. Files are checked as an application's documents are
//! ([`super::documents`]).

use axum::extract::{Multipart, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::accountability::after_grant;
use super::documents::{checked, read_upload, send_stored, Stored};
use super::portal::{base, own_provider};
use super::settlement::Duty;
use super::store::{self, Application};
use super::Ids;
use crate::audit::{self, Actor, Event};
use crate::auth::session::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{time_fmt, ClientAddr};

/// The kinds of document a verantwoording holds: code and name.
pub const KINDS: &[(&str, &str)] = &[
    ("activiteitenverslag", "Activiteitenverslag"),
    (
        "financieel_verslag",
        "Financieel verslag (gerealiseerde begroting)",
    ),
    ("overig", "Ander document"),
];

/// The name of kind `code`.
pub fn kind_name(code: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Document", |(_, n)| n)
}

/// The documents a verantwoording with this duty must hold.
pub fn required(duty: Duty) -> &'static [&'static str] {
    match duty {
        Duty::Direct => &[],
        Duty::ActivityReport => &["activiteitenverslag"],
        Duty::FinancialReport => &["activiteitenverslag", "financieel_verslag"],
    }
}

/// A document of a verantwoording, without its content.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportDocument {
    pub document_id: Uuid,
    pub kind: String,
    pub file_name: String,
    pub size_bytes: i32,
    pub uploaded_at: OffsetDateTime,
}

impl ReportDocument {
    /// "Activiteitenverslag: verslag.pdf (120 kB, 3 december 2026 10:15)" in parts.
    pub fn kind_name(&self) -> &'static str {
        kind_name(&self.kind)
    }

    pub fn size(&self) -> String {
        let kb = (i64::from(self.size_bytes) + 1023) / 1024;
        if kb >= 1024 {
            format!("{},{} MB", kb / 1024, (kb % 1024) * 10 / 1024)
        } else {
            format!("{kb} kB")
        }
    }

    pub fn uploaded(&self) -> String {
        time_fmt::date_time(self.uploaded_at)
    }
}

/// The documents of `application_id`'s verantwoording, by kind and time.
pub async fn list(tx: &mut TenantTx, application_id: Uuid) -> AppResult<Vec<ReportDocument>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select document_id, kind, file_name, size_bytes, uploaded_at from subsidy_report_documents \
         where tenant_id = $1 and application_id = $2 \
         order by array_position(array['activiteitenverslag', 'financieel_verslag', 'overig'], kind), uploaded_at",
    )
    .bind(tenant_id)
    .bind(application_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The names of the required documents `documents` lacks.
pub fn missing(duty: Duty, documents: &[ReportDocument]) -> Vec<&'static str> {
    required(duty)
        .iter()
        .filter(|code| !documents.iter().any(|d| d.kind == **code))
        .map(|code| kind_name(code))
        .collect()
}

fn refuse(message: &str) -> Response {
    AppError::BadRequest(message.to_string()).into_response()
}

/// The aanbieder's own application whose verantwoording may still change: granted, with a
/// verantwoording due, not yet filed or settled. Otherwise the reason, in words.
async fn open_report(
    tx: &mut TenantTx,
    user: &CurrentUser,
    id: Uuid,
) -> AppResult<Result<Application, &'static str>> {
    let provider = own_provider(user)?;
    let application = match store::application(tx, id).await? {
        Some(a) if a.provider_id == provider => a,
        _ => return Err(AppError::NotFound),
    };
    let round = store::round_by_id(tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(match after_grant(tx, &application, &round).await? {
        None => Err("Documenten bij een verantwoording horen bij een verleende subsidie."),
        Some(a) if a.duty == Duty::Direct => {
            Err("Voor deze subsidie is geen verantwoording nodig.")
        }
        Some(a) if a.report.is_some() || a.settlement.is_some() => Err(
            "De verantwoording is ingediend; de documenten die erbij horen blijven zoals ze zijn.",
        ),
        Some(_) => Ok(application),
    })
}

/// POST /{tenant}/aanvragen/{id}/verantwoording/documenten (multipart: `soort`, `bestand`):
/// a new document of a kind replaces the earlier one, except for "ander document".
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Response> {
    let id = ids.get("id");
    // Whose application it is comes first: another's is not found, whatever was sent.
    let mut check = state.db.tenant_tx(user.tenant_id).await?;
    let open = open_report(&mut check, &user, id).await?;
    check.commit().await?;
    if let Err(reason) = open {
        return Ok(refuse(reason));
    }
    let (kind, file) = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(refused) => return Ok(refuse(refused)),
    };
    if !KINDS.iter().any(|(c, _)| *c == kind) {
        return Ok(refuse("Kies welk document u toevoegt."));
    }
    let (name, bytes, media_type) = match checked(file) {
        Ok(file) => file,
        Err(refused) => return Ok(refuse(refused)),
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    if let Err(reason) = open_report(&mut tx, &user, id).await? {
        return Ok(refuse(reason));
    }
    let tenant_id = tx.tenant_id();
    if kind != "overig" {
        sqlx::query(
            "delete from subsidy_report_documents where tenant_id = $1 and application_id = $2 and kind = $3",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(&kind)
        .execute(&mut *tx)
        .await?;
    }
    let document_id: Uuid = sqlx::query_scalar(
        "insert into subsidy_report_documents (tenant_id, application_id, kind, file_name, media_type, size_bytes, \
         content, uploaded_by) values ($1, $2, $3, $4, $5, $6, $7, $8) returning document_id",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(&kind)
    .bind(&name)
    .bind(media_type)
    .bind(bytes.len() as i32)
    .bind(bytes.as_ref())
    .bind(user.user_id)
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new(
        "document bij verantwoording toegevoegd",
        "subsidieaanvraag",
        id,
    )
    .after(json!({"document": document_id, "soort": kind, "bestand": name, "bytes": bytes.len()}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/{id}?melding=document#verantwoording-documenten",
        base(&user)
    ))
    .into_response())
}

/// POST /{tenant}/aanvragen/{id}/verantwoording/documenten/{document}/verwijderen
pub async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
) -> AppResult<Response> {
    let (id, document) = (ids.get("id"), ids.get("document"));
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    if let Err(reason) = open_report(&mut tx, &user, id).await? {
        return Ok(refuse(reason));
    }
    let tenant_id = tx.tenant_id();
    let removed: Option<String> = sqlx::query_scalar(
        "delete from subsidy_report_documents where tenant_id = $1 and application_id = $2 and document_id = $3 \
         returning file_name",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(document)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(name) = removed else {
        return Err(AppError::NotFound);
    };
    let event = Event::new(
        "document bij verantwoording verwijderd",
        "subsidieaanvraag",
        id,
    )
    .before(json!({"document": document, "bestand": name}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/{id}?melding=verwijderd#verantwoording-documenten",
        base(&user)
    ))
    .into_response())
}

/// GET /{tenant}/aanvragen/{id}/verantwoording/documenten/{document}: the applicant's own.
pub async fn for_applicant(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let provider = own_provider(&user)?;
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    match store::application(&mut tx, ids.get("id")).await? {
        Some(a) if a.provider_id == provider => {}
        _ => return Err(AppError::NotFound),
    }
    let response = send_stored(&mut tx, Stored::Report, ids.get("id"), ids.get("document")).await;
    tx.commit().await?;
    response
}

/// GET /{tenant}/regelingen/aanvragen/{id}/verantwoording/documenten/{document}: officials.
pub async fn for_official(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    if store::application(&mut tx, ids.get("id")).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let response = send_stored(&mut tx, Stored::Report, ids.get("id"), ids.get("document")).await;
    tx.commit().await?;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(kind: &str) -> ReportDocument {
        ReportDocument {
            document_id: Uuid::nil(),
            kind: kind.into(),
            file_name: "x.pdf".into(),
            size_bytes: 1,
            uploaded_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_band_says_which_documents_are_required() {
        assert!(missing(Duty::Direct, &[]).is_empty());
        assert_eq!(
            missing(Duty::ActivityReport, &[]),
            vec!["Activiteitenverslag"]
        );
        assert!(missing(Duty::ActivityReport, &[doc("activiteitenverslag")]).is_empty());
        assert_eq!(
            missing(
                Duty::FinancialReport,
                &[doc("activiteitenverslag"), doc("overig")]
            ),
            vec!["Financieel verslag (gerealiseerde begroting)"]
        );
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        let mut d = doc("overig");
        d.size_bytes = 1500;
        assert_eq!(d.size(), "2 kB");
        d.size_bytes = 3 * 1024 * 1024 + 512 * 1024;
        assert_eq!(d.size(), "3,5 MB");
    }
}
