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

pub struct Layout {
    pub title: String,
    pub tenant_name: Option<String>,
    pub home_href: String,
    pub user_name: Option<String>,
    pub user_roles: String,
    pub nav: Vec<NavItem>,
    pub csrf_token: String,
    /// A confirmation shown at the top of the page ("Opgeslagen.").
    pub notice: Option<String>,
    /// A data page with wide tables: the main column may use the full width of the window.
    pub wide: bool,
}

impl Layout {
    /// Layout for a signed-in user; `current` marks the navigation item of this page.
    pub fn for_user(
        user: &CurrentUser,
        title: impl Into<String>,
        current: Option<Section>,
    ) -> Self {
        let nav = Section::NAV
            .into_iter()
            .filter(|s| user.may(*s))
            .map(|s| NavItem {
                label: s.label(),
                href: user.href(s.path()),
                current: Some(s) == current,
            })
            .collect();
        Self {
            title: title.into(),
            tenant_name: Some(user.tenant_name.clone()),
            home_href: user.href("/"),
            user_name: Some(user.display_name.clone()),
            user_roles: user.role_labels(),
            nav,
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
