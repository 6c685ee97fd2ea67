//! The text side of the search: a query's words (rebuilt from its letters and digits, so no
//! input reaches PostgreSQL as search syntax) and the upkeep of the facilities' search
//! documents (`facility_search_refresh`). Matching is in [`super::words`].

use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;

/// At most this many words of a query count; the rest is ignored.
const MAX_WORDS: usize = 8;
const MAX_WORD_CHARS: usize = 40;

/// The words of a query: runs of letters and digits, lowercased; single letters are dropped.
pub fn words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 1 || w.chars().all(|c| c.is_numeric()) && !w.is_empty())
        .take(MAX_WORDS)
        .map(|w| {
            w.chars()
                .take(MAX_WORD_CHARS)
                .flat_map(char::to_lowercase)
                .collect()
        })
        .collect()
}

/// Recomputes the search documents of the tenant's facilities `ids` (all when `None`).
pub async fn refresh(tx: &mut TenantTx, ids: Option<&[Uuid]>) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query("select facility_search_refresh($1, $2)")
        .bind(tenant_id)
        .bind(ids)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The search documents of tenant `$1`'s facilities of the types `$2`. Shared with the national
/// taxonomy sync, which runs in the owner's transaction over every tenant.
pub(crate) const REFRESH_TYPES: &str =
    "select facility_search_refresh($1, array(select distinct facility_id from facility_type_links \
     where tenant_id = $1 and type_code = any ($2)))";

/// Recomputes the search documents of the facilities of the given types (renamed, aliased).
pub async fn refresh_types(tx: &mut TenantTx, codes: &[String]) -> Result<(), sqlx::Error> {
    let tenant_id = tx.tenant_id();
    sqlx::query(REFRESH_TYPES)
        .bind(tenant_id)
        .bind(codes)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Recomputes the search documents of a provider's facilities (renamed).
pub async fn refresh_provider(tx: &mut TenantTx, provider_id: Uuid) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query("select facility_search_refresh($1, array(select facility_id from facilities where tenant_id = $1 and provider_id = $2))")
        .bind(tenant_id)
        .bind(provider_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_rebuilt_from_words() {
        assert_eq!(
            words("Huiskamer's & (café) | !x"),
            vec!["huiskamer", "café"]
        );
        assert!(words("':*&|!()<->").is_empty());
        assert_eq!(words("1 a"), vec!["1"]);
        assert_eq!(words(&"ab ".repeat(100)).len(), MAX_WORDS);
    }
}
