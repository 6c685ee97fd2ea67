//! The search's filters by name: the code filters (one option chosen from a list) and the
//! yes/no flags, and arrays with one value per filter indexed by them, so that no filter is
//! known by a bare number.

use std::ops::{Index, IndexMut};

/// The single-valued code filters, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeFilter {
    Levensgebied,
    Type,
    Functie,
    Bouwsteen,
    Doelgroep,
    /// A gemeente, wijk or buurt: located in or serving it.
    Gebied,
}

impl CodeFilter {
    pub const COUNT: usize = 6;
    pub const ALL: [CodeFilter; CodeFilter::COUNT] = [
        CodeFilter::Levensgebied,
        CodeFilter::Type,
        CodeFilter::Functie,
        CodeFilter::Bouwsteen,
        CodeFilter::Doelgroep,
        CodeFilter::Gebied,
    ];

    /// Its URL parameter.
    pub fn key(self) -> &'static str {
        match self {
            CodeFilter::Levensgebied => "levensgebied",
            CodeFilter::Type => "type",
            CodeFilter::Functie => "functie",
            CodeFilter::Bouwsteen => "bouwsteen",
            CodeFilter::Doelgroep => "doelgroep",
            CodeFilter::Gebied => "gebied",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CodeFilter::Levensgebied => "Levensgebied",
            CodeFilter::Type => "Soort voorziening",
            CodeFilter::Functie => "Functie",
            CodeFilter::Bouwsteen => "Bouwsteen",
            CodeFilter::Doelgroep => "Doelgroep",
            CodeFilter::Gebied => "Wijk of buurt",
        }
    }

    pub fn from_key(key: &str) -> Option<CodeFilter> {
        CodeFilter::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// The yes/no filters, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// Free access: no indication needed (`access = 'vrij'`).
    NoIndication,
    /// No own contribution (`own_contribution` is `geen`, or `consumpties`: paying for coffee or
    /// materials is no eigen bijdrage, the Maastricht beleidsnotitie Algemene voorzieningen 2020).
    NoOwnContribution,
    WheelchairAccessible,
}

impl Flag {
    pub const COUNT: usize = 3;
    pub const ALL: [Flag; Flag::COUNT] = [
        Flag::NoIndication,
        Flag::NoOwnContribution,
        Flag::WheelchairAccessible,
    ];

    /// Its URL parameter.
    pub fn key(self) -> &'static str {
        match self {
            Flag::NoIndication => "vrij",
            Flag::NoOwnContribution => "gratis",
            Flag::WheelchairAccessible => "rolstoel",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Flag::NoIndication => "Zonder indicatie",
            Flag::NoOwnContribution => "Geen eigen bijdrage",
            Flag::WheelchairAccessible => "Rolstoeltoegankelijk",
        }
    }

    pub fn from_key(key: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.key() == key)
    }
}

/// One `T` per [`CodeFilter`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PerCodeFilter<T>(pub [T; CodeFilter::COUNT]);

impl<T> PerCodeFilter<T> {
    /// Each filter with its value, in [`CodeFilter::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (CodeFilter, &T)> {
        CodeFilter::ALL.into_iter().zip(&self.0)
    }
}

impl<T> Index<CodeFilter> for PerCodeFilter<T> {
    type Output = T;
    fn index(&self, filter: CodeFilter) -> &T {
        &self.0[filter as usize]
    }
}

impl<T> IndexMut<CodeFilter> for PerCodeFilter<T> {
    fn index_mut(&mut self, filter: CodeFilter) -> &mut T {
        &mut self.0[filter as usize]
    }
}

/// One `T` per [`Flag`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PerFlag<T>(pub [T; Flag::COUNT]);

impl<T> PerFlag<T> {
    /// Each flag with its value, in [`Flag::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Flag, &T)> {
        Flag::ALL.into_iter().zip(&self.0)
    }
}

impl<T> Index<Flag> for PerFlag<T> {
    type Output = T;
    fn index(&self, flag: Flag) -> &T {
        &self.0[flag as usize]
    }
}

impl<T> IndexMut<Flag> for PerFlag<T> {
    fn index_mut(&mut self, flag: Flag) -> &mut T {
        &mut self.0[flag as usize]
    }
}

/// Opening times as the index keeps them: a slot per weekday and dagdeel.
pub const OPENING_SLOTS: usize = 7 * 3;

/// The slot of (weekday 1–7, dagdeel 0–2: a position in `DAGDELEN`).
pub fn opening_slot(weekday: usize, dagdeel: usize) -> usize {
    (weekday - 1) * 3 + dagdeel
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_their_filters_and_positions_follow_the_order_shown() {
        for (at, f) in CodeFilter::ALL.into_iter().enumerate() {
            assert_eq!(CodeFilter::from_key(f.key()), Some(f));
            assert_eq!(f as usize, at);
        }
        for (at, f) in Flag::ALL.into_iter().enumerate() {
            assert_eq!(Flag::from_key(f.key()), Some(f));
            assert_eq!(f as usize, at);
        }
        assert_eq!(CodeFilter::from_key("vrij"), None);
        let mut per = PerCodeFilter::<u8>::default();
        per[CodeFilter::Gebied] = 5;
        assert_eq!(per.0[5], 5);
        assert_eq!(opening_slot(7, 2), OPENING_SLOTS - 1);
    }
}
