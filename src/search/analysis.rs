//! What PostgreSQL makes of a text, kept by text: a search query's stems and plain words
//! ([`query::analysis_sql`]) and a name-search text folded as the facility list folds names
//! (`lower(unaccent(..))`). Both depend on the text alone (and on the dictionaries, fixed for
//! a running database), so a text asked for again needs no statement.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, LazyLock, Mutex};

use sqlx::PgPool;

use super::query::{self, Query};
use crate::error::AppResult;

/// At most this many texts are kept per kind; past it, the kept ones are dropped and kept anew.
const CAPACITY: usize = 4_096;

/// Texts analysed so far, by kind.
#[derive(Default)]
pub struct Analyses {
    queries: Kept<String, Option<Arc<Query>>>,
    folds: Kept<String, Arc<str>>,
}

struct Kept<K, V>(Mutex<HashMap<K, V>>);

impl<K, V> Default for Kept<K, V> {
    fn default() -> Self {
        Kept(Mutex::new(HashMap::new()))
    }
}

impl<K: Hash + Eq, V: Clone> Kept<K, V> {
    fn get<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> Option<V>
    where
        K: std::borrow::Borrow<Q>,
    {
        self.0.lock().ok()?.get(key).cloned()
    }

    fn keep(&self, key: K, value: V) {
        if let Ok(mut kept) = self.0.lock() {
            if kept.len() >= CAPACITY {
                kept.clear();
            }
            kept.insert(key, value);
        }
    }

    fn len(&self) -> usize {
        self.0.lock().map(|k| k.len()).unwrap_or(0)
    }
}

static ANALYSIS: LazyLock<String> = LazyLock::new(|| format!("select {}", query::analysis_sql(1)));

impl Analyses {
    /// The analysed query of search text `q`, if already known: `Some(None)` for a text without
    /// words (everything matches).
    pub fn known_query(&self, q: &str) -> Option<Option<Arc<Query>>> {
        let text = query::query_text(q);
        if text.is_empty() {
            return Some(None);
        }
        self.queries.get(text.as_str())
    }

    /// Keeps the analysis of `q` read by a statement of the caller's.
    pub fn keep_query(&self, q: &str, query: Option<Arc<Query>>) {
        let text = query::query_text(q);
        if !text.is_empty() {
            self.queries.keep(text, query);
        }
    }

    /// The analysed query of search text `q` (`None`: no words), with a statement only the
    /// first time the text is asked for.
    pub async fn query(&self, pool: &PgPool, q: &str) -> AppResult<Option<Arc<Query>>> {
        if let Some(known) = self.known_query(q) {
            return Ok(known);
        }
        let (stems, plain): (Option<Vec<String>>, Option<String>) = sqlx::query_as(&ANALYSIS)
            .bind(query::query_text(q))
            .fetch_one(pool)
            .await?;
        let query = query::from_analysis(stems, plain).map(Arc::new);
        self.keep_query(q, query.clone());
        Ok(query)
    }

    /// `text` as PostgreSQL folds names for the facility list: `lower(unaccent(text))`.
    pub async fn folded(&self, pool: &PgPool, text: &str) -> AppResult<Arc<str>> {
        if text.is_empty() {
            return Ok(Arc::from(""));
        }
        if let Some(folded) = self.folds.get(text) {
            return Ok(folded);
        }
        let folded: String = sqlx::query_scalar("select lower(unaccent($1))")
            .bind(text)
            .fetch_one(pool)
            .await?;
        let folded: Arc<str> = Arc::from(folded);
        self.folds.keep(text.to_string(), folded.clone());
        Ok(folded)
    }

    /// How many texts are kept: (queries, folds).
    pub fn len(&self) -> (usize, usize) {
        (self.queries.len(), self.folds.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_texts_are_bounded() {
        let kept: Kept<String, Arc<str>> = Kept::default();
        for i in 0..CAPACITY + 10 {
            kept.keep(i.to_string(), Arc::from("x"));
        }
        assert!(kept.len() <= CAPACITY);
        assert_eq!(
            kept.get((CAPACITY + 9).to_string().as_str()).as_deref(),
            Some("x")
        );
    }

    #[test]
    fn texts_without_words_are_known_without_a_statement() {
        let analyses = Analyses::default();
        assert!(matches!(analyses.known_query("  - ! "), Some(None)));
        assert!(analyses.known_query("koffie").is_none());
        analyses.keep_query("Koffie!", None);
        assert!(
            analyses.known_query("koffie").is_some(),
            "kept by its words"
        );
    }
}
