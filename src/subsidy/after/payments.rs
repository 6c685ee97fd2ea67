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

/// What recording a payment as paid needs of it.
#[derive(Debug, sqlx::FromRow)]
pub struct Payable {
    pub application_id: Uuid,
    pub amount_cents: i64,
    pub due_on: Date,
    pub paid_on: Option<Date>,
    /// The day (Europe/Amsterdam) of the decision the payment rests on: the grant, a decision
    /// on objection or a settlement.
    pub decided_on: Option<Date>,
}

/// The payment date typed (`jjjj-mm-dd`; empty is today), checked: not in the future and not
/// before the decision the payment rests on, since nothing can be paid on a decision not yet
/// taken. The error is the Dutch message for the field.
pub fn paid_date(typed: &str, decided_on: Option<Date>, today: Date) -> Result<Date, String> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = match typed.trim() {
        "" => today,
        text => Date::parse(text, &format).map_err(|_| {
            "Vul de betaaldatum in als jaar, maand en dag, bijvoorbeeld 2027-03-15, of laat het veld leeg voor vandaag."
                .to_string()
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_payment_date_lies_between_the_decision_and_today() {
        let decided = Some(date!(2026 - 12 - 03));
        let today = date!(2026 - 12 - 07);
        assert_eq!(paid_date("", decided, today), Ok(today));
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
}
