//! Opening exceptions as data (issue 16 item 5): closed periods and the public holidays a
//! facility closes on, entered in the form, shown on the facility page, the kaart and the
//! handout, carried by the CSV, and respected by the "open on" filter.

use reqwest::StatusCode;
use time::Duration;
use voorzieningen::register::facilities::closures::Closure;
use voorzieningen::web::time_fmt;

use crate::helpers::TestApp;
use crate::lookup::total;
use crate::register::{avedan, facility_form, post_form};

#[tokio::test]
async fn closed_periods_and_holidays_are_entered_shown_and_exported() {
    let app = TestApp::spawn().await;
    let mut b = app.login("beleid@almelo.demo").await;
    let today = time_fmt::today();
    let (from, to) = (today + Duration::days(3), today + Duration::days(20));
    let mut form = facility_form(&avedan(&app).await);
    for (key, value) in [
        ("sluiting_van", to.to_string()),
        ("sluiting_tot", from.to_string()),
        ("sluiting_reden", "Verbouwing".to_string()),
        ("sluiting_van", String::new()),
        ("sluiting_tot", String::new()),
        ("sluiting_reden", String::new()),
        ("gesloten_feestdagen", "koningsdag".to_string()),
        ("gesloten_feestdagen", "eerste_kerstdag".to_string()),
    ] {
        form.push((key, value));
    }
    // The last day before the first: an error, everything kept.
    let page = post_form(&mut b, "/almelo/voorzieningen", &form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("eindigt vóór ze begint"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("value=\"{to}\"")));
    assert!(page.body.contains("value=\"Verbouwing\""));
    assert!(page
        .body
        .contains("id=\"gesloten_feestdagen-koningsdag\" name=\"gesloten_feestdagen\" value=\"koningsdag\" checked"));

    let swap = |form: &mut Vec<(&'static str, String)>, key: &str, value: String| {
        let at = form.iter().position(|(k, _)| *k == key).unwrap();
        form[at].1 = value;
    };
    swap(&mut form, "sluiting_van", from.to_string());
    swap(&mut form, "sluiting_tot", to.to_string());
    let page = post_form(&mut b, "/almelo/voorzieningen", &form).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let stored: Vec<(time::Date, time::Date, String)> = sqlx::query_as(
        "select z.closed_from, z.closed_to, z.reason from facility_closures z join facilities f using (tenant_id, facility_id) \
         where f.name = 'Huiskamer De Riet'",
    )
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    assert_eq!(stored, [(from, to, "Verbouwing".to_string())]);
    let sentence = Closure {
        from,
        to,
        reason: "Verbouwing".into(),
    }
    .sentence();
    let show = b.get(&page.location.unwrap()).await;
    assert!(show.body.contains(&sentence), "{sentence}");
    assert!(show
        .body
        .contains("Gesloten op Koningsdag en Eerste Kerstdag."));

    // The kaart and the handout say it too.
    let id = app
        .id("select facility_id from facilities where name = 'Huiskamer De Riet'")
        .await;
    let mut visitor = app.client();
    for path in [
        format!("/almelo/kaart/{id}"),
        format!("/almelo/kaart/{id}/folder"),
    ] {
        let page = visitor.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(page.body.contains(&sentence), "{path}");
        assert!(page
            .body
            .contains("Gesloten op Koningsdag en Eerste Kerstdag."));
    }

    // The CSV carries both, and reading it back changes nothing.
    let csv = crate::register_import::export(&mut b, "almelo").await;
    let line = csv
        .lines()
        .find(|l| l.contains("Huiskamer De Riet"))
        .unwrap();
    assert!(line.contains(&format!("{from}/{to} Verbouwing")), "{line}");
    assert!(line.contains("koningsdag|eerste_kerstdag"), "{line}");
    b.get("/almelo/voorzieningen/import").await;
    let page = b
        .upload("/almelo/voorzieningen/import", csv.as_bytes().to_vec())
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let again: i64 = app
        .scalar_i64("select count(*) from facility_closures z join facilities f using (tenant_id, facility_id) where f.name = 'Huiskamer De Riet'")
        .await;
    assert_eq!(again, 1);
}

#[tokio::test]
async fn the_open_on_filter_leaves_out_a_facility_closed_on_the_coming_day() {
    let app = TestApp::spawn().await;
    crate::lookup::without_closures(&app).await;
    let mut b = app.login("wijkteam@almelo.demo").await;
    let today = time_fmt::today();
    // Close one facility open on Mondays for the whole coming week.
    let monday = "/almelo/zoeken?dag=ma";
    let before = total(&b.get(monday).await.body);
    assert!(before > 2);
    let name = "Dagstructurering Schelfhorst";
    sqlx::query(
        "insert into facility_closures (tenant_id, facility_id, closed_from, closed_to, reason) \
         select tenant_id, facility_id, $1, $2, 'Test' from facilities where name = $3 \
         on conflict (tenant_id, facility_id, closed_from) do update set closed_to = excluded.closed_to",
    )
    .bind(today)
    .bind(today + Duration::days(7))
    .bind(name)
    .execute(&app.db.admin)
    .await
    .unwrap();
    let page = b.get(monday).await;
    assert_eq!(total(&page.body), before - 1);
    assert!(!crate::lookup::names(&page.body).contains(&name.to_string()));
    // Without a day it is still listed: it is open again after the closure.
    let all = b.get("/almelo/zoeken?q=schelfhorst").await;
    assert!(crate::lookup::names(&all.body).contains(&name.to_string()));
    // The public kaart counts the same way.
    let mut visitor = app.client();
    let kaart = visitor.get("/almelo/kaart?dag=ma").await;
    assert_eq!(total(&kaart.body), before - 1);
}
