//! Matching the words of a search against the projection in memory. PostgreSQL analyses the
//! text (the facility's search document in `nl_unaccent`: Dutch stems of unaccented words; the
//! query through the same configuration); here every query stem must begin a stem of the
//! document, and names also match by trigram similarity (pg_trgm's trigrams), so a typo in a
//! name still finds it.

/// Trigram similarity from which a name word counts as a typo of a query word.
const TYPO_SIMILARITY: f32 = 0.5;
/// Query words shorter than this are not guessed at.
const MIN_TYPO_CHARS: usize = 4;

/// A facility's searchable words: (stem, weight) sorted by stem, and its name's words as
/// trigram sets.
#[derive(Debug, Clone, Default)]
pub struct Searchable {
    stems: Vec<(String, f32)>,
    name_words: Vec<Vec<[char; 3]>>,
}

/// pg_trgm's trigrams of one word: padded with two spaces before and one after.
pub fn trigrams(word: &str) -> Vec<[char; 3]> {
    let chars: Vec<char> = "  ".chars().chain(word.chars()).chain(" ".chars()).collect();
    let mut out: Vec<[char; 3]> = chars.windows(3).map(|w| [w[0], w[1], w[2]]).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn similarity(a: &[[char; 3]], b: &[[char; 3]]) -> f32 {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - shared;
    if union == 0 { 0.0 } else { shared as f32 / union as f32 }
}

fn split_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty())
}

impl Searchable {
    /// From the stems of `search_doc` as `stem weight` (weight A–D) and the unaccented name.
    pub fn new(stems: Vec<String>, search_name: &str) -> Self {
        let mut stems: Vec<(String, f32)> = stems
            .into_iter()
            .filter_map(|s| {
                let (stem, weight) = s.rsplit_once(' ')?;
                let w = match weight {
                    "A" => 1.0,
                    "B" => 0.4,
                    "C" => 0.2,
                    _ => 0.1,
                };
                Some((stem.to_string(), w))
            })
            .collect();
        stems.sort_by(|a, b| a.0.cmp(&b.0));
        Searchable { stems, name_words: split_words(search_name).map(trigrams).collect() }
    }

    /// The best weight of a stem that begins with `prefix`.
    fn prefix_weight(&self, prefix: &str) -> Option<f32> {
        let start = self.stems.partition_point(|(s, _)| s.as_str() < prefix);
        self.stems[start..].iter().take_while(|(s, _)| s.starts_with(prefix)).map(|(_, w)| *w).reduce(f32::max)
    }

    fn name_similarity(&self, word: &[[char; 3]]) -> f32 {
        self.name_words.iter().map(|w| similarity(word, w)).fold(0.0, f32::max)
    }
}

/// A query, analysed: its stems (Dutch, unaccented, no stop words) and its unaccented words.
#[derive(Debug, Clone, Default)]
pub struct Query {
    stems: Vec<String>,
    fuzzy: Vec<Vec<[char; 3]>>,
}

impl Query {
    pub fn new(stems: Vec<String>, plain: &str) -> Self {
        let fuzzy = split_words(plain).filter(|w| w.chars().count() >= MIN_TYPO_CHARS).map(trigrams).collect();
        Query { stems, fuzzy }
    }

    /// How well `s` matches (None: not at all). Every stem must begin a stem of the facility;
    /// failing that, every longer word must be close to a word of its name.
    pub fn rank(&self, s: &Searchable) -> Option<f32> {
        if self.stems.is_empty() && self.fuzzy.is_empty() {
            return Some(0.0);
        }
        let name_bonus = || self.fuzzy.iter().map(|w| s.name_similarity(w)).sum::<f32>() * 0.1;
        if !self.stems.is_empty() {
            let weights: Option<Vec<f32>> = self.stems.iter().map(|stem| s.prefix_weight(stem)).collect();
            if let Some(w) = weights {
                return Some(w.iter().sum::<f32>() + name_bonus());
            }
        }
        if self.fuzzy.is_empty() {
            return None;
        }
        let sims: Vec<f32> = self.fuzzy.iter().map(|w| s.name_similarity(w)).collect();
        sims.iter().all(|x| *x >= TYPO_SIMILARITY).then(|| sims.iter().sum::<f32>() / sims.len() as f32 * 0.5)
    }
}

/// Analyses the words of `q` in PostgreSQL (`None` when it has none: everything matches).
pub async fn analyse(tx: &mut crate::db::Tx, q: &str) -> crate::error::AppResult<Option<Query>> {
    let words = super::text::words(q);
    if words.is_empty() {
        return Ok(None);
    }
    let (stems, plain): (Vec<String>, String) = sqlx::query_as(
        "select array(select lexeme from unnest(to_tsvector('nl_unaccent', $1))), lower(unaccent($1))",
    )
    .bind(words.join(" "))
    .fetch_one(&mut **tx)
    .await?;
    Ok(Some(Query::new(stems, &plain)))
}

/// Each entry's rank for `query`, by position (`None`: no match).
pub fn ranks(query: &Query, index: &super::index::TenantIndex) -> Vec<Option<f32>> {
    index.entries.iter().map(|e| query.rank(&e.search)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Searchable {
        Searchable::new(
            vec!["huiskamer A".into(), "daalhof A".into(), "maatjesproject B".into(), "buddy B".into(), "koffie D".into()],
            "huiskamer daalhof",
        )
    }

    #[test]
    fn stems_match_as_prefixes_with_their_weight() {
        let d = doc();
        assert_eq!(Query::new(vec!["huiskamer".into()], "huiskamers").rank(&d).map(|r| r >= 1.0), Some(true));
        assert!(Query::new(vec!["huisk".into()], "huisk").rank(&d).is_some());
        assert!(Query::new(vec!["buddy".into(), "koffie".into()], "buddy koffie").rank(&d).is_some());
        assert!(Query::new(vec!["voedselbank".into()], "voedselbank").rank(&d).is_none());
        let name = Query::new(vec!["huiskamer".into()], "huiskamer").rank(&d).unwrap();
        let body = Query::new(vec!["koffie".into()], "koffie").rank(&d).unwrap();
        assert!(name > body, "a name outranks the description");
    }

    #[test]
    fn typos_in_names_are_tolerated() {
        let d = doc();
        assert!(Query::new(vec!["huiskamm".into()], "huiskammer").rank(&d).is_some());
        assert!(Query::new(vec!["huiskamer".into(), "dalhof".into()], "huiskamer dalhof").rank(&d).is_some());
        assert!(Query::new(vec!["wijkcentrum".into()], "wijkcentrum").rank(&d).is_none());
        assert!(similarity(&trigrams("huiskammer"), &trigrams("huiskamer")) > 0.7);
    }
}
