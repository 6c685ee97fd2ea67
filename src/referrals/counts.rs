//! The referral counts page: per facility, type, route, reason, wijk or month over a period.

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use time::Date;

use super::store::{self, Count};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::time_fmt;

/// How the counts are grouped.
pub const GROUPINGS: [(&str, &str); 6] = [
    ("voorziening", "Voorziening"),
    ("type", "Soort voorziening"),
    ("route", "Cliëntroute"),
    ("reden", "Reden"),
    ("wijk", "Wijk"),
    ("maand", "Maand"),
];

#[derive(Debug, Deserialize, Default)]
pub struct CountsQuery {
    #[serde(default)]
    per: String,
    #[serde(default)]
    van: String,
    #[serde(default)]
    tot: String,
}

/// The period asked for: from the first of the month eleven months ago up to today by default.
pub(super) fn period(q: &CountsQuery, notices: &mut Vec<String>) -> (Date, Date) {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let today = time_fmt::today();
    let default_from = {
        let mut d = today.replace_day(1).unwrap_or(today);
        for _ in 0..11 {
            d = (d - time::Duration::days(1)).replace_day(1).unwrap_or(d);
        }
        d
    };
    let mut read = |text: &str, fallback: Date, what: &str| -> Date {
        if text.trim().is_empty() {
            return fallback;
        }
        Date::parse(text.trim(), &format).unwrap_or_else(|_| {
            notices.push(format!("De {what}datum is onleesbaar en is genegeerd."));
            fallback
        })
    };
    let from = read(&q.van, default_from, "begin");
    let to = read(&q.tot, today, "eind");
    if from > to {
        notices.push("De begindatum lag na de einddatum; ze zijn omgedraaid.".into());
        (to, from)
    } else {
        (from, to)
    }
}

fn grouping(per: &str) -> &'static str {
    GROUPINGS
        .iter()
        .map(|(k, _)| *k)
        .find(|k| *k == per)
        .unwrap_or("voorziening")
}

#[derive(askama::Template)]
#[template(path = "referrals/counts.html")]
struct CountsPage {
    layout: crate::web::layout::Layout,
    per: &'static str,
    groupings: &'static [(&'static str, &'static str)],
    van: String,
    tot: String,
    rows: Vec<Count>,
    total: i64,
    export: String,
    /// Corrections dated in the period, with their reasons (they are in the counts above).
    corrections: Vec<store::Correction>,
}

/// GET /{tenant}/verwijzingen
pub async fn counts(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CountsQuery>,
) -> AppResult<Response> {
    let mut notices = Vec::new();
    let (from, to) = period(&q, &mut notices);
    let per = grouping(&q.per);
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let rows = store::grouped(&mut tx, per, from, to).await?;
    let corrections = store::corrections(&mut tx, from, to).await?;
    tx.commit().await?;
    let export = format!(
        "{}/export.csv?van={from}&tot={to}",
        user.href(Section::Referrals.path())
    );
    let notice = (!notices.is_empty()).then(|| notices.join(" "));
    crate::web::layout::render(&CountsPage {
        layout: crate::web::layout::Layout::for_user(
            &user,
            "Verwijzingen",
            Some(Section::Referrals),
        )
        .with_notice(notice.as_deref()),
        per,
        groupings: &GROUPINGS,
        van: from.to_string(),
        tot: to.to_string(),
        total: rows.iter().map(|r| r.count).sum(),
        rows,
        export,
        corrections,
    })
}
