//! The referrals table: counting one, and the counts per grouping or for the CSV. Nothing
//! about the resident is stored.

use sqlx::FromRow;
use time::Date;
use uuid::Uuid;

use super::counts::month_label;
use super::form::Checked;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::register::facilities::choices::{self, ROUTES};

/// Counts one referral to facility `facility_id`.
pub async fn insert(tx: &mut TenantTx, facility_id: Uuid, referral: &Checked) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "insert into referrals (tenant_id, facility_id, referred_on, route, reason, wijk_id) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(tenant_id)
    .bind(facility_id)
    .bind(referral.date)
    .bind(&referral.route)
    .bind(&referral.reason)
    .bind(referral.wijk.as_ref().map(|w| w.0))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct CountRow {
    key: String,
    label: String,
    count: i64,
}

pub struct Count {
    pub label: String,
    pub count: i64,
}

/// The counts per `per` (a key of [`super::counts::GROUPINGS`]) from `from` to `to`.
pub async fn grouped(tx: &mut TenantTx, per: &str, from: Date, to: Date) -> AppResult<Vec<Count>> {
    let tenant_id = tx.tenant_id();
    let (key, label) = match per {
        "type" => ("coalesce(t.code, '')", "coalesce(t.name, 'Zonder soort')"),
        "route" => ("r.route", "r.route"),
        "reden" => (
            "coalesce(r.reason, '')",
            "coalesce(c.name, 'Geen reden opgegeven')",
        ),
        "wijk" => (
            "coalesce(w.cbs_code, '')",
            "coalesce(w.name, 'Geen wijk opgegeven')",
        ),
        "maand" => (
            "to_char(r.referred_on, 'YYYY-MM')",
            "to_char(r.referred_on, 'YYYY-MM')",
        ),
        _ => ("f.facility_id::text", "f.name"),
    };
    let order = if per == "maand" { "1" } else { "3 desc, 2" };
    let rows: Vec<CountRow> = sqlx::query_as(&format!(
        "select {key} as key, {label} as label, count(*) as count from referrals r \
         join facilities f on f.tenant_id = r.tenant_id and f.facility_id = r.facility_id \
         left join facility_type_links l on l.tenant_id = r.tenant_id and l.facility_id = r.facility_id and l.is_main \
         left join facility_types t on t.tenant_id = l.tenant_id and t.code = l.type_code \
         left join code_lists c on c.kind = 'verwijsreden' and c.code = r.reason \
         left join areas w on w.tenant_id = r.tenant_id and w.area_id = r.wijk_id \
         where r.tenant_id = $1 and r.referred_on between $2 and $3 group by 1, 2 order by {order}"
    ))
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Count {
            label: match per {
                "route" => choices::label(ROUTES, &r.key).to_string(),
                "maand" => month_label(&r.key),
                _ => r.label,
            },
            count: r.count,
        })
        .collect())
}

#[derive(FromRow)]
pub struct ExportRow {
    pub month: String,
    pub facility: String,
    pub facility_type: String,
    pub route: String,
    pub reason: String,
    pub wijk: String,
    pub count: i64,
}

/// The counts per month, facility, main type, route, reason and wijk from `from` to `to`.
pub async fn export_rows(tx: &mut TenantTx, from: Date, to: Date) -> AppResult<Vec<ExportRow>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select to_char(r.referred_on, 'YYYY-MM') as month, f.name as facility, coalesce(t.name, '') as facility_type, \
         r.route, coalesce(c.name, '') as reason, coalesce(w.name, '') as wijk, count(*) as count from referrals r \
         join facilities f on f.tenant_id = r.tenant_id and f.facility_id = r.facility_id \
         left join facility_type_links l on l.tenant_id = r.tenant_id and l.facility_id = r.facility_id and l.is_main \
         left join facility_types t on t.tenant_id = l.tenant_id and t.code = l.type_code \
         left join code_lists c on c.kind = 'verwijsreden' and c.code = r.reason \
         left join areas w on w.tenant_id = r.tenant_id and w.area_id = r.wijk_id \
         where r.tenant_id = $1 and r.referred_on between $2 and $3 group by 1, 2, 3, 4, 5, 6 order by 1, 2, 4, 5, 6",
    )
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?)
}
