//! CBS area codes (`GM0141`, `WK014101`, `BU01410101`) and the three levels they name: the
//! gemeenten, wijken and buurten of the CBS Wijk- en Buurtkaart, which every area of a tenant
//! is one of.

/// Gemeente, wijk or buurt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Gemeente,
    Wijk,
    Buurt,
}

impl Level {
    /// The level as the database stores it (`areas.level`); `None` for anything else.
    pub fn parse(stored: &str) -> Option<Level> {
        match stored {
            "gemeente" => Some(Level::Gemeente),
            "wijk" => Some(Level::Wijk),
            "buurt" => Some(Level::Buurt),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Gemeente => "gemeente",
            Level::Wijk => "wijk",
            Level::Buurt => "buurt",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::Gemeente => "Gemeente",
            Level::Wijk => "Wijk",
            Level::Buurt => "Buurt",
        }
    }
}

/// A CBS area code, checked: `GM0141`, `WK014101`, `BU01410101`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CbsCode(String);

impl CbsCode {
    pub fn parse(input: &str) -> Result<Self, String> {
        let code = input.trim().to_uppercase();
        let digits = |prefix: &str, n: usize| {
            code.strip_prefix(prefix)
                .is_some_and(|rest| rest.len() == n && rest.bytes().all(|b| b.is_ascii_digit()))
        };
        if digits("GM", 4) || digits("WK", 6) || digits("BU", 8) {
            Ok(Self(code))
        } else {
            Err(format!(
                "'{}' is geen CBS-code. Gebruik GM + 4 cijfers (gemeente), WK + 6 cijfers (wijk) of BU + 8 cijfers (buurt), bijvoorbeeld GM0141, WK014101 of BU01410101.",
                input.trim().chars().take(40).collect::<String>()
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> Level {
        match &self.0[..2] {
            "GM" => Level::Gemeente,
            "WK" => Level::Wijk,
            _ => Level::Buurt,
        }
    }

    /// The code of the area this one lies in: a buurt's wijk, a wijk's gemeente.
    pub fn parent(&self) -> Option<CbsCode> {
        match self.level() {
            Level::Gemeente => None,
            Level::Wijk => Some(CbsCode(format!("GM{}", &self.0[2..6]))),
            Level::Buurt => Some(CbsCode(format!("WK{}", &self.0[2..8]))),
        }
    }

    /// The gemeente this area lies in.
    pub fn gemeente(&self) -> CbsCode {
        CbsCode(format!("GM{}", &self.0[2..6]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(
            CbsCode::parse(" bu01410101 ")
                .unwrap()
                .parent()
                .unwrap()
                .as_str(),
            "WK014101"
        );
        assert_eq!(
            CbsCode::parse("WK014101")
                .unwrap()
                .parent()
                .unwrap()
                .as_str(),
            "GM0141"
        );
        assert!(CbsCode::parse("GM141").is_err());
        assert!(CbsCode::parse("XX0141").is_err());
        assert_eq!(
            CbsCode::parse("WK093501").unwrap().gemeente().as_str(),
            "GM0935"
        );
    }

    #[test]
    fn levels_read_only_what_the_database_stores() {
        for level in [Level::Gemeente, Level::Wijk, Level::Buurt] {
            assert_eq!(Level::parse(level.as_str()), Some(level));
        }
        assert_eq!(Level::parse("Buurt"), None);
        assert_eq!(Level::parse(""), None);
    }
}
