//! One-time links are secrets: the logs name the route, never the path that holds the token;
//! and the set-password form works in a browser that is already signed in as someone else.

use std::sync::{Arc, Mutex};

use reqwest::StatusCode;

use crate::helpers::{Browser, TestApp};

/// Everything logged on this thread (a `#[tokio::test]` runs the server's tasks on its own
/// thread), as text.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// Starts capturing; logging goes back to normal when the guard is dropped.
    pub fn start(&self) -> tracing::subscriber::DefaultGuard {
        let subscriber = tracing_subscriber::fmt()
            .with_env_filter("info")
            .with_ansi(false)
            .with_writer(self.clone())
            .finish();
        tracing::subscriber::set_default(subscriber)
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// A beheerder adds a user; the path of the one-time link on the page that follows.
async fn new_user_link(beheer: &mut Browser, email: &str) -> String {
    beheer.get("/almelo/beheer/gebruikers/nieuw").await;
    let created = beheer
        .post(
            "/almelo/beheer/gebruikers",
            &[
                ("naam", "Nieuwe Collega"),
                ("email", email),
                ("rollen", "wijkteam"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let start = created.body.find("/wachtwoord-instellen/").unwrap();
    let end = created.body[start..].find('<').unwrap() + start;
    created.body[start..end].trim().to_string()
}

#[tokio::test]
async fn a_refused_post_to_a_one_time_link_logs_the_route_and_not_the_token() {
    let captured = Captured::default();
    let _guard = captured.start();
    let app = TestApp::spawn().await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    let link = new_user_link(&mut beheer, "geheim@almelo.nl").await;
    let token = link
        .trim_start_matches("/wachtwoord-instellen/")
        .to_string();

    let mut stranger = app.client();
    stranger.get(&link).await;
    let refused = stranger
        .post_raw(
            &link,
            &[
                ("nieuw_wachtwoord", "zon zee en strand 2026"),
                ("herhaling", "zon zee en strand 2026"),
                ("csrf_token", "fout"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let logs = captured.text();
    assert!(
        logs.contains("csrf check failed") && logs.contains("route=/wachtwoord-instellen/{token}"),
        "{logs}"
    );
    assert!(!logs.contains(&token), "the token is in the logs:\n{logs}");
    // The link still works for its owner.
    assert_eq!(stranger.get(&link).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_set_password_form_works_in_a_browser_signed_in_as_someone_else() {
    let app = TestApp::spawn().await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    let link = new_user_link(&mut beheer, "collega@almelo.nl").await;

    // The beheerder's own browser, still signed in, opens the link (a shared desk).
    set_password(&mut beheer, &link, "eerste wachtwoord 2026").await;
    let login = app
        .client()
        .login("collega@almelo.nl", "eerste wachtwoord 2026")
        .await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        beheer.get("/almelo/").await.status,
        StatusCode::OK,
        "still signed in"
    );

    // A new link, opened in a browser signed in to another tenant.
    let id = app
        .id("select user_id from users where email = 'collega@almelo.nl'")
        .await;
    beheer.get(&format!("/almelo/beheer/gebruikers/{id}")).await;
    let page = beheer
        .post(&format!("/almelo/beheer/gebruikers/{id}/link"), &[])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let start = page.body.find("/wachtwoord-instellen/").unwrap();
    let end = page.body[start..].find('<').unwrap() + start;
    let second = page.body[start..end].trim().to_string();
    let mut twente = app.login("beheer@twente.demo").await;
    set_password(&mut twente, &second, "tweede wachtwoord 2026").await;
    let login = app
        .client()
        .login("collega@almelo.nl", "tweede wachtwoord 2026")
        .await;
    assert_eq!(login.status(), StatusCode::SEE_OTHER);
}

async fn set_password(browser: &mut Browser, link: &str, password: &str) {
    let form = browser.get(link).await;
    assert_eq!(form.status, StatusCode::OK);
    let set = browser
        .post(
            link,
            &[("nieuw_wachtwoord", password), ("herhaling", password)],
        )
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    assert_eq!(
        set.location.as_deref(),
        Some("/inloggen?wachtwoord=ingesteld")
    );
}
