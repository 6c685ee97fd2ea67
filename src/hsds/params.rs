//! Query parameters, read from the raw query string so that no input (repeated keys, odd
//! encodings) becomes an extractor rejection: each bad value gets a 400 that names it.

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use super::api::{ApiError, ApiResult};

pub const DEFAULT_PER_PAGE: i64 = 50;
pub const MAX_PER_PAGE: i64 = 100;
/// Longer search texts are cut: the matcher uses only the first few words anyway.
const MAX_SEARCH_CHARS: usize = 200;

/// The parsed query string; the first occurrence of a key counts, empty values are absent.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(raw: Option<&str>) -> Self {
        Self(
            form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .into_owned()
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// `page` and `per_page`.
    pub fn paging(&self) -> ApiResult<Paging> {
        let page = self.whole("page", 1, i64::from(i32::MAX))?.unwrap_or(1);
        let per_page = self
            .whole("per_page", 1, MAX_PER_PAGE)?
            .unwrap_or(DEFAULT_PER_PAGE);
        if let Some(format) = self.get("format") {
            if !format.eq_ignore_ascii_case("json") {
                return Err(ApiError::bad(
                    "Parameter format: alleen 'json' wordt ondersteund.",
                ));
            }
        }
        Ok(Paging { page, per_page })
    }

    fn whole(&self, name: &str, min: i64, max: i64) -> ApiResult<Option<i64>> {
        let Some(text) = self.get(name) else {
            return Ok(None);
        };
        match text.parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            _ => Err(ApiError::bad(format!(
                "Parameter {name}: geef een geheel getal van {min} tot en met {max}."
            ))),
        }
    }

    pub fn uuid(&self, name: &str) -> ApiResult<Option<Uuid>> {
        self.get(name)
            .map(|text| {
                Uuid::try_parse(text)
                    .map_err(|_| ApiError::bad(format!("Parameter {name}: geef een UUID, zoals 3f7b145d-84af-42d7-8fae-eaca714b02b2.")))
            })
            .transpose()
    }

    /// A moment as RFC 3339 (`2024-05-01T12:00:00Z`, `…+02:00`) or a date (midnight UTC).
    pub fn moment(&self, name: &str) -> ApiResult<Option<OffsetDateTime>> {
        let Some(text) = self.get(name) else {
            return Ok(None);
        };
        // An unencoded '+' of an offset arrives as a space.
        let text = text.replace(' ', "+");
        if let Ok(moment) = OffsetDateTime::parse(&text, &Rfc3339) {
            return Ok(Some(moment));
        }
        match Date::parse(&text, format_description!("[year]-[month]-[day]")) {
            Ok(date) => Ok(Some(date.midnight().assume_utc())),
            Err(_) => Err(ApiError::bad(format!(
                "Parameter {name}: geef een datum-tijd volgens RFC 3339 (2024-05-01T12:00:00Z) of een datum (2024-05-01)."
            ))),
        }
    }

    pub fn search(&self) -> Option<String> {
        self.get("search")
            .map(|q| q.chars().take(MAX_SEARCH_CHARS).collect())
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
}

impl Paging {
    pub fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// The items of this page out of everything (for lists kept in memory).
    pub fn slice<T>(&self, all: Vec<T>) -> (i64, Vec<T>) {
        let total = all.len() as i64;
        let start = usize::try_from(self.offset()).unwrap_or(usize::MAX);
        let items = all
            .into_iter()
            .skip(start)
            .take(self.per_page as usize)
            .collect();
        (total, items)
    }
}

/// The HSDS page envelope.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    pub total_items: i64,
    pub total_pages: i64,
    pub page_number: i64,
    /// The number of items on this page.
    pub size: i64,
    pub first_page: bool,
    pub last_page: bool,
    pub empty: bool,
    pub contents: Vec<T>,
}

impl<T> Page<T> {
    /// An empty result still has one (empty) page.
    pub fn new(contents: Vec<T>, total_items: i64, paging: Paging) -> Self {
        let total_pages = ((total_items + paging.per_page - 1) / paging.per_page).max(1);
        Self {
            total_items,
            total_pages,
            page_number: paging.page,
            size: contents.len() as i64,
            first_page: paging.page == 1,
            last_page: paging.page >= total_pages,
            empty: contents.is_empty(),
            contents,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_add_up() {
        let paging = Paging {
            page: 2,
            per_page: 10,
        };
        let page = Page::new(vec![1; 5], 15, paging);
        assert_eq!(
            (page.total_pages, page.size, page.first_page, page.last_page),
            (2, 5, false, true)
        );
        let empty: Page<u8> = Page::new(
            vec![],
            0,
            Paging {
                page: 1,
                per_page: 50,
            },
        );
        assert_eq!(
            (
                empty.total_pages,
                empty.first_page,
                empty.last_page,
                empty.empty
            ),
            (1, true, true, true)
        );
        assert_eq!(
            Paging {
                page: 3,
                per_page: 2
            }
            .slice((1..=7).collect()),
            (7, vec![5, 6])
        );
    }

    #[test]
    fn parameters_are_checked() {
        let p = Params::parse(Some("page=0&per_page=abc"));
        assert!(p.paging().is_err());
        assert!(Params::parse(Some("per_page=101")).paging().is_err());
        let p = Params::parse(Some(
            "page=2&page=9&per_page=100&modified_after=2024-05-01T12:00:00+02:00",
        ));
        assert_eq!(p.paging().unwrap().page, 2);
        assert_eq!(
            p.moment("modified_after")
                .unwrap()
                .unwrap()
                .offset()
                .whole_hours(),
            2
        );
        assert!(Params::parse(Some("modified_after=gisteren"))
            .moment("modified_after")
            .is_err());
        assert!(Params::parse(Some("modified_after=2024-05-01"))
            .moment("modified_after")
            .unwrap()
            .is_some());
        assert!(Params::parse(Some("x=not-a-uuid")).uuid("x").is_err());
        assert_eq!(Params::parse(Some("x=")).uuid("x").unwrap(), None);
    }
}
