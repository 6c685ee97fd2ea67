//! Accountability and settlement: the aanbieder files its verantwoording (realised activities,
//! participants, costs against the budget lines); a beleidsmedewerker settles at the granted
//! amount or lower with a reason; what was paid is offset (the rest paid within six weeks, or a
//! claim for what was paid too much), and a settlement letter with the remedies clause follows.
//! Without accountability, some weeks after it was due, the official may settle on their own
//! initiative.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::BTreeMap;
use time::{Date, Duration};

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::fields::{long_text, optional_text};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::after::after_grant::after_grant;
use crate::subsidy::after::report_documents;
use crate::subsidy::after::settlement::{offset, Duty, OWN_INITIATIVE_AFTER_WEEKS};
use crate::subsidy::common::money::{euro, parse_euro};
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::store::{self, Application};
use crate::subsidy::letters::letter::{Letter, Part};
use crate::web::{time_fmt, ClientAddr};

fn amount_field(
    form: &BTreeMap<String, String>,
    key: &str,
    what: &str,
    errors: &mut FormErrors,
) -> i64 {
    match parse_euro(form.get(key).map(String::as_str).unwrap_or("")) {
        Ok(v) => v.unwrap_or(0),
        Err(m) => {
            errors.add(key.to_string(), format!("{what}: {m}"));
            0
        }
    }
}

/// POST /{tenant}/aanvragen/{id}/verantwoording: the aanbieder's accountability (once).
pub async fn report_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let provider = crate::subsidy::common::nav_page::own_provider(&user)?;
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = match store::application(&mut tx, id).await? {
        Some(a) if a.provider_id == provider => a,
        _ => return Err(AppError::NotFound),
    };
    let round = store::round_by_id(&mut tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(after) = after_grant(&mut tx, &application, &round).await? else {
        return Err(AppError::BadRequest(
            "Verantwoorden kan alleen over een verleende subsidie.".into(),
        ));
    };
    if after.duty == Duty::Direct || after.report.is_some() || after.settlement.is_some() {
        return Err(AppError::BadRequest(
            "Voor deze subsidie is al verantwoord of vastgesteld, of er is geen verantwoording nodig.".into(),
        ));
    }
    let mut errors = FormErrors::default();
    let activities = long_text(
        form.get("gerealiseerd").map(String::as_str).unwrap_or(""),
        8000,
        "het verslag",
        "Beschrijf welke activiteiten zijn uitgevoerd.",
    )
    .map_err(|m| errors.add("gerealiseerd", m))
    .unwrap_or_default();
    let participants = match crate::fields::count(
        form.get("deelnemers_werkelijk")
            .map(String::as_str)
            .unwrap_or(""),
        "Het aantal deelnemers",
    ) {
        Ok(Some(n)) => n,
        Ok(None) => {
            errors.add("deelnemers_werkelijk", "Vul het aantal deelnemers in.");
            0
        }
        Err(m) => {
            errors.add("deelnemers_werkelijk", m);
            0
        }
    };
    let fixed = amount_field(&form, "werkelijk_vaste_lasten", "Vaste lasten", &mut errors);
    let staff = amount_field(
        &form,
        "werkelijk_personeel",
        "Betaalde krachten",
        &mut errors,
    );
    let activity = amount_field(&form, "werkelijk_activiteiten", "Activiteiten", &mut errors);
    let other = amount_field(&form, "werkelijk_overig", "Overige kosten", &mut errors);
    if after.duty == Duty::FinancialReport && fixed + staff + activity + other == 0 {
        errors.add(
            "werkelijk_vaste_lasten",
            "Vul de gerealiseerde kosten per begrotingspost in (financieel verslag).",
        );
    }
    let missing = report_documents::missing(after.duty, &after.documents);
    if !missing.is_empty() {
        errors.add(
            "verantwoording-documenten",
            format!(
                "Voeg eerst toe: {} (onder ‘Documenten bij de verantwoording’).",
                missing.join(" en ").to_lowercase()
            ),
        );
    }
    if !errors.is_empty() {
        tx.commit().await?;
        return crate::subsidy::apply::form_page::page_with_report(&state, &user, id, form, errors)
            .await;
    }
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "insert into subsidy_reports (tenant_id, application_id, activities, participants, fixed_costs_cents, \
         staff_costs_cents, activity_costs_cents, other_costs_cents, submitted_by) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict do nothing",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(&activities)
    .bind(participants)
    .bind(fixed)
    .bind(staff)
    .bind(activity)
    .bind(other)
    .bind(user.user_id)
    .execute(&mut *tx)
    .await?;
    let event = Event::new("verantwoording ingediend", "subsidieaanvraag", id).after(json!({
        "documenten": after.documents.iter().map(|d| format!("{}: {}", d.kind_name(), d.file_name)).collect::<Vec<_>>(),
        "deelnemers": participants, "kosten": euro(fixed + staff + activity + other),
        "vaste_lasten": euro(fixed), "personeel": euro(staff), "activiteiten": euro(activity), "overig": euro(other),
    }));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/{id}?melding=opgeslagen",
        crate::subsidy::common::nav_page::portal_base(&user)
    ))
    .into_response())
}

/// POST /{tenant}/regelingen/aanvragen/{id}/vaststellen: `bedrag` (at most the grant) and
/// `reden` (required when lower).
pub async fn settle(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let round = store::round_by_id(&mut tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(after) = after_grant(&mut tx, &application, &round).await? else {
        return Err(AppError::BadRequest(
            "Vaststellen kan alleen bij een verleende subsidie.".into(),
        ));
    };
    let tenant_id = tx.tenant_id();
    // One settlement per grant: the row lock keeps two officials from settling twice.
    sqlx::query("select 1 from subsidy_applications where tenant_id = $1 and application_id = $2 for update")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let already: bool = sqlx::query_scalar("select exists (select 1 from subsidy_settlements where tenant_id = $1 and application_id = $2)")
        .bind(tenant_id)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    let mut errors = FormErrors::default();
    if already {
        errors.add("bedrag", "Deze subsidie is al vastgesteld.");
    }
    let today = time_fmt::today();
    let own_initiative = after.report.is_none();
    if own_initiative && today < after.own_initiative_from() {
        errors.add(
            "bedrag",
            format!(
                "Er is nog geen verantwoording. Ambtshalve vaststellen kan vanaf {} ({} weken na de uiterste datum {}).",
                time_fmt::date(after.own_initiative_from()),
                OWN_INITIATIVE_AFTER_WEEKS,
                time_fmt::date(after.due)
            ),
        );
    }
    let settled = match parse_euro(form.get("bedrag").map(String::as_str).unwrap_or("")) {
        Ok(Some(c)) if c <= after.granted_cents => c,
        Ok(Some(_)) => {
            errors.add(
                "bedrag",
                format!(
                    "De vaststelling is ten hoogste de verleende {}.",
                    euro(after.granted_cents)
                ),
            );
            0
        }
        Ok(None) => {
            errors.add("bedrag", "Vul het vastgestelde bedrag in.");
            0
        }
        Err(m) => {
            errors.add("bedrag", m);
            0
        }
    };
    let reason = optional_text(
        form.get("reden").map(String::as_str).unwrap_or(""),
        4000,
        "de reden",
    )
    .map_err(|m| errors.add("reden", m))
    .unwrap_or_default();
    if errors.is_empty() && settled < after.granted_cents && reason.is_empty() {
        errors.add(
            "reden",
            "Geef de reden waarom lager wordt vastgesteld dan verleend (per verschil).",
        );
    }
    if !errors.is_empty() {
        tx.commit().await?;
        return crate::subsidy::schemes::review_page::review_with_settlement_form(
            &state, &user, id, form, errors,
        )
        .await;
    }
    let (to_pay, claim) = offset(settled, after.paid_cents);
    // Advances not yet paid are replaced by what the settlement leaves to pay.
    let dropped: Vec<(i64, Date)> = sqlx::query_as(
        "delete from subsidy_payments where tenant_id = $1 and application_id = $2 and paid_on is null \
         returning amount_cents, due_on",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut *tx)
    .await?;
    if to_pay > 0 {
        sqlx::query(
            "insert into subsidy_payments (tenant_id, application_id, kind, part, due_on, amount_cents) \
             values ($1, $2, 'nabetaling', 1, $3, $4)",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(today + Duration::weeks(6))
        .bind(to_pay)
        .execute(&mut *tx)
        .await?;
    }
    let settled_by = format!("{} ({})", user.display_name, user.email);
    sqlx::query(
        "insert into subsidy_settlements (tenant_id, application_id, settled_cents, granted_cents, paid_cents, claim_cents, \
         reason, own_initiative, settled_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(settled)
    .bind(after.granted_cents)
    .bind(after.paid_cents)
    .bind(claim)
    .bind(&reason)
    .bind(own_initiative)
    .bind(&settled_by)
    .execute(&mut *tx)
    .await?;
    let event = Event::new("vastgesteld", "subsidieaanvraag", id).after(json!({
        "verleend": euro(after.granted_cents), "vastgesteld": euro(settled), "betaald": euro(after.paid_cents),
        "nog_te_betalen": euro(to_pay), "terugvordering": euro(claim), "reden": reason, "ambtshalve": own_initiative,
        "vervallen_voorschotten": dropped.iter().map(|(a, d)| format!("{} op {}", euro(*a), d)).collect::<Vec<_>>(),
    }));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/aanvragen/{id}?melding=opgeslagen",
        crate::subsidy::common::nav_page::schemes_base(&user)
    ))
    .into_response())
}

/// The settlement letter (vaststellingsbeschikking) of `application`, once settled.
pub async fn settlement_letter(
    tx: &mut TenantTx,
    application: &Application,
) -> AppResult<Option<Letter>> {
    let round = store::round_by_id(tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(after) = after_grant(tx, application, &round).await? else {
        return Ok(None);
    };
    let Some(s) = after.settlement else {
        return Ok(None);
    };
    let tenant_id = tx.tenant_id();
    let tenant: String = sqlx::query_scalar("select name from tenants where tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(&mut **tx)
        .await?;
    let sent = time_fmt::to_amsterdam(s.settled_at).date();
    let (to_pay, claim) = offset(s.settled_cents, s.paid_cents);
    let mut parts = vec![Part::Paragraph(if s.direct {
        format!(
            "Bij de verlening van uw subsidie {} hebben wij het bedrag meteen vastgesteld, omdat het lager is dan de grens \
             waaronder geen verantwoording nodig is.",
            application.reference
        )
    } else if s.own_initiative {
        format!(
            "Wij hebben geen verantwoording ontvangen over uw subsidie {}; die was uiterlijk op {} verschuldigd. \
             Daarom stellen wij de subsidie ambtshalve vast (artikel 4:47 Awb).",
            application.reference,
            time_fmt::date(after.due)
        )
    } else {
        format!("Wij ontvingen uw verantwoording over subsidie {}. Met deze brief stellen wij de subsidie vast.", application.reference)
    })];
    parts.push(Part::Heading("Ons besluit".into()));
    parts.push(Part::Facts(vec![
        ("Verleend".into(), euro(s.granted_cents)),
        ("Vastgesteld".into(), euro(s.settled_cents)),
        ("Al betaald (voorschotten)".into(), euro(s.paid_cents)),
        ("Nog te betalen".into(), euro(to_pay)),
        ("Terug te betalen".into(), euro(claim)),
    ]));
    if !s.reason.is_empty() {
        parts.push(Part::Heading("Motivering".into()));
        parts.push(Part::Paragraph(s.reason.clone()));
    }
    if to_pay > 0 {
        parts.push(Part::Paragraph(format!(
            "Wij betalen het resterende bedrag uiterlijk op {} (binnen zes weken na deze vaststelling).",
            time_fmt::date(sent + Duration::weeks(6))
        )));
    }
    if claim > 0 {
        parts.push(Part::Paragraph(format!(
            "U ontving {} meer dan het vastgestelde bedrag. Wij vorderen dat bedrag terug (artikel 4:57 Awb); \
             u ontvangt daarvoor een betalingsverzoek.",
            euro(claim)
        )));
    }
    parts.push(Part::Heading("Bezwaar".into()));
    parts.push(Part::Paragraph(format!(
        "Bent u het niet eens met dit besluit, dan kunt u binnen zes weken na de dag waarop deze brief is verzonden \
         bezwaar maken bij {}. Deze brief is verzonden op {}; uw bezwaar moet dus uiterlijk op {} zijn ontvangen. \
         Vermeld het kenmerk {} en waarom u het niet eens bent, en onderteken uw bezwaarschrift.",
        round.objection_body,
        time_fmt::date(sent),
        time_fmt::date(crate::subsidy::common::terms::objection_deadline(sent)),
        application.reference
    )));
    Ok(Some(Letter {
        tenant,
        title: format!("Vaststelling {}", application.reference),
        reference: application.reference.clone(),
        addressee: vec![application.provider_name.clone()],
        date: time_fmt::date(sent),
        subject: format!(
            "Vaststelling van uw subsidie {} {}",
            round.scheme_name, round.year
        ),
        parts,
    }))
}
