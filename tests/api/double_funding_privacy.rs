//! The double-funding check tried by a partner curious about one resident: one pseudonym,
//! nine and repeats, a BSN in many forms (never echoed), a target among made-up pseudonyms
//! and among people known to have maatwerk. Partners see small counts as "< 5"; the official
//! sees the exact counts and the rule.

use reqwest::StatusCode;
use voorzieningen::subsidy::double_funding::pseudonym::{fingerprint, parse_key, pseudonym};

use crate::helpers::{Browser, TestApp};

const PARTNER: &str = "/maastricht/aanvragen/deelnemers";
const OFFICIAL: &str = "/maastricht/regelingen/dubbele-financiering";
const TARGET: &str = "111222333";

async fn make_key(beleid: &mut Browser) -> String {
    beleid.get(OFFICIAL).await;
    let page = beleid.post(&format!("{OFFICIAL}/sleutel"), &[]).await;
    let marker = "id=\"nieuwe-sleutel\">";
    let start = page.body.find(marker).expect("the new key is shown") + marker.len();
    page.body[start..start + 64].to_string()
}

/// The upload text of `values` (BSNs or any other text, pseudonymised with `key`), with extra
/// raw `lines` after them.
fn text(key: &str, values: &[String], lines: &[&str]) -> String {
    let bytes = parse_key(key).unwrap();
    let mut out = format!("sleutel;{}\n", fingerprint(&bytes));
    for v in values {
        out.push_str(&pseudonym(&bytes, v));
        out.push('\n');
    }
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    out
}

fn made_up(prefix: &str, n: usize) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i}")).collect()
}

/// The row of `period` in the results table.
fn row<'a>(body: &'a str, period: &str) -> &'a str {
    let start = body
        .find(&format!("<tr><td>{period}</td>"))
        .unwrap_or_else(|| panic!("a result row for {period}"));
    let end = body[start..].find("</tr>").unwrap() + start;
    &body[start..end]
}

async fn upload(b: &mut Browser, path: &str, period: &str, text: &str) -> crate::helpers::Page {
    b.post(
        &format!("{path}/upload"),
        &[("periode", period), ("pseudoniemen", text)],
    )
    .await
}

#[tokio::test]
async fn a_partner_cannot_learn_whether_one_resident_has_maatwerk() {
    let app = TestApp::spawn().await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let key = make_key(&mut beleid).await;
    let mut partner = app.login("aanbieder@maastricht.demo").await;
    partner.get(PARTNER).await;

    // One pseudonym, the resident's: refused, nothing kept.
    let r = upload(
        &mut partner,
        PARTNER,
        "2027",
        &text(&key, &[TARGET.into()], &[]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Er staat 1 pseudoniem in"), "{}", r.body);
    assert!(r.body.contains("minstens 10 nodig"));
    // Nine and repeats of them: still nine.
    let mut nine = made_up("x", 8);
    nine.push(TARGET.into());
    let mut repeated = nine.clone();
    repeated.extend(nine.iter().take(6).cloned());
    let r = upload(&mut partner, PARTNER, "2027", &text(&key, &repeated, &[])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Er staan 9 verschillende pseudoniemen in"));
    assert!(r.body.contains("een herhaling telt één keer"));

    // The same BSN in many forms, among ten good pseudonyms: refused whole, never shown back.
    let padded_left = format!("{TARGET:0>64}");
    let padded_right = format!("{TARGET:0<64}");
    let good = made_up("goed", 10);
    let first_good = pseudonym(&parse_key(&key).unwrap(), &good[0]);
    for line in [
        "111222333;Jansen",
        "Jansen;111 222 333",
        "111.222.333",
        "111-22-2333",
        "１１１２２２３３３",
        padded_left.as_str(),
        padded_right.as_str(),
    ] {
        let r = upload(&mut partner, PARTNER, "2027", &text(&key, &good, &[line])).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{line}");
        assert!(
            r.body.contains("lijkt een burgerservicenummer te bevatten"),
            "{line}: {}",
            r.body
        );
        assert!(
            r.body.contains("Regel 12"),
            "{line}: the line is named by its number"
        );
        assert!(!r.body.contains(line), "{line} is never echoed");
        assert!(!r.body.contains(TARGET), "{line}: nor its digits");
        assert!(
            !r.body.contains("Jansen"),
            "{line}: nor the rest of the line"
        );
        assert!(
            !r.body.contains(&first_good),
            "{line}: nothing of that upload is shown back"
        );
    }
    // A BSN typed as the period: refused, not shown back.
    let r = upload(&mut partner, PARTNER, TARGET, &text(&key, &good, &[])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("De periode lijkt een burgerservicenummer"));
    assert!(!r.body.contains(TARGET));
    // A wrong line without a BSN comes back to be corrected.
    let r = upload(
        &mut partner,
        PARTNER,
        "2027",
        &text(&key, &good, &["hallo"]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Regel 12 is geen pseudoniem"));
    assert!(r.body.contains("hallo"), "input kept");
    assert!(r.body.contains(&first_good), "input kept");
    assert_eq!(
        app.scalar_i64("select count(*) from pseudonym_uploads")
            .await,
        0
    );
    assert_eq!(app.scalar_i64("select count(*) from pseudonyms").await, 0);

    // 2027: the resident among nine made-up pseudonyms. 2028: among nine people known to have
    // maatwerk. The municipality's maatwerk list holds the resident and those nine.
    let mut probe = made_up("verzonnen", 9);
    probe.push(TARGET.into());
    let r = upload(&mut partner, PARTNER, "2027", &text(&key, &probe, &[])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let known = made_up("bekend", 9);
    let mut suspects = known.clone();
    suspects.push(TARGET.into());
    let r = upload(&mut partner, PARTNER, "2028", &text(&key, &suspects, &[])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let mut maatwerk = known.clone();
    maatwerk.push(TARGET.into());
    maatwerk.extend(made_up("maatwerk", 10));
    beleid.get(OFFICIAL).await;
    for period in ["2027", "2028"] {
        let r = upload(&mut beleid, OFFICIAL, period, &text(&key, &maatwerk, &[])).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        beleid.get(OFFICIAL).await;
        let r = beleid
            .post(&format!("{OFFICIAL}/controle"), &[("periode", period)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    assert_eq!(
        app.scalar_i64("select overlap_count::bigint from overlap_results where period = '2027'")
            .await,
        1
    );
    assert_eq!(
        app.scalar_i64("select overlap_count::bigint from overlap_results where period = '2028'")
            .await,
        10
    );

    // The partner: the same kind of answer whether or not the resident is in maatwerk.
    let page = partner.get(PARTNER).await;
    let probed = row(&page.body, "2027");
    assert!(
        probed.contains("<td class=\"numeric\">10</td><td class=\"numeric\">20</td><td class=\"numeric\">&#60; 5</td>"),
        "{probed}"
    );
    let all = row(&page.body, "2028");
    assert!(
        all.contains("<td class=\"numeric\">20</td><td class=\"numeric\">6 of meer</td>"),
        "{all}"
    );
    assert!(page.body.contains("Aantallen onder de 5 staan hier als"));

    // The official: the exact counts, what the partner sees, and the rule.
    let page = beleid.get(OFFICIAL).await;
    let exact = row(&page.body, "2027");
    assert!(
        exact.contains("<td class=\"numeric\">1</td><td class=\"numeric\">&#60; 5</td>"),
        "{exact}"
    );
    let exact = row(&page.body, "2028");
    assert!(
        exact.contains("<td class=\"numeric\">10</td><td class=\"numeric\">6 of meer</td>"),
        "{exact}"
    );
    assert!(page.body.contains("Wat aanbieders zien."));
    assert!(page
        .body
        .contains("Aantallen onder de 5 ziet hij als ‘&#60; 5’"));
    assert!(page
        .body
        .contains("Een upload met minder dan 10 verschillende pseudoniemen wordt geweigerd"));
}

#[tokio::test]
async fn the_minimum_upload_is_a_setting() {
    let settings = voorzieningen::config::Settings {
        double_funding_minimum: 25,
        ..Default::default()
    };
    let app = TestApp::spawn_with(settings).await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let key = make_key(&mut beleid).await;
    let mut partner = app.login("aanbieder@maastricht.demo").await;
    partner.get(PARTNER).await;
    let r = upload(
        &mut partner,
        PARTNER,
        "2027",
        &text(&key, &made_up("p", 24), &[]),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("minstens 25 nodig"));
    let r = upload(
        &mut partner,
        PARTNER,
        "2027",
        &text(&key, &made_up("p", 25), &[]),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.scalar_i64("select count(*) from pseudonyms").await, 25);
}
