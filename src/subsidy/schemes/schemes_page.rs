//! The beleidsmedewerker's side of the schemes: the regelingen, one scheme with its budget and
//! rounds, one round with its published plafonds and protocol and its applications, and the
//! review of one application (where completion can be asked, Awb 4:5).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use time::OffsetDateTime;

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::subsidy::common::money::euro;
use crate::subsidy::common::nav_page::{
    notice, pilot_href, round_href, schemes_base, Ids, NoticeQuery,
};
use crate::subsidy::common::store::{self, Round, Scheme};
use crate::web::layout::{render, Layout};
use crate::web::time_fmt;

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
