//! Assessment (the Maastricht beleidsnotitie Algemene voorzieningen 2020 §4.4): after the window closes, assessors see the applications of an
//! onderdeel together. Before opening one an assessor declares whether they have a conflict of
//! interest (append-only: a changed declaration is a new row); with a conflict they cannot open
//! or score it. Scores are whole points 0–10 per judged criterion, each with a motivation; the
//! price criterion is computed ([`crate::subsidy::decide::price`]) and shown with its inputs.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::assess::final_scores::{final_fields, is_final_assessor, FinalField};
use crate::subsidy::assess::standing::{standing, Standing};
use crate::subsidy::common::nav_page::assessment_base;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{notice, with_422, NoticeQuery};
use crate::subsidy::common::store::{self, Application, RoundCategory};
use crate::subsidy::common::view::VersionView;
use crate::web::layout::{render, Layout};

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
    /// The onderdelen that can be scored now (closed, not yet decided).
    open_now: Vec<String>,
    /// The rounds still open or announced, with when they open for scoring.
    upcoming: Vec<String>,
}

/// GET /{tenant}/beoordelen: the applications of closed rounds, by round and onderdeel.
pub async fn assessment_list(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let now = OffsetDateTime::now_utc();
    let (rounds, later): (Vec<store::Round>, Vec<store::Round>) = store::all_rounds(&mut tx)
        .await?
        .into_iter()
        .partition(|r| r.phase(now) == store::Phase::Closed);
    let mut later = later;
    later.sort_by_key(|r| r.closes_at);
    let upcoming = later
        .iter()
        .map(|r| {
            format!(
                "{}: aanvragen kunnen worden ingediend tot en met {}; daarna kunt u de aanvragen beoordelen.",
                r.title(),
                crate::web::time_fmt::date_time(r.closes_at)
            )
        })
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
                    href: format!("{}/{}", assessment_base(&user), a.application_id),
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
    let open_now = groups
        .iter()
        .filter(|g| !g.decided && !g.rows.is_empty())
        .map(|g| g.title.clone())
        .collect();
    render(&ListPage {
        layout,
        groups,
        open_now,
        upcoming,
    })
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

pub(in crate::subsidy) async fn page(
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
        back: assessment_base(user),
        declaration_action: format!("{}/{id}/verklaring", assessment_base(user)),
        scores_action: format!("{}/{id}/scores", assessment_base(user)),
        final_action: format!("{}/{id}/eindscore", assessment_base(user)),
        final_round,
        documents_base: format!("{}/{id}/documenten", assessment_base(user)),
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
