//! The payments of grants (voorschotten and the rest after settlement) as stored, and those due in
//! a period.

use crate::db::TenantTx;
use crate::error::AppResult;
use time::Date;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Payment {
    pub payment_id: Uuid,
    pub application_id: Uuid,
    pub reference: String,
    pub recipient: String,
    pub kvk_number: Option<String>,
    pub kind: String,
    pub part: i32,
    pub due_on: Date,
    pub amount_cents: i64,
    pub paid_on: Option<Date>,
    pub scheme: String,
    pub year: i32,
}

/// Payments due in `[from, to)` or earlier and still unpaid.
pub async fn due(tx: &mut TenantTx, from: Date, to: Date) -> AppResult<Vec<Payment>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select y.payment_id, y.application_id, a.reference, p.name as recipient, p.kvk_number, y.kind, y.part, y.due_on, \
                y.amount_cents, y.paid_on, s.name as scheme, r.year \
         from subsidy_payments y \
         join subsidy_applications a on a.tenant_id = y.tenant_id and a.application_id = y.application_id \
         join providers p on p.tenant_id = a.tenant_id and p.provider_id = a.provider_id \
         join subsidy_rounds r on r.tenant_id = a.tenant_id and r.round_id = a.round_id \
         join subsidy_schemes s on s.tenant_id = r.tenant_id and s.scheme_id = r.scheme_id \
         where y.tenant_id = $1 and ((y.due_on >= $2 and y.due_on < $3) or (y.due_on < $2 and y.paid_on is null)) \
         order by y.due_on, a.reference, y.part",
    )
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?)
}
