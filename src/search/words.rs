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
//! query for typos. This file is the index ([`TextIndex`], built by [`TextIndexBuilder`]); a
//! query and its match against the index are [`super::query`].

use std::collections::{BTreeMap, HashMap};

use super::flat::Lists;

/// Below this similarity, names alike add nothing to a match's rank.
pub(super) const MIN_BONUS_SIMILARITY: f32 = 0.3;

/// A trigram of three characters packed in one number (21 bits each), sortable.
pub(super) type Trigram = u64;

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
pub(super) fn similarity(a: &[Trigram], b: &[Trigram]) -> f32 {
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

pub(super) fn split_words(text: &str) -> impl Iterator<Item = &str> {
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
pub(super) struct Posting(u32);

impl Posting {
    fn new(entry: u32, class: u32) -> Self {
        Posting(entry << 2 | class)
    }

    pub(super) fn entry(self) -> u32 {
        self.0 >> 2
    }

    fn class(self) -> u32 {
        self.0 & 3
    }

    pub(super) fn weight(self) -> f32 {
        WEIGHTS[self.class() as usize]
    }
}

/// The words of all of a tenant's facilities, for [`Query::ranks`](super::query::Query::ranks).
#[derive(Debug, Default)]
pub struct TextIndex {
    /// Distinct stems, sorted.
    pub(super) stems: Vec<Box<str>>,
    /// Per stem: the entries that have it, with their weight.
    pub(super) postings: Lists<Posting>,
    /// Distinct words of names, type names and aliases, as trigram sets.
    pub(super) name_words: Lists<Trigram>,
    /// Per entry: its name's words (positions in `name_words`).
    pub(super) entry_names: Lists<u32>,
    /// Per entry: the words of its types' names and aliases that its name lacks.
    pub(super) entry_type_words: Lists<u32>,
    /// Per word: the entries whose name or types have it.
    pub(super) name_postings: Lists<u32>,
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
    pub(super) fn similarities(&self, word: &[Trigram]) -> Vec<f32> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_come_from_the_text_form_with_their_strongest_weight() {
        assert_eq!(
            stems_of("'huiskam':1A,7 'koffi':2,3C 'o''neil':4B 'a\\\\b':5 'stripped'"),
            ["huiskam A", "koffi C", "o'neil B", "a\\b D", "stripped D"]
        );
        assert!(stems_of("").is_empty());
    }
}
