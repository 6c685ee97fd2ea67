//! Real-browser tests: headless Chromium over WebDriver (chromedriver), and an axe-core check
//! (WCAG 2.1 A/AA) of every page, failing on any violation. Under CI=true a missing browser or
//! axe-core fails the test; elsewhere the test says what is missing and is skipped.

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

use crate::helpers::{TestApp, DEMO_PASSWORD};

const CHROME_ARGS: [&str; 10] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,1024",
];

pub struct Browser {
    pub client: Client,
    driver: Child,
    axe: String,
    base: String,
    /// The chromedriver's address, for Chrome DevTools commands ([`Browser::cdp`]).
    driver_url: String,
    pub violations: Vec<String>,
    pub checked: usize,
}

impl Drop for Browser {
    /// Ends chromedriver and the Chromium it started: they share a process group of their own
    /// (killing chromedriver alone left every Chromium of every test running).
    fn drop(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn find(candidates: &[&str]) -> Option<PathBuf> {
    candidates.iter().map(PathBuf::from).find(|p| p.is_file())
}

fn missing(what: &str) -> Option<Browser> {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{what} is missing; under CI=true the browser tests must run (scripts/test installs it)");
    }
    eprintln!("SKIPPED browser test: {what} is missing; run scripts/test to install it");
    None
}

pub async fn start(base: String) -> Option<Browser> {
    let Some(chromium) = find(&[
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ]) else {
        return missing("Chromium (apt-get install chromium)");
    };
    let Some(chromedriver) = find(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"])
    else {
        return missing("chromedriver (apt-get install chromium-driver)");
    };
    let axe_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/axe-core/axe.min.js");
    let Ok(axe) = std::fs::read_to_string(&axe_path) else {
        return missing("axe-core (npm ci --prefix tests/browser)");
    };
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Command::new(chromedriver)
        .process_group(0)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let caps = json!({
        "goog:chromeOptions": {
            "binary": chromium.to_string_lossy(),
            "args": CHROME_ARGS,
        }
    });
    let caps = match caps {
        Value::Object(map) => map,
        _ => unreachable!(),
    };
    let url = format!("http://127.0.0.1:{port}");
    let mut last_error = String::new();
    for _ in 0..50 {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                return Some(Browser {
                    client,
                    driver,
                    axe,
                    base,
                    driver_url: url.clone(),
                    violations: Vec::new(),
                    checked: 0,
                })
            }
            Err(e) => {
                last_error = e.to_string();
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    }
    panic!("could not start a WebDriver session: {last_error}");
}

impl Browser {
    /// A Chrome DevTools Protocol command through chromedriver (`Emulation.setEmulatedMedia`,
    /// `Page.printToPDF`); its result.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        let session = self.client.session_id().await.unwrap().expect("a session");
        let body = reqwest::Client::new()
            .post(format!(
                "{}/session/{session}/goog/cdp/execute",
                self.driver_url
            ))
            .header("content-type", "application/json")
            .body(json!({ "cmd": cmd, "params": params }).to_string())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let response: Value = serde_json::from_slice(&body).unwrap();
        response["value"].clone()
    }

    pub async fn open(&mut self, path: &str) {
        self.client
            .goto(&format!("{}{}", self.base, path))
            .await
            .unwrap();
    }

    pub async fn fill(&self, name: &str, value: &str) {
        let field = self
            .client
            .find(Locator::Css(&format!("[name='{name}']")))
            .await
            .unwrap();
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    /// Clicks a submit button and waits until the next page has loaded.
    pub async fn submit(&self, css: &str) {
        let old = self.client.find(Locator::Css("html")).await.unwrap();
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        for _ in 0..200 {
            if old.attr("lang").await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        for _ in 0..200 {
            let state = self
                .client
                .execute("return document.readyState", vec![])
                .await;
            if state
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .as_deref()
                == Some("complete")
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Clicks something that does not leave the page (a checkbox).
    pub async fn tick(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    pub async fn text(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn path(&self) -> String {
        self.client.current_url().await.unwrap().path().to_string()
    }

    /// Runs axe-core on the current page and keeps its WCAG 2.1 A/AA violations.
    pub async fn check(&mut self, label: &str) {
        if let Ok(dir) = std::env::var("VR_SCREENSHOTS") {
            // For looking at the pages: VR_SCREENSHOTS=/tmp/shots cargo test browser
            let png = self.client.screenshot().await.unwrap();
            let name: String = label
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '_' })
                .collect();
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(
                Path::new(&dir).join(format!("{:02}_{name}.png", self.checked)),
                png,
            )
            .unwrap();
        }
        self.client
            .execute(&self.axe, vec![])
            .await
            .expect("axe-core loads");
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
              .then(r => done(JSON.stringify(r.violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || ''))
              })))))
              .catch(e => done('ERROR ' + e));
        "#;
        let result = self.client.execute_async(script, vec![]).await.unwrap();
        let text = result.as_str().unwrap_or_default().to_string();
        assert!(!text.starts_with("ERROR"), "axe failed on {label}: {text}");
        let violations: Vec<Value> = serde_json::from_str(&text).unwrap();
        for v in violations {
            self.violations.push(format!(
                "{label}: {} ({}) — {} — {}",
                v["id"], v["impact"], v["help"], v["nodes"]
            ));
        }
        self.checked += 1;
    }

    pub async fn login(&mut self, email: &str) {
        self.open("/inloggen").await;
        self.fill("email", email).await;
        self.fill("password", DEMO_PASSWORD).await;
        self.submit("button[type='submit'].button--primary").await;
    }

    pub async fn logout(&mut self) {
        self.submit(".page-header__user button").await;
    }
}

#[tokio::test]
async fn an_official_logs_in_and_out_and_every_page_passes_axe() {
    let app = TestApp::spawn().await;
    let Some(mut b) = start(format!("http://{}", app.addr)).await else {
        return;
    };

    // The journey: log in as a demo user, see the home page, log out.
    b.open("/").await;
    assert_eq!(b.path().await, "/inloggen");
    b.check("inloggen").await;
    b.fill("email", "beleid@almelo.demo").await;
    b.fill("password", "verkeerd-wachtwoord").await;
    b.submit("button[type='submit'].button--primary").await;
    assert!(b
        .text(".error-summary")
        .await
        .contains("Het e-mailadres of het wachtwoord klopt niet"));
    b.check("inloggen (mislukt)").await;
    b.login("beleid@almelo.demo").await;
    assert_eq!(b.path().await, "/almelo/");
    assert_eq!(b.text("h1").await, "Gemeente Almelo");
    assert!(b.text(".page-header__user").await.contains("Lotte Beleid"));
    b.check("start (beleidsmedewerker)").await;
    b.open("/almelo/beheer/gebruikers").await;
    b.check("403").await;
    b.open("/almelo/account/wachtwoord").await;
    b.check("wachtwoord wijzigen").await;
    b.submit("button[type='submit'].button--primary").await;
    b.check("wachtwoord wijzigen (fouten)").await;
    b.open("/almelo/bestaat-niet").await;
    b.check("404 (ingelogd)").await;
    b.logout().await;
    assert_eq!(b.path().await, "/inloggen");
    assert!(b
        .client
        .source()
        .await
        .unwrap()
        .contains("U bent uitgelogd."));
    b.open("/almelo/").await;
    assert_eq!(b.path().await, "/inloggen");

    // Every page a beheerder has.
    b.login("beheer@almelo.demo").await;
    b.check("start (beheerder)").await;
    b.open("/almelo/beheer/gebruikers").await;
    b.check("gebruikers").await;
    b.open("/almelo/beheer/gebruikers/nieuw").await;
    b.check("gebruiker toevoegen").await;
    b.submit("button[type='submit'].button--primary").await;
    b.check("gebruiker toevoegen (fouten)").await;
    b.fill("naam", "Nieuwe Collega").await;
    b.fill("email", "nieuw@almelo.nl").await;
    b.tick("#rol-wijkteam").await;
    b.submit("button[type='submit'].button--primary").await;
    b.check("link om wachtwoord te kiezen").await;
    let link = b.text("#link").await;
    let user_id = app
        .id("select user_id from users where email = 'nieuw@almelo.nl'")
        .await;
    b.open(&format!("/almelo/beheer/gebruikers/{user_id}"))
        .await;
    b.check("gebruiker wijzigen").await;
    b.open("/almelo/beheer/gebieden").await;
    b.check("gebieden").await;
    b.open("/almelo/beheer/gebieden/nieuw").await;
    b.check("gebied toevoegen").await;
    b.fill("code", "fout").await;
    b.submit("button[type='submit'].button--primary").await;
    b.check("gebied toevoegen (fouten)").await;
    let area_id = app
        .id("select area_id from areas where cbs_code = 'GM0141'")
        .await;
    b.open(&format!("/almelo/beheer/gebieden/{area_id}")).await;
    b.check("gebied wijzigen").await;
    b.open("/almelo/beheer/gebieden/import").await;
    b.check("gebieden importeren").await;
    let bad_file = std::env::temp_dir().join(format!("gebieden-{}.csv", uuid::Uuid::new_v4()));
    std::fs::write(&bad_file, "code;naam\nXX;Fout\n").unwrap();
    let input = b.client.find(Locator::Css("#bestand")).await.unwrap();
    input.send_keys(&bad_file.to_string_lossy()).await.unwrap();
    b.submit("button[type='submit'].button--primary").await;
    let source = b.client.source().await.unwrap();
    assert!(source.contains("Er is niets geïmporteerd"), "{source}");
    b.check("gebieden importeren (fouten)").await;
    let _ = std::fs::remove_file(bad_file);
    b.open("/almelo/beheer/logboek").await;
    b.check("logboek").await;
    b.logout().await;

    // Pages without a session.
    let path = link
        .trim()
        .splitn(4, '/')
        .nth(3)
        .map(|p| format!("/{p}"))
        .unwrap();
    b.open(&path).await;
    b.check("wachtwoord instellen").await;
    b.submit("button[type='submit'].button--primary").await;
    b.check("wachtwoord instellen (fouten)").await;
    b.open("/wachtwoord-instellen/ongeldig").await;
    b.check("wachtwoord instellen (ongeldige link)").await;
    b.open("/bestaat/niet").await;
    b.check("404").await;

    // The start page of every other role.
    for role in ["beoordelaar", "wijkteam", "aanbieder"] {
        b.login(&format!("{role}@twente.demo")).await;
        assert_eq!(b.path().await, "/twente/");
        b.check(&format!("start ({role})")).await;
        b.logout().await;
    }

    assert!(b.checked >= 25, "checked {} pages", b.checked);
    let found = std::mem::take(&mut b.violations);
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.1 A/AA violations:\n{}",
        found.join("\n")
    );

    // A control: the check does see a violation when there is one.
    b.open("/inloggen").await;
    b.client
        .execute(
            "document.querySelector('label[for=email]').remove()",
            vec![],
        )
        .await
        .unwrap();
    b.check("inloggen zonder label").await;
    assert!(
        b.violations.iter().any(|v| v.contains("label")),
        "axe-core reports the missing label"
    );
}
