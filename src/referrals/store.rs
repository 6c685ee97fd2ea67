//! The referrals table: counting one, and the counts per grouping or for the CSV. Nothing
//! about the resident is stored.

use sqlx::FromRow;
use time::Date;
use uuid::Uuid;

use super::form::Checked;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::register::facilities::choices::{self, ROUTES};
use crate::web::time_fmt::month_label;

/// How long the worker who counted a referral may undo it.
pub const UNDO_MINUTES: i32 = 10;

/// Counts one referral to facility `facility_id`, counted by `user_id` (who may undo it for
/// [`UNDO_MINUTES`]); returns its id.
pub async fn insert(
    tx: &mut TenantTx,
    facility_id: Uuid,
    referral: &Checked,
    user_id: Uuid,
) -> AppResult<Uuid> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_scalar(
        "insert into referrals (tenant_id, facility_id, referred_on, route, reason, wijk_id, recorded_by) \
         values ($1, $2, $3, $4, $5, $6, $7) returning referral_id",
    )
    .bind(tenant_id)
    .bind(facility_id)
    .bind(referral.date)
    .bind(&referral.route)
    .bind(&referral.reason)
    .bind(referral.wijk.as_ref().map(|w| w.0))
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await?)
}

/// A referral the user counted in the last [`UNDO_MINUTES`] minutes.
#[derive(FromRow)]
pub struct Recent {
    pub referral_id: Uuid,
    pub referred_on: Date,
    pub route: String,
}

impl Recent {
    pub fn text(&self) -> String {
        format!(
            "{}, {}",
            crate::web::time_fmt::date(self.referred_on),
            choices::label(ROUTES, &self.route).to_lowercase()
        )
    }
}

/// What happened to an undo.
pub enum Undo {
    /// Removed; the referral's facility, date and route.
    Done(Uuid, Date, String),
    /// The user's own referral, but counted too long ago.
    TooLate(Uuid),
    /// Taking it back would leave its month below zero: a correction already took it off.
    Corrected(Uuid),
    /// No such referral of this user.
    NotFound,
}

/// Removes referral `id` if `user_id` counted it within [`UNDO_MINUTES`].
pub async fn undo(tx: &mut TenantTx, id: Uuid, user_id: Uuid) -> AppResult<Undo> {
    let tenant_id = tx.tenant_id();
    let removed: Option<(Uuid, Date, String)> = sqlx::query_as(
        "delete from referrals where tenant_id = $1 and referral_id = $2 and recorded_by = $3 \
         and correction_reason is null and created_at > now() - make_interval(mins => $4) \
         returning facility_id, referred_on, route",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(user_id)
    .bind(UNDO_MINUTES)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some((facility, date, route)) = removed {
        // The count's month must not go below zero. The lock comes after the delete: whichever
        // of an undo and a correction takes it second sees the other's change.
        lock_month(tx, facility, &route, date).await?;
        if month_count(tx, facility, &route, date).await? < 0 {
            return Ok(Undo::Corrected(facility));
        }
        return Ok(Undo::Done(facility, date, route));
    }
    let own: Option<Uuid> = sqlx::query_scalar(
        "select facility_id from referrals where tenant_id = $1 and referral_id = $2 and recorded_by = $3 \
         and correction_reason is null",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(own.map_or(Undo::NotFound, Undo::TooLate))
}

/// Serialises the changes that can lower the count of `facility_id` by `route` in the month
/// of `date` (corrections and undos), until the transaction ends: checked under this lock,
/// concurrent corrections cannot together take a month below zero. Call it before
/// [`month_count`], which then sees every change committed before it.
pub async fn lock_month(
    tx: &mut TenantTx,
    facility_id: Uuid,
    route: &str,
    date: Date,
) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "select pg_advisory_xact_lock(hashtextextended('referral-month/' || $1::text || '/' || $2::text \
         || '/' || $3 || '/' || to_char($4::date, 'YYYY-MM'), 0))",
    )
    .bind(tenant_id)
    .bind(facility_id)
    .bind(route)
    .bind(date)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The count of referrals to `facility_id` by `route` in the month of `date`.
pub async fn month_count(
    tx: &mut TenantTx,
    facility_id: Uuid,
    route: &str,
    date: Date,
) -> AppResult<i64> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_scalar(
        "select coalesce(sum(weight), 0)::bigint from referrals where tenant_id = $1 and facility_id = $2 \
         and route = $3 and date_trunc('month', referred_on) = date_trunc('month', $4::date)",
    )
    .bind(tenant_id)
    .bind(facility_id)
    .bind(route)
    .bind(date)
    .fetch_one(&mut **tx)
    .await?)
}

/// Adds a correction of `delta` referrals to `facility_id` by `route` on `date`, with its reason.
pub async fn insert_correction(
    tx: &mut TenantTx,
    facility_id: Uuid,
    date: Date,
    route: &str,
    delta: i32,
    reason: &str,
    user_id: Uuid,
) -> AppResult<Uuid> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_scalar(
        "insert into referrals (tenant_id, facility_id, referred_on, route, weight, correction_reason, recorded_by) \
         values ($1, $2, $3, $4, $5, $6, $7) returning referral_id",
    )
    .bind(tenant_id)
    .bind(facility_id)
    .bind(date)
    .bind(route)
    .bind(delta)
    .bind(reason)
    .bind(user_id)
    .fetch_one(&mut **tx)
    .await?)
}

/// A correction, as the counts page lists it.
#[derive(FromRow)]
pub struct Correction {
    pub referred_on: Date,
    pub facility: String,
    pub route: String,
    pub weight: i32,
    pub reason: String,
    pub by: String,
}

impl Correction {
    pub fn route_label(&self) -> &'static str {
        choices::label(ROUTES, &self.route)
    }

    pub fn date_text(&self) -> String {
        crate::web::time_fmt::date(self.referred_on)
    }

    pub fn signed(&self) -> String {
        format!("{:+}", self.weight)
    }
}

/// The corrections dated from `from` to `to`.
pub async fn corrections(tx: &mut TenantTx, from: Date, to: Date) -> AppResult<Vec<Correction>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select r.referred_on, f.name as facility, r.route, r.weight, r.correction_reason as reason, \
         coalesce(u.display_name, '') as by from referrals r \
         join facilities f on f.tenant_id = r.tenant_id and f.facility_id = r.facility_id \
         left join users u on u.tenant_id = r.tenant_id and u.user_id = r.recorded_by \
         where r.tenant_id = $1 and r.correction_reason is not null and r.referred_on between $2 and $3 \
         order by r.referred_on, r.created_at",
    )
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?)
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
        "select {key} as key, {label} as label, sum(r.weight)::bigint as count from referrals r \
         join facilities f on f.tenant_id = r.tenant_id and f.facility_id = r.facility_id \
         left join facility_type_links l on l.tenant_id = r.tenant_id and l.facility_id = r.facility_id and l.is_main \
         left join facility_types t on t.tenant_id = l.tenant_id and t.code = l.type_code \
         left join code_lists c on c.kind = 'verwijsreden' and c.code = r.reason \
         left join areas w on w.tenant_id = r.tenant_id and w.area_id = r.wijk_id \
         where r.tenant_id = $1 and r.referred_on between $2 and $3 group by 1, 2 having sum(r.weight) <> 0 order by {order}"
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
         r.route, coalesce(c.name, '') as reason, coalesce(w.name, '') as wijk, sum(r.weight)::bigint as count from referrals r \
         join facilities f on f.tenant_id = r.tenant_id and f.facility_id = r.facility_id \
         left join facility_type_links l on l.tenant_id = r.tenant_id and l.facility_id = r.facility_id and l.is_main \
         left join facility_types t on t.tenant_id = l.tenant_id and t.code = l.type_code \
         left join code_lists c on c.kind = 'verwijsreden' and c.code = r.reason \
         left join areas w on w.tenant_id = r.tenant_id and w.area_id = r.wijk_id \
         where r.tenant_id = $1 and r.referred_on between $2 and $3 group by 1, 2, 3, 4, 5, 6 \
         having sum(r.weight) <> 0 order by 1, 2, 4, 5, 6",
    )
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(&mut **tx)
    .await?)
}
