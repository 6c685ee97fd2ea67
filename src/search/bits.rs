//! A fixed-size set of entry positions as a bit vector: the search's filters, facet counts
//! and text matches are ANDs and population counts over these, a few dozen machine words per
//! thousand facilities.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bits {
    words: Vec<u64>,
    len: usize,
}

impl Bits {
    /// The heap memory it holds, in bytes.
    pub fn bytes(&self) -> usize {
        self.words.capacity() * 8
    }

    /// No position set, room for `len`.
    pub fn empty(len: usize) -> Self {
        Bits {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// Every position below `len` set.
    pub fn full(len: usize) -> Self {
        let mut bits = Bits {
            words: vec![u64::MAX; len.div_ceil(64)],
            len,
        };
        if !len.is_multiple_of(64) {
            if let Some(last) = bits.words.last_mut() {
                *last = (1u64 << (len % 64)) - 1;
            }
        }
        bits
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn set(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    pub fn contains(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }

    /// Keeps only the positions also in `other`.
    pub fn and(&mut self, other: &Bits) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a &= *b);
    }

    /// Adds the positions of `other`.
    pub fn or(&mut self, other: &Bits) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a |= *b);
    }

    /// Keeps only the positions not in `other`.
    pub fn and_not(&mut self, other: &Bits) {
        self.words
            .iter_mut()
            .zip(&other.words)
            .for_each(|(a, b)| *a &= !*b);
    }

    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// How many positions are in both.
    pub fn count_and(&self, other: &Bits) -> usize {
        self.words
            .iter()
            .zip(&other.words)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }

    /// How many positions are in all three.
    pub fn count_and2(&self, b: &Bits, c: &Bits) -> usize {
        self.words
            .iter()
            .zip(&b.words)
            .zip(&c.words)
            .map(|((a, b), c)| (a & b & c).count_ones() as usize)
            .sum()
    }

    /// The set positions, ascending.
    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, word)| {
            let mut rest = *word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(w * 64 + bit)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Bits;

    #[test]
    fn sets_combine_and_count() {
        let mut a = Bits::empty(130);
        for i in [0, 5, 64, 129] {
            a.set(i);
        }
        let full = Bits::full(130);
        assert_eq!(full.count(), 130);
        assert_eq!(a.count_and(&full), 4);
        assert_eq!(a.ones().collect::<Vec<_>>(), vec![0, 5, 64, 129]);
        let mut rest = full.clone();
        rest.and_not(&a);
        assert_eq!(rest.count(), 126);
        assert!(!rest.contains(64) && rest.contains(63));
        let mut b = Bits::empty(130);
        b.set(5);
        b.set(6);
        let mut both = a.clone();
        both.and(&b);
        assert_eq!(both.ones().collect::<Vec<_>>(), vec![5]);
        both.or(&b);
        assert_eq!(both.count(), 2);
        assert_eq!(a.count_and2(&b, &full), 1);
        assert_eq!(Bits::full(64).count(), 64);
        assert!(Bits::empty(0).is_empty());
    }
}
