//! What every page's layout shows: tenant, user, role, navigation and the CSRF token.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;

pub struct NavItem {
    pub label: &'static str,
    pub href: String,
    pub current: bool,
}

/// A task in the main menu (Register, Subsidies, Beheer…) with the pages the user may open.
pub struct NavGroup {
    pub label: &'static str,
    /// The group's first page.
    pub href: String,
    /// The current page lies in this group.
    pub current: bool,
    pub items: Vec<NavItem>,
}

/// The main menu by task: label and sections, in order. A group shows when the user may
/// open at least one of its sections; a group of one section is that section's link.
const GROUPS: [(&str, &[Section]); 6] = [
    ("Start", &[Section::Home]),
    ("Zoeken", &[Section::Lookup, Section::Referrals]),
    (
        "Register",
        &[
            Section::Facilities,
            Section::Providers,
            Section::Stale,
            Section::Types,
        ],
    ),
    ("Checklist", &[Section::Checklist]),
    (
        "Subsidies",
        &[Section::Schemes, Section::Applications, Section::Assessment],
    ),
    (
        "Beheer",
        &[
            Section::Users,
            Section::Areas,
            Section::Publication,
            Section::Audit,
        ],
    ),
];

/// The groups `user` may see, `current` marking the page's section.
pub fn nav_groups(user: &CurrentUser, current: Option<Section>) -> Vec<NavGroup> {
    GROUPS
        .iter()
        .filter_map(|(label, sections)| {
            let items: Vec<NavItem> = sections
                .iter()
                .filter(|s| user.may(**s))
                .map(|s| NavItem {
                    label: s.label(),
                    href: user.href(s.path()),
                    current: Some(*s) == current,
                })
                .collect();
            let first = items.first()?;
            Some(NavGroup {
                label,
                href: first.href.clone(),
                current: items.iter().any(|i| i.current),
                items,
            })
        })
        .collect()
}

pub struct Layout {
    pub title: String,
    pub tenant_name: Option<String>,
    pub home_href: String,
    pub user_name: Option<String>,
    pub user_roles: String,
    pub nav: Vec<NavGroup>,
    /// The user's own account page (beside Uitloggen).
    pub account_href: Option<String>,
    pub csrf_token: String,
    /// A confirmation shown at the top of the page ("Opgeslagen.").
    pub notice: Option<String>,
    /// A data page with wide tables: the main column may use the full width of the window.
    pub wide: bool,
}

impl Layout {
    /// The group of the current page, when it holds more than one page: its pages are the
    /// second row of the menu.
    pub fn current_group(&self) -> Option<&NavGroup> {
        self.nav.iter().find(|g| g.current && g.items.len() > 1)
    }

    /// Layout for a signed-in user; `current` marks the navigation item of this page.
    pub fn for_user(
        user: &CurrentUser,
        title: impl Into<String>,
        current: Option<Section>,
    ) -> Self {
        let nav = nav_groups(user, current);
        Self {
            title: title.into(),
            tenant_name: Some(user.tenant_name.clone()),
            home_href: user.href("/"),
            user_name: Some(user.display_name.clone()),
            user_roles: user.role_labels(),
            nav,
            account_href: Some(user.href(Section::Account.path())),
            csrf_token: user.csrf_token.clone(),
            notice: None,
            wide: false,
        }
    }

    /// Layout for pages without a signed-in user.
    pub fn anonymous(title: impl Into<String>, csrf_token: String) -> Self {
        Self {
            title: title.into(),
            tenant_name: None,
            home_href: "/".into(),
            user_name: None,
            user_roles: String::new(),
            nav: Vec::new(),
            account_href: None,
            csrf_token,
            notice: None,
            wide: false,
        }
    }

    /// The page holds wide tables (a matrix, a ranking): use the full width.
    pub fn wide(mut self) -> Self {
        self.wide = true;
        self
    }

    pub fn with_notice(mut self, notice: Option<&str>) -> Self {
        self.notice = notice.map(str::to_owned);
        self
    }
}

/// Renders a page template to an HTML response.
pub fn render<T: Template>(template: &T) -> AppResult<Response> {
    Ok(Html(template.render()?).into_response())
}
