//! Objections (bezwaar) against decisions: registered by a beleidsmedewerker with the date and
//! way they arrived, judged on time by [`crate::subsidy::common::terms`] (the post rule included), confirmed to
//! the objector with a receipt letter, decided within the computed term (once postponable with
//! a reason). An objection that changes scores replays the onderdeel's ranking with the plafond
//! as it stood at the original decision (Awb 4:25(3)) and shows what would change for the
//! others; the original snapshot stays as it was.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::roles::Section;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::fields::long_text;
use crate::state::AppState;
use crate::subsidy::after::objections::{all, one, replay, Objection, ReplayRow};
use crate::subsidy::common::money::euro;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{notice, schemes_base, with_422, NoticeQuery};
use crate::subsidy::common::store::{self, Application};
use crate::subsidy::common::terms::{self, Channel};
use crate::subsidy::decide::ranking::decided;
use crate::web::layout::{render, FormErrors, Layout};
use crate::web::{time_fmt, ClientAddr};

fn parse_date(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.trim(), &format).ok()
}

/// POST /{tenant}/regelingen/aanvragen/{id}/bezwaren: `ontvangen` (date), `kanaal`
/// (post/digitaal), `verzonden` (date posted, for post), `gronden`.
pub async fn objection_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tenant_id = tx.tenant_id();
    let decided_at: Option<OffsetDateTime> = sqlx::query_scalar(
        "select decided_at from subsidy_outcomes where tenant_id = $1 and application_id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(decided_at) = decided_at else {
        return Err(AppError::BadRequest(
            "Bezwaar kan alleen tegen een besluit: over deze aanvraag is nog niet besloten.".into(),
        ));
    };
    let sent = time_fmt::to_amsterdam(decided_at).date();
    let today = time_fmt::today();
    let mut errors = FormErrors::default();
    let received = match parse_date(field("ontvangen")) {
        Some(d) if d > today => {
            errors.add("ontvangen", "De ontvangstdatum ligt in de toekomst.");
            None
        }
        Some(d) if d < sent => {
            errors.add(
                "ontvangen",
                format!(
                    "De ontvangstdatum ligt voor de verzending van het besluit ({}).",
                    time_fmt::date(sent)
                ),
            );
            None
        }
        Some(d) => Some(d),
        None => {
            errors.add(
                "ontvangen",
                "Vul de datum van ontvangst in, bijvoorbeeld 2027-04-12.",
            );
            None
        }
    };
    let channel = match field("kanaal") {
        "post" => Some(Channel::Post),
        "digitaal" => Some(Channel::Digital),
        _ => {
            errors.add(
                "kanaal",
                "Kies hoe het bezwaar binnenkwam: per post of digitaal.",
            );
            None
        }
    };
    let posted = match (channel, field("verzonden").trim()) {
        (Some(Channel::Post), text) => match parse_date(text) {
            Some(d) if received.is_some_and(|r| d > r) => {
                errors.add("verzonden", "De postdatum ligt na de ontvangst.");
                None
            }
            Some(d) => Some(d),
            None => {
                errors.add("verzonden", "Vul bij post de datum van het poststempel in.");
                None
            }
        },
        _ => None,
    };
    let grounds = long_text(
        field("gronden"),
        8000,
        "de gronden",
        "Vat de gronden van het bezwaar samen.",
    )
    .map_err(|m| errors.add("gronden", m))
    .unwrap_or_default();
    let (Some(received), Some(channel), true) = (received, channel, errors.is_empty()) else {
        tx.commit().await?;
        let response = crate::subsidy::schemes::schemes_page::review_with_objection_form(
            &state, &user, id, form, errors,
        )
        .await?;
        return Ok(with_422(response));
    };
    let on_time = terms::objection_on_time(sent, received, channel, posted);
    let registered_by = format!("{} ({})", user.display_name, user.email);
    let objection_id: Uuid = sqlx::query_scalar(
        "insert into subsidy_objections (tenant_id, application_id, received_on, channel, posted_on, grounds, on_time, \
         registered_by) values ($1, $2, $3, $4, $5, $6, $7, $8) returning objection_id",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(received)
    .bind(if channel == Channel::Post { "post" } else { "digitaal" })
    .bind(posted)
    .bind(&grounds)
    .bind(on_time)
    .bind(&registered_by)
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new("bezwaar geregistreerd", "subsidieaanvraag", id).after(json!({
        "bezwaar": objection_id, "kenmerk": application.reference, "ontvangen": received.to_string(),
        "kanaal": field("kanaal"), "verzonden": posted.map(|d| d.to_string()), "tijdig": on_time,
        "termijn_tot": terms::objection_deadline(sent).to_string(), "gronden": grounds,
    }));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/bezwaren/{objection_id}?melding=opgeslagen",
        schemes_base(&user)
    ))
    .into_response())
}

struct ListRow {
    href: String,
    reference: String,
    provider: String,
    received: String,
    on_time: &'static str,
    due: String,
    overdue: bool,
    outcome: &'static str,
}

#[derive(Template)]
#[template(path = "subsidy/after/objections_list.html")]
struct ListPage {
    layout: Layout,
    back: String,
    rows: Vec<ListRow>,
}

/// GET /{tenant}/regelingen/bezwaren
pub async fn objections_list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let objections = all(&mut tx).await?;
    tx.commit().await?;
    let today = time_fmt::today();
    let rows = objections
        .iter()
        .map(|o| ListRow {
            href: format!("{}/bezwaren/{}", schemes_base(&user), o.objection_id),
            reference: o.reference.clone(),
            provider: o.provider_name.clone(),
            received: time_fmt::date(o.received_on),
            on_time: if o.on_time { "Tijdig" } else { "Te laat" },
            due: time_fmt::date(o.decision_due()),
            overdue: o.outcome.is_none() && o.decision_due() < today,
            outcome: o.outcome_label(),
        })
        .collect();
    render(&ListPage {
        layout: Layout::for_user(&user, "Bezwaren", Some(Section::Schemes)),
        back: schemes_base(&user),
        rows,
    })
}

struct PointField {
    name: String,
    field: String,
    value: String,
    current: i32,
}

#[derive(Template)]
#[template(path = "subsidy/after/objection.html")]
struct ObjectionPage {
    layout: Layout,
    back: String,
    objection: Objection,
    application_href: String,
    receipt_href: String,
    postpone_action: String,
    decide_action: String,
    deadline: String,
    due: String,
    sent: String,
    points: Vec<PointField>,
    form: BTreeMap<String, String>,
    preview: Vec<ReplayRow>,
    errors: FormErrors,
}

impl ObjectionPage {
    fn value(&self, key: &str) -> &str {
        self.form.get(key).map(String::as_str).unwrap_or("")
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    form: BTreeMap<String, String>,
    preview: Vec<ReplayRow>,
    errors: FormErrors,
    notice: Option<&str>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let objection = one(&mut tx, id).await?;
    let application = store::application(&mut tx, objection.application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (board, _, _) = decided(&mut tx, application.round_id, application.category_id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let current = board
        .placed
        .iter()
        .find(|p| p.candidate.application_id == application.application_id);
    let points = board
        .criteria
        .iter()
        .enumerate()
        .filter(|(_, c)| c.code != "prijs")
        .map(|(i, c)| {
            let now = current
                .and_then(|p| p.candidate.points.get(i).copied())
                .unwrap_or(0);
            let field = format!("punten_{}", c.code);
            PointField {
                value: form.get(&field).cloned().unwrap_or_else(|| now.to_string()),
                name: c.name.clone(),
                field,
                current: now,
            }
        })
        .collect();
    let invalid = !errors.is_empty();
    let response = render(&ObjectionPage {
        layout: Layout::for_user(
            user,
            format!("Bezwaar tegen {}", objection.reference),
            Some(Section::Schemes),
        )
        .with_notice(notice),
        back: format!("{}/bezwaren", schemes_base(user)),
        application_href: format!(
            "{}/aanvragen/{}",
            schemes_base(user),
            objection.application_id
        ),
        receipt_href: format!("{}/bezwaren/{id}/ontvangstbevestiging", schemes_base(user)),
        postpone_action: format!("{}/bezwaren/{id}/uitstel", schemes_base(user)),
        decide_action: format!("{}/bezwaren/{id}/beslissen", schemes_base(user)),
        deadline: time_fmt::date(objection.deadline()),
        due: time_fmt::date(objection.decision_due()),
        sent: time_fmt::date(objection.sent_on),
        objection,
        points,
        form,
        preview,
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

/// GET /{tenant}/regelingen/bezwaren/{id}
pub async fn objection_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    page(
        &state,
        &user,
        ids.get("id"),
        BTreeMap::new(),
        Vec::new(),
        FormErrors::default(),
        notice(&query),
    )
    .await
}

/// POST /{tenant}/regelingen/bezwaren/{id}/uitstel: `weken` (1–6), `reden`; once.
pub async fn objection_postpone(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let objection = one(&mut tx, id).await?;
    let mut errors = FormErrors::default();
    if objection.postponed_weeks > 0 {
        errors.add(
            "weken",
            "De beslissing op dit bezwaar is al eens uitgesteld; dat kan maar één keer.",
        );
    }
    if objection.outcome.is_some() {
        errors.add("weken", "Op dit bezwaar is al beslist.");
    }
    let weeks = match form.get("weken").map(|w| w.trim().parse::<i32>()) {
        Some(Ok(w)) if (1..=6).contains(&w) => w,
        _ => {
            errors.add("weken", "Uitstel is 1 tot en met 6 weken.");
            0
        }
    };
    let reason = long_text(
        form.get("reden").map(String::as_str).unwrap_or(""),
        2000,
        "de reden",
        "Schrijf waarom de beslissing wordt uitgesteld; de bezwaarmaker krijgt die reden.",
    )
    .map_err(|m| errors.add("reden", m))
    .unwrap_or_default();
    if !errors.is_empty() {
        tx.commit().await?;
        return page(&state, &user, id, form, Vec::new(), errors, None).await;
    }
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "update subsidy_objections set postponed_weeks = $3, postpone_reason = $4 \
         where tenant_id = $1 and objection_id = $2 and postponed_weeks = 0 and outcome is null",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(weeks)
    .bind(&reason)
    .execute(&mut *tx)
    .await?;
    let event = Event::new("bezwaar uitgesteld", "subsidieaanvraag", objection.application_id).after(json!({
        "bezwaar": id, "weken": weeks, "reden": reason,
        "beslissen_voor": terms::objection_decision_due(objection.sent_on, weeks as i64).to_string(),
    }));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/bezwaren/{id}?melding=opgeslagen",
        schemes_base(&user)
    ))
    .into_response())
}

/// POST /{tenant}/regelingen/bezwaren/{id}/beslissen: `uitkomst`, `motivering`, and for a
/// well-founded objection the revised points per criterion (`punten_<code>`). With
/// `actie=voorbeeld` it only shows the replayed ranking.
pub async fn objection_decide(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let objection = one(&mut tx, id).await?;
    let application: Application = store::application(&mut tx, objection.application_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (board, _, _) = decided(&mut tx, application.round_id, application.category_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::default();
    if objection.outcome.is_some() {
        errors.add("uitkomst", "Op dit bezwaar is al beslist.");
    }
    let outcome = form.get("uitkomst").map(String::as_str).unwrap_or("");
    if !["gegrond", "ongegrond", "niet_ontvankelijk"].contains(&outcome) {
        errors.add(
            "uitkomst",
            "Kies de uitkomst: gegrond, ongegrond of niet-ontvankelijk.",
        );
    }
    let reason = long_text(
        form.get("motivering").map(String::as_str).unwrap_or(""),
        8000,
        "de motivering",
        "Motiveer de beslissing op het bezwaar.",
    )
    .map_err(|m| errors.add("motivering", m))
    .unwrap_or_default();
    let mut revised = BTreeMap::new();
    if outcome == "gegrond" {
        for c in board.criteria.iter().filter(|c| c.code != "prijs") {
            match form
                .get(&format!("punten_{}", c.code))
                .map(|p| p.trim().parse::<i32>())
            {
                Some(Ok(p)) if (0..=10).contains(&p) => {
                    revised.insert(c.code.clone(), p);
                }
                _ => errors.add(
                    format!("punten_{}", c.code),
                    format!("Geef bij {} een score van 0 tot en met 10.", c.name),
                ),
            }
        }
    }
    let replayed = if errors.is_empty() && outcome == "gegrond" {
        replay(&board, application.application_id, &revised)
    } else {
        Vec::new()
    };
    if !errors.is_empty() || form.get("actie").map(String::as_str) == Some("voorbeeld") {
        tx.commit().await?;
        return page(&state, &user, id, form, replayed, errors, None).await;
    }
    let tenant_id = tx.tenant_id();
    let decided_by = format!("{} ({})", user.display_name, user.email);
    let revision = crate::subsidy::after::objection_outcome::revision(
        &replayed,
        application.application_id,
        application.granted_cents.unwrap_or(0),
    );
    let changed = sqlx::query(
        "update subsidy_objections set outcome = $3, outcome_reason = $4, revised_points = $5, replay = $6, \
         decided_at = now(), decided_by = $7, granted_before_cents = $8, granted_after_cents = $9, outcome_after = $10 \
         where tenant_id = $1 and objection_id = $2 and outcome is null",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(outcome)
    .bind(&reason)
    .bind((!revised.is_empty()).then_some(sqlx::types::Json(&revised)))
    .bind((!replayed.is_empty()).then_some(sqlx::types::Json(&replayed)))
    .bind(&decided_by)
    .bind(revision.as_ref().map(|r| r.granted_before))
    .bind(revision.as_ref().map(|r| r.granted_after))
    .bind(revision.as_ref().map(|r| r.outcome_after.as_str()))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(AppError::BadRequest("Op dit bezwaar is al beslist.".into()));
    }
    let redecided = match &revision {
        Some(r) => {
            let round = store::round_by_id(&mut tx, application.round_id)
                .await?
                .ok_or(AppError::NotFound)?;
            crate::subsidy::after::objection_outcome::apply(
                &mut tx,
                &application,
                &round,
                r,
                &decided_by,
            )
            .await?
        }
        None => serde_json::Value::Null,
    };
    let event = Event::new(
        "bezwaar beslist",
        "subsidieaanvraag",
        application.application_id,
    )
    .after(json!({
        "bezwaar": id, "uitkomst": outcome, "motivering": reason, "nieuwe_scores": revised,
        "nieuw_besluit": redecided,
        "herberekening": replayed.iter().filter(|r| r.changed()).map(|r| json!({
            "kenmerk": r.reference, "rang_was": r.rank_before, "rang_wordt": r.rank_after,
            "toegekend_was": euro(r.granted_before), "toegekend_wordt": euro(r.granted_after),
        })).collect::<Vec<_>>(),
    }));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/bezwaren/{id}?melding=opgeslagen",
        schemes_base(&user)
    ))
    .into_response())
}
