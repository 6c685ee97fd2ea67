//! The beleidsmedewerker's side of the schemes: the regelingen, one scheme with its budget and
//! rounds, one round with its published plafonds and protocol and its applications, and the
//! review of one application (where completion can be asked, Awb 4:5).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;
use time::{Duration, OffsetDateTime};

use crate::audit::{self, Actor, Event};
use crate::auth::roles::Section;
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::fields::long_text;
use crate::state::AppState;
use crate::subsidy::common::money::euro;
use crate::subsidy::common::nav_page::{
    notice, pilot_href, round_href, schemes_base, with_422, Ids, NoticeQuery,
};
use crate::subsidy::common::store::{self, Application, Round, RoundCategory, Scheme};
use crate::subsidy::common::view::VersionView;
use crate::web::layout::{render, FormErrors, Layout};
use crate::web::{time_fmt, ClientAddr};

struct SchemeRow {
    href: String,
    name: String,
    years: String,
    rounds: usize,
    open: usize,
}

#[derive(Template)]
#[template(path = "subsidy/schemes/schemes_list.html")]
struct SchemesPage {
    layout: Layout,
    rows: Vec<SchemeRow>,
    may_change: bool,
    new_href: String,
    base_href: String,
}

/// GET /{tenant}/regelingen
pub async fn schemes_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let schemes = store::schemes(&mut tx).await?;
    let rounds = store::all_rounds(&mut tx).await?;
    tx.commit().await?;
    let now = OffsetDateTime::now_utc();
    let rows = schemes
        .into_iter()
        .map(|s| {
            let own: Vec<&Round> = rounds
                .iter()
                .filter(|r| r.scheme_id == s.scheme_id)
                .collect();
            SchemeRow {
                href: format!("{}/{}", schemes_base(&user), s.scheme_id),
                years: format!("{}–{}", s.first_year, s.last_year),
                rounds: own.len(),
                open: own.iter().filter(|r| r.accepts(now)).count(),
                name: s.name,
            }
        })
        .collect();
    let layout = Layout::for_user(&user, "Subsidieregelingen", Some(Section::Schemes))
        .with_notice(notice(&query));
    render(&SchemesPage {
        layout,
        rows,
        may_change: user.may_change(Section::Schemes),
        new_href: format!("{}/nieuw", schemes_base(&user)),
        base_href: schemes_base(&user),
    })
}

struct YearBudget {
    year: i32,
    lines: Vec<(String, String)>,
    total: String,
}

struct RoundRow {
    href: String,
    year: i32,
    window: String,
    phase: &'static str,
    decision_due: String,
}

#[derive(Template)]
#[template(path = "subsidy/schemes/scheme_show.html")]
struct SchemePage {
    layout: Layout,
    back: String,
    scheme: Scheme,
    kind: &'static str,
    budget: Vec<YearBudget>,
    categories: Vec<(String, String)>,
    rounds: Vec<RoundRow>,
    may_change: bool,
    edit_href: String,
    new_round_href: String,
    rendement_href: String,
    pilot_href: Option<String>,
}

/// GET /{tenant}/regelingen/{regeling}
pub async fn scheme_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = store::scheme(&mut tx, ids.get("regeling"))
        .await?
        .ok_or(AppError::NotFound)?;
    let lines = store::budget_lines(&mut tx, scheme.scheme_id).await?;
    let rounds = store::rounds_of(&mut tx, scheme.scheme_id).await?;
    let tenant_id = tx.tenant_id();
    let categories: Vec<(String, String)> = sqlx::query_as(
        "select name, description from subsidy_categories where tenant_id = $1 and scheme_id = $2 \
         order by position, name",
    )
    .bind(tenant_id)
    .bind(scheme.scheme_id)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let budget = (scheme.first_year..=scheme.last_year)
        .map(|year| {
            let of_year: Vec<&store::BudgetLine> =
                lines.iter().filter(|l| l.year == year).collect();
            YearBudget {
                year,
                total: euro(of_year.iter().map(|l| l.amount_cents).sum()),
                lines: of_year
                    .iter()
                    .map(|l| (l.source.clone(), euro(l.amount_cents)))
                    .collect(),
            }
        })
        .collect();
    let now = OffsetDateTime::now_utc();
    let rounds = rounds
        .iter()
        .map(|r| RoundRow {
            href: round_href(&user, r),
            year: r.year,
            window: format!(
                "{} tot en met {}",
                time_fmt::date_time(r.opens_at),
                time_fmt::date_time(r.closes_at)
            ),
            phase: r.phase_label(now),
            decision_due: time_fmt::date(r.decision_due()),
        })
        .collect();
    let layout = Layout::for_user(&user, scheme.name.clone(), Some(Section::Schemes))
        .with_notice(notice(&query));
    render(&SchemePage {
        layout,
        may_change: user.may_change(Section::Schemes),
        edit_href: format!("{}/{}/wijzigen", schemes_base(&user), scheme.scheme_id),
        new_round_href: format!("{}/{}/rondes/nieuw", schemes_base(&user), scheme.scheme_id),
        rendement_href: format!("{}/{}/rendement", schemes_base(&user), scheme.scheme_id),
        back: schemes_base(&user),
        pilot_href: (scheme.kind == "pilot").then(|| pilot_href(&user, scheme.scheme_id)),
        kind: if scheme.kind == "pilot" {
            "Pilot met verdeling over partners"
        } else {
            "Tender: aanvragen worden gerangschikt"
        },
        scheme,
        budget,
        categories,
        rounds,
    })
}

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

#[derive(Template)]
#[template(path = "subsidy/schemes/application_review.html")]
struct ReviewPage {
    layout: Layout,
    back: String,
    application: Application,
    round: Round,
    versions: Vec<VersionView>,
    status: &'static str,
    completion_due: Option<String>,
    may_ask_completion: bool,
    action: String,
    documents_base: String,
    letter_href: String,
    form_reason: String,
    form_days: String,
    errors: FormErrors,
    may_register_objection: bool,
    objection_action: String,
    objection_form: std::collections::BTreeMap<String, String>,
    objection_errors: FormErrors,
    objections: Vec<(String, String, &'static str)>,
    after: Option<crate::subsidy::after::after_grant::AfterView>,
    may_settle: bool,
    settle_hint: Option<String>,
    settle_action: String,
    settlement_form: std::collections::BTreeMap<String, String>,
    settlement_errors: FormErrors,
    settlement_default: String,
}

impl ReviewPage {
    /// The new decision date of the notice of delay this application got.
    fn delayed_to(&self) -> Option<String> {
        crate::subsidy::decide::delay::notice_for(&self.round, &self.application)
            .map(time_fmt::date)
    }

    fn objection_value(&self, key: &str) -> &str {
        self.objection_form
            .get(key)
            .map(String::as_str)
            .unwrap_or("")
    }

    fn settlement_value(&self, key: &str) -> String {
        match self.settlement_form.get(key) {
            Some(v) => v.clone(),
            None if key == "bedrag" => self.settlement_default.clone(),
            None => String::new(),
        }
    }

    fn settlement_letter_href(&self) -> String {
        self.settle_action.replace("/vaststellen", "/vaststelling")
    }

    fn report_documents_base(&self) -> String {
        self.settle_action
            .replace("/vaststellen", "/verantwoording/documenten")
    }
}

/// The review page with the objection form as typed and its errors.
pub async fn review_with_objection_form(
    state: &AppState,
    user: &CurrentUser,
    id: uuid::Uuid,
    form: std::collections::BTreeMap<String, String>,
    errors: FormErrors,
) -> AppResult<Response> {
    let forms = ReviewForms {
        days: "14".into(),
        objection: form,
        objection_errors: errors,
        ..ReviewForms::default()
    };
    review_page(state, user, id, forms, None).await
}

/// GET /{tenant}/regelingen/aanvragen/{id}
pub async fn application_review(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    let layout_notice = notice(&query);
    let forms = ReviewForms {
        days: "14".into(),
        ..ReviewForms::default()
    };
    review_page(&state, &user, ids.get("id"), forms, layout_notice).await
}

/// The two forms of the review page as typed, with their errors.
#[derive(Default)]
struct ReviewForms {
    reason: String,
    days: String,
    errors: FormErrors,
    objection: std::collections::BTreeMap<String, String>,
    objection_errors: FormErrors,
    settlement: std::collections::BTreeMap<String, String>,
    settlement_errors: FormErrors,
}

/// The review page with the settlement form as typed and its errors.
pub async fn review_with_settlement_form(
    state: &AppState,
    user: &CurrentUser,
    id: uuid::Uuid,
    form: std::collections::BTreeMap<String, String>,
    errors: FormErrors,
) -> AppResult<Response> {
    let forms = ReviewForms {
        days: "14".into(),
        settlement: form,
        settlement_errors: errors,
        ..ReviewForms::default()
    };
    review_page(state, user, id, forms, None).await
}

async fn review_page(
    state: &AppState,
    user: &CurrentUser,
    id: uuid::Uuid,
    forms: ReviewForms,
    notice: Option<&str>,
) -> AppResult<Response> {
    let ReviewForms {
        reason: form_reason,
        days: form_days,
        errors,
        objection: objection_form,
        objection_errors,
        settlement: settlement_form,
        settlement_errors,
    } = forms;
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Drafts belong to the applicant until submitted.
    if application.status == "concept" {
        return Err(AppError::NotFound);
    }
    let round = store::round_by_id(&mut tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let categories = store::round_categories(&mut tx, round.round_id).await?;
    let category = categories
        .into_iter()
        .find(|c| c.category_id == application.category_id)
        .ok_or(AppError::NotFound)?;
    let mut versions = Vec::new();
    for v in store::versions(&mut tx, id).await?.iter().rev() {
        if v.submitted_at.is_some() || v.version == application.current_version {
            versions.push(VersionView::build(&mut tx, id, v, &category).await?);
        }
    }
    let after =
        crate::subsidy::after::after_grant::after_grant(&mut tx, &application, &round).await?;
    let objections = crate::subsidy::after::objections::all(&mut tx)
        .await?
        .into_iter()
        .filter(|o| o.application_id == id)
        .map(|o| {
            (
                format!("{}/bezwaren/{}", schemes_base(user), o.objection_id),
                time_fmt::date(o.received_on),
                o.outcome_label(),
            )
        })
        .collect();
    tx.commit().await?;
    let invalid =
        !errors.is_empty() || !objection_errors.is_empty() || !settlement_errors.is_empty();
    let today = time_fmt::today();
    let may_settle = user.may_change(Section::Schemes)
        && after.as_ref().is_some_and(|a| {
            a.settlement.is_none() && (a.report.is_some() || today >= a.own_initiative_from())
        });
    let settle_hint = after.as_ref().and_then(|a| {
        (a.settlement.is_none() && a.report.is_none() && a.duty != crate::subsidy::after::settlement::Duty::Direct).then(|| {
            format!(
                "Verantwoording uiterlijk op {}; zonder verantwoording kan ambtshalve vaststellen vanaf {}.",
                time_fmt::date(a.due),
                time_fmt::date(a.own_initiative_from())
            )
        })
    });
    let settlement_default = after
        .as_ref()
        .map(|a| crate::subsidy::common::money::field(a.granted_cents, false))
        .unwrap_or_default();
    let layout = Layout::for_user(
        user,
        format!("Aanvraag {}", application.reference),
        Some(Section::Schemes),
    )
    .with_notice(notice);
    let application_status_decided = application.status == "besloten";
    let page = ReviewPage {
        layout,
        back: round_href(user, &round),
        status: application.status_label(),
        completion_due: application.completion_due.map(time_fmt::date_time),
        may_ask_completion: user.may_change(Section::Schemes) && application.status == "ingediend",
        action: format!(
            "{}/aanvragen/{}/aanvulling",
            schemes_base(user),
            application.application_id
        ),
        letter_href: format!(
            "{}/aanvragen/{}/beschikking",
            schemes_base(user),
            application.application_id
        ),
        documents_base: format!(
            "{}/aanvragen/{}/documenten",
            schemes_base(user),
            application.application_id
        ),
        application,
        round,
        versions,
        form_reason,
        form_days,
        errors,
        may_register_objection: user.may_change(Section::Schemes) && application_status_decided,
        objection_action: format!("{}/aanvragen/{}/bezwaren", schemes_base(user), id),
        objection_form,
        objection_errors,
        objections,
        after: after.map(|a| crate::subsidy::after::after_grant::AfterView::of(a, today)),
        may_settle,
        settle_hint,
        settle_action: format!("{}/aanvragen/{}/vaststellen", schemes_base(user), id),
        settlement_form,
        settlement_errors,
        settlement_default,
    };
    let response = render(&page)?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct CompletionForm {
    #[serde(default)]
    reden: String,
    #[serde(default)]
    dagen: String,
}

/// POST /{tenant}/regelingen/aanvragen/{id}/aanvulling: asks the applicant to complete the
/// application within a term (Awb 4:5). The submitted version stays as it was; the applicant
/// edits a new version.
pub async fn completion_request(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    Form(form): Form<CompletionForm>,
) -> AppResult<Response> {
    let id = ids.get("id");
    // Another tenant's or an unknown application is not found, whatever the form says.
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let known = store::application(&mut tx, id)
        .await?
        .is_some_and(|a| a.status != "concept");
    tx.commit().await?;
    if !known {
        return Err(AppError::NotFound);
    }
    let mut errors = FormErrors::default();
    let reason = long_text(
        &form.reden,
        2000,
        "de reden",
        "Schrijf wat er ontbreekt, zodat de aanvrager weet wat aan te vullen.",
    )
    .map_err(|m| errors.add("reden", m))
    .unwrap_or_default();
    let days = match form.dagen.trim().parse::<i64>() {
        Ok(d) if (1..=90).contains(&d) => d,
        _ => {
            errors.add("dagen", "Vul een termijn in van 1 tot en met 90 dagen.");
            0
        }
    };
    if !errors.is_empty() {
        let forms = ReviewForms {
            reason: form.reden,
            days: form.dagen,
            errors,
            ..ReviewForms::default()
        };
        return review_page(&state, &user, id, forms, None).await;
    }
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if application.status != "ingediend" {
        tx.commit().await?;
        let mut errors = FormErrors::default();
        errors.add("reden", "Om aanvulling vragen kan alleen bij een ingediende aanvraag waarover nog niet is besloten.");
        let forms = ReviewForms {
            reason: form.reden,
            days: form.dagen,
            errors,
            ..ReviewForms::default()
        };
        return review_page(&state, &user, id, forms, None).await;
    }
    // The term ends at the end of the last day, Amsterdam time.
    let last_day = time_fmt::today() + Duration::days(days);
    let due = time_fmt::end_of_day(last_day);
    let tenant_id = tx.tenant_id();
    let next_version = application.current_version + 1;
    sqlx::query(
        "insert into subsidy_application_versions (tenant_id, application_id, version, title, activities, \
            fixed_costs_cents, staff_costs_cents, activity_costs_cents, other_costs_cents, requested_cents, \
            participants, reach, counter_service, answers, facility_ids, declarations, saved_by) \
         select tenant_id, application_id, $3, title, activities, fixed_costs_cents, staff_costs_cents, \
            activity_costs_cents, other_costs_cents, requested_cents, participants, reach, counter_service, answers, \
            facility_ids, declarations, saved_by \
         from subsidy_application_versions where tenant_id = $1 and application_id = $2 and version = $4",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(next_version)
    .bind(application.current_version)
    .execute(&mut *tx)
    .await?;
    // Documents stay with the version they were submitted with; the new version starts with the same set.
    sqlx::query(
        "insert into subsidy_documents (tenant_id, application_id, version, kind, file_name, media_type, size_bytes, \
            content, uploaded_at) \
         select tenant_id, application_id, $3, kind, file_name, media_type, size_bytes, content, uploaded_at \
         from subsidy_documents where tenant_id = $1 and application_id = $2 and version = $4",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(next_version)
    .bind(application.current_version)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update subsidy_applications set status = 'aanvulling', current_version = $3, completion_due = $4, \
            completion_reason = $5 where tenant_id = $1 and application_id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(next_version)
    .bind(due)
    .bind(&reason)
    .execute(&mut *tx)
    .await?;
    let event = Event::new("aanvulling gevraagd", "subsidieaanvraag", id)
        .before(json!({"status": "ingediend", "versie": application.current_version}))
        .after(json!({"status": "aanvulling", "versie": next_version, "termijn_tot": time_fmt::date_time(due), "reden": reason}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/aanvragen/{id}?melding=aanvulling",
        schemes_base(&user)
    ))
    .into_response())
}
