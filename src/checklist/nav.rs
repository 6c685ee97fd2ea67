//! What the checklist's pages share: the sub-navigation ([`Tab`], [`subnav`]), a 404 that
//! says what was not found, a page with its status, numbers the Dutch way and the imports'
//! size limit.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, ErrorPage};
use crate::web::layout::NavItem;

/// Largest CSV accepted by the two imports.
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

/// The pages of the checklist, for its sub-navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Inventory,
    Coverage,
    Bouwstenen,
    Demand,
    Overview,
}

/// Checklist · Dekking · Bouwstenen · Vraag en aanbod · Regionaal overzicht, with the current page marked.
pub fn subnav(user: &CurrentUser, current: Tab) -> Vec<NavItem> {
    [
        (Tab::Inventory, "Checklist", ""),
        (Tab::Coverage, "Dekking", "/dekking"),
        (Tab::Bouwstenen, "Bouwstenen", "/bouwstenen"),
        (Tab::Demand, "Vraag en aanbod", "/vraag"),
        (Tab::Overview, "Regionaal overzicht", "/overzicht"),
    ]
    .into_iter()
    .map(|(tab, label, path)| NavItem {
        label,
        href: format!("{}{path}", user.section_href(Section::Checklist)),
        current: tab == current,
    })
    .collect()
}

/// A 404 page that says what was not found.
pub fn not_found(detail: impl Into<String>) -> Response {
    let mut response = AppError::NotFound.into_response();
    response.extensions_mut().insert(ErrorPage {
        detail: Some(detail.into()),
        retry_at: None,
    });
    response
}

/// `Ok(page)` with 422 when the page shows errors.
pub fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

/// A number the Dutch way: `1.234,5` (one decimal) or `1.234` (none).
pub fn dutch_number(value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let (sign, digits) = whole
        .strip_prefix('-')
        .map(|d| ("-", d))
        .unwrap_or(("", whole));
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    if fraction.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped},{fraction}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dutch_numbers() {
        assert_eq!(super::dutch_number(1234.56, 1), "1.234,6");
        assert_eq!(super::dutch_number(3.0, 0), "3");
        assert_eq!(super::dutch_number(1234567.0, 0), "1.234.567");
        assert_eq!(super::dutch_number(0.25, 2), "0,25");
    }
}
