//! Subsidy schemes, part 1: the demo scheme decided by its own rule, an aanbieder's
//! application from draft to submission by the server's clock, completion, withdrawal,
//! conflicts of interest, scoring, deciding once under concurrency, the CSV and isolation.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{Browser, TestApp};

/// This year's round of the Maastricht demo scheme (open) and last year's (decided).
pub(crate) async fn rounds(app: &TestApp) -> (Uuid, Uuid, Uuid) {
    let scheme = app
        .id("select scheme_id from subsidy_schemes where kind = 'tender' limit 1")
        .await;
    let open = app
        .id("select round_id from subsidy_rounds where closes_at > now()")
        .await;
    let old = app
        .id("select round_id from subsidy_rounds where closes_at < now()")
        .await;
    (scheme, open, old)
}

pub(crate) async fn category(app: &TestApp, round: Uuid, code: &str) -> Uuid {
    app.id(&format!(
        "select rc.category_id from subsidy_round_categories rc join subsidy_categories c using (tenant_id, category_id) \
         where rc.round_id = '{round}' and c.code = '{code}'"
    ))
    .await
}

pub(crate) fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec()
}

pub(crate) async fn upload(
    b: &mut Browser,
    path: &str,
    kind: &str,
    bytes: Vec<u8>,
    name: &str,
) -> StatusCode {
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", b.csrf.clone())
        .text("soort", kind.to_string())
        .part(
            "bestand",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
    b.client
        .post(format!("{}{}", b.base_url(), path))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .status()
}

pub(crate) const COMPLETE: [(&str, &str); 17] = [
    ("titel", "Huiskamer De Brug"),
    (
        "activiteiten",
        "Drie ochtenden per week een open huiskamer met koffie en een krant.",
    ),
    ("deelnemers", "60"),
    (
        "bereik",
        "Bewoners van Malpertuis en omgeving, via de buurtkrant.",
    ),
    ("vaste_lasten", "12.000,00"),
    ("personeel", "0"),
    ("activiteitenkosten", "1.500,50"),
    ("overig", ""),
    ("gevraagd", "12.000"),
    (
        "antwoord_samenwerking",
        "Met het sociaal team en de buurtvereniging.",
    ),
    (
        "antwoord_resultaat",
        "Buren kennen elkaar en helpen elkaar.",
    ),
    (
        "antwoord_inclusie",
        "Rolstoeltoegankelijk; iedereen is welkom.",
    ),
    (
        "antwoord_duurzaamheid",
        "Een vast bestuur van vijf vrijwilligers.",
    ),
    ("verklaring", "bestuur"),
    ("verklaring", "vog"),
    ("verklaring", "administratie"),
    ("verklaring", "toegankelijk"),
];

/// Starts a draft in this year's huiskamer onderdeel as the demo aanbieder; its id.
pub(crate) async fn start_draft(app: &TestApp, b: &mut Browser) -> Uuid {
    let (_, open, _) = rounds(app).await;
    let huiskamer = category(app, open, "huiskamer").await;
    let portal = b.get("/maastricht/aanvragen").await;
    assert_eq!(portal.status, StatusCode::OK);
    assert!(portal.body.contains("Open rondes"));
    let r = b
        .post(
            "/maastricht/aanvragen",
            &[
                ("ronde", &open.to_string()),
                ("onderdeel", &huiskamer.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.location.unwrap();
    location.rsplit('/').next().unwrap().parse().unwrap()
}

pub(crate) fn saved_stamp(body: &str) -> String {
    let marker = "name=\"bewaard\" value=\"";
    let start = body.find(marker).unwrap() + marker.len();
    body[start..start + body[start..].find('"').unwrap()].to_string()
}

pub(crate) async fn post_form(
    b: &mut Browser,
    id: Uuid,
    fields: &[(&str, &str)],
    action: &str,
) -> crate::helpers::Page {
    let page = b.get(&format!("/maastricht/aanvragen/{id}")).await;
    let stamp = saved_stamp(&page.body);
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("bewaard", &stamp));
    all.push(("actie", action));
    b.post(&format!("/maastricht/aanvragen/{id}"), &all).await
}

#[tokio::test]
async fn the_demo_round_was_decided_by_the_schemes_own_rule() {
    let app = TestApp::spawn().await;
    let (scheme, _, old) = rounds(&app).await;
    // Every onderdeel of last year's round is decided, and none granted more than its plafond.
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_decisions where round_id = '{old}'"
        ))
        .await,
        4
    );
    let over = app
        .scalar_i64(&format!(
            "select count(*) from subsidy_round_categories rc where round_id = '{old}' and ceiling_cents < \
             (select coalesce(sum(granted_cents), 0)::bigint from subsidy_outcomes o where o.round_id = rc.round_id \
              and o.category_id = rc.category_id)"
        ))
        .await;
    assert_eq!(over, 0);
    let huiskamer = category(&app, old, "huiskamer").await;
    let counts = |outcome: &str| {
        format!("select count(*) from subsidy_outcomes where category_id = '{huiskamer}' and outcome = '{outcome}'")
    };
    assert_eq!(app.scalar_i64(&counts("toegekend")).await, 3);
    assert_eq!(app.scalar_i64(&counts("gedeeltelijk")).await, 1);
    assert_eq!(app.scalar_i64(&counts("afgewezen")).await, 1);
    // The partial grant is exactly what remained of the plafond.
    assert_eq!(
        app.scalar_i64(&format!(
            "select (granted_cents + (select sum(granted_cents) from subsidy_outcomes where category_id = '{huiskamer}' \
             and outcome = 'toegekend') - (select ceiling_cents from subsidy_round_categories where category_id = '{huiskamer}' \
             and round_id = '{old}'))::bigint from subsidy_outcomes where category_id = '{huiskamer}' and outcome = 'gedeeltelijk'"
        ))
        .await,
        0
    );

    let mut beleid = app.login("beleid@maastricht.demo").await;
    let list = beleid.get("/maastricht/regelingen").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list
        .body
        .contains("Subsidieregeling Algemene Voorzieningen Maastricht"));
    let page = beleid
        .get(&format!("/maastricht/regelingen/{scheme}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Budget en dekking per jaar"));
    let ranking = beleid
        .get(&format!(
            "/maastricht/regelingen/{scheme}/rondes/{old}/rangschikking"
        ))
        .await;
    assert_eq!(ranking.status, StatusCode::OK);
    assert!(ranking.body.contains("Gedeeltelijk toegekend"));
    assert!(
        ranking.body.contains("nee: Inclusie"),
        "the refused one shows why"
    );
    assert!(ranking.body.contains("Besloten op"));

    let csv = beleid
        .get(&format!(
            "/maastricht/regelingen/{scheme}/rondes/{old}/rangschikking.csv"
        ))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    let text = csv.body.trim_start_matches('\u{feff}');
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "onderdeel;rang;aanvrager;kvk;totaal;subsidiabel;gevraagd_eur;toegekend_eur;plafond_eur;resterend_eur"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 12);
    assert!(
        rows.iter()
            .any(|r| r.starts_with("Huiskamer;1;") && r.contains(";120000,00;")),
        "{rows:?}"
    );

    // Beoordelaars and aanbieders do not reach the scheme pages; wijkteams neither.
    for who in ["beoordelaar", "aanbieder", "wijkteam"] {
        let mut b = app.login(&format!("{who}@maastricht.demo")).await;
        assert_eq!(
            b.get("/maastricht/regelingen").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
}

#[tokio::test]
async fn an_aanbieder_saves_a_draft_and_submits_it_by_the_servers_clock() {
    let app = TestApp::spawn().await;
    let mut b = app.login("aanbieder@maastricht.demo").await;
    let id = start_draft(&app, &mut b).await;

    // A draft keeps what was typed, even half.
    let r = post_form(
        &mut b,
        id,
        &[("titel", "Huiskamer De Brug"), ("gevraagd", "12.000")],
        "opslaan",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = b.get(&format!("/maastricht/aanvragen/{id}")).await;
    assert!(page.body.contains("value=\"Huiskamer De Brug\""));
    assert!(page.body.contains("value=\"12000,00\""));

    // A malformed amount: the draft keeps it as typed; the form shows it with a Dutch message.
    let r = post_form(
        &mut b,
        id,
        &[("titel", "Nieuwe titel"), ("gevraagd", "twaalf")],
        "opslaan",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = b.get(&format!("/maastricht/aanvragen/{id}")).await;
    assert!(r
        .body
        .contains("Gevraagd bedrag: Vul een bedrag in euro in"));
    assert!(r.body.contains("value=\"twaalf\""));
    assert!(r.body.contains("value=\"Nieuwe titel\""));

    // Submitting an incomplete application keeps the draft and says what is missing.
    let r = post_form(&mut b, id, &[("titel", "Huiskamer De Brug")], "indienen").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Beschrijf de activiteiten"));
    assert!(r
        .body
        .contains("Voeg nog toe: Begroting, Jaarverslag, Bestuurssamenstelling."));
    assert_eq!(app.scalar_i64(&format!("select count(*) from subsidy_applications where application_id = '{id}' and status = 'concept'")).await, 1);

    // Documents are recognised by their content, not their name.
    let base = format!("/maastricht/aanvragen/{id}/documenten");
    assert_eq!(
        upload(
            &mut b,
            &base,
            "begroting",
            b"MZ\x90\x00 not a pdf".to_vec(),
            "begroting.pdf"
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    for kind in ["begroting", "jaarverslag", "bestuurssamenstelling"] {
        assert_eq!(
            upload(&mut b, &base, kind, pdf(), &format!("{kind}.pdf")).await,
            StatusCode::SEE_OTHER
        );
    }
    let document = app.id(&format!("select document_id from subsidy_documents where application_id = '{id}' and kind = 'begroting'")).await;
    let download = b
        .client
        .get(format!("{}{base}/{document}", b.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(download.headers()["content-type"], "application/pdf");
    assert_eq!(download.bytes().await.unwrap().as_ref(), pdf().as_slice());

    // The budget must cover the request.
    let mut too_much = COMPLETE.to_vec();
    too_much.retain(|(k, _)| *k != "gevraagd");
    too_much.push(("gevraagd", "20.000"));
    let r = post_form(&mut b, id, &too_much, "indienen").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("kan niet hoger zijn dan de begroting"));

    // One second after the deadline a submission is refused and nothing changes.
    app.db.admin.execute_sql(&format!(
        "update subsidy_rounds set closes_at = now() - interval '1 second' where round_id = (select round_id from subsidy_applications where application_id = '{id}')"
    )).await;
    let page = b.get(&format!("/maastricht/aanvragen/{id}")).await;
    assert!(
        !page.body.contains("value=\"indienen\""),
        "the button is gone after the deadline"
    );
    let r = b
        .post(
            &format!("/maastricht/aanvragen/{id}"),
            &[
                ("titel", "Te laat"),
                ("actie", "indienen"),
                ("bewaard", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("De termijn is verstreken"));
    assert_eq!(app.scalar_i64(&format!("select count(*) from subsidy_applications where application_id = '{id}' and status = 'concept'")).await, 1);

    // Before the deadline it is accepted, with the time of receipt, and frozen.
    app.db.admin.execute_sql(&format!(
        "update subsidy_rounds set closes_at = now() + interval '1 minute' where round_id = (select round_id from subsidy_applications where application_id = '{id}')"
    )).await;
    let r = post_form(&mut b, id, &COMPLETE, "indienen").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = b
        .get(&format!("/maastricht/aanvragen/{id}?melding=ingediend"))
        .await;
    assert!(page.body.contains("Uw aanvraag is ingediend."));
    assert!(page.body.contains("Ontvangen"));
    assert!(
        !page.body.contains("name=\"titel\""),
        "a submitted application is no longer a form"
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_application_versions where application_id = '{id}' and submitted_at is not null \
             and requested_cents = 1200000 and fixed_costs_cents = 1200000 and activity_costs_cents = 150050"
        ))
        .await,
        1
    );
    let r = post_form_raw(&mut b, id, &COMPLETE).await;
    assert_eq!(
        r,
        StatusCode::BAD_REQUEST,
        "a frozen application cannot be changed"
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from audit_events where object_id = '{id}' and action = 'ingediend'"
        ))
        .await,
        1
    );
}

async fn post_form_raw(b: &mut Browser, id: Uuid, fields: &[(&str, &str)]) -> StatusCode {
    let mut all = fields.to_vec();
    all.push(("actie", "opslaan"));
    b.post(&format!("/maastricht/aanvragen/{id}"), &all)
        .await
        .status
}

pub(crate) trait ExecuteSql {
    async fn execute_sql(&self, sql: &str);
}

impl ExecuteSql for sqlx::PgPool {
    async fn execute_sql(&self, sql: &str) {
        sqlx::query(sql).execute(self).await.unwrap();
    }
}

/// Submits a complete application as the demo aanbieder; its id.
pub(crate) async fn submitted(app: &TestApp, b: &mut Browser) -> Uuid {
    let id = start_draft(app, b).await;
    let base = format!("/maastricht/aanvragen/{id}/documenten");
    for kind in ["begroting", "jaarverslag", "bestuurssamenstelling"] {
        b.get(&format!("/maastricht/aanvragen/{id}")).await;
        assert_eq!(
            upload(b, &base, kind, pdf(), "x.pdf").await,
            StatusCode::SEE_OTHER
        );
    }
    let r = post_form(b, id, &COMPLETE, "indienen").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    id
}

#[tokio::test]
async fn completion_makes_a_new_version_and_the_original_stays_readable() {
    let app = TestApp::spawn().await;
    let mut aanbieder = app.login("aanbieder@maastricht.demo").await;
    let id = submitted(&app, &mut aanbieder).await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let review = beleid
        .get(&format!("/maastricht/regelingen/aanvragen/{id}"))
        .await;
    assert_eq!(review.status, StatusCode::OK);
    let r = beleid
        .post(
            &format!("/maastricht/regelingen/aanvragen/{id}/aanvulling"),
            &[("reden", ""), ("dagen", "500")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Schrijf wat er ontbreekt"));
    assert!(r
        .body
        .contains("Vul een termijn in van 1 tot en met 90 dagen"));
    let r = beleid
        .post(
            &format!("/maastricht/regelingen/aanvragen/{id}/aanvulling"),
            &[
                ("reden", "Het jaarverslag is van 2019."),
                ("dagen", "14"),
                ("onderdeel", "activiteiten"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let page = aanbieder.get(&format!("/maastricht/aanvragen/{id}")).await;
    assert!(page.body.contains("Het jaarverslag is van 2019."));
    assert!(
        page.body.contains("name=\"activiteiten\""),
        "the applicant edits the new version"
    );
    let mut changed = COMPLETE.to_vec();
    changed.retain(|(k, _)| *k != "activiteiten");
    changed.push(("activiteiten", "Vier ochtenden per week (aangevuld)"));
    let r = post_form(&mut aanbieder, id, &changed, "indienen").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let titles: Vec<(i32, String)> = sqlx::query_as(&format!(
        "select version, activities from subsidy_application_versions where application_id = '{id}' order by version"
    ))
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    assert_eq!(
        titles,
        vec![
            (1, COMPLETE[1].1.to_string()),
            (2, "Vier ochtenden per week (aangevuld)".to_string())
        ]
    );
    let review = beleid
        .get(&format!("/maastricht/regelingen/aanvragen/{id}"))
        .await;
    assert!(review.body.contains("Versie 1, ingediend op"));
    assert!(review.body.contains("Versie 2, ingediend op"));

    // Withdrawing before the decision.
    let r = aanbieder
        .post(&format!("/maastricht/aanvragen/{id}/intrekken"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.scalar_i64(&format!("select count(*) from subsidy_applications where application_id = '{id}' and status = 'ingetrokken'")).await, 1);
}

#[tokio::test]
async fn assessors_declare_conflicts_before_they_see_or_score_anything() {
    let app = TestApp::spawn().await;
    let mut aanbieder = app.login("aanbieder@maastricht.demo").await;
    let id = submitted(&app, &mut aanbieder).await;
    let mut assessor = app.login("beoordelaar@maastricht.demo").await;
    // While the window is open there is nothing to assess.
    assert_eq!(
        assessor
            .get(&format!("/maastricht/beoordelen/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app.db.admin.execute_sql("update subsidy_rounds set closes_at = now() - interval '1 second' where closes_at > now()").await;

    let page = assessor.get(&format!("/maastricht/beoordelen/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Verklaring over belangenverstrengeling"));
    assert!(
        !page.body.contains("Drie ochtenden per week"),
        "nothing of the application before the declaration"
    );
    let scores = [
        ("punten_samenwerking", "7"),
        ("motivering_samenwerking", "Goed."),
        ("punten_resultaat", "8"),
        ("motivering_resultaat", "Duidelijk."),
        ("punten_inclusie", "6"),
        ("motivering_inclusie", "Voldoende."),
        ("punten_duurzaamheid", "7"),
        ("motivering_duurzaamheid", "Vast bestuur."),
    ];
    assert_eq!(
        assessor
            .post(&format!("/maastricht/beoordelen/{id}/scores"), &scores)
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let r = assessor
        .post(
            &format!("/maastricht/beoordelen/{id}/verklaring"),
            &[
                ("belang", "ja"),
                ("toelichting", "Mijn zus zit in het bestuur."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = assessor.get(&format!("/maastricht/beoordelen/{id}")).await;
    assert!(page.body.contains("U kunt haar niet openen of beoordelen"));
    assert!(!page.body.contains("Drie ochtenden per week"));
    assert_eq!(
        assessor
            .post(&format!("/maastricht/beoordelen/{id}/scores"), &scores)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let document = app
        .id(&format!(
            "select document_id from subsidy_documents where application_id = '{id}' limit 1"
        ))
        .await;
    assert_eq!(
        assessor
            .get(&format!(
                "/maastricht/beoordelen/{id}/documenten/{document}"
            ))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // A declared conflict binds: the assessor cannot withdraw it; a beleidsmedewerker lifts it
    // with a reason, as a new row (the old one stays).
    assessor.get(&format!("/maastricht/beoordelen/{id}")).await;
    let r = assessor
        .post(
            &format!("/maastricht/beoordelen/{id}/verklaring"),
            &[("belang", "nee")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Die verklaring bindt"));
    assert!(!r.body.contains("Drie ochtenden per week"));
    let assessor_id = app
        .id("select user_id from users where email = 'beoordelaar@maastricht.demo'")
        .await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let review = beleid
        .get(&format!("/maastricht/regelingen/aanvragen/{id}"))
        .await;
    assert!(review.body.contains("Belang verklaard op"));
    assert!(review.body.contains("Mijn zus zit in het bestuur."));
    let r = beleid
        .post(
            &format!("/maastricht/regelingen/aanvragen/{id}/belang/{assessor_id}/opheffen"),
            &[(
                "reden",
                "Haar zus is per 1 januari uit het bestuur getreden.",
            )],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_conflict_declarations where application_id = '{id}'"
        ))
        .await,
        2
    );
    let page = assessor.get(&format!("/maastricht/beoordelen/{id}")).await;
    assert!(page.body.contains("Drie ochtenden per week"));
    assert!(page.body.contains("Prijs (berekend)"));

    // Bad scores come back with the input kept.
    let mut bad = scores.to_vec();
    bad[0] = ("punten_samenwerking", "11");
    bad[3] = ("motivering_resultaat", "");
    let r = assessor
        .post(&format!("/maastricht/beoordelen/{id}/scores"), &bad)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .body
        .contains("Geef bij Samenwerking een heel getal van 0 tot en met 10."));
    assert!(r.body.contains("Schrijf bij Resultaat een motivering"));
    assert!(r.body.contains("value=\"11\""));
    let r = assessor
        .post(&format!("/maastricht/beoordelen/{id}/scores"), &scores)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.scalar_i64(&format!(
            "select sum(points)::bigint from subsidy_scores where application_id = '{id}'"
        ))
        .await,
        28
    );

    // The applicant's own organisation may never assess it, whatever it declares.
    sqlx::query("update users set roles = array['aanbieder', 'beoordelaar'] where email = 'aanbieder@maastricht.demo'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let mut both = app.login("aanbieder@maastricht.demo").await;
    let page = both.get(&format!("/maastricht/beoordelen/{id}")).await;
    assert!(page
        .body
        .contains("Deze aanvraag komt van uw eigen organisatie"));
    let r = both
        .post(
            &format!("/maastricht/beoordelen/{id}/verklaring"),
            &[("belang", "nee")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn deciding_at_once_from_many_requests_decides_once_within_the_plafond() {
    let app = TestApp::spawn().await;
    let (scheme, open, _) = rounds(&app).await;
    let huiskamer = category(&app, open, "huiskamer").await;
    // Close this year's round, and score its submitted applications (two assessors agree).
    app.db.admin.execute_sql(&format!("update subsidy_rounds set closes_at = now() - interval '1 second' where round_id = '{open}'")).await;
    app.db.admin.execute_sql(&format!(
        "insert into subsidy_scores (tenant_id, application_id, criterion_code, user_id, points, motivation) \
         select a.tenant_id, a.application_id, c.code, u.user_id, 8, 'Goed' from subsidy_applications a \
         join subsidy_criteria c on c.tenant_id = a.tenant_id and c.round_id = a.round_id and c.category_id = a.category_id and not c.computed \
         join users u on u.tenant_id = a.tenant_id and u.email = 'beoordelaar@maastricht.demo' \
         where a.round_id = '{open}' and a.status = 'ingediend' on conflict do nothing"
    )).await;
    // A plafond below the one request makes it a partial grant; a grant that small is settled at once.
    app.db.admin.execute_sql(&format!(
        "update subsidy_round_categories set ceiling_cents = 1000000 where round_id = '{open}' and category_id = '{huiskamer}'"
    )).await;
    app.db.admin.execute_sql(&format!("update subsidy_rounds set settle_direct_below_cents = 2000000 where round_id = '{open}'")).await;
    let path =
        format!("/maastricht/regelingen/{scheme}/rondes/{open}/onderdelen/{huiskamer}/besluiten");
    let mut officials = Vec::new();
    for _ in 0..2 {
        let mut b = app.login("beleid@maastricht.demo").await;
        b.get(&format!(
            "/maastricht/regelingen/{scheme}/rondes/{open}/rangschikking"
        ))
        .await;
        officials.push(b);
    }
    let mut requests = Vec::new();
    for i in 0..40 {
        let b = &officials[i % 2];
        let token = b.csrf.clone();
        let url = format!("{}{path}", b.base_url());
        let client = b.client.clone();
        requests.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&[("csrf_token", token)])
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for r in requests {
        assert_eq!(r.await.unwrap(), StatusCode::SEE_OTHER);
    }
    assert_eq!(app.scalar_i64(&format!("select count(*) from subsidy_decisions where category_id = '{huiskamer}' and round_id = '{open}'")).await, 1);
    assert_eq!(
        app.scalar_i64(&format!("select coalesce(sum(granted_cents), 0)::bigint from subsidy_outcomes where category_id = '{huiskamer}' and round_id = '{open}'")).await,
        1_000_000
    );
    assert_eq!(
        app.scalar_i64(&format!("select count(*) from audit_events where action = 'besloten' and object_id = '{open}/{huiskamer}'")).await,
        1
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_settlements s join subsidy_outcomes o using (tenant_id, application_id) \
             where o.category_id = '{huiskamer}' and o.round_id = '{open}' and s.direct and s.settled_cents = o.granted_cents"
        ))
        .await,
        1,
        "settled at once with the grant"
    );
    // A decided onderdeel keeps its scores.
    let mut assessor = app.login("beoordelaar@maastricht.demo").await;
    let id = app.id(&format!("select application_id from subsidy_applications where round_id = '{open}' and category_id = '{huiskamer}' and status = 'besloten' limit 1")).await;
    assessor.get(&format!("/maastricht/beoordelen/{id}")).await;
    assessor
        .post(
            &format!("/maastricht/beoordelen/{id}/verklaring"),
            &[("belang", "nee")],
        )
        .await;
    let page = assessor.get(&format!("/maastricht/beoordelen/{id}")).await;
    assert!(page.body.contains("de scores liggen vast"));
}

#[tokio::test]
async fn nothing_of_the_subsidies_reaches_another_tenant_or_organisation() {
    let app = TestApp::spawn().await;
    let (scheme, open, old) = rounds(&app).await;
    let foreign = app.id(&format!(
        "select application_id from subsidy_applications a join providers p using (tenant_id, provider_id) \
         where a.round_id = '{old}' and p.provider_id <> (select provider_id from users where email = 'aanbieder@maastricht.demo') limit 1"
    )).await;
    let mut almelo = app.login("beleid@almelo.demo").await;
    for path in [
        format!("/almelo/regelingen/{scheme}"),
        format!("/almelo/regelingen/{scheme}/rondes/{old}"),
        format!("/almelo/regelingen/{scheme}/rondes/{old}/rangschikking"),
        format!("/almelo/regelingen/{scheme}/rondes/{old}/rangschikking.csv"),
        format!("/almelo/regelingen/aanvragen/{foreign}"),
        format!("/almelo/beoordelen/{foreign}"),
        format!("/maastricht/regelingen/{scheme}"),
    ] {
        assert_eq!(
            almelo.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let list = almelo.get("/almelo/regelingen").await;
    assert!(!list.body.contains("Maastricht"));
    // Another organisation's application is not the aanbieder's to see, change or withdraw.
    let mut aanbieder = app.login("aanbieder@maastricht.demo").await;
    assert_eq!(
        aanbieder
            .get(&format!("/maastricht/aanvragen/{foreign}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    aanbieder.get("/maastricht/aanvragen").await;
    assert_eq!(
        aanbieder
            .post(&format!("/maastricht/aanvragen/{foreign}/intrekken"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        aanbieder
            .post(
                &format!("/maastricht/aanvragen/{foreign}"),
                &[("actie", "opslaan")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let portal = aanbieder.get("/maastricht/aanvragen").await;
    let foreign_reference: String = sqlx::query_scalar(&format!(
        "select reference from subsidy_applications where application_id = '{foreign}'"
    ))
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert!(
        !portal.body.contains(&foreign_reference),
        "only the organisation's own applications are listed"
    );
    // Deciding is the beleidsmedewerker's.
    let huiskamer = category(&app, open, "huiskamer").await;
    let mut assessor = app.login("beoordelaar@maastricht.demo").await;
    assessor.get("/maastricht/beoordelen").await;
    let r = assessor
        .post(
            &format!(
                "/maastricht/regelingen/{scheme}/rondes/{open}/onderdelen/{huiskamer}/besluiten"
            ),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_official_sets_up_a_scheme_and_publishes_a_round_before_it_opens() {
    let app = TestApp::spawn().await;
    let mut beheer = app.login("beheer@almelo.demo").await;
    assert_eq!(
        beheer.get("/almelo/regelingen").await.status,
        StatusCode::OK,
        "beheerders read"
    );
    assert_eq!(
        beheer.get("/almelo/regelingen/nieuw").await.status,
        StatusCode::FORBIDDEN,
        "but do not set up"
    );

    let mut beleid = app.login("beleid@almelo.demo").await;
    let form = beleid.get("/almelo/regelingen/nieuw").await;
    assert_eq!(form.status, StatusCode::OK);
    let bad = [
        ("naam", "Dagstructurering"),
        ("grondslag", ""),
        ("eerste_jaar", "2027"),
        ("laatste_jaar", "2026"),
        ("bezwaar_bij", "het college"),
        (
            "dekking",
            "2027; Innovatiemiddelen; 200.000\n2027; Innovatiemiddelen; 5",
        ),
        ("onderdelen", "Dagbesteding | Groepen in de wijk"),
    ];
    let r = beleid.post("/almelo/regelingen", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Vul de grondslag in"));
    assert!(r.body.contains("Het laatste jaar ligt op of na het eerste"));
    assert!(r.body.contains("Groepen in de wijk"), "input kept");
    let good = [
        ("naam", "Dagstructurering"),
        ("grondslag", "Algemene subsidieverordening Almelo, artikel 3"),
        ("eerste_jaar", "2027"),
        ("laatste_jaar", "2029"),
        ("bezwaar_bij", "het college van burgemeester en wethouders van Almelo"),
        ("dekking", "2027; Innovatiemiddelen; 200.000\n2027; Budget maatwerk OMD; 300.000\n2028; Budget maatwerk OMD; 450.000,00"),
        ("onderdelen", "Dagbesteding | Groepen in de wijk\nInloop"),
    ];
    let r = beleid.post("/almelo/regelingen", &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let scheme = app.id("select scheme_id from subsidy_schemes s join tenants t using (tenant_id) where t.slug = 'almelo' and s.kind = 'tender'").await;
    assert_eq!(
        app.scalar_i64(&format!("select sum(amount_cents)::bigint from subsidy_budget_lines where scheme_id = '{scheme}'")).await,
        95_000_000
    );
    let page = beleid.get(&format!("/almelo/regelingen/{scheme}")).await;
    assert!(page.body.contains("€ 500.000,00"), "the year's total");

    // A round: opening in the past is refused; a future window is published with its protocol.
    let new_round = beleid
        .get(&format!("/almelo/regelingen/{scheme}/rondes/nieuw"))
        .await;
    assert_eq!(new_round.status, StatusCode::OK);
    assert!(
        new_round.body.contains("Samenwerking | 6 |"),
        "the default criteria are offered"
    );
    let criteria =
        "Samenwerking | 6 | Met wie?\nResultaat | 6 | Wat levert het op?\nPrijs | 6 | Berekend.";
    let mut fields = vec![
        ("jaar", "2027"),
        ("opent_datum", "2020-01-01"),
        ("opent_tijd", "09:00"),
        ("sluit_datum", "2099-03-01"),
        ("sluit_tijd", "23:59"),
        ("beslistermijn", "8"),
        ("voorschotten", "4"),
        ("direct_onder", "5.000"),
        ("financieel_vanaf", "50.000"),
        ("verantwoording_maanden", "4"),
        ("verplichtingen", "Een verslag voor 1 mei."),
        ("documenten", "begroting"),
        ("verklaringen", "vog"),
        ("plafond_dagbesteding", "400.000"),
        ("regel_dagbesteding", "gemiddelde"),
        ("prijsbasis_dagbesteding", "vaste_lasten_personeel"),
        ("aftrek_dagbesteding", "0"),
        ("gelijkspel_dagbesteding", "resultaat"),
        ("restant_dagbesteding", "gedeeltelijk"),
        ("criteria_dagbesteding", criteria),
        ("plafond_inloop", ""),
    ];
    let r = beleid
        .post(&format!("/almelo/regelingen/{scheme}/rondes"), &fields)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("De ronde opent in de toekomst"));
    fields[1] = ("opent_datum", "2099-01-01");
    let r = beleid
        .post(&format!("/almelo/regelingen/{scheme}/rondes"), &fields)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let round = app
        .id(&format!(
            "select round_id from subsidy_rounds where scheme_id = '{scheme}'"
        ))
        .await;
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_round_categories where round_id = '{round}'"
        ))
        .await,
        1,
        "only onderdelen with a plafond take part"
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_criteria where round_id = '{round}' and computed"
        ))
        .await,
        1
    );
    assert_eq!(
        app.scalar_i64(&format!("select count(*) from subsidy_rounds where round_id = '{round}' and opens_at = '2099-01-01 08:00:00+00' and period_end = '2027-12-31' and advance_parts = 4 and financial_report_from_cents = 5000000")).await,
        1,
        "09:00 Amsterdam winter time; the period is the year"
    );
    let page = beleid
        .get(&format!("/almelo/regelingen/{scheme}/rondes/{round}"))
        .await;
    assert!(page.body.contains("Ronde wijzigen"));
    assert!(page.body.contains("€ 400.000,00"));
    // Until the window opens it may change; then it is fixed.
    fields[13] = ("plafond_dagbesteding", "450.000");
    let r = beleid
        .post(
            &format!("/almelo/regelingen/{scheme}/rondes/{round}"),
            &fields,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.scalar_i64(&format!(
            "select ceiling_cents from subsidy_round_categories where round_id = '{round}'"
        ))
        .await,
        45_000_000
    );
    sqlx::query(&format!("update subsidy_rounds set published_at = now() - interval '2 seconds', opens_at = now() - interval '1 second' where round_id = '{round}'"))
        .execute(&app.db.admin)
        .await
        .unwrap();
    fields[13] = ("plafond_dagbesteding", "1");
    let r = beleid
        .post(
            &format!("/almelo/regelingen/{scheme}/rondes/{round}"),
            &fields,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.scalar_i64(&format!(
            "select ceiling_cents from subsidy_round_categories where round_id = '{round}'"
        ))
        .await,
        45_000_000
    );
    assert_eq!(
        beleid
            .get(&format!(
                "/almelo/regelingen/{scheme}/rondes/{round}/wijzigen"
            ))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    // An onderdeel that a round uses cannot be removed from the scheme.
    beleid
        .get(&format!("/almelo/regelingen/{scheme}/wijzigen"))
        .await;
    let mut edit = good.to_vec();
    edit[6] = ("onderdelen", "Inloop");
    let r = beleid
        .post(&format!("/almelo/regelingen/{scheme}"), &edit)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Dagbesteding wordt in een ronde gebruikt"));
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from audit_events where object_id in ('{scheme}', '{round}')"
        ))
        .await,
        3
    );
}

/// Every subsidy route; `{t}` the tenant, the other placeholders ids.
const SUBSIDY_GET: [&str; 20] = [
    "/{t}/regelingen",
    "/{t}/regelingen/nieuw",
    "/{t}/regelingen/{scheme}",
    "/{t}/regelingen/{scheme}/wijzigen",
    "/{t}/regelingen/{scheme}/rondes/nieuw",
    "/{t}/regelingen/{scheme}/rondes/{round}",
    "/{t}/regelingen/{scheme}/rondes/{round}/wijzigen",
    "/{t}/regelingen/{scheme}/rondes/{round}/rangschikking",
    "/{t}/regelingen/{scheme}/rondes/{round}/rangschikking.csv",
    "/{t}/regelingen/aanvragen/{application}",
    "/{t}/regelingen/aanvragen/{application}/beschikking",
    "/{t}/regelingen/aanvragen/{application}/documenten/{document}",
    "/{t}/aanvragen",
    "/{t}/aanvragen/{application}",
    "/{t}/aanvragen/{application}/beschikking",
    "/{t}/aanvragen/{application}/documenten/{document}",
    "/{t}/beoordelen",
    "/{t}/beoordelen/{application}",
    "/{t}/beoordelen/{application}/documenten/{document}",
    "/{t}/regelingen/{scheme}/rondes/{round}/rangschikking.csv",
];

const SUBSIDY_POST: [&str; 14] = [
    "/{t}/regelingen",
    "/{t}/regelingen/{scheme}",
    "/{t}/regelingen/{scheme}/rondes",
    "/{t}/regelingen/{scheme}/rondes/{round}",
    "/{t}/regelingen/{scheme}/rondes/{round}/onderdelen/{category}/besluiten",
    "/{t}/regelingen/aanvragen/{application}/aanvulling",
    "/{t}/aanvragen",
    "/{t}/aanvragen/{application}",
    "/{t}/aanvragen/{application}/intrekken",
    "/{t}/aanvragen/{application}/documenten/{document}/verwijderen",
    "/{t}/beoordelen/{application}/verklaring",
    "/{t}/beoordelen/{application}/scores",
    "/{t}/beoordelen/{application}/eindscore",
    "/{t}/aanvragen/{application}/documenten",
];

#[tokio::test]
async fn no_subsidy_route_reaches_another_tenant() {
    let app = TestApp::spawn().await;
    let (scheme, open, _) = rounds(&app).await;
    let category = category(&app, open, "huiskamer").await;
    let application = app
        .id(&format!("select application_id from subsidy_applications where round_id = '{open}' and status = 'ingediend' limit 1"))
        .await;
    // A document of theirs, so that the document routes have something to not find.
    sqlx::query(&format!(
        "insert into subsidy_documents (tenant_id, application_id, version, kind, file_name, media_type, size_bytes, content) \
         select tenant_id, application_id, 1, 'begroting', 'b.pdf', 'application/pdf', 5, '%PDF-'::bytea \
         from subsidy_applications where application_id = '{application}'"
    ))
    .execute(&app.db.admin)
    .await
    .unwrap();
    let document = app
        .id("select document_id from subsidy_documents limit 1")
        .await;
    let fill = |route: &str, tenant: &str| {
        route
            .replace("{t}", tenant)
            .replace("{scheme}", &scheme.to_string())
            .replace("{round}", &open.to_string())
            .replace("{category}", &category.to_string())
            .replace("{application}", &application.to_string())
            .replace("{document}", &document.to_string())
    };
    let count = "select (select count(*) from subsidy_applications) + (select count(*) from subsidy_scores) \
                 + (select count(*) from subsidy_decisions) + (select count(*) from subsidy_documents) \
                 + (select count(*) from subsidy_conflict_declarations) + (select count(*) from subsidy_rounds) \
                 + (select sum(current_version) from subsidy_applications) + (select count(*) from subsidy_schemes)";
    let before = app.scalar_i64(count).await;
    // Their tenant in the path: 404, whoever asks.
    for who in ["beheer", "beleid", "beoordelaar", "aanbieder"] {
        let mut b = app.login(&format!("{who}@almelo.demo")).await;
        for route in SUBSIDY_GET {
            let path = fill(route, "maastricht");
            assert_eq!(
                b.get(&path).await.status,
                StatusCode::NOT_FOUND,
                "{who} GET {path}"
            );
        }
        b.get("/almelo/").await;
        for route in SUBSIDY_POST {
            let path = fill(route, "maastricht");
            let r = b
                .post(
                    &path,
                    &[("naam", "x"), ("belang", "nee"), ("actie", "indienen")],
                )
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} POST {path}");
        }
    }
    // Their ids in our own tenant's URLs, for the role that may use each page: 404 too.
    let roles = [
        ("/almelo/regelingen", "beleid"),
        ("/almelo/aanvragen", "aanbieder"),
        ("/almelo/beoordelen", "beoordelaar"),
    ];
    for (prefix, who) in roles {
        let mut b = app.login(&format!("{who}@almelo.demo")).await;
        for route in SUBSIDY_GET.iter().chain(SUBSIDY_POST.iter()) {
            let path = fill(route, "almelo");
            let has_id = ["{scheme}", "{application}", "{document}"]
                .iter()
                .any(|p| route.contains(p));
            if !has_id || !path.starts_with(prefix) {
                continue;
            }
            let status = if SUBSIDY_POST.contains(route) {
                b.get(prefix).await;
                b.post(
                    &path,
                    &[
                        ("naam", "x"),
                        ("belang", "nee"),
                        ("reden", "x"),
                        ("dagen", "5"),
                    ],
                )
                .await
                .status
            } else {
                b.get(&path).await.status
            };
            assert_eq!(status, StatusCode::NOT_FOUND, "{who} {path}");
        }
    }
    assert_eq!(
        app.scalar_i64(count).await,
        before,
        "nothing of theirs changed"
    );
}

#[tokio::test]
async fn the_receipt_is_emailed_when_smtp_is_configured() {
    let (port, mut mails) = crate::mail::smtp_sink().await;
    let settings = voorzieningen::config::Settings {
        smtp: Some(voorzieningen::config::SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            from: "noreply@register.example.nl".into(),
            username: None,
            password: None,
        }),
        ..voorzieningen::config::Settings::default()
    };
    let app = TestApp::spawn_with(settings).await;
    let mut b = app.login("aanbieder@maastricht.demo").await;
    let id = submitted(&app, &mut b).await;
    let reference: String = sqlx::query_scalar(&format!(
        "select reference from subsidy_applications where application_id = '{id}'"
    ))
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    let mail = tokio::time::timeout(std::time::Duration::from_secs(5), mails.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(mail.contains("To: aanbieder@maastricht.demo"), "{mail}");
    assert!(
        mail.contains(&format!("Ontvangstbevestiging {reference}")),
        "{mail}"
    );
    assert!(mail.contains("is ontvangen op"), "{mail}");
}

#[tokio::test]
async fn an_objection_is_judged_on_time_postponed_once_and_re_decides_the_objector_keeping_the_original_snapshot(
) {
    let app = TestApp::spawn().await;
    let (_, _, old) = rounds(&app).await;
    let huiskamer = category(&app, old, "huiskamer").await;
    // The huiskamer application refused for inclusie (below the pass mark).
    let refused = app
        .id(&format!("select application_id from subsidy_outcomes where category_id = '{huiskamer}' and round_id = '{old}' and not eligible"))
        .await;
    let snapshot = || async {
        let s: String = sqlx::query_scalar(&format!(
            "select snapshot::text || (select string_agg(granted_cents::text, ',' order by application_id) from subsidy_outcomes where category_id = '{huiskamer}') \
             from subsidy_decisions where category_id = '{huiskamer}' and round_id = '{old}'"
        ))
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
        s
    };
    let original = snapshot().await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let review = beleid
        .get(&format!("/maastricht/regelingen/aanvragen/{refused}"))
        .await;
    assert!(review.body.contains("Bezwaar registreren"));
    let r = beleid
        .post(
            &format!("/maastricht/regelingen/aanvragen/{refused}/bezwaren"),
            &[
                ("ontvangen", "gisteren"),
                ("kanaal", "post"),
                ("gronden", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Vul de datum van ontvangst in"));
    assert!(r
        .body
        .contains("Vul bij post de datum van het poststempel in"));
    assert!(r.body.contains("Vat de gronden van het bezwaar samen"));
    let today: String =
        sqlx::query_scalar("select ((now() at time zone 'Europe/Amsterdam')::date)::text")
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    let r = beleid
        .post(
            &format!("/maastricht/regelingen/aanvragen/{refused}/bezwaren"),
            &[
                ("ontvangen", &today),
                ("kanaal", "digitaal"),
                (
                    "gronden",
                    "Onze inclusie is onderschat: de huiskamer is drempelvrij.",
                ),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let objection = app.id("select objection_id from subsidy_objections").await;
    assert_eq!(
        app.scalar_i64("select count(*) from subsidy_objections where on_time")
            .await,
        1
    );
    let receipt = beleid
        .get(&format!(
            "/maastricht/regelingen/bezwaren/{objection}/ontvangstbevestiging"
        ))
        .await;
    assert_eq!(receipt.status, StatusCode::OK);
    assert!(receipt.body.contains("bevestigen wij de ontvangst"));
    let list = beleid.get("/maastricht/regelingen/bezwaren").await;
    assert!(list.body.contains("Tijdig"));

    // One postponement of at most six weeks, with a reason.
    let path = format!("/maastricht/regelingen/bezwaren/{objection}");
    beleid.get(&path).await;
    let r = beleid
        .post(&format!("{path}/uitstel"), &[("weken", "8"), ("reden", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Uitstel is 1 tot en met 6 weken."));
    let r = beleid
        .post(
            &format!("{path}/uitstel"),
            &[("weken", "3"), ("reden", "Advies van de commissie nodig.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = beleid
        .post(
            &format!("{path}/uitstel"),
            &[("weken", "2"), ("reden", "Nog eens.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("dat kan maar één keer"));

    // Well-founded: inclusie goes from 5 to 8; the preview shows what changes for the others.
    let decide = [
        ("uitkomst", "gegrond"),
        ("motivering", "De inclusie is bij nader inzien voldoende."),
        ("punten_samenwerking", "7"),
        ("punten_resultaat", "7"),
        ("punten_inclusie", "8"),
        ("punten_duurzaamheid", "7"),
    ];
    let mut preview = decide.to_vec();
    preview.push(("actie", "voorbeeld"));
    let r = beleid.post(&format!("{path}/beslissen"), &preview).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Wat zou veranderen"));
    assert!(r.body.contains("Verandert"));
    assert_eq!(
        app.scalar_i64("select count(*) from subsidy_objections where outcome is not null")
            .await,
        0,
        "a preview decides nothing"
    );
    let mut final_form = decide.to_vec();
    final_form.push(("actie", "beslissen"));
    let r = beleid.post(&format!("{path}/beslissen"), &final_form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = beleid.get(&path).await;
    assert!(page.body.contains("Herberekening na het bezwaar"));
    assert!(page.body.contains("Gegrond"));
    // The replay used the plafond of the original decision: it grants no more than it.
    let granted_after = app
        .scalar_i64("select coalesce(sum((r->>'granted_after')::bigint), 0)::bigint from subsidy_objections, jsonb_array_elements(replay) r")
        .await;
    let ceiling = app
        .scalar_i64(&format!("select ceiling_cents from subsidy_decisions where category_id = '{huiskamer}' and round_id = '{old}'"))
        .await;
    assert!(granted_after <= ceiling && granted_after > 0);
    assert_eq!(
        app.scalar_i64("select count(*) from subsidy_objections, jsonb_array_elements(replay) r where r->>'rank_after' is not null and r->>'reference' like '%005'").await,
        1,
        "the objector is ranked after the objection"
    );
    assert_eq!(
        snapshot().await,
        original,
        "the original decision and its snapshot stay as they were"
    );
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events where action like 'bezwaar%'")
            .await,
        3
    );

    // The objector's application is re-decided: the replay's grant, paid on the round's schedule.
    let objector_after = app
        .scalar_i64(&format!("select coalesce((select (r->>'granted_after')::bigint from subsidy_objections, jsonb_array_elements(replay) r where r->>'application_id' = '{refused}'), 0)::bigint"))
        .await;
    assert!(objector_after > 0, "ranked within the plafond as it stood");
    assert_eq!(
        app.scalar_i64("select granted_after_cents from subsidy_objections")
            .await,
        objector_after
    );
    assert_eq!(
        app.scalar_i64(&format!("select coalesce(sum(amount_cents), 0)::bigint from subsidy_payments where application_id = '{refused}'"))
            .await,
        objector_after
    );
    let review = beleid
        .get(&format!("/maastricht/regelingen/aanvragen/{refused}"))
        .await;
    assert!(
        review.body.contains("<dt>Stand</dt><dd>Toegekend</dd>")
            || review
                .body
                .contains("<dt>Stand</dt><dd>Gedeeltelijk toegekend</dd>"),
        "its standing follows the revision"
    );
    let letter = beleid.get(&format!("{path}/beslissing")).await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(letter.body.contains("Wij verklaren uw bezwaar gegrond."));
    assert!(letter.body.contains("Verleend wordt"));
    assert!(letter.body.contains("beroep instellen bij de rechtbank"));
    // The open data publish the grant as it now stands.
    let grants = reqwest::get(app.url("/api/360giving/maastricht/grants.json"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let amount = format!("{}", objector_after as f64 / 100.0);
    assert!(
        grants.contains(&format!("\"amountAwarded\":{amount}"))
            || grants.contains(&format!("\"amountAwarded\": {amount}")),
        "{amount}"
    );
}

#[tokio::test]
async fn after_the_grant_payments_accountability_and_settlement_add_up() {
    let app = TestApp::spawn().await;
    let (_, _, old) = rounds(&app).await;
    let huiskamer = category(&app, old, "huiskamer").await;
    // Two granted huiskamer applications: one will account, one will not.
    let granted: Vec<(uuid::Uuid, i64)> = sqlx::query_as(&format!(
        "select application_id, granted_cents from subsidy_outcomes where category_id = '{huiskamer}' and round_id = '{old}' \
         and outcome = 'toegekend' order by rank"
    ))
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    let (first, first_granted) = granted[0];
    let (second, _) = granted[1];
    // Every grant has a payment schedule that adds up to it.
    assert_eq!(
        app.scalar_i64(&format!("select sum(amount_cents)::bigint from subsidy_payments where application_id = '{first}'")).await,
        first_granted
    );
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let due_month: String = sqlx::query_scalar(&format!("select to_char(min(due_on), 'YYYY-MM') from subsidy_payments where application_id = '{first}'"))
        .fetch_one(&app.db.admin)
        .await
        .unwrap();
    let page = beleid
        .get(&format!(
            "/maastricht/regelingen/betalingen?maand={due_month}"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let csv = beleid
        .get(&format!(
            "/maastricht/regelingen/betalingen.csv?maand={due_month}"
        ))
        .await;
    assert!(csv.body.trim_start_matches('\u{feff}').starts_with(
        "kenmerk;ontvanger;kvk;regeling;jaar;soort;deel;vervaldatum;bedrag_eur;betaald_op"
    ));
    assert!(csv.body.lines().count() >= 2);
    let payment = app.id(&format!("select payment_id from subsidy_payments where application_id = '{first}' order by due_on limit 1")).await;
    let today: String =
        sqlx::query_scalar("select ((now() at time zone 'Europe/Amsterdam')::date)::text")
            .fetch_one(&app.db.admin)
            .await
            .unwrap();
    let r = beleid
        .post(
            &format!("/maastricht/regelingen/betalingen/{payment}/betaald"),
            &[("betaald_op", today.as_str()), ("bevestigd", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = beleid
        .post(
            &format!("/maastricht/regelingen/betalingen/{payment}/betaald"),
            &[("betaald_op", today.as_str()), ("bevestigd", "ja")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "paid once");

    // The recipient files its accountability (an aanbieder user of that organisation).
    sqlx::query(&format!(
        "insert into users (tenant_id, email, display_name, password_hash, roles, provider_id) \
         select a.tenant_id, 'penningmeester@huiskamer.demo', 'Pim Penning', u.password_hash, array['aanbieder'], a.provider_id \
         from subsidy_applications a, users u where a.application_id = '{first}' and u.email = 'aanbieder@maastricht.demo'"
    ))
    .execute(&app.db.admin)
    .await
    .unwrap();
    let mut recipient = app.login("penningmeester@huiskamer.demo").await;
    let own = recipient
        .get(&format!("/maastricht/aanvragen/{first}"))
        .await;
    assert!(own.body.contains("Verantwoording indienen"));
    let r = recipient
        .post(
            &format!("/maastricht/aanvragen/{first}/verantwoording"),
            &[("gerealiseerd", ""), ("deelnemers_werkelijk", "veel")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .body
        .contains("Beschrijf welke activiteiten zijn uitgevoerd."));
    assert!(r.body.contains("value=\"veel\""));
    assert!(
        r.body.contains("Voeg eerst toe: activiteitenverslag"),
        "the report needs its documents"
    );
    assert_eq!(
        upload(
            &mut recipient,
            &format!("/maastricht/aanvragen/{first}/verantwoording/documenten"),
            "activiteitenverslag",
            pdf(),
            "verslag 2025.pdf",
        )
        .await,
        StatusCode::SEE_OTHER
    );
    let r = recipient
        .post(
            &format!("/maastricht/aanvragen/{first}/verantwoording"),
            &[
                (
                    "gerealiseerd",
                    "Het hele jaar open, drie ochtenden per week.",
                ),
                ("deelnemers_werkelijk", "52"),
                ("werkelijk_vaste_lasten", "20.000"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Someone else's application is not theirs to account for.
    assert_eq!(
        recipient
            .post(
                &format!("/maastricht/aanvragen/{second}/verantwoording"),
                &[("gerealiseerd", "x")]
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Settling: never above the grant, lower only with a reason; what was paid is offset.
    let review = format!("/maastricht/regelingen/aanvragen/{first}");
    beleid.get(&review).await;
    let too_much = format!("{}", first_granted / 100 + 1);
    let r = beleid
        .post(
            &format!("{review}/vaststellen"),
            &[("bedrag", &too_much), ("reden", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .body
        .contains("De vaststelling is ten hoogste de verleende"));
    let lower = format!("{}", first_granted / 100 - 1000);
    let r = beleid
        .post(
            &format!("{review}/vaststellen"),
            &[("bedrag", &lower), ("reden", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Geef de reden"));
    let r = beleid
        .post(
            &format!("{review}/vaststellen"),
            &[
                ("bedrag", &lower),
                (
                    "reden",
                    "Minder deelnemers dan begroot: 52 in plaats van 60.",
                ),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The whole grant was paid, so € 1.000 is claimed back and nothing is left to pay.
    assert_eq!(
        app.scalar_i64(&format!(
            "select claim_cents from subsidy_settlements where application_id = '{first}'"
        ))
        .await,
        100_000
    );
    assert_eq!(app.scalar_i64(&format!("select count(*) from subsidy_payments where application_id = '{first}' and paid_on is null")).await, 0);
    let letter = beleid.get(&format!("{review}/vaststelling")).await;
    assert_eq!(letter.status, StatusCode::OK);
    assert!(letter.body.contains("Terug te betalen"));
    let pdf = beleid
        .client
        .get(format!("{}{review}/vaststelling.pdf", beleid.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    let bytes = pdf.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let reference: String = sqlx::query_scalar(&format!(
        "select reference from subsidy_applications where application_id = '{first}'"
    ))
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    assert!(
        bytes
            .windows(reference.len())
            .any(|w| w == reference.as_bytes()),
        "the reference is in the PDF's text"
    );
    let decision_pdf = recipient
        .client
        .get(format!(
            "{}/maastricht/aanvragen/{first}/beschikking.pdf",
            recipient.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(decision_pdf.status(), StatusCode::OK);
    assert!(decision_pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    let r = beleid
        .post(
            &format!("{review}/vaststellen"),
            &[("bedrag", &lower), ("reden", "Nog eens.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "settled once");

    // Without accountability, settling on one's own initiative waits for the term.
    let other = format!("/maastricht/regelingen/aanvragen/{second}");
    beleid.get(&other).await;
    let r = beleid
        .post(
            &format!("{other}/vaststellen"),
            &[("bedrag", "1"), ("reden", "Geen verslag.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Ambtshalve vaststellen kan vanaf"));

    // The deadlines page gathers it all.
    let page = beleid.get("/maastricht/regelingen/termijnen").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Verantwoording ("));
    assert!(page.body.contains("Bezwaren ("));
    assert!(page.body.contains(": verantwoording"));
    assert_eq!(app.scalar_i64(&format!("select count(*) from audit_events where object_id = '{first}' and action in ('betaald', 'verantwoording ingediend', 'vastgesteld')")).await, 3);
}

#[tokio::test]
async fn officials_get_one_reminder_a_day_of_what_is_due() {
    let (port, mut mails) = crate::mail::smtp_sink().await;
    let settings = voorzieningen::config::Settings {
        public_url: Some("https://register.example.nl".into()),
        smtp: Some(voorzieningen::config::SmtpSettings {
            host: "127.0.0.1".into(),
            port,
            from: "noreply@register.example.nl".into(),
            username: None,
            password: None,
        }),
        ..voorzieningen::config::Settings::default()
    };
    let app = TestApp::spawn_with(settings.clone()).await;
    // A payment that fell due yesterday and is not paid.
    sqlx::query("update subsidy_payments set due_on = current_date - 1 where payment_id = (select payment_id from subsidy_payments limit 1)")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let state =
        voorzieningen::AppState::new(voorzieningen::db::Db::new(app.db.app.clone()), settings);
    let sent = voorzieningen::subsidy::after::reminders_job::send_due(&state)
        .await
        .unwrap();
    assert_eq!(sent, 1, "the one beleidsmedewerker of maastricht");
    let mail = tokio::time::timeout(std::time::Duration::from_secs(5), mails.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(mail.contains("To: beleid@maastricht.demo"), "{mail}");
    assert!(mail.contains("verstreken"), "{mail}");
    assert!(
        mail.contains("https://register.example.nl/maastricht/regelingen/betalingen"),
        "{mail}"
    );
    assert_eq!(
        voorzieningen::subsidy::after::reminders_job::send_due(&state)
            .await
            .unwrap(),
        0,
        "once a day"
    );
}

#[tokio::test]
async fn the_rendement_shows_each_formula_beside_its_result() {
    let app = TestApp::spawn().await;
    let (scheme, _, _) = rounds(&app).await;
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let path = format!("/maastricht/regelingen/{scheme}/rendement");
    let page = beleid.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    // Seed 002 §3.2, from the demo's inputs.
    for expected in [
        "280",
        "€ 1.164.240,00",
        "€ 428.610,00",
        "980 uur",
        "0,75 fte",
        "€ 95.760,00",
        "280 × € 16.632,00 ÷ 4 personen per plek",
    ] {
        assert!(page.body.contains(expected), "{expected}");
    }
    let r = beleid
        .post(
            &path,
            &[
                ("deelnemers", "veel"),
                ("aandeel", "3/2"),
                ("personen_per_plek", "0"),
                ("kosten_per_plek", "x"),
                ("subsidie", "1"),
                ("uren_per_aanvraag", "3"),
                ("uren_per_fte", "1500"),
                ("eigen_bijdrage", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Vul het deel in als breuk"));
    assert!(r.body.contains("value=\"veel\""));
    let r = beleid
        .post(
            &path,
            &[
                ("deelnemers", "101"),
                ("aandeel", "1/2"),
                ("personen_per_plek", "3"),
                ("kosten_per_plek", "10.000"),
                ("subsidie", "200.000"),
                ("uren_per_aanvraag", "3"),
                ("uren_per_fte", "1500"),
                ("eigen_bijdrage", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = beleid.get(&path).await;
    assert!(page.body.contains("€ 166.666,67"));
    assert!(page.body.contains("€ -33.333,33"), "a loss shows as such");
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events where action = 'rendement gewijzigd'")
            .await,
        1
    );
}
