//! The search's URL parameters, read leniently: any query string gives a search (values that
//! make no sense are dropped with a notice), and every search can be written back as a URL.

use super::filters::{CodeFilter, Flag, PerCodeFilter, PerFlag};
use crate::register::facilities::hours::{DAGDELEN, WEEKDAYS};

const MAX_Q_CHARS: usize = 200;
const MAX_CODE_CHARS: usize = 60;
pub const MAX_PAGE: usize = 10_000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchParams {
    pub q: String,
    /// The chosen option of each code filter.
    pub codes: PerCodeFilter<Option<String>>,
    /// Which flags are set.
    pub flags: PerFlag<bool>,
    /// 1 = Monday … 7 = Sunday.
    pub day: Option<usize>,
    /// Position in [`DAGDELEN`].
    pub dagdeel: Option<usize>,
    /// Only facilities with places kept free for walk-ins at the chosen day and dagdeel (the
    /// wijkteam's search; the capacity is internal, so the public kaart ignores it).
    pub walk_in: bool,
    /// CBS code of the buurt to order by nearness to.
    pub near: Option<String>,
    pub page: usize,
    /// Values that were dropped, in words.
    pub notices: Vec<String>,
}

fn clean(value: &str, max: usize) -> String {
    value
        .chars()
        .filter(|c| !c.is_control())
        .take(max)
        .collect::<String>()
        .trim()
        .to_string()
}

fn code(value: &str) -> Option<String> {
    let v = clean(value, MAX_CODE_CHARS);
    (!v.is_empty()).then_some(v)
}

impl SearchParams {
    /// Reads a raw query string; the last of repeated parameters wins, and a value that was
    /// dropped gives one notice however often it was repeated.
    pub fn parse(raw: Option<&str>) -> Self {
        let mut p = SearchParams {
            page: 1,
            ..Default::default()
        };
        let (mut bad_day, mut bad_dagdeel) = (false, false);
        for (key, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let value = value.as_ref();
            if let Some(f) = CodeFilter::from_key(&key) {
                p.codes[f] = code(value);
            } else if let Some(f) = Flag::from_key(&key) {
                p.flags[f] = matches!(value, "1" | "ja" | "on" | "true");
            } else {
                match key.as_ref() {
                    "q" => p.q = clean(value, MAX_Q_CHARS),
                    "dag" => {
                        p.day = WEEKDAYS
                            .iter()
                            .position(|(short, long)| *short == value || *long == value)
                            .map(|d| d + 1);
                        bad_day = p.day.is_none() && !value.is_empty();
                    }
                    "dagdeel" => {
                        p.dagdeel = DAGDELEN.iter().position(|d| *d == value);
                        bad_dagdeel = p.dagdeel.is_none() && !value.is_empty();
                    }
                    "inloop" => p.walk_in = matches!(value, "1" | "ja" | "on" | "true"),
                    "bij" => p.near = code(value).map(|v| v.to_uppercase()),
                    "pagina" => {
                        p.page = value
                            .trim()
                            .parse()
                            .ok()
                            .filter(|n| (1..=MAX_PAGE).contains(n))
                            .unwrap_or(1)
                    }
                    _ => {}
                }
            }
        }
        if bad_day {
            p.notices
                .push("De gekozen dag bestaat niet; er is op alle dagen gezocht.".into());
        }
        if bad_dagdeel {
            p.notices
                .push("Het gekozen dagdeel bestaat niet; er is op alle dagdelen gezocht.".into());
        }
        p
    }

    /// The option chosen for `filter`.
    pub fn code(&self, filter: CodeFilter) -> Option<&str> {
        self.codes[filter].as_deref()
    }

    /// True when a filter (not only words) narrows the search.
    pub fn filtered(&self) -> bool {
        self.codes.0.iter().any(Option::is_some)
            || self.flags.0.iter().any(|f| *f)
            || self.day.is_some()
            || self.dagdeel.is_some()
            || self.walk_in
    }

    /// The parameters as pairs, in a fixed order (page 1 is left out).
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if !self.q.is_empty() {
            out.push(("q", self.q.clone()));
        }
        for (filter, value) in self.codes.iter() {
            if let Some(v) = value {
                out.push((filter.key(), v.clone()));
            }
        }
        for (flag, set) in self.flags.iter() {
            if *set {
                out.push((flag.key(), "1".into()));
            }
        }
        if let Some(d) = self.day {
            out.push(("dag", WEEKDAYS[d - 1].0.into()));
        }
        if let Some(d) = self.dagdeel {
            out.push(("dagdeel", DAGDELEN[d].into()));
        }
        if self.walk_in {
            out.push(("inloop", "1".into()));
        }
        if let Some(b) = &self.near {
            out.push(("bij", b.clone()));
        }
        if self.page > 1 {
            out.push(("pagina", self.page.to_string()));
        }
        out
    }

    /// `?…` for these parameters, or "" when there are none.
    pub fn query(&self) -> String {
        let pairs = self.pairs();
        if pairs.is_empty() {
            return String::new();
        }
        let mut s = form_urlencoded::Serializer::for_suffix(String::from("?"), 1);
        for (k, v) in pairs {
            s.append_pair(k, &v);
        }
        s.finish()
    }

    /// The same search without parameter `key` (and back on page 1).
    pub fn without(&self, key: &str) -> String {
        let mut p = self.clone();
        p.page = 1;
        match key {
            "q" => p.q.clear(),
            "dag" => p.day = None,
            "dagdeel" => p.dagdeel = None,
            "inloop" => p.walk_in = false,
            "bij" => p.near = None,
            _ => {
                if let Some(f) = CodeFilter::from_key(key) {
                    p.codes[f] = None;
                }
                if let Some(f) = Flag::from_key(key) {
                    p.flags[f] = false;
                }
            }
        }
        p.query()
    }

    pub fn on_page(&self, page: usize) -> String {
        let mut p = self.clone();
        p.page = page;
        p.query()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let p = SearchParams::parse(Some("q=caf%C3%A9+de+wijk&type=huiskamer&vrij=1&dag=ma&dagdeel=avond&bij=bu01410101&pagina=2"));
        assert_eq!(p.q, "café de wijk");
        assert_eq!(p.code(CodeFilter::Type), Some("huiskamer"));
        assert!(p.flags[Flag::NoIndication] && !p.flags[Flag::NoOwnContribution]);
        assert_eq!((p.day, p.dagdeel), (Some(1), Some(2)));
        assert_eq!(p.near.as_deref(), Some("BU01410101"));
        assert_eq!(SearchParams::parse(Some(&p.query()[1..])), p);
        assert_eq!(
            p.without("type"),
            "?q=caf%C3%A9+de+wijk&vrij=1&dag=ma&dagdeel=avond&bij=BU01410101"
        );
    }

    #[test]
    fn nonsense_is_dropped() {
        let p = SearchParams::parse(Some(
            "dag=maandagavond&dagdeel=nacht&pagina=-3&%FF=%00&q=%00%01x&type=",
        ));
        assert_eq!((p.day, p.dagdeel, p.page), (None, None, 1));
        assert_eq!(p.notices.len(), 2);
        assert_eq!(p.q, "x");
        assert_eq!(p.code(CodeFilter::Type), None);
        let long = SearchParams::parse(Some(&format!(
            "q={}&pagina=99999999999999999999",
            "a".repeat(5000)
        )));
        assert_eq!((long.q.len(), long.page), (MAX_Q_CHARS, 1));
    }

    #[test]
    fn a_repeated_bad_value_gives_one_notice_and_the_last_value_wins() {
        let many = format!("{}{}", "dag=x&".repeat(500), "dagdeel=nacht&".repeat(500));
        let p = SearchParams::parse(Some(&many));
        assert_eq!(p.notices.len(), 2, "{:?}", p.notices);
        let fixed = SearchParams::parse(Some("dag=x&dag=ma&dagdeel=nacht&dagdeel=avond"));
        assert_eq!((fixed.day, fixed.dagdeel), (Some(1), Some(2)));
        assert!(fixed.notices.is_empty(), "the last value was good");
    }
}
