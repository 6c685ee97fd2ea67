//! The words of a search: rebuilt from the query's letters and digits (so no input reaches
//! PostgreSQL as search syntax), then matched against the projection in memory. PostgreSQL
//! analyses the text (the facility's search document in `nl_unaccent`: Dutch stems of
//! unaccented words; the query through the same configuration); here every query stem must
//! begin a stem of the document, and names, type names and type aliases also match by trigram
//! similarity (pg_trgm's trigrams), so a typo in a name or a type ("maatjesprojct") still finds
//! it.
//!
//! The tenant's words are an inverted index: its stems sorted once, each with the facilities
//! (and weights) that have it, so a query stem costs two binary searches and its postings; and
//! the distinct words of its names and of its types' names and aliases, each compared once per
//! query for typos.

use std::collections::{BTreeMap, HashMap};

use super::bits::Bits;
use super::flat::Lists;

/// Trigram similarity from which a name word counts as a typo of a query word.
const TYPO_SIMILARITY: f32 = 0.5;
/// A word of a type's name or alias counts this much of a word of the facility's own name.
const TYPE_WORD_FACTOR: f32 = 0.8;
/// Below this similarity, names alike add nothing to a match's rank.
const MIN_BONUS_SIMILARITY: f32 = 0.3;
/// Query words shorter than this are not guessed at.
const MIN_TYPO_CHARS: usize = 4;

/// A trigram of three characters packed in one number (21 bits each), sortable.
type Trigram = u64;

/// pg_trgm's trigrams of one word: padded with two spaces before and one after, sorted.
pub fn trigrams(word: &str) -> Vec<Trigram> {
    let chars: Vec<char> = "  "
        .chars()
        .chain(word.chars())
        .chain(" ".chars())
        .collect();
    let mut out: Vec<Trigram> = chars
        .windows(3)
        .map(|w| ((w[0] as u64) << 42) | ((w[1] as u64) << 21) | w[2] as u64)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// pg_trgm's similarity of two trigram sets (the index computes it from shared postings).
#[cfg(test)]
fn similarity(a: &[Trigram], b: &[Trigram]) -> f32 {
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
    if union == 0 {
        0.0
    } else {
        shared as f32 / union as f32
    }
}

fn split_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The weights of a search document's weight classes (A: name … D: the rest), by class.
const WEIGHTS: [f32; 4] = [1.0, 0.4, 0.2, 0.1];

/// A search document's weight class as a position in [`WEIGHTS`].
fn class_of(class: &str) -> u32 {
    match class {
        "A" => 0,
        "B" => 1,
        "C" => 2,
        _ => 3,
    }
}

/// An entry that has a stem, and its strongest weight class, in one `u32` (the entry above
/// two bits of class): half the memory of an (entry, weight) pair, and postings are the
/// projection's largest part.
#[derive(Debug, Clone, Copy)]
struct Posting(u32);

impl Posting {
    fn new(entry: u32, class: u32) -> Self {
        Posting(entry << 2 | class)
    }

    fn entry(self) -> u32 {
        self.0 >> 2
    }

    fn class(self) -> u32 {
        self.0 & 3
    }

    fn weight(self) -> f32 {
        WEIGHTS[self.class() as usize]
    }
}

/// The words of all of a tenant's facilities, for [`Query::ranks`].
#[derive(Debug, Default)]
pub struct TextIndex {
    /// Distinct stems, sorted.
    stems: Vec<Box<str>>,
    /// Per stem: the entries that have it, with their weight.
    postings: Lists<Posting>,
    /// Distinct words of names, type names and aliases, as trigram sets.
    name_words: Lists<Trigram>,
    /// Per entry: its name's words (positions in `name_words`).
    entry_names: Lists<u32>,
    /// Per entry: the words of its types' names and aliases that its name lacks.
    entry_type_words: Lists<u32>,
    /// Per word: the entries whose name or types have it.
    name_postings: Lists<u32>,
    /// The distinct trigrams of the name words, sorted.
    trigrams: Vec<Trigram>,
    /// Per trigram (as in `trigrams`): the name words that have it.
    trigram_postings: Lists<u32>,
}

impl TextIndex {
    /// An estimate of the heap memory it holds, in bytes.
    pub fn bytes(&self) -> usize {
        self.stems.capacity() * 16
            + self.stems.iter().map(|s| s.len()).sum::<usize>()
            + self.postings.bytes()
            + self.name_words.bytes()
            + self.entry_names.bytes()
            + self.entry_type_words.bytes()
            + self.name_postings.bytes()
            + self.trigrams.capacity() * 8
            + self.trigram_postings.bytes()
    }

    /// The similarity of `word` to every distinct name word, 0 below MIN_BONUS_SIMILARITY.
    fn similarities(&self, word: &[Trigram]) -> Vec<f32> {
        let mut shared = vec![0u16; self.name_words.len()];
        for t in word {
            if let Ok(i) = self.trigrams.binary_search(t) {
                for id in self.trigram_postings.get(i) {
                    shared[*id as usize] += 1;
                }
            }
        }
        shared
            .iter()
            .zip(self.name_words.iter())
            .map(|(n, name)| {
                let n = *n as usize;
                let x = if n == 0 {
                    0.0
                } else {
                    n as f32 / (word.len() + name.len() - n) as f32
                };
                if x < MIN_BONUS_SIMILARITY {
                    0.0
                } else {
                    x
                }
            })
            .collect()
    }
}

/// The lexemes of a tsvector in PostgreSQL's text form (`'huiskam':1A,4 'koffi':2B`), each as
/// `lexeme weight` with its strongest weight (A, the name, first; D when none is written or the
/// lexeme has no positions): what [`TextIndexBuilder::add`] takes.
pub fn stems_of(tsvector: &str) -> Vec<String> {
    let mut stems = Vec::new();
    let mut chars = tsvector.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        // Quotes and backslashes in a lexeme are written twice.
        let mut lexeme = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\'' if chars.peek() == Some(&'\'') => {
                    chars.next();
                    lexeme.push('\'');
                }
                '\'' => break,
                '\\' => lexeme.extend(chars.next()),
                c => lexeme.push(c),
            }
        }
        let mut strongest = 'D';
        if chars.peek() == Some(&':') {
            while let Some(&c) = chars.peek() {
                if c == ' ' {
                    break;
                }
                chars.next();
                if matches!(c, 'A' | 'B' | 'C') && c < strongest {
                    strongest = c;
                }
            }
        }
        lexeme.push(' ');
        lexeme.push(strongest);
        stems.push(lexeme);
    }
    stems
}

/// Builds a [`TextIndex`], one entry after the other.
#[derive(Default)]
pub struct TextIndexBuilder {
    stems: BTreeMap<String, Vec<Posting>>,
    name_words: HashMap<String, u32>,
    trigrams: Vec<Vec<Trigram>>,
    entry_names: Vec<Vec<u32>>,
    entry_type_words: Vec<Vec<u32>>,
}

impl TextIndexBuilder {
    /// Adds the next entry: its stems as `stem weight` (weight A–D, from `search_doc`), its
    /// unaccented lowercase name and the unaccented lowercase names and aliases of its types.
    pub fn add(&mut self, stems: &[String], search_name: &str, type_texts: &[&str]) {
        let entry = self.entry_names.len() as u32;
        for s in stems {
            let Some((stem, class)) = s.rsplit_once(' ') else {
                continue;
            };
            let postings = match self.stems.get_mut(stem) {
                Some(postings) => postings,
                None => self.stems.entry(stem.to_string()).or_default(),
            };
            let class = class_of(class);
            match postings.last_mut() {
                Some(p) if p.entry() == entry => *p = Posting::new(entry, p.class().min(class)),
                _ => postings.push(Posting::new(entry, class)),
            }
        }
        let mut names = Vec::new();
        for word in split_words(search_name) {
            let id = self.word(word);
            if !names.contains(&id) {
                names.push(id);
            }
        }
        let mut type_words = Vec::new();
        for word in type_texts.iter().flat_map(|t| split_words(t)) {
            let id = self.word(word);
            if !names.contains(&id) && !type_words.contains(&id) {
                type_words.push(id);
            }
        }
        self.entry_names.push(names);
        self.entry_type_words.push(type_words);
    }

    /// The position of a distinct word, added when new.
    fn word(&mut self, word: &str) -> u32 {
        let next = self.name_words.len() as u32;
        let id = *self.name_words.entry(word.to_string()).or_insert(next);
        if id == next {
            self.trigrams.push(trigrams(word));
        }
        id
    }

    pub fn build(self) -> TextIndex {
        let (stems, postings): (Vec<Box<str>>, Vec<Vec<Posting>>) = self
            .stems
            .into_iter()
            .map(|(s, p)| (s.into_boxed_str(), p))
            .unzip();
        let mut name_postings = vec![Vec::new(); self.trigrams.len()];
        for (e, (names, types)) in self
            .entry_names
            .iter()
            .zip(&self.entry_type_words)
            .enumerate()
        {
            for id in names.iter().chain(types) {
                name_postings[*id as usize].push(e as u32);
            }
        }
        let mut by_trigram: BTreeMap<Trigram, Vec<u32>> = BTreeMap::new();
        for (id, word) in self.trigrams.iter().enumerate() {
            for t in word {
                by_trigram.entry(*t).or_default().push(id as u32);
            }
        }
        let (trigrams, trigram_postings): (Vec<Trigram>, Vec<Vec<u32>>) =
            by_trigram.into_iter().unzip();
        TextIndex {
            stems,
            postings: Lists::new(postings),
            name_words: Lists::new(self.trigrams),
            entry_names: Lists::new(self.entry_names),
            entry_type_words: Lists::new(self.entry_type_words),
            name_postings: Lists::new(name_postings),
            trigrams,
            trigram_postings: Lists::new(trigram_postings),
        }
    }
}

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
    #[test]
    fn stems_come_from_the_text_form_with_their_strongest_weight() {
        assert_eq!(
            stems_of("'huiskam':1A,7 'koffi':2,3C 'o''neil':4B 'a\\\\b':5 'stripped'"),
            ["huiskam A", "koffi C", "o'neil B", "a\\b D", "stripped D"]
        );
        assert!(stems_of("").is_empty());
    }

    use super::*;

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
