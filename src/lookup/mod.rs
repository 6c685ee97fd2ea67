//! Finding facilities (DOMAIN.md §5): the wijkteam's lookup, handouts, referral counts and
//! the public sociale kaart.

pub mod text;
