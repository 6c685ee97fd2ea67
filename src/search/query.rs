//! A search's query: its words rebuilt from the letters and digits typed ([`query_text`]),
//! analysed by PostgreSQL ([`analysis_sql`], [`from_analysis`]), and matched against a
//! tenant's [`TextIndex`]: every query stem must begin a stem of the document, or every longer
//! word must be close to a word of the name or the types (a typo); the outcome is [`Ranks`].

use super::bits::Bits;
use super::words::{split_words, trigrams, TextIndex, Trigram};

/// Trigram similarity from which a name word counts as a typo of a query word.
const TYPO_SIMILARITY: f32 = 0.5;
/// A word of a type's name or alias counts this much of a word of the facility's own name.
const TYPE_WORD_FACTOR: f32 = 0.8;
/// Query words shorter than this are not guessed at.
const MIN_TYPO_CHARS: usize = 4;

/// A query, analysed: its stems (Dutch, unaccented, no stop words) and its unaccented words.
#[derive(Debug, Clone, Default)]
pub struct Query {
    stems: Vec<String>,
    fuzzy: Vec<Vec<Trigram>>,
}

/// The outcome of a text match: which entries match and how well.
#[derive(Debug, Clone)]
pub struct Ranks {
    pub matched: Bits,
    /// By entry position; meaningful for matched entries only.
    pub rank: Vec<f32>,
}

impl Ranks {
    pub fn of(&self, entry: usize) -> Option<f32> {
        self.matched.contains(entry).then(|| self.rank[entry])
    }
}

impl Query {
    pub fn new(stems: Vec<String>, plain: &str) -> Self {
        let fuzzy = split_words(plain)
            .filter(|w| w.chars().count() >= MIN_TYPO_CHARS)
            .map(trigrams)
            .collect();
        Query { stems, fuzzy }
    }

    /// Every entry's match. An entry matches when every stem begins one of its stems (rank:
    /// the sum of their best weights, plus a little for names alike), or else when every
    /// longer query word is close to a word of its name or of its types' names and aliases (a
    /// typo; ranked lower, a type's word a little lower than the name's).
    pub fn ranks(&self, text: &TextIndex) -> Ranks {
        let n = text.entry_names.len();
        if self.stems.is_empty() && self.fuzzy.is_empty() {
            return Ranks {
                matched: Bits::full(n),
                rank: vec![0.0; n],
            };
        }
        let mut rank = vec![0.0f32; n];
        let mut matched = Bits::full(n);
        if self.stems.is_empty() {
            matched = Bits::empty(n);
        }
        // Per stem, each entry's best weight; only the entries its postings name are visited
        // (and put back to 0 for the next stem).
        let mut best = vec![0.0f32; n];
        let mut touched: Vec<u32> = Vec::new();
        for stem in &self.stems {
            touched.clear();
            let start = text.stems.partition_point(|s| &**s < stem.as_str());
            for postings in text.stems[start..]
                .iter()
                .enumerate()
                .take_while(|(_, s)| s.starts_with(stem.as_str()))
                .map(|(i, _)| text.postings.get(start + i))
            {
                for p in postings {
                    let b = &mut best[p.entry() as usize];
                    if *b == 0.0 {
                        touched.push(p.entry());
                    }
                    *b = b.max(p.weight());
                }
            }
            let mut hit = Bits::empty(n);
            for e in touched.iter().map(|e| *e as usize) {
                let b = std::mem::take(&mut best[e]);
                if b > 0.0 {
                    hit.set(e);
                    rank[e] += b;
                }
            }
            matched.and(&hit);
        }
        if self.fuzzy.is_empty() {
            return Ranks { matched, rank };
        }
        // Per query word, its similarity to every distinct name word (0 below
        // MIN_BONUS_SIMILARITY), from the trigrams they share: only words sharing one are visited.
        let sims: Vec<Vec<f32>> = self.fuzzy.iter().map(|w| text.similarities(w)).collect();
        let best = |e: usize, s: &[f32]| {
            let name = text
                .entry_names
                .get(e)
                .iter()
                .map(|id| s[*id as usize])
                .fold(0.0, f32::max);
            let types = text
                .entry_type_words
                .get(e)
                .iter()
                .map(|id| s[*id as usize] * TYPE_WORD_FACTOR)
                .fold(0.0, f32::max);
            name.max(types)
        };
        // Names alike add a little to the matches' rank.
        for e in matched.ones() {
            rank[e] += sims.iter().map(|s| best(e, s)).sum::<f32>() * 0.1;
        }
        // A typo: every query word close to a word of the name or the types (only entries that
        // have such words are visited).
        let mut typo = Bits::full(n);
        for s in &sims {
            let mut close = Bits::empty(n);
            for (id, _) in s.iter().enumerate().filter(|(_, x)| **x >= TYPO_SIMILARITY) {
                text.name_postings
                    .get(id)
                    .iter()
                    .for_each(|e| close.set(*e as usize));
            }
            typo.and(&close);
        }
        typo.and_not(&matched);
        for e in typo.ones() {
            matched.set(e);
            rank[e] = sims.iter().map(|s| best(e, s)).sum::<f32>() / self.fuzzy.len() as f32 * 0.5;
        }
        Ranks { matched, rank }
    }
}

/// At most this many words of a query count; the rest is ignored.
const MAX_WORDS: usize = 8;
const MAX_WORD_CHARS: usize = 40;

/// The words of a query: runs of letters and digits, lowercased; single letters are dropped.
fn query_words(q: &str) -> Vec<String> {
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

/// The words of `q` for PostgreSQL to analyse (empty: none, everything matches).
pub fn query_text(q: &str) -> String {
    query_words(q).join(" ")
}

/// The select-list items that analyse `$n` (the words of [`query_text`]): its stems and its
/// unaccented lowercase text, both null when it is empty.
pub fn analysis_sql(n: usize) -> String {
    format!(
        "case when ${n} = '' then null else array(select lexeme from unnest(to_tsvector('nl_unaccent', ${n}))) end, \
         case when ${n} = '' then null else lower(unaccent(${n})) end"
    )
}

/// The query from the analysis columns of [`analysis_sql`] (`None`: no words).
pub fn from_analysis(stems: Option<Vec<String>>, plain: Option<String>) -> Option<Query> {
    Some(Query::new(stems?, &plain?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::words::{similarity, trigrams, TextIndexBuilder, MIN_BONUS_SIMILARITY};

    fn index() -> TextIndex {
        let mut b = TextIndexBuilder::default();
        b.add(
            &[
                "huiskamer A".into(),
                "daalhof A".into(),
                "maatjesproject B".into(),
                "buddy B".into(),
                "koffie D".into(),
            ],
            "huiskamer daalhof",
            &[
                "huiskamerproject",
                "maatjesproject vriendendienst buddyproject",
            ],
        );
        b.add(
            &["voedselbank A".into(), "koffie A".into()],
            "voedselbank",
            &["voedselbank"],
        );
        b.build()
    }

    fn rank(stems: &[&str], plain: &str) -> Option<f32> {
        Query::new(stems.iter().map(|s| s.to_string()).collect(), plain)
            .ranks(&index())
            .of(0)
    }

    #[test]
    fn stems_match_as_prefixes_with_their_weight() {
        assert_eq!(
            rank(&["huiskamer"], "huiskamers").map(|r| r >= 1.0),
            Some(true)
        );
        assert!(rank(&["huisk"], "huisk").is_some());
        assert!(rank(&["buddy", "koffie"], "buddy koffie").is_some());
        assert!(rank(&["voedselbank"], "voedselbank").is_none());
        let name = rank(&["huiskamer"], "huiskamer").unwrap();
        let body = rank(&["koffie"], "koffie").unwrap();
        assert!(name > body, "a name outranks the description");
        let both = Query::new(vec!["koffie".into()], "koffie").ranks(&index());
        assert_eq!(both.matched.count(), 2);
        assert!(
            both.of(1).unwrap() > both.of(0).unwrap(),
            "weight A beats weight D"
        );
        assert_eq!(
            Query::default().ranks(&index()).matched.count(),
            2,
            "no words: everything"
        );
    }

    #[test]
    fn typos_in_names_are_tolerated() {
        assert!(rank(&["huiskamm"], "huiskammer").is_some());
        assert!(rank(&["huiskamer", "dalhof"], "huiskamer dalhof").is_some());
        assert!(rank(&["wijkcentrum"], "wijkcentrum").is_none());
        assert!(similarity(&trigrams("huiskammer"), &trigrams("huiskamer")) > 0.7);
        let typo = Query::new(vec!["voedselbamk".into()], "voedselbamk").ranks(&index());
        assert_eq!(typo.matched.ones().collect::<Vec<_>>(), vec![1]);
    }

    #[test]
    fn typos_in_type_names_and_aliases_are_tolerated() {
        let text = index();
        let found = |plain: &str| {
            Query::new(vec![plain.into()], plain)
                .ranks(&text)
                .matched
                .ones()
                .collect::<Vec<_>>()
        };
        assert_eq!(found("maatjesprojct"), vec![0], "a type name");
        assert_eq!(found("huiskammerproject"), vec![0], "a type name");
        assert_eq!(found("vriendendiest"), vec![0], "an alias");
        assert!(found("fietsenmaker").is_empty());
        // The name's own word outranks a type's word alike.
        let by_name = rank(&["dalhof"], "dalhof").unwrap();
        let by_type = rank(&["buddyprojekt"], "buddyprojekt").unwrap();
        assert!(by_name > by_type, "{by_name} > {by_type}");
    }

    #[test]
    fn similarities_from_postings_are_pg_trgm_similarities() {
        let text = index();
        for word in ["huiskammer", "daalhof", "voedselbamk", "xyz", "huis"] {
            let w = trigrams(word);
            let fast = text.similarities(&w);
            for (id, name) in text.name_words.iter().enumerate() {
                let slow = similarity(&w, name);
                let expected = if slow < MIN_BONUS_SIMILARITY {
                    0.0
                } else {
                    slow
                };
                assert!(
                    (fast[id] - expected).abs() < 1e-6,
                    "{word} vs word {id}: {} ≠ {expected}",
                    fast[id]
                );
            }
        }
    }

    #[test]
    fn queries_are_rebuilt_from_words() {
        assert_eq!(
            query_words("Huiskamer's & (café) | !x"),
            vec!["huiskamer", "café"]
        );
        assert!(query_words("':*&|!()<->").is_empty());
        assert_eq!(query_words("1 a"), vec!["1"]);
        assert_eq!(query_words(&"ab ".repeat(100)).len(), MAX_WORDS);
    }
}
