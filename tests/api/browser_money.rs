//! Issue 26 in a real browser: the money overview, the payments page with its date field, the
//! confirmation step and the undo form, and the start page's money table pass axe-core; the
//! date field shows a whole date.

use crate::browser::start;
use crate::helpers::TestApp;
use crate::subsidy::rounds;

#[tokio::test]
async fn the_money_pages_pass_axe_and_a_payment_is_confirmed_then_undone() {
    let app = TestApp::spawn().await;
    let Some(mut b) = start(format!("http://{}", app.addr)).await else {
        return;
    };
    let (scheme, _, old) = rounds(&app).await;
    b.login("beleid@maastricht.demo").await;
    b.open("/maastricht/").await;
    b.check("start (geld per ronde)").await;
    b.open(&format!(
        "/maastricht/regelingen/{scheme}/rondes/{old}/geld"
    ))
    .await;
    b.check("geldoverzicht").await;
    let payment = app
        .id("select y.payment_id from subsidy_payments y join subsidy_outcomes o using (tenant_id, application_id) \
             where y.paid_on is null and o.granted_cents > 0 order by y.due_on, y.payment_id limit 1")
        .await;
    let month: String = sqlx::query_scalar(
        "select to_char(due_on, 'YYYY-MM') from subsidy_payments where payment_id = $1",
    )
    .bind(payment)
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    b.open(&format!("/maastricht/regelingen/betalingen?maand={month}"))
        .await;
    b.check("betalingen (datum ingevuld)").await;
    let width = b
        .client
        .execute(
            &format!(
                "return document.getElementById('betaald-{payment}').getBoundingClientRect().width"
            ),
            vec![],
        )
        .await
        .unwrap();
    assert!(width.as_f64().unwrap() >= 150.0, "date field {width}px");
    b.submit(&format!("form[action$='/{payment}/betaald'] button"))
        .await;
    b.check("betaling bevestigen").await;
    b.submit("form[action$='/betaald'] button[type=submit]")
        .await;
    let paid: Option<String> =
        sqlx::query_scalar("select paid_on::text from subsidy_payments where payment_id = $1")
            .bind(payment)
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    assert!(paid.is_some());
    b.check("betalingen (betaald, ongedaan maken)").await;
}
