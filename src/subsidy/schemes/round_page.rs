//! One round as officials see it: its published plafonds and protocol, its applications, and
//! the form to delay the decision.

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::money::euro;
use crate::subsidy::common::nav_page::{
    notice, round_href, schemes_base, with_422, Ids, NoticeQuery,
};
use crate::subsidy::common::store::{self, Application, Round, RoundCategory};
use crate::web::layout::{render, Layout};
use crate::web::time_fmt;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use std::collections::BTreeMap;
use time::OffsetDateTime;

struct CategoryView {
    category: RoundCategory,
    ceiling: String,
    price_rule: String,
    remainder: &'static str,
    applications: Vec<ApplicationRow>,
}

struct ApplicationRow {
    href: String,
    reference: String,
    provider: String,
    title: String,
    requested: String,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "subsidy/schemes/round_show.html")]
struct RoundPage {
    layout: Layout,
    back: String,
    round: Round,
    phase: &'static str,
    window: String,
    published: String,
    decision_due: String,
    period: String,
    documents: Vec<String>,
    declarations: Vec<String>,
    categories: Vec<CategoryView>,
    ranking_href: String,
    money_href: String,
    edit_href: Option<String>,
    /// The notice of delay (Awb 4:14): its form while one may be sent, as typed, and why not.
    delay: Option<DelayView>,
}

/// The notice-of-delay part of the round page.
struct DelayView {
    action: String,
    /// Sent: the new date, reason and who sent it when.
    sent: Option<(String, String, String)>,
    /// Why no notice may be sent now (when none was sent).
    not_now: Option<String>,
    form: BTreeMap<String, String>,
    errors: FormErrors,
}

impl DelayView {
    fn value(&self, key: &str) -> String {
        self.form.get(key).cloned().unwrap_or_default()
    }
}

/// GET /{tenant}/regelingen/{regeling}/rondes/{ronde}
pub async fn round_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    round_page(
        &state,
        &user,
        &ids,
        notice(&query),
        BTreeMap::new(),
        FormErrors::default(),
    )
    .await
}

/// The round page with the notice-of-delay form as typed and its errors (422).
pub async fn round_with_delay_form(
    state: &AppState,
    user: &CurrentUser,
    ids: &Ids,
    form: BTreeMap<String, String>,
    errors: FormErrors,
) -> AppResult<Response> {
    let response = round_page(state, user, ids, None, form, errors).await?;
    Ok(with_422(response))
}

async fn round_page(
    state: &AppState,
    user: &CurrentUser,
    ids: &Ids,
    notice: Option<&'static str>,
    delay_form: BTreeMap<String, String>,
    delay_errors: FormErrors,
) -> AppResult<Response> {
    let user = user.clone();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let round = store::round(&mut tx, ids.get("regeling"), ids.get("ronde"))
        .await?
        .ok_or(AppError::NotFound)?;
    let categories = store::round_categories(&mut tx, round.round_id).await?;
    let applications = store::applications_of_round(&mut tx, round.round_id).await?;
    tx.commit().await?;
    let now = OffsetDateTime::now_utc();
    let categories = categories
        .into_iter()
        .map(|c| CategoryView {
            ceiling: euro(c.ceiling_cents),
            price_rule: crate::subsidy::decide::price::rule_text(
                crate::subsidy::decide::price::PriceBasis::parse(&c.price_basis)
                    .unwrap_or(crate::subsidy::decide::price::PriceBasis::Requested),
                c.fee_deduction,
            ),
            remainder: crate::subsidy::decide::award::Remainder::parse(&c.remainder_rule)
                .unwrap_or(crate::subsidy::decide::award::Remainder::Nothing)
                .text(),
            applications: applications
                .iter()
                .filter(|a| a.category_id == c.category_id && a.status != "concept")
                .map(|a| application_row(&user, a))
                .collect(),
            category: c,
        })
        .collect();
    let layout = Layout::for_user(&user, round.title(), Some(Section::Schemes)).with_notice(notice);
    let waiting = crate::subsidy::decide::delay::waiting(&applications);
    let delay = match (round.decision_delayed_to, round.decision_delayed_at) {
        (Some(to), Some(at)) => Some(DelayView {
            action: String::new(),
            sent: Some((
                time_fmt::date(to),
                round.decision_delay_reason.clone(),
                format!(
                    "{} door {}",
                    time_fmt::date_time(at),
                    round.decision_delayed_by
                ),
            )),
            not_now: None,
            form: delay_form,
            errors: delay_errors,
        }),
        _ if round.phase(now) == store::Phase::Closed
            && waiting > 0
            && user.may_change(Section::Schemes) =>
        {
            Some(DelayView {
                action: format!("{}/verdagen", round_href(&user, &round)),
                sent: None,
                not_now: crate::subsidy::decide::delay::may_delay(&round, waiting, now).err(),
                form: delay_form,
                errors: delay_errors,
            })
        }
        _ => None,
    };
    render(&RoundPage {
        delay,
        layout,
        back: format!("{}/{}", schemes_base(&user), round.scheme_id),
        phase: round.phase_label(now),
        window: format!(
            "{} tot en met {}",
            time_fmt::date_time(round.opens_at),
            time_fmt::date_time(round.closes_at)
        ),
        published: time_fmt::date_time(round.published_at),
        decision_due: time_fmt::date(round.decision_due()),
        period: format!(
            "{} tot en met {}",
            time_fmt::date(round.period_start),
            time_fmt::date(round.period_end)
        ),
        documents: round
            .documents
            .iter()
            .map(|d| store::document_name(d).to_string())
            .collect(),
        declarations: round
            .declarations
            .iter()
            .map(|d| store::declaration_text(d).to_string())
            .collect(),
        ranking_href: format!("{}/rangschikking", round_href(&user, &round)),
        money_href: format!("{}/geld", round_href(&user, &round)),
        edit_href: (user.may_change(Section::Schemes) && now < round.opens_at)
            .then(|| format!("{}/wijzigen", round_href(&user, &round))),
        round,
        categories,
    })
}

fn application_row(user: &CurrentUser, a: &Application) -> ApplicationRow {
    ApplicationRow {
        href: format!("{}/aanvragen/{}", schemes_base(user), a.application_id),
        reference: a.reference.clone(),
        provider: a.provider_name.clone(),
        title: a.title.clone(),
        requested: euro(a.requested_cents),
        status: a.status_label(),
    }
}
