//! Applications and their versions as stored, and the documents and declarations a round can ask.

use crate::db::TenantTx;
use crate::error::AppResult;
use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

/// An application with where it stands (not its contents).
#[derive(Debug, Clone, FromRow)]
pub struct Application {
    pub application_id: Uuid,
    pub reference: String,
    pub round_id: Uuid,
    pub scheme_id: Uuid,
    pub category_id: Uuid,
    pub category_name: String,
    pub provider_id: Uuid,
    pub provider_name: String,
    pub kvk_number: Option<String>,
    pub status: String,
    pub current_version: i32,
    pub created_at: OffsetDateTime,
    pub submitted_at: Option<OffsetDateTime>,
    pub withdrawn_at: Option<OffsetDateTime>,
    pub completion_due: Option<OffsetDateTime>,
    pub completion_reason: String,
    pub title: String,
    pub requested_cents: i64,
    /// The outcome and grant: of the latest decision on objection that changed them, else
    /// of the original decision.
    pub outcome: Option<String>,
    pub granted_cents: Option<i64>,
}

impl Application {
    pub fn status_label(&self) -> &'static str {
        match (self.status.as_str(), self.outcome.as_deref()) {
            (_, Some("toegekend")) => "Toegekend",
            (_, Some("gedeeltelijk")) => "Gedeeltelijk toegekend",
            (_, Some("afgewezen")) => "Afgewezen",
            ("concept", _) => "Concept",
            ("ingediend", _) => "Ingediend",
            ("aanvulling", _) => "Aanvulling gevraagd",
            ("ingetrokken", _) => "Ingetrokken",
            _ => "Besloten",
        }
    }

    /// The applicant may change the current version: a draft, or a completion asked for.
    pub fn editable(&self) -> bool {
        matches!(self.status.as_str(), "concept" | "aanvulling")
    }
}

const APPLICATION_COLUMNS: &str = "a.application_id, a.reference, a.round_id, r.scheme_id, a.category_id, \
     c.name as category_name, a.provider_id, p.name as provider_name, p.kvk_number, a.status, a.current_version, \
     a.created_at, a.submitted_at, a.withdrawn_at, a.completion_due, a.completion_reason, v.title, \
     v.requested_cents, o.outcome, o.granted_cents";

const APPLICATION_FROM: &str = "from subsidy_applications a \
     join subsidy_rounds r on r.tenant_id = a.tenant_id and r.round_id = a.round_id \
     join subsidy_categories c on c.tenant_id = a.tenant_id and c.category_id = a.category_id \
     join providers p on p.tenant_id = a.tenant_id and p.provider_id = a.provider_id \
     join subsidy_application_versions v on v.tenant_id = a.tenant_id and v.application_id = a.application_id \
          and v.version = a.current_version \
     left join subsidy_current_outcomes o on o.tenant_id = a.tenant_id and o.application_id = a.application_id";

pub async fn application(
    tx: &mut TenantTx,
    application_id: Uuid,
) -> AppResult<Option<Application>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {APPLICATION_COLUMNS} {APPLICATION_FROM} where a.tenant_id = $1 and a.application_id = $2"
    ))
    .bind(tenant_id)
    .bind(application_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Locks application `application_id` until the transaction ends: whatever decides about its
/// money (an objection, a settlement) holds this lock, so two decisions at once run one after
/// the other and the second sees what the first did.
pub(in crate::subsidy) async fn lock_application(
    tx: &mut TenantTx,
    application_id: Uuid,
) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "select 1 from subsidy_applications where tenant_id = $1 and application_id = $2 for update",
    )
    .bind(tenant_id)
    .bind(application_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Applications of one provider, newest first.
pub async fn applications_of_provider(
    tx: &mut TenantTx,
    provider_id: Uuid,
) -> AppResult<Vec<Application>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {APPLICATION_COLUMNS} {APPLICATION_FROM} where a.tenant_id = $1 and a.provider_id = $2 \
         order by a.created_at desc"
    ))
    .bind(tenant_id)
    .bind(provider_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Applications of a round, by onderdeel and reference.
pub async fn applications_of_round(
    tx: &mut TenantTx,
    round_id: Uuid,
) -> AppResult<Vec<Application>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(&format!(
        "select {APPLICATION_COLUMNS} {APPLICATION_FROM} where a.tenant_id = $1 and a.round_id = $2 \
         order by c.position, a.reference"
    ))
    .bind(tenant_id)
    .bind(round_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// What the applicant filled in, one version.
#[derive(Debug, Clone, FromRow)]
pub struct Version {
    pub version: i32,
    pub title: String,
    pub activities: String,
    pub fixed_costs_cents: i64,
    pub staff_costs_cents: i64,
    pub activity_costs_cents: i64,
    pub other_costs_cents: i64,
    pub requested_cents: i64,
    pub participants: i32,
    pub reach: String,
    pub counter_service: String,
    pub answers: sqlx::types::Json<std::collections::BTreeMap<String, String>>,
    pub facility_ids: Vec<Uuid>,
    pub declarations: Vec<String>,
    pub saved_at: OffsetDateTime,
    pub submitted_at: Option<OffsetDateTime>,
    /// The parts a completion asked for, on the version it opened (see `apply::completion`).
    pub completion_parts: Option<Vec<String>>,
}

impl Version {
    pub fn budget_total(&self) -> i64 {
        self.fixed_costs_cents
            + self.staff_costs_cents
            + self.activity_costs_cents
            + self.other_costs_cents
    }

    pub fn answer(&self, code: &str) -> &str {
        self.answers.get(code).map(String::as_str).unwrap_or("")
    }
}

pub async fn versions(tx: &mut TenantTx, application_id: Uuid) -> AppResult<Vec<Version>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select version, title, activities, fixed_costs_cents, staff_costs_cents, activity_costs_cents, \
                other_costs_cents, requested_cents, participants, reach, counter_service, answers, facility_ids, \
                declarations, saved_at, submitted_at, completion_parts \
         from subsidy_application_versions where tenant_id = $1 and application_id = $2 order by version",
    )
    .bind(tenant_id)
    .bind(application_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The documents a round can ask for: code and name.
pub const DOCUMENTS: [(&str, &str); 4] = [
    ("begroting", "Begroting"),
    ("jaarverslag", "Jaarverslag"),
    ("bestuurssamenstelling", "Bestuurssamenstelling"),
    ("activiteitenplan", "Activiteitenplan"),
];

/// The declarations a round can ask for: code and the sentence the applicant declares.
pub const DECLARATIONS: [(&str, &str); 4] = [
    ("bestuur", "Het bestuur is samengesteld zoals in de bijgevoegde bestuurssamenstelling staat."),
    ("vog", "Vrijwilligers die met deelnemers werken hebben een verklaring omtrent het gedrag (VOG)."),
    ("administratie", "De organisatie voert een goede administratie, waaruit de besteding van de subsidie blijkt."),
    ("toegankelijk", "De voorziening is algemeen toegankelijk: iedereen kan zonder indicatie meedoen."),
];

pub fn document_name(code: &str) -> &str {
    DOCUMENTS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
        .unwrap_or(code)
}

pub fn declaration_text(code: &str) -> &str {
    DECLARATIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
        .unwrap_or(code)
}

/// The current version of each of `ids`, in one statement.
pub async fn current_versions(
    tx: &mut TenantTx,
    ids: &[Uuid],
) -> AppResult<std::collections::HashMap<Uuid, Version>> {
    let tenant_id = tx.tenant_id();
    let mut out = std::collections::HashMap::new();
    let versions: Vec<(Uuid, Version)> = sqlx::query_as::<_, VersionWithId>(
        "select v.application_id, v.version, v.title, v.activities, v.fixed_costs_cents, v.staff_costs_cents, \
                v.activity_costs_cents, v.other_costs_cents, v.requested_cents, v.participants, v.reach, \
                v.counter_service, v.answers, v.facility_ids, v.declarations, v.saved_at, v.submitted_at, \
                v.completion_parts \
         from subsidy_applications a \
         join subsidy_application_versions v on v.tenant_id = a.tenant_id and v.application_id = a.application_id \
              and v.version = a.current_version \
         where a.tenant_id = $1 and a.application_id = any($2)",
    )
    .bind(tenant_id)
    .bind(ids)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| (r.application_id, r.version))
    .collect();
    out.extend(versions);
    Ok(out)
}

#[derive(FromRow)]
struct VersionWithId {
    application_id: Uuid,
    #[sqlx(flatten)]
    version: Version,
}
