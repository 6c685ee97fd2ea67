//! Assessment (seed 002 §4.4): after the window closes, assessors see the applications of an
//! onderdeel together. Before opening one an assessor declares whether they have a conflict of
//! interest (append-only: a changed declaration is a new row); with a conflict they cannot open
//! or score it. Scores are whole points 0–10 per judged criterion, each with a motivation; the
//! price criterion is computed ([`crate::subsidy::decide::price`]) and shown with its inputs.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::roles::Section;
use crate::auth::session::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::fields::optional_text;
use crate::state::AppState;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{notice, with_422, NoticeQuery};
use crate::subsidy::common::store::{self, Application, RoundCategory};
use crate::subsidy::common::view::VersionView;
use crate::web::layout::{render, FormErrors, Layout};
use crate::web::ClientAddr;

/// `/{tenant}/beoordelen`
pub fn base(user: &CurrentUser) -> String {
    user.href(Section::Assessment.path())
}

/// Where an assessor stands towards one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Not (yet) open for assessment: a draft, withdrawn, or the window still open.
    NotYet,
    /// The assessor works for the applicant: always a conflict.
    OwnOrganisation,
    Undeclared,
    Conflicted,
    Free,
}

/// The assessor's standing: the newest declaration counts.
pub async fn standing(
    tx: &mut TenantTx,
    user: &CurrentUser,
    application: &Application,
) -> AppResult<Standing> {
    let assessable = matches!(application.status.as_str(), "ingediend" | "besloten");
    if !assessable {
        return Ok(Standing::NotYet);
    }
    let round = store::round_by_id(tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if round.phase(OffsetDateTime::now_utc()) != store::Phase::Closed {
        return Ok(Standing::NotYet);
    }
    if user.provider_id == Some(application.provider_id) {
        return Ok(Standing::OwnOrganisation);
    }
    let tenant_id = tx.tenant_id();
    let conflicted: Option<bool> = sqlx::query_scalar(
        "select conflicted from subsidy_conflict_declarations \
         where tenant_id = $1 and application_id = $2 and user_id = $3 order by declared_at desc limit 1",
    )
    .bind(tenant_id)
    .bind(application.application_id)
    .bind(user.user_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(match conflicted {
        None => Standing::Undeclared,
        Some(true) => Standing::Conflicted,
        Some(false) => Standing::Free,
    })
}

struct Row {
    href: String,
    reference: String,
    provider: String,
    title: String,
    standing: &'static str,
    scored: String,
}

struct Group {
    title: String,
    decided: bool,
    rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "subsidy/assess/assessment_list.html")]
struct ListPage {
    layout: Layout,
    groups: Vec<Group>,
}

/// GET /{tenant}/beoordelen: the applications of closed rounds, by round and onderdeel.
pub async fn assessment_list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let now = OffsetDateTime::now_utc();
    let rounds: Vec<store::Round> = store::all_rounds(&mut tx)
        .await?
        .into_iter()
        .filter(|r| r.phase(now) == store::Phase::Closed)
        .collect();
    let tenant_id = tx.tenant_id();
    let mut groups = Vec::new();
    for round in &rounds {
        let categories = store::round_categories(&mut tx, round.round_id).await?;
        let applications = store::applications_of_round(&mut tx, round.round_id).await?;
        let mine: BTreeMap<Uuid, i64> = sqlx::query_as::<_, (Uuid, i64)>(
            "select application_id, count(*) from subsidy_scores where tenant_id = $1 and user_id = $2 group by 1",
        )
        .bind(tenant_id)
        .bind(user.user_id)
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
        for category in &categories {
            let judged = category.criteria.iter().filter(|c| !c.computed).count();
            let mut rows = Vec::new();
            for a in applications.iter().filter(|a| {
                a.category_id == category.category_id
                    && matches!(a.status.as_str(), "ingediend" | "besloten")
            }) {
                let standing = standing(&mut tx, &user, a).await?;
                rows.push(Row {
                    href: format!("{}/{}", base(&user), a.application_id),
                    reference: a.reference.clone(),
                    provider: a.provider_name.clone(),
                    title: a.title.clone(),
                    standing: match standing {
                        Standing::Free => "Geen belangenverstrengeling verklaard",
                        Standing::Conflicted => {
                            "Belangenverstrengeling: u beoordeelt deze aanvraag niet"
                        }
                        Standing::OwnOrganisation => {
                            "Uw eigen organisatie: u beoordeelt deze aanvraag niet"
                        }
                        Standing::Undeclared => "Nog geen verklaring",
                        Standing::NotYet => "Nog niet te beoordelen",
                    },
                    scored: format!(
                        "{} van {}",
                        mine.get(&a.application_id).copied().unwrap_or(0),
                        judged
                    ),
                });
            }
            if !rows.is_empty() {
                groups.push(Group {
                    title: format!("{} · {}", round.title(), category.name),
                    decided: category.decided_at.is_some(),
                    rows,
                });
            }
        }
    }
    tx.commit().await?;
    let layout = Layout::for_user(&user, "Aanvragen beoordelen", Some(Section::Assessment));
    render(&ListPage { layout, groups })
}

/// One criterion on the scoring form.
struct ScoreField {
    code: String,
    name: String,
    question: String,
    pass_mark: i32,
    points: String,
    motivation: String,
    points_field: String,
    motivation_field: String,
}

#[derive(Template)]
#[template(path = "subsidy/assess/assessment.html")]
struct AssessmentPage {
    layout: Layout,
    back: String,
    application: Application,
    round_title: String,
    category: RoundCategory,
    standing: Standing,
    declaration_action: String,
    scores_action: String,
    documents_base: String,
    version: Option<VersionView>,
    fields: Vec<ScoreField>,
    price: Option<crate::subsidy::decide::decision::PriceLine>,
    /// For the final assessor (rule `eindbeoordelaar`): every assessor's scores and the form.
    final_round: Option<Vec<FinalField>>,
    final_action: String,
    decided: bool,
    errors: FormErrors,
}

/// GET /{tenant}/beoordelen/{id}
pub async fn assessment_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    page(
        &state,
        &user,
        ids.get("id"),
        None,
        FormErrors::default(),
        notice(&query),
    )
    .await
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    id: Uuid,
    typed: Option<BTreeMap<String, String>>,
    errors: FormErrors,
    notice: Option<&str>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let standing = standing(&mut tx, user, &application).await?;
    if standing == Standing::NotYet {
        return Err(AppError::NotFound);
    }
    let round = store::round_by_id(&mut tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let category = store::round_categories(&mut tx, round.round_id)
        .await?
        .into_iter()
        .find(|c| c.category_id == application.category_id)
        .ok_or(AppError::NotFound)?;
    let (version, fields, price) = if standing == Standing::Free {
        let versions = store::versions(&mut tx, id).await?;
        let current = versions
            .iter()
            .find(|v| v.version == application.current_version)
            .ok_or(AppError::NotFound)?;
        let view = VersionView::build(&mut tx, id, current, &category).await?;
        let tenant_id = tx.tenant_id();
        let mine: Vec<(String, i32, String)> = sqlx::query_as(
            "select criterion_code, points, motivation from subsidy_scores \
             where tenant_id = $1 and application_id = $2 and user_id = $3",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(user.user_id)
        .fetch_all(&mut *tx)
        .await?;
        let fields = category
            .criteria
            .iter()
            .filter(|c| !c.computed)
            .map(|c| {
                let stored = mine.iter().find(|(code, _, _)| *code == c.code);
                let points_field = format!("punten_{}", c.code);
                let motivation_field = format!("motivering_{}", c.code);
                let (points, motivation) = match &typed {
                    Some(t) => (
                        t.get(&points_field).cloned().unwrap_or_default(),
                        t.get(&motivation_field).cloned().unwrap_or_default(),
                    ),
                    None => stored
                        .map(|(_, p, m)| (p.to_string(), m.clone()))
                        .unwrap_or_default(),
                };
                ScoreField {
                    code: c.code.clone(),
                    name: c.name.clone(),
                    question: c.question.clone(),
                    pass_mark: c.pass_mark,
                    points,
                    motivation,
                    points_field,
                    motivation_field,
                }
            })
            .collect();
        let price =
            crate::subsidy::decide::decision::price_line(&mut tx, &round, &category, id).await?;
        (Some(view), fields, price)
    } else {
        (None, Vec::new(), None)
    };
    let final_round = if standing == Standing::Free && is_final_assessor(user, &category) {
        Some(final_fields(&mut tx, &category, id, typed.as_ref()).await?)
    } else {
        None
    };
    tx.commit().await?;
    let invalid = !errors.is_empty();
    let layout = Layout::for_user(
        user,
        format!("Beoordelen: {}", application.reference),
        Some(Section::Assessment),
    )
    .with_notice(notice);
    let response = render(&AssessmentPage {
        layout,
        back: base(user),
        declaration_action: format!("{}/{id}/verklaring", base(user)),
        scores_action: format!("{}/{id}/scores", base(user)),
        final_action: format!("{}/{id}/eindscore", base(user)),
        final_round,
        documents_base: format!("{}/{id}/documenten", base(user)),
        round_title: round.title(),
        decided: category.decided_at.is_some(),
        application,
        category,
        standing,
        version,
        fields,
        price,
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct DeclarationForm {
    #[serde(default)]
    belang: String,
    #[serde(default)]
    toelichting: String,
}

/// POST /{tenant}/beoordelen/{id}/verklaring: `belang=nee` (no conflict) or `belang=ja`.
pub async fn declaration_record(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    Form(form): Form<DeclarationForm>,
) -> AppResult<Response> {
    let id = ids.get("id");
    let conflicted = match form.belang.as_str() {
        "ja" => true,
        "nee" => false,
        _ => {
            let mut errors = FormErrors::default();
            errors.add(
                "belang",
                "Kies of u wel of geen belang heeft bij deze aanvraag.",
            );
            return page(&state, &user, id, None, errors, None).await;
        }
    };
    let note = match optional_text(&form.toelichting, 2000, "de toelichting") {
        Ok(n) => n,
        Err(message) => {
            let mut errors = FormErrors::default();
            errors.add("toelichting", message);
            return page(&state, &user, id, None, errors, None).await;
        }
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match standing(&mut tx, &user, &application).await? {
        Standing::NotYet => return Err(AppError::NotFound),
        Standing::OwnOrganisation => return Err(AppError::Forbidden),
        _ => {}
    }
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "insert into subsidy_conflict_declarations (tenant_id, application_id, user_id, conflicted, note) \
         values ($1, $2, $3, $4, $5)",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(user.user_id)
    .bind(conflicted)
    .bind(&note)
    .execute(&mut *tx)
    .await?;
    let event = Event::new("verklaring belangenverstrengeling", "subsidieaanvraag", id)
        .after(json!({"belang": if conflicted { "ja" } else { "nee" }, "toelichting": note}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/{id}?melding=verklaring", base(&user))).into_response())
}

/// POST /{tenant}/beoordelen/{id}/scores: `punten_<code>` (0–10) and `motivering_<code>` per
/// judged criterion.
pub async fn scores_save(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let typed: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match standing(&mut tx, &user, &application).await? {
        Standing::Free => {}
        Standing::NotYet => return Err(AppError::NotFound),
        _ => return Err(AppError::Forbidden),
    }
    let category = store::round_categories(&mut tx, application.round_id)
        .await?
        .into_iter()
        .find(|c| c.category_id == application.category_id)
        .ok_or(AppError::NotFound)?;
    if category.decided_at.is_some() {
        tx.commit().await?;
        let mut errors = FormErrors::default();
        errors.add(
            "scores",
            "Over dit onderdeel is al besloten; de scores liggen vast.",
        );
        return page(&state, &user, id, Some(typed), errors, None).await;
    }
    let mut errors = FormErrors::default();
    let mut scores = Vec::new();
    for c in category.criteria.iter().filter(|c| !c.computed) {
        let points_key = format!("punten_{}", c.code);
        let motivation_key = format!("motivering_{}", c.code);
        let raw_points = typed.get(&points_key).map(|s| s.trim()).unwrap_or("");
        let points = match raw_points.parse::<i32>() {
            Ok(p) if (0..=10).contains(&p) => Some(p),
            _ => {
                errors.add(
                    crate::subsidy::apply::form_page::answer_field(&c.code),
                    format!("Geef bij {} een heel getal van 0 tot en met 10.", c.name),
                );
                None
            }
        };
        let motivation = match optional_text(
            typed.get(&motivation_key).map(String::as_str).unwrap_or(""),
            4000,
            "de motivering",
        ) {
            Ok(m) if m.is_empty() => {
                errors.add(
                    crate::subsidy::apply::form_page::answer_field(&c.code),
                    format!("Schrijf bij {} een motivering bij uw score.", c.name),
                );
                None
            }
            Ok(m) => Some(m),
            Err(message) => {
                errors.add(
                    crate::subsidy::apply::form_page::answer_field(&c.code),
                    message,
                );
                None
            }
        };
        if let (Some(p), Some(m)) = (points, motivation) {
            scores.push((c.code.clone(), p, m));
        }
    }
    if !errors.is_empty() {
        tx.commit().await?;
        return page(&state, &user, id, Some(typed), errors, None).await;
    }
    let tenant_id = tx.tenant_id();
    let before: Vec<(String, i32, String)> = sqlx::query_as(
        "select criterion_code, points, motivation from subsidy_scores \
         where tenant_id = $1 and application_id = $2 and user_id = $3 order by criterion_code",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(user.user_id)
    .fetch_all(&mut *tx)
    .await?;
    for (code, points, motivation) in &scores {
        sqlx::query(
            "insert into subsidy_scores (tenant_id, application_id, criterion_code, user_id, points, motivation) \
             values ($1, $2, $3, $4, $5, $6) \
             on conflict (tenant_id, application_id, criterion_code, user_id) \
             do update set points = excluded.points, motivation = excluded.motivation, scored_at = now()",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(code)
        .bind(user.user_id)
        .bind(points)
        .bind(motivation)
        .execute(&mut *tx)
        .await?;
    }
    let as_json = |rows: &[(String, i32, String)]| {
        rows.iter()
            .map(|(c, p, m)| (c.clone(), json!({"punten": p, "motivering": m})))
            .collect::<serde_json::Map<_, _>>()
    };
    let event = Event::new("gescoord", "subsidieaanvraag", id)
        .before(serde_json::Value::Object(as_json(&before)))
        .after(serde_json::Value::Object(as_json(&scores)));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/{id}?melding=scores", base(&user))).into_response())
}

/// Under the rule `eindbeoordelaar` a beleidsmedewerker sets the final score per criterion.
fn is_final_assessor(user: &CurrentUser, category: &RoundCategory) -> bool {
    category.combine_rule == "eindbeoordelaar"
        && user.has_role(crate::auth::roles::Role::Beleidsmedewerker)
}

/// One criterion on the final assessor's form, with what every assessor gave.
pub struct FinalField {
    code: String,
    name: String,
    pass_mark: i32,
    given: Vec<String>,
    points: String,
    motivation: String,
    points_field: String,
    motivation_field: String,
}

async fn final_fields(
    tx: &mut TenantTx,
    category: &RoundCategory,
    id: Uuid,
    typed: Option<&BTreeMap<String, String>>,
) -> AppResult<Vec<FinalField>> {
    let tenant_id = tx.tenant_id();
    let given: Vec<(String, String, i32, String)> = sqlx::query_as(
        "select s.criterion_code, u.display_name, s.points, s.motivation from subsidy_scores s \
         join users u on u.tenant_id = s.tenant_id and u.user_id = s.user_id \
         where s.tenant_id = $1 and s.application_id = $2 order by u.display_name",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let set: Vec<(String, i32, String)> = sqlx::query_as(
        "select criterion_code, points, motivation from subsidy_final_scores \
         where tenant_id = $1 and application_id = $2 and rule = 'eindbeoordelaar'",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(category
        .criteria
        .iter()
        .filter(|c| !c.computed)
        .map(|c| {
            let points_field = format!("eind_punten_{}", c.code);
            let motivation_field = format!("eind_motivering_{}", c.code);
            let stored = set.iter().find(|(code, _, _)| *code == c.code);
            let (points, motivation) = match typed {
                Some(t) => (
                    t.get(&points_field).cloned().unwrap_or_default(),
                    t.get(&motivation_field).cloned().unwrap_or_default(),
                ),
                None => stored
                    .map(|(_, p, m)| (p.to_string(), m.clone()))
                    .unwrap_or_default(),
            };
            FinalField {
                code: c.code.clone(),
                name: c.name.clone(),
                pass_mark: c.pass_mark,
                given: given
                    .iter()
                    .filter(|(code, _, _, _)| *code == c.code)
                    .map(|(_, who, p, m)| format!("{who}: {p} – {m}"))
                    .collect(),
                points,
                motivation,
                points_field,
                motivation_field,
            }
        })
        .collect())
}

/// POST /{tenant}/beoordelen/{id}/eindscore: the final assessor's score per criterion
/// (`eind_punten_<code>`, `eind_motivering_<code>`), under the rule `eindbeoordelaar`.
pub async fn final_scores_save(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let typed: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match standing(&mut tx, &user, &application).await? {
        Standing::Free => {}
        Standing::NotYet => return Err(AppError::NotFound),
        _ => return Err(AppError::Forbidden),
    }
    let category = store::round_categories(&mut tx, application.round_id)
        .await?
        .into_iter()
        .find(|c| c.category_id == application.category_id)
        .ok_or(AppError::NotFound)?;
    if !is_final_assessor(&user, &category) {
        return Err(AppError::Forbidden);
    }
    let mut errors = FormErrors::default();
    if category.decided_at.is_some() {
        errors.add(
            "scores",
            "Over dit onderdeel is al besloten; de scores liggen vast.",
        );
    }
    let mut finals = Vec::new();
    for c in category.criteria.iter().filter(|c| !c.computed) {
        let field = format!("eind_{}", c.code);
        let points = typed
            .get(&format!("eind_punten_{}", c.code))
            .and_then(|p| p.trim().parse::<i32>().ok())
            .filter(|p| (0..=10).contains(p));
        let motivation = optional_text(
            typed
                .get(&format!("eind_motivering_{}", c.code))
                .map(String::as_str)
                .unwrap_or(""),
            4000,
            "de motivering",
        );
        match (points, motivation) {
            (None, _) => errors.add(
                field,
                format!("Geef bij {} een eindscore van 0 tot en met 10.", c.name),
            ),
            (_, Err(m)) => errors.add(field, m),
            (_, Ok(m)) if m.is_empty() => {
                errors.add(field, format!("Motiveer de eindscore bij {}.", c.name))
            }
            (Some(p), Ok(m)) => finals.push((c.code.clone(), p, m)),
        }
    }
    if !errors.is_empty() {
        tx.commit().await?;
        return page(&state, &user, id, Some(typed), errors, None).await;
    }
    let tenant_id = tx.tenant_id();
    let set_by = format!("{} ({})", user.display_name, user.email);
    for (code, points, motivation) in &finals {
        sqlx::query(
            "insert into subsidy_final_scores (tenant_id, application_id, criterion_code, points, motivation, rule, set_by) \
             values ($1, $2, $3, $4, $5, 'eindbeoordelaar', $6) \
             on conflict (tenant_id, application_id, criterion_code) do update set points = excluded.points, \
             motivation = excluded.motivation, set_by = excluded.set_by, set_at = now()",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(code)
        .bind(points)
        .bind(motivation)
        .bind(&set_by)
        .execute(&mut *tx)
        .await?;
    }
    let event = Event::new("eindscore vastgesteld", "subsidieaanvraag", id).after(
        serde_json::Value::Object(
            finals
                .iter()
                .map(|(c, p, m)| (c.clone(), json!({"punten": p, "motivering": m})))
                .collect(),
        ),
    );
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/{id}?melding=scores", base(&user))).into_response())
}
