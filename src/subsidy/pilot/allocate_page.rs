//! The changes to a pilot year (beleidsmedewerker): the clients per partner, recording the
//! rule's proposal as a new version of the allocation, and adjusting it with a reason. Every
//! change is in the audit trail; no version is ever changed afterwards.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::error::AppResult;
use crate::fields::optional_text;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::money::{euro, parse_euro, plain};
use crate::subsidy::common::nav_page::pilot_href;
use crate::subsidy::pilot::allocation::left_over;
use crate::subsidy::pilot::nav_page::PilotYear;
use crate::subsidy::pilot::scheme::by;
use crate::subsidy::pilot::store::YearData;
use crate::subsidy::pilot::store::{self, NewAllocation, NewShare};
use crate::subsidy::pilot::year_page::page;
use crate::web::ClientAddr;

fn form_of(body: &Bytes) -> BTreeMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn redirect(user: &CurrentUser, at: &PilotYear, melding: &str) -> Response {
    Redirect::to(&format!(
        "{}/{}?melding={melding}",
        pilot_href(user, at.scheme_id),
        at.year
    ))
    .into_response()
}

/// A count of clients as typed: empty is 0.
pub fn parse_clients(text: &str) -> Option<i64> {
    let t = text.trim().replace('.', "");
    if t.is_empty() {
        return Some(0);
    }
    t.parse::<i64>()
        .ok()
        .filter(|n| (0..=1_000_000).contains(n))
}

/// POST /{tenant}/regelingen/{regeling}/pilot/{jaar}/clienten: the need (`basis=behoefte`) or
/// the realised distribution (`basis=gerealiseerd`) per partner.
pub async fn clients_save(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    at: PilotYear,
    body: Bytes,
) -> AppResult<Response> {
    let form = form_of(&body);
    let basis = match form.get("basis").map(String::as_str) {
        Some("gerealiseerd") => "gerealiseerd",
        _ => "behoefte",
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let d = YearData::load(&mut tx, at.scheme_id, at.year).await?;
    let mut errors = FormErrors::default();
    let mut rows = Vec::new();
    for p in &d.partners {
        let key = format!("{basis}_{}", p.provider_id);
        match parse_clients(form.get(&key).map(String::as_str).unwrap_or("")) {
            Some(n) => rows.push((p.provider_id, String::new(), n)),
            None => errors.add(
                key,
                format!(
                    "Vul bij {} een heel aantal cliënten in, 0 of meer (hoogstens 1.000.000).",
                    p.name
                ),
            ),
        }
    }
    if !errors.is_empty() {
        tx.commit().await?;
        return page(&state, &user, &at, None, Some(form), errors, None).await;
    }
    let old = if basis == "behoefte" {
        &d.need
    } else {
        &d.realised
    };
    let named = |counts: &mut dyn Iterator<Item = (uuid::Uuid, i64)>| -> Value {
        let mut m = Map::new();
        for (id, n) in counts {
            let name = d
                .partners
                .iter()
                .find(|p| p.provider_id == id)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| id.to_string());
            m.insert(name, json!(n));
        }
        Value::Object(m)
    };
    let before = named(&mut old.iter().map(|(k, v)| (*k, *v)));
    let after = named(&mut rows.iter().map(|(k, _, n)| (*k, *n)));
    store::replace_clients(&mut tx, at.scheme_id, at.year, basis, &rows, &by(&user)).await?;
    let action = if basis == "behoefte" {
        "pilotbehoefte vastgelegd"
    } else {
        "gerealiseerde cliënten vastgelegd"
    };
    let event = Event::new(action, "subsidieregeling", at.scheme_id)
        .before(json!({"jaar": at.year, "cliënten": before}))
        .after(json!({"jaar": at.year, "cliënten": after}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(redirect(&user, &at, "opgeslagen"))
}

fn shares_value(d: &YearData, shares: &[NewShare]) -> Value {
    let mut m = Map::new();
    for s in shares {
        if let Some(p) = d.partners.iter().find(|p| p.provider_id == s.provider_id) {
            m.insert(p.name.clone(), json!(plain(s.share_cents)));
        }
    }
    Value::Object(m)
}

/// POST /{tenant}/regelingen/{regeling}/pilot/{jaar}/voorstel: records the rule's proposal for
/// the year's budget and need as the next version.
pub async fn allocation_propose(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    at: PilotYear,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let d = YearData::load(&mut tx, at.scheme_id, at.year).await?;
    let proposal = match d.proposal() {
        Ok(p) => p,
        Err(problem) => {
            tx.commit().await?;
            let mut errors = FormErrors::default();
            errors.add("voorstel", problem.text());
            return page(&state, &user, &at, None, None, errors, None).await;
        }
    };
    let shares: Vec<NewShare> = d
        .partners
        .iter()
        .zip(&proposal)
        .zip(d.need_counts())
        .map(|((p, cents), clients)| NewShare {
            provider_id: p.provider_id,
            clients: clients as i64,
            proposed_cents: *cents,
            share_cents: *cents,
        })
        .collect();
    let who = by(&user);
    let version = store::record_allocation(
        &mut tx,
        at.scheme_id,
        &NewAllocation {
            year: at.year,
            budget_cents: d.budget_cents,
            kind: "voorstel",
            reason: "",
            shares: &shares,
            by: &who,
        },
    )
    .await?;
    let event = Event::new(
        "pilotverdeling vastgelegd",
        "subsidieregeling",
        at.scheme_id,
    )
    .after(
        json!({"jaar": at.year, "versie": version, "budget": plain(d.budget_cents),
               "regel": "grootste overschot", "verdeling": shares_value(&d, &shares)}),
    );
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(redirect(&user, &at, "verdeling"))
}

/// POST /{tenant}/regelingen/{regeling}/pilot/{jaar}/aanpassing: an official's shares with a
/// reason, as the next version. The shares must add up to the budget exactly; the form says
/// what is left or too much. Based on an older version than the current one it is refused.
pub async fn allocation_adjust(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    at: PilotYear,
    body: Bytes,
) -> AppResult<Response> {
    let form = form_of(&body);
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    // Before reading the current version, so that the check below holds until the commit.
    store::lock_scheme(&mut tx, at.scheme_id).await?;
    let d = YearData::load(&mut tx, at.scheme_id, at.year).await?;
    let mut errors = FormErrors::default();
    let current = d.current_version();
    let based_on = form
        .get("versie")
        .and_then(|v| v.trim().parse::<i32>().ok());
    let mut amounts = Vec::new();
    for p in &d.partners {
        let key = format!("bedrag_{}", p.provider_id);
        match parse_euro(form.get(&key).map(String::as_str).unwrap_or("")) {
            Ok(Some(c)) => amounts.push(c),
            Ok(None) => errors.add(
                key,
                format!(
                    "Vul het bedrag voor {} in (0 als de partner niets krijgt).",
                    p.name
                ),
            ),
            Err(m) => errors.add(key, format!("{}: {m}", p.name)),
        }
    }
    let reason = match optional_text(
        form.get("reden").map(String::as_str).unwrap_or(""),
        2000,
        "de reden",
    ) {
        Ok(r) if r.chars().count() >= 3 => r,
        Ok(_) => {
            errors.add(
                "reden",
                "Schrijf waarom de verdeling afwijkt; de reden blijft bij deze versie bewaard.",
            );
            String::new()
        }
        Err(m) => {
            errors.add("reden", m);
            String::new()
        }
    };
    if errors.is_empty() {
        let left = left_over(d.budget_cents, &amounts);
        if left > 0 {
            errors.add(
                "totaal",
                format!(
                    "De bedragen tellen op tot {}, het budget voor {} is {}: er is nog {} over om te verdelen.",
                    euro(d.budget_cents - left), at.year, euro(d.budget_cents), euro(left)
                ),
            );
        } else if left < 0 {
            errors.add(
                "totaal",
                format!(
                    "De bedragen tellen op tot {}, het budget voor {} is {}: dat is {} te veel.",
                    euro(d.budget_cents - left),
                    at.year,
                    euro(d.budget_cents),
                    euro(-left)
                ),
            );
        }
    }
    if errors.is_empty() && based_on != Some(current) {
        errors.add(
            "totaal",
            format!(
                "Intussen is er een nieuwere versie van de verdeling vastgelegd (versie {current}). \
                 Bekijk die en pas de bedragen zo nodig opnieuw aan."
            ),
        );
    }
    if !errors.is_empty() {
        tx.commit().await?;
        return page(&state, &user, &at, None, Some(form), errors, None).await;
    }
    let proposal = d.proposal().ok();
    let shares: Vec<NewShare> = d
        .partners
        .iter()
        .enumerate()
        .map(|(i, p)| NewShare {
            provider_id: p.provider_id,
            clients: d.need_counts()[i] as i64,
            proposed_cents: proposal.as_ref().map(|s| s[i]).unwrap_or(0),
            share_cents: amounts[i],
        })
        .collect();
    let before: Vec<NewShare> = d
        .partners
        .iter()
        .filter_map(|p| d.share(current, p.provider_id))
        .map(|s| NewShare {
            provider_id: s.provider_id,
            clients: s.clients as i64,
            proposed_cents: s.proposed_cents,
            share_cents: s.share_cents,
        })
        .collect();
    let who = by(&user);
    let version = store::record_allocation(
        &mut tx,
        at.scheme_id,
        &NewAllocation {
            year: at.year,
            budget_cents: d.budget_cents,
            kind: "aanpassing",
            reason: &reason,
            shares: &shares,
            by: &who,
        },
    )
    .await?;
    let event = Event::new("pilotverdeling aangepast", "subsidieregeling", at.scheme_id)
        .before(json!({"jaar": at.year, "versie": current, "verdeling": shares_value(&d, &before)}))
        .after(json!({"jaar": at.year, "versie": version, "reden": reason,
                      "verdeling": shares_value(&d, &shares)}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(redirect(&user, &at, "verdeling"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn client_counts() {
        assert_eq!(super::parse_clients(" 12 "), Some(12));
        assert_eq!(super::parse_clients(""), Some(0));
        assert_eq!(super::parse_clients("1.200"), Some(1200));
        assert_eq!(super::parse_clients("-3"), None);
        assert_eq!(super::parse_clients("twaalf"), None);
        assert_eq!(super::parse_clients("2000000"), None);
    }
}
