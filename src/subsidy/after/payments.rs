//! The payments of grants (voorschotten and the rest after settlement) as stored, and those due in
//! a period.

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::web::time_fmt;
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
    pub paid_by: Option<String>,
    pub scheme: String,
    pub year: i32,
}

/// Payments due in `[from, to)` or earlier and still unpaid.
pub async fn due(tx: &mut TenantTx, from: Date, to: Date) -> AppResult<Vec<Payment>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select y.payment_id, y.application_id, a.reference, p.name as recipient, p.kvk_number, y.kind, y.part, y.due_on, \
                y.amount_cents, y.paid_on, y.paid_by, s.name as scheme, r.year \
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

/// The payment date typed (`jjjj-mm-dd`), checked: given (an empty field never means today:
/// the form fills in today visibly instead), not in the future and not before the decision the
/// payment rests on, since nothing can be paid on a decision not yet taken. The error is the
/// Dutch message for the field.
pub fn paid_date(typed: &str, decided_on: Option<Date>, today: Date) -> Result<Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = match typed.trim() {
        "" => {
            return Err(format!(
                "Vul de betaaldatum in: de dag waarop is betaald, bijvoorbeeld vandaag ({}).",
                time_fmt::date(today)
            ))
        }
        text => Date::parse(text, &format).map_err(|_| {
            "Vul de betaaldatum in als jaar, maand en dag, bijvoorbeeld 2027-03-15.".to_string()
        })?,
    };
    if date > today {
        return Err(format!(
            "De betaaldatum ligt in de toekomst. Vul de dag in waarop is betaald, uiterlijk vandaag ({}).",
            time_fmt::date(today)
        ));
    }
    if let Some(decided) = decided_on.filter(|d| date < *d) {
        return Err(format!(
            "De betaaldatum ligt vóór het besluit waarop deze betaling berust ({}). Vul de dag in waarop werkelijk is betaald.",
            time_fmt::date(decided)
        ));
    }
    Ok(date)
}

/// The reason typed for undoing a payment: required, at most 1,000 characters. The error is
/// the Dutch message for the field.
pub fn undo_reason(typed: &str) -> Result<String, String> {
    let reason = typed.trim();
    if reason.chars().count() < 5 {
        return Err(
            "Vul de reden in waarom deze betaling niet betaald is (minstens 5 tekens), bijvoorbeeld \"per vergissing als betaald gemarkeerd\"."
                .into(),
        );
    }
    if reason.chars().count() > 1000 {
        return Err("De reden is te lang: ten hoogste 1.000 tekens.".into());
    }
    Ok(reason.to_string())
}

/// A payment as its row lock finds it (the application's row is locked first, as every money
/// action on an application does, so that paying, undoing and settling one application happen
/// one after another).
#[derive(Debug, sqlx::FromRow)]
pub struct Locked {
    pub application_id: Uuid,
    pub reference: String,
    pub recipient: String,
    pub kind: String,
    pub part: i32,
    pub amount_cents: i64,
    pub due_on: Date,
    pub paid_on: Option<Date>,
    pub paid_by: Option<String>,
    pub decided_on: Option<Date>,
    /// Settled after accountability (not at once with the grant): what was paid is then part of
    /// the settlement, and a payment can no longer be undone here.
    pub settled: bool,
}

/// Locks the payment `payment_id` and its application, in that order of the application first;
/// `None` when the tenant has no such payment.
pub async fn lock(tx: &mut TenantTx, payment_id: Uuid) -> AppResult<Option<Locked>> {
    let tenant_id = tx.tenant_id();
    let application: Option<Uuid> = sqlx::query_scalar(
        "select application_id from subsidy_payments where tenant_id = $1 and payment_id = $2",
    )
    .bind(tenant_id)
    .bind(payment_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(application) = application else {
        return Ok(None);
    };
    crate::subsidy::common::store::lock_application(tx, application).await?;
    Ok(sqlx::query_as(
        "select y.application_id, a.reference, p.name as recipient, y.kind, y.part, y.amount_cents, y.due_on, \
                y.paid_on, y.paid_by, \
                (nullif(y.scheduled_at, '-infinity') at time zone 'Europe/Amsterdam')::date as decided_on, \
                exists (select 1 from subsidy_settlements s where s.tenant_id = y.tenant_id \
                        and s.application_id = y.application_id and not s.direct) as settled \
         from subsidy_payments y \
         join subsidy_applications a on a.tenant_id = y.tenant_id and a.application_id = y.application_id \
         join providers p on p.tenant_id = a.tenant_id and p.provider_id = a.provider_id \
         where y.tenant_id = $1 and y.payment_id = $2 for update of y",
    )
    .bind(tenant_id)
    .bind(payment_id)
    .fetch_optional(&mut **tx)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_payment_date_lies_between_the_decision_and_today() {
        let decided = Some(date!(2026 - 12 - 03));
        let today = date!(2026 - 12 - 07);
        assert!(paid_date("", decided, today)
            .unwrap_err()
            .contains("Vul de betaaldatum in"));
        assert!(paid_date("  ", decided, today).is_err());
        assert_eq!(
            paid_date(" 2026-12-03 ", decided, today),
            Ok(date!(2026 - 12 - 03))
        );
        assert_eq!(paid_date("2026-12-07", decided, today), Ok(today));
        for refused in ["1900-01-01", "2026-12-02", "2026-12-08", "9999-12-31"] {
            assert!(paid_date(refused, decided, today).is_err(), "{refused}");
        }
        for garbage in ["gisteren", "2026-13-01", "2026-02-30", "03-12-2026", "-1"] {
            assert!(paid_date(garbage, decided, today).is_err(), "{garbage}");
        }
        assert!(paid_date("1900-01-01", decided, today)
            .unwrap_err()
            .contains("3 december 2026"));
        assert_eq!(
            paid_date("2001-01-01", None, today),
            Ok(date!(2001 - 01 - 01))
        );
    }

    #[test]
    fn undoing_a_payment_needs_a_reason() {
        for refused in ["", "   ", "oeps", &"x".repeat(1001)] {
            assert!(undo_reason(refused).is_err(), "{refused}");
        }
        assert_eq!(
            undo_reason("  per vergissing  "),
            Ok("per vergissing".to_string())
        );
        assert!(undo_reason(&"é".repeat(1000)).is_ok());
    }
}
