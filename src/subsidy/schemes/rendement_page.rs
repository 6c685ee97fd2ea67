//! The rendement page of a scheme: the inputs (a form the beleidsmedewerker fills in) and the
//! figures with their formulas ([`crate::subsidy::schemes::rendement`]).

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::BTreeMap;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::money::{field, parse_euro};
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{notice, schemes_base, with_422, NoticeQuery};
use crate::subsidy::common::store;
use crate::subsidy::schemes::rendement::{compute, figures, Figure, Inputs};
use crate::web::layout::{render, Layout};
use crate::web::ClientAddr;

const FIELDS: [(&str, &str, &str); 8] = [
    (
        "deelnemers",
        "Deelnemers per jaar",
        "Aantal verschillende deelnemers aan de dagactiviteiten.",
    ),
    (
        "aandeel",
        "Deel dat anders maatwerk nodig had",
        "Als breuk (2/3) of percentage (66,7%).",
    ),
    (
        "personen_per_plek",
        "Personen per plek",
        "Hoeveel deelnemers één plek begeleiding groep gemiddeld bedient.",
    ),
    (
        "kosten_per_plek",
        "Kosten van één plek begeleiding groep per jaar (euro)",
        "",
    ),
    ("subsidie", "Subsidie per jaar (euro)", ""),
    (
        "uren_per_aanvraag",
        "Uren gemeentelijk werk per maatwerkaanvraag",
        "Bijvoorbeeld 3,5.",
    ),
    ("uren_per_fte", "Uren per fte per jaar", ""),
    (
        "eigen_bijdrage",
        "Eigen bijdrage die anders per maand gevraagd zou worden (euro)",
        "",
    ),
];

#[derive(sqlx::FromRow)]
struct Stored {
    participants: i64,
    share_numerator: i64,
    share_denominator: i64,
    persons_per_place: i64,
    cost_per_place_cents: i64,
    subsidy_cents: i64,
    hours_per_request_tenths: i64,
    hours_per_fte: i64,
    contribution_per_month_cents: i64,
}

async fn stored(tx: &mut TenantTx, scheme_id: uuid::Uuid) -> AppResult<Option<Inputs>> {
    let tenant_id = tx.tenant_id();
    let row: Option<Stored> = sqlx::query_as(
        "select participants, share_numerator, share_denominator, persons_per_place, cost_per_place_cents, subsidy_cents, \
         hours_per_request_tenths, hours_per_fte, contribution_per_month_cents from subsidy_rendement \
         where tenant_id = $1 and scheme_id = $2",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| Inputs {
        participants: r.participants,
        share_numerator: r.share_numerator,
        share_denominator: r.share_denominator,
        persons_per_place: r.persons_per_place,
        cost_per_place_cents: r.cost_per_place_cents,
        subsidy_cents: r.subsidy_cents,
        hours_per_request_tenths: r.hours_per_request_tenths,
        hours_per_fte: r.hours_per_fte,
        contribution_per_month_cents: r.contribution_per_month_cents,
    }))
}

/// Stores the inputs of `scheme_id` (also used by the demo loader).
pub async fn save(tx: &mut TenantTx, scheme_id: uuid::Uuid, i: &Inputs, by: &str) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "insert into subsidy_rendement (tenant_id, scheme_id, participants, share_numerator, share_denominator, \
         persons_per_place, cost_per_place_cents, subsidy_cents, hours_per_request_tenths, hours_per_fte, \
         contribution_per_month_cents, updated_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         on conflict (tenant_id, scheme_id) do update set participants = excluded.participants, \
         share_numerator = excluded.share_numerator, share_denominator = excluded.share_denominator, \
         persons_per_place = excluded.persons_per_place, cost_per_place_cents = excluded.cost_per_place_cents, \
         subsidy_cents = excluded.subsidy_cents, hours_per_request_tenths = excluded.hours_per_request_tenths, \
         hours_per_fte = excluded.hours_per_fte, contribution_per_month_cents = excluded.contribution_per_month_cents, \
         updated_by = excluded.updated_by, updated_at = now()",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(i.participants)
    .bind(i.share_numerator)
    .bind(i.share_denominator)
    .bind(i.persons_per_place)
    .bind(i.cost_per_place_cents)
    .bind(i.subsidy_cents)
    .bind(i.hours_per_request_tenths)
    .bind(i.hours_per_fte)
    .bind(i.contribution_per_month_cents)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn form_of(i: &Inputs) -> BTreeMap<String, String> {
    let hours = if i.hours_per_request_tenths % 10 == 0 {
        (i.hours_per_request_tenths / 10).to_string()
    } else {
        format!(
            "{},{}",
            i.hours_per_request_tenths / 10,
            i.hours_per_request_tenths % 10
        )
    };
    [
        ("deelnemers", i.participants.to_string()),
        (
            "aandeel",
            format!("{}/{}", i.share_numerator, i.share_denominator),
        ),
        ("personen_per_plek", i.persons_per_place.to_string()),
        ("kosten_per_plek", field(i.cost_per_place_cents, false)),
        ("subsidie", field(i.subsidy_cents, false)),
        ("uren_per_aanvraag", hours),
        ("uren_per_fte", i.hours_per_fte.to_string()),
        (
            "eigen_bijdrage",
            field(i.contribution_per_month_cents, false),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// A share as a fraction: `2/3`, or a percentage `66,7%` (as thousandths).
fn share(text: &str) -> Option<(i64, i64)> {
    let t = text.trim();
    if let Some((a, b)) = t.split_once('/') {
        let (a, b) = (a.trim().parse::<i64>().ok()?, b.trim().parse::<i64>().ok()?);
        return (b > 0 && a >= 0 && a <= b).then_some((a, b));
    }
    let p = t.trim_end_matches('%').trim().replace(',', ".");
    let value: f64 = p.parse().ok()?;
    (0.0..=100.0)
        .contains(&value)
        .then(|| ((value * 10.0).round() as i64, 1000))
}

fn check(form: &BTreeMap<String, String>) -> Result<Inputs, FormErrors> {
    let mut errors = FormErrors::default();
    let get = |k: &str| {
        form.get(k)
            .map(String::as_str)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let whole = |k: &'static str, what: &str, errors: &mut FormErrors, min: i64| match get(k)
        .replace('.', "")
        .parse::<i64>()
    {
        Ok(n) if n >= min && n < 10_000_000 => n,
        _ => {
            errors.add(
                k,
                format!("Vul bij {what} een heel getal in (minstens {min})."),
            );
            0
        }
    };
    let money = |k: &'static str, what: &str, errors: &mut FormErrors| match parse_euro(&get(k)) {
        Ok(Some(c)) => c,
        Ok(None) => {
            errors.add(k, format!("Vul {what} in."));
            0
        }
        Err(m) => {
            errors.add(k, format!("{what}: {m}"));
            0
        }
    };
    let participants = whole("deelnemers", "deelnemers", &mut errors, 0);
    let (share_numerator, share_denominator) = share(&get("aandeel")).unwrap_or_else(|| {
        errors.add(
            "aandeel",
            "Vul het deel in als breuk (2/3) of percentage (66,7%), niet meer dan het geheel.",
        );
        (0, 1)
    });
    let persons_per_place = whole("personen_per_plek", "personen per plek", &mut errors, 1);
    let cost_per_place_cents = money("kosten_per_plek", "de kosten per plek", &mut errors);
    let subsidy_cents = money("subsidie", "de subsidie", &mut errors);
    let hours_per_request_tenths = match get("uren_per_aanvraag").replace(',', ".").parse::<f64>() {
        Ok(h) if (0.0..1000.0).contains(&h) => (h * 10.0).round() as i64,
        _ => {
            errors.add(
                "uren_per_aanvraag",
                "Vul de uren per aanvraag in, bijvoorbeeld 3,5.",
            );
            0
        }
    };
    let hours_per_fte = whole("uren_per_fte", "uren per fte", &mut errors, 1);
    let contribution_per_month_cents = money(
        "eigen_bijdrage",
        "de eigen bijdrage (0 als die er niet is)",
        &mut errors,
    );
    if errors.is_empty() {
        Ok(Inputs {
            participants,
            share_numerator,
            share_denominator,
            persons_per_place,
            cost_per_place_cents,
            subsidy_cents,
            hours_per_request_tenths,
            hours_per_fte,
            contribution_per_month_cents,
        })
    } else {
        Err(errors)
    }
}

#[derive(Template)]
#[template(path = "subsidy/schemes/rendement.html")]
struct Page {
    layout: Layout,
    back: String,
    action: String,
    scheme: String,
    fields: Vec<(&'static str, &'static str, &'static str, String)>,
    figures: Vec<Figure>,
    may_change: bool,
    errors: FormErrors,
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    scheme_id: uuid::Uuid,
    typed: Option<BTreeMap<String, String>>,
    errors: FormErrors,
    notice: Option<&str>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = store::scheme(&mut tx, scheme_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let inputs = stored(&mut tx, scheme_id).await?;
    tx.commit().await?;
    let form = typed.unwrap_or_else(|| inputs.as_ref().map(form_of).unwrap_or_default());
    let figures = inputs
        .as_ref()
        .and_then(|i| compute(i).map(|o| figures(i, &o)))
        .unwrap_or_default();
    let invalid = !errors.is_empty();
    let response = render(&Page {
        layout: Layout::for_user(
            user,
            format!("Rendement: {}", scheme.name),
            Some(Section::Schemes),
        )
        .with_notice(notice),
        back: format!("{}/{scheme_id}", schemes_base(user)),
        action: format!("{}/{scheme_id}/rendement", schemes_base(user)),
        scheme: scheme.name,
        fields: FIELDS
            .iter()
            .map(|(k, label, hint)| (*k, *label, *hint, form.get(*k).cloned().unwrap_or_default()))
            .collect(),
        figures,
        may_change: user.may_change(Section::Schemes),
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

/// GET /{tenant}/regelingen/{regeling}/rendement
pub async fn rendement_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    page(
        &state,
        &user,
        ids.get("regeling"),
        None,
        FormErrors::default(),
        notice(&q),
    )
    .await
}

/// POST /{tenant}/regelingen/{regeling}/rendement
pub async fn rendement_save(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let scheme_id = ids.get("regeling");
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    store::scheme(&mut tx, scheme_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let inputs = match check(&form) {
        Ok(i) => i,
        Err(errors) => {
            tx.commit().await?;
            return page(&state, &user, scheme_id, Some(form), errors, None).await;
        }
    };
    let before = stored(&mut tx, scheme_id)
        .await?
        .map(|i| json!(form_of(&i)));
    save(
        &mut tx,
        scheme_id,
        &inputs,
        &format!("{} ({})", user.display_name, user.email),
    )
    .await?;
    let mut event = Event::new("rendement gewijzigd", "subsidieregeling", scheme_id)
        .after(json!(form_of(&inputs)));
    if let Some(b) = before {
        event = event.before(b);
    }
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/{scheme_id}/rendement?melding=opgeslagen",
        schemes_base(&user)
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn shares() {
        assert_eq!(super::share("2/3"), Some((2, 3)));
        assert_eq!(super::share("66,7%"), Some((667, 1000)));
        assert_eq!(super::share("3/2"), None);
        assert_eq!(super::share("veel"), None);
    }
}
