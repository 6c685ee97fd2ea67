//! What a partner sees of the double-funding check (the official sees the exact counts):
//! counts of people below 5 as "< 5", as pilot monitoring shows them; and when fewer than 5 of
//! the partner's own uploaded participants fall outside the overlap, the overlap as "n of
//! meer", because otherwise a list of only the people the partner suspects would tell it that
//! each of them has maatwerk. Together with the minimum upload (a setting, default 10 different
//! pseudonyms) a partner cannot learn about one resident by uploading one pseudonym, nine and
//! repeats, or one among pseudonyms it made up.

use super::store::Overlap;

/// Below this, a count of people is not shown to a partner.
pub const SMALLEST_SHOWN: i32 = 5;

/// A count of people as a partner may see it.
pub fn count(n: i32) -> String {
    if n < SMALLEST_SHOWN {
        format!("< {SMALLEST_SHOWN}")
    } else {
        n.to_string()
    }
}

/// The overlap of `uploaded` participants as their partner may see it.
pub fn overlap(overlap: i32, uploaded: i32) -> String {
    if overlap < SMALLEST_SHOWN {
        count(overlap)
    } else if uploaded - overlap < SMALLEST_SHOWN {
        format!(
            "{} of meer",
            (uploaded - SMALLEST_SHOWN + 1).max(SMALLEST_SHOWN)
        )
    } else {
        overlap.to_string()
    }
}

/// The rule in the words of the pages.
pub fn rule(minimum: usize) -> String {
    format!(
        "Een aanbieder ziet alleen zijn eigen uitkomst. Aantallen onder de {SMALLEST_SHOWN} ziet hij als ‘< {SMALLEST_SHOWN}’. \
         Vallen minder dan {SMALLEST_SHOWN} van zijn eigen deelnemers buiten de overlap, dan ziet hij de overlap als \
         ‘… of meer’, zodat ook een lijst van alleen vermoede maatwerkcliënten niets over één persoon zegt. Een \
         upload met minder dan {minimum} verschillende pseudoniemen wordt geweigerd (een herhaling telt één keer)."
    )
}

impl Overlap {
    /// The overlap as the partner sees it.
    pub fn partner_overlap(&self) -> String {
        overlap(self.overlap_count, self.provider_count)
    }

    /// The municipality's maatwerk clients as the partner sees them.
    pub fn partner_maatwerk(&self) -> String {
        count(self.maatwerk_count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_hidden() {
        assert_eq!(count(0), "< 5");
        assert_eq!(count(1), "< 5");
        assert_eq!(count(4), "< 5");
        assert_eq!(count(5), "5");
        assert_eq!(count(1234), "1234");
    }

    #[test]
    fn one_resident_cannot_be_told_apart() {
        // One target among nine made-up pseudonyms: in maatwerk or not, the same answer.
        assert_eq!(overlap(1, 10), overlap(0, 10));
        // One target among nine people the partner knows have maatwerk: the same answer.
        assert_eq!(overlap(10, 10), overlap(9, 10));
        assert_eq!(overlap(10, 10), "6 of meer");
        // Ten suspects: "all of them" is never said.
        assert_ne!(overlap(10, 10), "10");
        assert_eq!(overlap(20, 20), "16 of meer");
        assert_eq!(overlap(5, 9), "5 of meer");
        // In between, the count itself.
        assert_eq!(overlap(12, 40), "12");
        assert_eq!(overlap(35, 40), "35");
        assert_eq!(overlap(36, 40), "36 of meer");
    }
}
