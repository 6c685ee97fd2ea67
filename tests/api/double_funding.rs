//! The double-funding check without identities: the key shown once, raw BSNs refused, overlap
//! counts on known data, the pseudonyms deleted after the check, rotation, isolation; and in
//! Chromium the browser's pseudonyms equal the command's.

use reqwest::StatusCode;
use voorzieningen::subsidy::double_funding::pseudonym::{fingerprint, parse_key, pseudonym};

use crate::browser::start;
use crate::helpers::{Browser, TestApp};

const BIN: &str = env!("CARGO_BIN_EXE_voorzieningen");

/// Makes a key as the beleidsmedewerker; the key as shown (once).
async fn make_key(beleid: &mut Browser) -> String {
    beleid
        .get("/maastricht/regelingen/dubbele-financiering")
        .await;
    let page = beleid
        .post("/maastricht/regelingen/dubbele-financiering/sleutel", &[])
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let marker = "id=\"nieuwe-sleutel\">";
    let start = page.body.find(marker).expect("the new key is shown") + marker.len();
    page.body[start..start + 64].to_string()
}

/// `bsns` and, to reach the minimum upload of 10 different pseudonyms, `padding` made-up
/// pseudonyms (numbers that are no BSN, named by `side` so two sides do not share them).
fn padded_text(key: &str, bsns: &[&str], side: &str, padding: usize) -> String {
    let bytes = parse_key(key).unwrap();
    let mut text = upload_text(key, bsns);
    for i in 0..padding {
        text.push_str(&pseudonym(&bytes, &format!("{side}-{i}")));
        text.push('\n');
    }
    text
}

fn upload_text(key: &str, bsns: &[&str]) -> String {
    let bytes = parse_key(key).unwrap();
    let mut text = format!("sleutel;{}\n", fingerprint(&bytes));
    for b in bsns {
        text.push_str(&pseudonym(&bytes, b));
        text.push('\n');
    }
    text
}

#[tokio::test]
async fn overlap_is_counted_per_partner_and_no_one_learns_who() {
    let app = TestApp::spawn().await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let key = make_key(&mut beleid).await;
    let again = beleid
        .get("/maastricht/regelingen/dubbele-financiering")
        .await;
    assert!(
        !again.body.contains(&key),
        "the key is shown once, never again"
    );
    assert_eq!(
        app.scalar_i64("select count(*) from pseudonym_keys where retired_at is null")
            .await,
        1
    );
    let stored: String = sqlx::query_scalar("select fingerprint from pseudonym_keys")
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
    assert_ne!(stored, key, "only a fingerprint is kept");

    let mut partner = app.login("aanbieder@maastricht.demo").await;
    let page = partner.get("/maastricht/aanvragen/deelnemers").await;
    assert!(page.body.contains("Zo blijft niemand herkenbaar"));
    // Raw BSNs are refused, nothing is kept, and the number is not shown back.
    let r = partner
        .post(
            "/maastricht/aanvragen/deelnemers/upload",
            &[
                ("periode", "2027"),
                ("pseudoniemen", "111222333\n123456782"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("lijkt een burgerservicenummer"));
    assert!(!r.body.contains("111222333"));
    let r = partner
        .post(
            "/maastricht/aanvragen/deelnemers/upload",
            &[
                ("periode", "2027"),
                (
                    "pseudoniemen",
                    &format!("sleutel;{}\n111222333", "0".repeat(64)),
                ),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("lijkt een burgerservicenummer"));
    assert_eq!(
        app.scalar_i64("select count(*) from pseudonym_uploads")
            .await,
        0
    );
    assert_eq!(app.scalar_i64("select count(*) from pseudonyms").await, 0);
    // Made with another key: refused.
    let other = padded_text(&"cd".repeat(32), &["111222333"], "ander", 9);
    let r = partner
        .post(
            "/maastricht/aanvragen/deelnemers/upload",
            &[("periode", "2027"), ("pseudoniemen", &other)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("met een andere sleutel"));

    // Known data: the partner has A, B, C; the municipality's maatwerk clients are B, C, D.
    let (a, b, c, d) = ("111222333", "123456782", "010000008", "100000009");
    let r = partner
        .post(
            "/maastricht/aanvragen/deelnemers/upload",
            &[
                ("periode", "2027"),
                (
                    "pseudoniemen",
                    &padded_text(&key, &[a, b, c], "aanbieder", 7),
                ),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    beleid
        .get("/maastricht/regelingen/dubbele-financiering")
        .await;
    let r = beleid
        .post(
            "/maastricht/regelingen/dubbele-financiering/upload",
            &[
                ("periode", "2027"),
                (
                    "pseudoniemen",
                    &padded_text(&key, &[b, c, d], "maatwerk", 7),
                ),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.scalar_i64("select count(*) from pseudonyms").await, 20);
    let r = beleid
        .post(
            "/maastricht/regelingen/dubbele-financiering/controle",
            &[("periode", "2027")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.scalar_i64("select overlap_count::bigint from overlap_results where provider_count = 10 and maatwerk_count = 10").await,
        2
    );
    assert_eq!(
        app.scalar_i64("select count(*) from pseudonyms").await,
        0,
        "deleted after the check"
    );
    let audit: String = sqlx::query_scalar(
        "select after::text from audit_events where action = 'controle dubbele financiering'",
    )
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert!(audit.contains("\"overlap\": 2"), "{audit}");
    let page = beleid
        .get("/maastricht/regelingen/dubbele-financiering")
        .await;
    assert!(page.body.contains("Gecontroleerd, pseudoniemen verwijderd"));
    // The partner sees its own count; no pseudonym anywhere.
    let own = partner.get("/maastricht/aanvragen/deelnemers").await;
    let pseudo = pseudonym(&parse_key(&key).unwrap(), b);
    assert!(!own.body.contains(&pseudo) && !page.body.contains(&pseudo));

    // A new key makes pending uploads unusable and deletes their pseudonyms.
    partner.get("/maastricht/aanvragen/deelnemers").await;
    partner
        .post(
            "/maastricht/aanvragen/deelnemers/upload",
            &[
                ("periode", "2028"),
                ("pseudoniemen", &padded_text(&key, &[a], "later", 9)),
            ],
        )
        .await;
    assert_eq!(app.scalar_i64("select count(*) from pseudonyms").await, 10);
    make_key(&mut beleid).await;
    assert_eq!(app.scalar_i64("select count(*) from pseudonyms").await, 0);

    // Another tenant sees nothing of it.
    let mut almelo = app.login("beleid@almelo.demo").await;
    let theirs = almelo.get("/almelo/regelingen/dubbele-financiering").await;
    assert!(theirs.body.contains("Er is nog geen sleutel."));
    assert!(theirs.body.contains("Nog geen controles."));
    assert_eq!(
        almelo
            .get("/maastricht/regelingen/dubbele-financiering")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_browser_and_the_command_make_the_same_pseudonyms() {
    let app = TestApp::spawn().await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let key = make_key(&mut beleid).await;
    let dir = std::env::temp_dir().join(format!("vr-key-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("key.txt"), &key).unwrap();
    // Ten BSNs (the minimum upload), one written with a space.
    const MORE: [&str; 7] = [
        "200000007",
        "200000019",
        "200000020",
        "200000032",
        "200000044",
        "200000056",
        "200000068",
    ];
    let bsns = format!("111222333\n123456782\n10000000 9\n{}\n", MORE.join("\n"));
    let mut child = std::process::Command::new(BIN)
        .args(["pseudonymise", "--key-file"])
        .arg(dir.join("key.txt"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(bsns.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let from_command = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        from_command,
        upload_text(
            &key,
            &[["111222333", "123456782", "100000009"].as_slice(), &MORE].concat()
        )
    );

    let Some(mut b) = start(format!("http://{}", app.addr)).await else {
        return;
    };
    b.login("beleid@maastricht.demo").await;
    b.open("/maastricht/regelingen/dubbele-financiering").await;
    b.check("dubbele financiering").await;
    b.client
        .execute(
            "document.getElementById('sleutel-invoer').value = arguments[0]; document.getElementById('bsn-invoer').value = arguments[1];",
            vec![key.clone().into(), "111222333\n12345\n".into()],
        )
        .await
        .unwrap();
    b.tick("#pseudonimiseer").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(b
        .text("#bsn-fouten")
        .await
        .contains("Regel 2 is geen geldig BSN"));
    b.client
        .execute(
            "document.getElementById('bsn-invoer').value = arguments[0];",
            vec![bsns.clone().into()],
        )
        .await
        .unwrap();
    b.tick("#pseudonimiseer").await;
    let mut in_browser = String::new();
    for _ in 0..50 {
        let v = b
            .client
            .execute(
                "return document.querySelector('[name=pseudoniemen]').value",
                vec![],
            )
            .await
            .unwrap();
        in_browser = v.as_str().unwrap_or_default().to_string();
        if !in_browser.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        format!("{in_browser}\n"),
        from_command,
        "the browser computes what the command computes"
    );
    let left = b
        .client
        .execute("return document.getElementById('bsn-invoer').value", vec![])
        .await
        .unwrap();
    assert_eq!(
        left.as_str(),
        Some(""),
        "the BSNs are taken out of the page"
    );
    b.fill("periode", "2027-Q1").await;
    b.submit("form[data-pseudonymise] button[type='submit']")
        .await;
    assert_eq!(app.scalar_i64("select count(*) from pseudonyms").await, 10);
    b.check("dubbele financiering (na upload)").await;
    let found = std::mem::take(&mut b.violations);
    assert!(
        found.is_empty(),
        "axe-core found WCAG 2.1 A/AA violations:\n{}",
        found.join("\n")
    );
}
