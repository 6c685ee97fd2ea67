//! Many short lists laid end to end in one vector: list `i` is `data[ends[i - 1]..ends[i]]`.
//! A projection holds tens of thousands of short lists (per stem its postings, per entry its
//! words); as `Vec<Vec<_>>` each would cost a 24-byte header and an allocation of its own.

/// Lists laid end to end.
#[derive(Debug, Clone)]
pub struct Lists<T> {
    /// Where each list ends in `data`.
    ends: Vec<u32>,
    data: Vec<T>,
}

impl<T> Default for Lists<T> {
    fn default() -> Self {
        Lists {
            ends: Vec::new(),
            data: Vec::new(),
        }
    }
}

impl<T: Copy> Lists<T> {
    /// The lists, in their order.
    pub fn new(lists: Vec<Vec<T>>) -> Self {
        let mut data = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        let mut ends = Vec::with_capacity(lists.len());
        for list in lists {
            data.extend(list);
            ends.push(data.len() as u32);
        }
        Lists { ends, data }
    }

    /// List `i`.
    pub fn get(&self, i: usize) -> &[T] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.data[start..self.ends[i] as usize]
    }

    /// How many lists.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Every list, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[T]> {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The heap memory it holds, in bytes.
    pub fn bytes(&self) -> usize {
        self.ends.capacity() * 4 + self.data.capacity() * std::mem::size_of::<T>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_laid_end_to_end_come_back_as_they_were() {
        let lists = Lists::new(vec![vec![1u32, 2], vec![], vec![3], vec![]]);
        assert_eq!(lists.len(), 4);
        assert_eq!(
            lists.iter().collect::<Vec<_>>(),
            [&[1, 2][..], &[], &[3], &[]]
        );
        assert_eq!(lists.bytes(), 4 * 4 + 3 * 4);
        assert!(Lists::<u32>::new(Vec::new()).is_empty());
    }
}
