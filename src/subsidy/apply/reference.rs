//! The reference of an application: `SUB-<year>-<number>`, four digits at least, numbered per
//! tenant and year (the one pattern; older references were migrated to it).

use crate::db::TenantTx;
use crate::error::AppResult;

/// The pattern every application reference follows.
pub const PATTERN: &str = r"^SUB-\d{4}-\d{4,}$";

/// The reference `n` of `year`.
pub fn format(year: i32, n: i64) -> String {
    format!("SUB-{year}-{n:04}")
}

/// The next free reference of `year` in the tenant: one past the highest number given, so a
/// withdrawn or renumbered application never makes two share one. The caller holds the
/// tenant-and-year lock.
pub(in crate::subsidy) async fn next(tx: &mut TenantTx, year: i32) -> AppResult<String> {
    let tenant_id = tx.tenant_id();
    let highest: i64 = sqlx::query_scalar(
        "select coalesce(max(substring(reference from '-(\\d+)$')::bigint), 0) from subsidy_applications \
         where tenant_id = $1 and reference like 'SUB-' || $2::text || '-%'",
    )
    .bind(tenant_id)
    .bind(year)
    .fetch_one(&mut **tx)
    .await?;
    Ok(format(year, highest + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_digits_at_least() {
        assert_eq!(format(2027, 3), "SUB-2027-0003");
        assert_eq!(format(2027, 12345), "SUB-2027-12345");
    }
}
