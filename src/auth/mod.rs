//! Users' identity: passwords, sessions, login, CSRF, roles and the route guards, and the
//! ownership rule (whose records a user may read and change).

pub mod access;
pub mod cookies;
pub mod csrf;
pub mod current_user;
pub mod form_body;
pub mod login;
pub mod login_challenge;
pub mod ownership;
pub mod password;
pub mod password_change;
pub mod password_links;
pub mod roles;
pub mod second_factor;
pub mod second_factor_login;
pub mod second_factor_page;
pub mod session;
pub mod session_cache;
pub mod throttle;
pub mod token;
pub mod totp;
