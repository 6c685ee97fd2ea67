//! Text matching in Dutch: full-text search with stemming on accent-free words (every word
//! also as a prefix), plus trigram typo tolerance on facility names. Any input is safe: the
//! query is rebuilt from its letters and digits, so PostgreSQL never sees search syntax.

use uuid::Uuid;

use crate::db::Tx;
use crate::error::AppResult;

/// At most this many words of a query count; the rest is ignored.
const MAX_WORDS: usize = 8;
const MAX_WORD_CHARS: usize = 40;
/// Words shorter than this are too short to guess a typo from.
const MIN_FUZZY_CHARS: usize = 4;

/// The words of a query: runs of letters and digits, lowercased; single letters are dropped.
pub fn words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 1 || w.chars().all(|c| c.is_numeric()) && !w.is_empty())
        .take(MAX_WORDS)
        .map(|w| w.chars().take(MAX_WORD_CHARS).flat_map(char::to_lowercase).collect())
        .collect()
}

/// A `to_tsquery` text: every word required, each also as a prefix ("huisk" finds "huiskamer").
pub fn tsquery(words: &[String]) -> String {
    words.iter().map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & ")
}

/// The text for the trigram comparison with names, or empty when the words are too short.
fn fuzzy_text(words: &[String]) -> String {
    if words.iter().any(|w| w.chars().count() >= MIN_FUZZY_CHARS) {
        words.join(" ")
    } else {
        String::new()
    }
}

/// A text match and how well it matched (higher is better).
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct Hit {
    pub facility_id: Uuid,
    pub rank: f32,
}

/// The tenant's facilities (not archived) that match `q`, or `None` when `q` has no words,
/// which means every facility matches.
pub async fn matching(tx: &mut Tx, tenant_id: Uuid, q: &str) -> AppResult<Option<Vec<Hit>>> {
    let words = words(q);
    if words.is_empty() {
        return Ok(None);
    }
    let hits = sqlx::query_as::<_, Hit>(
        "select f.facility_id, \
                (ts_rank_cd(f.search_doc, query) + case when $3 = '' then 0 \
                 else word_similarity(lower(unaccent($3)), f.search_name) end)::float4 as rank \
         from facilities f, to_tsquery('nl_unaccent', $2) as query \
         where f.tenant_id = $1 and not f.archived \
           and (f.search_doc @@ query or ($3 <> '' and lower(unaccent($3)) <% f.search_name))",
    )
    .bind(tenant_id)
    .bind(tsquery(&words))
    .bind(fuzzy_text(&words))
    .fetch_all(&mut **tx)
    .await?;
    Ok(Some(hits))
}

/// Recomputes the search documents of the tenant's facilities `ids` (all when `None`).
pub async fn refresh(tx: &mut Tx, tenant_id: Uuid, ids: Option<&[Uuid]>) -> AppResult<()> {
    sqlx::query("select facility_search_refresh($1, $2)").bind(tenant_id).bind(ids).execute(&mut **tx).await?;
    Ok(())
}

/// Recomputes the search documents of the facilities of the given types (renamed, aliased).
pub async fn refresh_types(tx: &mut Tx, tenant_id: Uuid, codes: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query(
        "select facility_search_refresh($1, array(select distinct facility_id from facility_type_links \
         where tenant_id = $1 and type_code = any ($2)))",
    )
    .bind(tenant_id)
    .bind(codes)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Recomputes the search documents of a provider's facilities (renamed).
pub async fn refresh_provider(tx: &mut Tx, tenant_id: Uuid, provider_id: Uuid) -> AppResult<()> {
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
        assert_eq!(words("Huiskamer's & (café) | !x"), vec!["huiskamer", "café"]);
        assert_eq!(tsquery(&words("buddy project")), "buddy:* & project:*");
        assert!(words("':*&|!()<->").is_empty());
        assert_eq!(words(&"ab ".repeat(100)).len(), MAX_WORDS);
        assert_eq!(fuzzy_text(&words("ab cd")), "");
        assert_eq!(fuzzy_text(&words("huiskammer")), "huiskammer");
    }
}
