//! Subsidy decisions that cannot be gamed or paid twice: objections decided at once, the price
//! rule's sound basis and its outliers, completions limited to what was asked, and conflicts of
//! interest that bind.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::TestApp;
use crate::subsidy::{category, rounds, ExecuteSql};

/// The huiskamer application of last year's decided round that was refused (below the pass
/// mark on inclusie), with `n` objections against it registered on time.
async fn refused_with_objections(app: &TestApp, n: usize) -> (Uuid, Vec<Uuid>) {
    let (_, _, old) = rounds(app).await;
    let huiskamer = category(app, old, "huiskamer").await;
    let refused = app
        .id(&format!("select application_id from subsidy_outcomes where category_id = '{huiskamer}' and round_id = '{old}' and not eligible"))
        .await;
    for i in 0..n {
        app.db
            .admin
            .execute_sql(&format!(
                "insert into subsidy_objections (tenant_id, application_id, received_on, channel, grounds, on_time, registered_by) \
                 select tenant_id, application_id, current_date, 'digitaal', 'Bezwaar {i}: de inclusie is onderschat.', true, 'test' \
                 from subsidy_applications where application_id = '{refused}'"
            ))
            .await;
    }
    let ids: Vec<Uuid> = sqlx::query_scalar(&format!(
        "select objection_id from subsidy_objections where application_id = '{refused}' order by grounds"
    ))
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    (refused, ids)
}

#[tokio::test]
async fn objections_decided_at_once_schedule_the_extra_money_once() {
    let app = TestApp::spawn().await;
    let (refused, objections) = refused_with_objections(&app, 24).await;
    // Two officials, each pressing for half of the objections.
    let mut officials = Vec::new();
    for _ in 0..2 {
        let mut b = app.login("beleid@maastricht.demo").await;
        b.get(&format!(
            "/maastricht/regelingen/bezwaren/{}",
            objections[0]
        ))
        .await;
        officials.push(b);
    }
    let form = [
        ("uitkomst", "gegrond"),
        ("motivering", "De inclusie is bij nader inzien voldoende."),
        ("punten_samenwerking", "7"),
        ("punten_resultaat", "7"),
        ("punten_inclusie", "8"),
        ("punten_duurzaamheid", "7"),
        ("actie", "beslissen"),
    ];
    let mut requests = Vec::new();
    for (i, objection) in objections.iter().enumerate() {
        let beleid = &officials[i % 2];
        let url = format!(
            "{}/maastricht/regelingen/bezwaren/{objection}/beslissen",
            beleid.base_url()
        );
        let client = beleid.client.clone();
        let mut fields: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        fields.push(("csrf_token".into(), beleid.csrf.clone()));
        requests.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&fields)
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for r in requests {
        assert_eq!(r.await.unwrap(), StatusCode::SEE_OTHER);
    }
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_objections where application_id = '{refused}' and outcome = 'gegrond'"
        ))
        .await,
        24
    );
    let granted = app
        .scalar_i64(&format!(
            "select granted_cents from subsidy_current_outcomes where application_id = '{refused}'"
        ))
        .await;
    assert!(granted > 0, "the objector is granted after the objection");
    let paid = app
        .scalar_i64(&format!(
            "select coalesce(sum(amount_cents), 0)::bigint from subsidy_payments where application_id = '{refused}'"
        ))
        .await;
    assert_eq!(paid, granted, "the extra money is scheduled once");
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_objections where application_id = '{refused}' and granted_after_cents is not null"
        ))
        .await,
        1,
        "one objection re-decided the grant; the others found it re-decided"
    );
}

/// Every criterion of the huiskamer onderdeel scored `points` with a motivation.
fn scores(points: &str) -> Vec<(&'static str, String)> {
    ["samenwerking", "resultaat", "inclusie", "duurzaamheid"]
        .iter()
        .flat_map(|c| {
            [
                (leak(format!("punten_{c}")), points.to_string()),
                (
                    leak(format!("motivering_{c}")),
                    "Zo beoordeeld.".to_string(),
                ),
            ]
        })
        .collect()
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

async fn post_owned(
    b: &mut crate::helpers::Browser,
    path: &str,
    fields: &[(&str, String)],
) -> crate::helpers::Page {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post(path, &fields).await
}

/// The final points of `criterion` of application `id` in the decided snapshot.
async fn decided_points(app: &TestApp, id: Uuid, criterion: &str) -> i64 {
    app.scalar_i64(&format!(
        "select (f->>'points')::bigint from subsidy_decisions d, jsonb_array_elements(d.snapshot->'finals'->'{id}') f \
         where f->>'code' = '{criterion}'"
    ))
    .await
}

#[tokio::test]
async fn a_declared_conflict_binds_and_its_scores_do_not_count() {
    let app = TestApp::spawn().await;
    let (scheme, open, _) = rounds(&app).await;
    let huiskamer = category(&app, open, "huiskamer").await;
    let mut aanbieder = app.login("aanbieder@maastricht.demo").await;
    let mine = crate::subsidy::submitted(&app, &mut aanbieder).await;
    let other = app
        .id(&format!(
            "select application_id from subsidy_applications where round_id = '{open}' and category_id = '{huiskamer}' \
             and status = 'ingediend' and application_id <> '{mine}' limit 1"
        ))
        .await;
    app.db.admin.execute_sql(&format!("update subsidy_rounds set closes_at = now() - interval '1 second' where round_id = '{open}'")).await;
    // A second assessor (the beheerder's account stands in) gave every application 6.
    app.db.admin.execute_sql(&format!(
        "insert into subsidy_scores (tenant_id, application_id, criterion_code, user_id, points, motivation) \
         select a.tenant_id, a.application_id, c.code, u.user_id, 6, 'Voldoende' from subsidy_applications a \
         join subsidy_criteria c on c.tenant_id = a.tenant_id and c.round_id = a.round_id and c.category_id = a.category_id and not c.computed \
         join users u on u.tenant_id = a.tenant_id and u.email = 'beheer@maastricht.demo' \
         where a.round_id = '{open}' and a.status = 'ingediend'"
    )).await;
    let reference: String = sqlx::query_scalar(&format!(
        "select reference from subsidy_applications where application_id = '{other}'"
    ))
    .fetch_one(&app.db.admin)
    .await
    .unwrap();

    // The assessor declares no conflict on both and scores them 10.
    let mut assessor = app.login("beoordelaar@maastricht.demo").await;
    for id in [mine, other] {
        assessor.get(&format!("/maastricht/beoordelen/{id}")).await;
        let r = assessor
            .post(
                &format!("/maastricht/beoordelen/{id}/verklaring"),
                &[("belang", "nee")],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = assessor.get(&format!("/maastricht/beoordelen/{id}")).await;
        assert!(
            page.body.contains("Toch een belang?"),
            "a conflict can be declared later"
        );
        let r = post_owned(
            &mut assessor,
            &format!("/maastricht/beoordelen/{id}/scores"),
            &scores("10"),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    // Then declares a conflict on `other`, from its page, and cannot withdraw it.
    assessor
        .get(&format!("/maastricht/beoordelen/{other}"))
        .await;
    let r = assessor
        .post(
            &format!("/maastricht/beoordelen/{other}/verklaring"),
            &[
                ("belang", "ja"),
                ("toelichting", "Mijn buurman is er voorzitter."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    for _ in 0..2 {
        let r = assessor
            .post(
                &format!("/maastricht/beoordelen/{other}/verklaring"),
                &[("belang", "nee")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Die verklaring bindt"));
    }
    assert_eq!(
        post_owned(
            &mut assessor,
            &format!("/maastricht/beoordelen/{other}/scores"),
            &scores("10")
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    // The assessor also declares one on their own application `mine`; an official lifts it.
    assessor
        .get(&format!("/maastricht/beoordelen/{mine}"))
        .await;
    assessor
        .post(
            &format!("/maastricht/beoordelen/{mine}/verklaring"),
            &[("belang", "ja")],
        )
        .await;

    let ranking_path = format!("/maastricht/regelingen/{scheme}/rondes/{open}/rangschikking");
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let ranking = beleid.get(&ranking_path).await;
    assert!(ranking.body.contains("Belangenverstrengeling"));
    assert!(ranking.body.contains(&format!(
        "{reference}: de scores van 1 beoordelaar tellen niet mee"
    )));

    // Lifting needs a reason; the typed form comes back.
    let assessor_id = app
        .id("select user_id from users where email = 'beoordelaar@maastricht.demo'")
        .await;
    beleid
        .get(&format!("/maastricht/regelingen/aanvragen/{mine}"))
        .await;
    let lift = format!("/maastricht/regelingen/aanvragen/{mine}/belang/{assessor_id}/opheffen");
    let r = beleid.post(&lift, &[("reden", "   ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r
        .body
        .contains("Schrijf waarom het belang geen belemmering is"));
    let r = beleid
        .post(
            &lift,
            &[(
                "reden",
                "Verklaard bij vergissing: de aanvrager is een andere stichting.",
            )],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events where action = 'belang opgeheven'")
            .await,
        1
    );
    let r = beleid.post(&lift, &[("reden", "Nog eens.")]).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing left to lift"
    );
    // Nobody lifts their own declaration.
    sqlx::query("update users set roles = array['beleidsmedewerker', 'beoordelaar'] where email = 'beleid@maastricht.demo'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let mut beleid = app.login("beleid@maastricht.demo").await;
    let beleid_id = app
        .id("select user_id from users where email = 'beleid@maastricht.demo'")
        .await;
    beleid.get(&format!("/maastricht/beoordelen/{other}")).await;
    beleid
        .post(
            &format!("/maastricht/beoordelen/{other}/verklaring"),
            &[("belang", "ja")],
        )
        .await;
    beleid
        .get(&format!("/maastricht/regelingen/aanvragen/{other}"))
        .await;
    let r = beleid
        .post(
            &format!("/maastricht/regelingen/aanvragen/{other}/belang/{beleid_id}/opheffen"),
            &[("reden", "Ik vind het wel meevallen.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("U kunt uw eigen verklaring niet opheffen"));

    // Without the conflicted assessor `other` lacks a score on samenwerking: no decision.
    app.db.admin.execute_sql(&format!(
        "delete from subsidy_scores where application_id = '{other}' and criterion_code = 'samenwerking' \
         and user_id = (select user_id from users where email = 'beheer@maastricht.demo')"
    )).await;
    beleid.get(&ranking_path).await;
    let decide =
        format!("/maastricht/regelingen/{scheme}/rondes/{open}/onderdelen/{huiskamer}/besluiten");
    let r = beleid.post(&decide, &[]).await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.body.contains(&reference) && r.body.contains("nog niet op elk criterium gescoord"),
        "{}",
        r.body
    );
    assert_eq!(
        app.scalar_i64(&format!(
            "select count(*) from subsidy_decisions where round_id = '{open}'"
        ))
        .await,
        0
    );
    // Re-scored by the other assessor, it can be decided.
    app.db.admin.execute_sql(&format!(
        "insert into subsidy_scores (tenant_id, application_id, criterion_code, user_id, points, motivation) \
         select tenant_id, application_id, 'samenwerking', (select user_id from users where email = 'beheer@maastricht.demo'), 6, 'Opnieuw' \
         from subsidy_applications where application_id = '{other}'"
    )).await;
    beleid.get(&ranking_path).await;
    let r = beleid.post(&decide, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The conflicted assessor's 10 does not count on `other`; the lifted one's does on `mine`.
    assert_eq!(decided_points(&app, other, "samenwerking").await, 6);
    assert_eq!(decided_points(&app, mine, "samenwerking").await, 8);
}

/// The complete application of the tests with `changes` applied.
pub(crate) fn complete_with(
    changes: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str)> {
    crate::subsidy::COMPLETE
        .iter()
        .map(|(k, v)| {
            let changed = changes.iter().find(|(c, _)| c == k).map(|(_, v)| *v);
            (*k, changed.unwrap_or(v))
        })
        .collect()
}

#[tokio::test]
async fn the_price_rule_needs_a_sound_basis_and_its_outliers_a_reasoned_check() {
    let app = TestApp::spawn().await;
    let (scheme, open, _) = rounds(&app).await;
    let huiskamer = category(&app, open, "huiskamer").await;
    let mut aanbieder = app.login("aanbieder@maastricht.demo").await;
    let id = crate::subsidy::start_draft(&app, &mut aanbieder).await;
    let base = format!("/maastricht/aanvragen/{id}/documenten");
    for kind in ["begroting", "jaarverslag", "bestuurssamenstelling"] {
        aanbieder.get(&format!("/maastricht/aanvragen/{id}")).await;
        let sent =
            crate::subsidy::upload(&mut aanbieder, &base, kind, crate::subsidy::pdf(), "x.pdf")
                .await;
        assert_eq!(sent, StatusCode::SEE_OTHER);
    }
    let form = aanbieder.get(&format!("/maastricht/aanvragen/{id}")).await;
    assert!(
        form.body.contains("kwart van de mediaan"),
        "the rule is stated to the applicant"
    );
    // All costs under "overig": no vaste lasten to compare per participant.
    let zero = complete_with(&[("vaste_lasten", "0"), ("overig", "12.000,00")]);
    let r = crate::subsidy::post_form(&mut aanbieder, id, &zero, "indienen").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("Met € 0 valt er niets te vergelijken"),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"12000,00\""), "the input is kept");
    for many in ["10000000", "100001"] {
        let r = crate::subsidy::post_form(
            &mut aanbieder,
            id,
            &complete_with(&[("deelnemers", many)]),
            "indienen",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("onwaarschijnlijk groot"));
    }
    // Possible but implausible: € 1.000 vaste lasten for 5.000 participants (€ 0,20 each).
    let cheap = complete_with(&[
        ("vaste_lasten", "1.000,00"),
        ("activiteitenkosten", "11.000,00"),
        ("deelnemers", "5000"),
    ]);
    let r = crate::subsidy::post_form(&mut aanbieder, id, &cheap, "indienen").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let reference: String = sqlx::query_scalar(&format!(
        "select reference from subsidy_applications where application_id = '{id}'"
    ))
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    app.db.admin.execute_sql(&format!("update subsidy_rounds set closes_at = now() - interval '1 second' where round_id = '{open}'")).await;
    app.db.admin.execute_sql(&format!(
        "insert into subsidy_scores (tenant_id, application_id, criterion_code, user_id, points, motivation) \
         select a.tenant_id, a.application_id, c.code, u.user_id, 8, 'Goed' from subsidy_applications a \
         join subsidy_criteria c on c.tenant_id = a.tenant_id and c.round_id = a.round_id and c.category_id = a.category_id and not c.computed \
         join users u on u.tenant_id = a.tenant_id and u.email = 'beoordelaar@maastricht.demo' \
         where a.round_id = '{open}' and a.status = 'ingediend' on conflict do nothing"
    )).await;

    let mut beleid = app.login("beleid@maastricht.demo").await;
    let ranking_path = format!("/maastricht/regelingen/{scheme}/rondes/{open}/rangschikking");
    let ranking = beleid.get(&ranking_path).await;
    assert!(ranking.body.contains("Uitschieters controleren"));
    assert!(
        ranking.body.contains(&format!(
            "<strong>{reference}</strong>: kosten per deelnemer € 0,20"
        )),
        "{}",
        ranking.body
    );
    assert!(
        ranking.body.contains("kwart van de mediaan"),
        "the published rule says how"
    );
    let decide =
        format!("/maastricht/regelingen/{scheme}/rondes/{open}/onderdelen/{huiskamer}/besluiten");
    let r = beleid.post(&decide, &[]).await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.body.contains("controleer eerst de uitschieter"),
        "{}",
        r.body
    );
    let check = format!(
        "/maastricht/regelingen/{scheme}/rondes/{open}/onderdelen/{huiskamer}/uitschieters/{id}"
    );
    beleid.get(&ranking_path).await;
    let r = beleid.post(&check, &[("reden", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Schrijf wat u heeft gecontroleerd"));
    // Only a flagged application can be checked.
    let other = app
        .id(&format!(
            "select application_id from subsidy_applications where round_id = '{open}' and category_id = '{huiskamer}' \
             and status = 'ingediend' and application_id <> '{id}' limit 1"
        ))
        .await;
    let elsewhere = check.replace(&id.to_string(), &other.to_string());
    assert_eq!(
        beleid.post(&elsewhere, &[("reden", "x")]).await.status,
        StatusCode::NOT_FOUND
    );
    let reason = "Nagebeld: de vaste lasten zijn laag omdat de ruimte gratis is; de deelnemers zijn bezoeken, geen personen.";
    let r = beleid.post(&check, &[("reden", reason)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = beleid.post(&check, &[("reden", "Nog eens")]).await;
    assert_eq!(
        r.status,
        StatusCode::SEE_OTHER,
        "a second check changes nothing"
    );
    assert_eq!(
        app.scalar_i64(
            "select count(*) from audit_events where action = 'uitschieter gecontroleerd'"
        )
        .await,
        1
    );
    let ranking = beleid.get(&ranking_path).await;
    assert!(ranking.body.contains("Gecontroleerd door"));
    assert!(ranking.body.contains(reason));
    let r = beleid.post(&decide, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}
