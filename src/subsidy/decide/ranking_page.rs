//! Ranking and deciding one onderdeel of a round. Before the decision the ranking page shows
//! the provisional ranking from the scores so far; deciding computes the final scores by the
//! round's rule, ranks and awards ([`crate::subsidy::decide::award`]) and stores the result as an immutable
//! snapshot — once: the onderdeel's row is locked, so two officials pressing at once, or a
//! hundred requests, decide it once and never grant more than the plafond.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use time::OffsetDateTime;

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::money::{comma_decimal, euro};
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{notice, round_href, with_422, NoticeQuery};
use crate::subsidy::common::store::{self, Phase};
use crate::subsidy::decide::outliers;
use crate::subsidy::decide::price::{self, PriceBasis};
use crate::subsidy::decide::ranking::{board_of, contenders, prices_of, Board};
use crate::web::layout::{render, Layout};
use crate::web::upload::csv_attachment;
use crate::web::{csv_out, time_fmt};
use uuid::Uuid;

struct RankRow {
    rank: String,
    reference: String,
    applicant: String,
    points: Vec<String>,
    total: i32,
    eligible: String,
    requested: String,
    granted: String,
    remaining: String,
    outcome: &'static str,
    note: String,
}

struct CategoryRanking {
    name: String,
    anchor: String,
    ceiling: String,
    granted_total: String,
    criteria: Vec<String>,
    rows: Vec<RankRow>,
    decided: Option<String>,
    /// Decided after the term (or the date of the notice of delay): what the page says of it.
    late: Option<String>,
    /// The draw's seed and how it decides ties, for the "verantwoording van de loting".
    draw: Option<String>,
    unscored: Vec<String>,
    conflicted: Vec<String>,
    decide_action: String,
    may_decide: bool,
    price_rule: String,
    tie_text: String,
    remainder_text: &'static str,
    outliers: Vec<OutlierRow>,
}

/// A flagged application on the ranking, with its check or the form to record one.
struct OutlierRow {
    reference: String,
    reasons: Vec<String>,
    check: Option<String>,
    action: String,
    field: String,
    typed: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "subsidy/decide/ranking.html")]
struct RankingPage {
    layout: Layout,
    back: String,
    csv_href: String,
    closed: bool,
    categories: Vec<CategoryRanking>,
    errors: FormErrors,
    may_check: bool,
}

fn rows_of(board: &Board) -> Vec<RankRow> {
    board
        .placed
        .iter()
        .map(|p| RankRow {
            rank: p.rank.map(|r| r.to_string()).unwrap_or_else(|| "–".into()),
            reference: p.candidate.reference.clone(),
            applicant: p.candidate.applicant.clone(),
            points: board
                .criteria
                .iter()
                .enumerate()
                .map(|(i, _)| {
                    p.candidate
                        .points
                        .get(i)
                        .map(|x| x.to_string())
                        .unwrap_or_else(|| "?".into())
                })
                .collect(),
            total: p.total,
            eligible: if p.eligible {
                "ja".into()
            } else if p.below_pass.is_empty() {
                "nee: niet volledig beoordeeld".into()
            } else {
                format!("nee: {}", p.below_pass.join(", "))
            },
            requested: euro(p.candidate.requested_cents),
            granted: euro(p.granted_cents),
            remaining: euro(p.remaining_cents),
            outcome: p.outcome.label(),
            note: p.tie_note.clone().unwrap_or_default(),
        })
        .collect()
}

/// When the onderdeel was decided after the day it was due: that it was late, by the term or by
/// the notice of delay (Awb 4:14), and whether that notice was sent.
fn late_text(round: &store::Round, decided_at: OffsetDateTime) -> Option<String> {
    let day = time_fmt::to_amsterdam(decided_at).date();
    let due = round.decision_due();
    if day <= due {
        return None;
    }
    Some(match round.decision_delayed_to {
        Some(to) => format!(
            "Te laat besloten: de verdaging noemde {} als uiterste datum. Een verdagingsbericht is verstuurd.",
            time_fmt::date(to)
        ),
        None => format!(
            "Te laat besloten: de beslistermijn liep af op {}. Er is geen verdagingsbericht verstuurd.",
            time_fmt::date(round.decision_term_end())
        ),
    })
}

/// GET /{tenant}/regelingen/{regeling}/rondes/{ronde}/rangschikking
pub async fn ranking_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(query): Query<NoticeQuery>,
) -> AppResult<Response> {
    page(&state, &user, &ids, notice(&query), None).await
}

/// An outlier check sent with an error: the application, the reason as typed, the message.
pub(in crate::subsidy) type TypedCheck = (Uuid, String, String);

/// The ranking page; with `typed`, the outlier check sent with an error comes back (422).
pub(in crate::subsidy) async fn page(
    state: &AppState,
    user: &CurrentUser,
    ids: &Ids,
    notice: Option<&str>,
    typed: Option<TypedCheck>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let round = store::round(&mut tx, ids.get("regeling"), ids.get("ronde"))
        .await?
        .ok_or(AppError::NotFound)?;
    let categories = store::round_categories(&mut tx, round.round_id).await?;
    let closed = round.phase(OffsetDateTime::now_utc()) == Phase::Closed;
    let mut errors = FormErrors::default();
    let mut out = Vec::new();
    for category in &categories {
        let (board, decided) = board_of(&mut tx, &round, category).await?;
        let basis = PriceBasis::parse(&category.price_basis).unwrap_or(PriceBasis::Requested);
        let outliers = if decided.is_none() {
            let contenders = contenders(&mut tx, round.round_id, category.category_id).await?;
            let prices = prices_of(category, &contenders);
            outliers::of_category(&mut tx, &contenders, &prices).await?
        } else {
            Vec::new()
        };
        let outliers = outliers
            .into_iter()
            .map(|o| {
                let field = format!("controle-{}", o.application_id);
                let mine = typed.as_ref().filter(|(id, _, _)| *id == o.application_id);
                if let Some((_, _, message)) = mine {
                    errors.add(field.clone(), message.clone());
                }
                OutlierRow {
                    check: o.check.map(|c| {
                        format!(
                            "Gecontroleerd door {} op {}: {}",
                            c.checked_by,
                            time_fmt::date_time(c.checked_at),
                            c.reason
                        )
                    }),
                    action: format!(
                        "{}/onderdelen/{}/uitschieters/{}",
                        round_href(user, &round),
                        category.category_id,
                        o.application_id
                    ),
                    typed: mine.map(|(_, t, _)| t.clone()).unwrap_or_default(),
                    error: mine.map(|(_, _, m)| m.clone()),
                    field,
                    reference: o.reference,
                    reasons: o.reasons,
                }
            })
            .collect();
        out.push(CategoryRanking {
            name: category.name.clone(),
            anchor: category.code.clone(),
            ceiling: euro(category.ceiling_cents),
            granted_total: euro(board.placed.iter().map(|p| p.granted_cents).sum()),
            criteria: board.criteria.iter().map(|c| c.name.clone()).collect(),
            rows: rows_of(&board),
            late: decided.as_ref().and_then(|(at, _)| late_text(&round, *at)),
            draw: decided.as_ref().map(|_| {
                format!(
                    "De loting bij een gelijke stand gebruikt een uitgangswaarde die bij het besluit is vastgelegd: {}. Met deze waarde en de scores is de volgorde bij een gelijke stand na te rekenen.",
                    board.rules.draw_seed
                )
            }),
            decided: decided.map(|(at, by)| {
                // The name only: an e-mail address is no part of what the page needs to say.
                let name = by.split(" (").next().unwrap_or(&by).to_string();
                format!("Besloten op {} door {name}.", time_fmt::date_time(at))
            }),
            unscored: board.unscored.clone(),
            conflicted: board
                .conflicted
                .iter()
                .map(|(reference, n)| {
                    format!(
                        "{reference}: de scores van {n} beoordelaar{} tellen niet mee (belang verklaard)",
                        if *n == 1 { "" } else { "s" }
                    )
                })
                .collect(),
            decide_action: format!(
                "{}/onderdelen/{}/besluiten",
                round_href(user, &round),
                category.category_id
            ),
            may_decide: closed
                && user.may_change(Section::Schemes)
                && category.decided_at.is_none(),
            price_rule: price::rule_text(basis, category.fee_deduction),
            tie_text: category.tie_text(),
            remainder_text: board.rules.remainder.text(),
            outliers,
        });
    }
    tx.commit().await?;
    let layout = Layout::for_user(
        user,
        format!("Rangschikking {}", round.title()),
        Some(Section::Schemes),
    )
    .with_notice(notice);
    let invalid = !errors.is_empty();
    let response = render(&RankingPage {
        layout,
        back: round_href(user, &round),
        csv_href: format!("{}/rangschikking.csv", round_href(user, &round)),
        closed,
        categories: out,
        errors,
        may_check: user.may_change(Section::Schemes),
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

/// GET /{tenant}/regelingen/{regeling}/rondes/{ronde}/rangschikking.csv: one row per
/// application; decided onderdelen as decided, the others as the provisional ranking.
pub async fn ranking_csv(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let round = store::round(&mut tx, ids.get("regeling"), ids.get("ronde"))
        .await?
        .ok_or(AppError::NotFound)?;
    let categories = store::round_categories(&mut tx, round.round_id).await?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    for category in &categories {
        let (board, _) = board_of(&mut tx, &round, category).await?;
        for p in &board.placed {
            rows.push(vec![
                category.name.clone(),
                p.rank.map(|r| r.to_string()).unwrap_or_default(),
                p.candidate.applicant.clone(),
                p.candidate.kvk.clone().unwrap_or_default(),
                p.total.to_string(),
                if p.eligible { "ja" } else { "nee" }.to_string(),
                comma_decimal(p.candidate.requested_cents),
                comma_decimal(p.granted_cents),
                comma_decimal(category.ceiling_cents),
                comma_decimal(p.remaining_cents),
            ]);
        }
    }
    tx.commit().await?;
    let headers = [
        "onderdeel",
        "rang",
        "aanvrager",
        "kvk",
        "totaal",
        "subsidiabel",
        "gevraagd_eur",
        "toegekend_eur",
        "plafond_eur",
        "resterend_eur",
    ];
    let body = csv_out::write(&headers, rows);
    Ok(csv_attachment(
        &format!("rangschikking-{}.csv", round.year),
        body,
    ))
}
