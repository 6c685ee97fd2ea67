//! The uitvoeringsovereenkomst as one printable page ([`crate::subsidy::pilot::agreement`] holds its data
//! and rules); the beleidsmedewerker edits it below the document, the partner reads its own.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::money::euro;
use crate::subsidy::common::nav_page::pilot_href;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{notice, with_422, NoticeQuery};
use crate::subsidy::pilot::agreement::{
    agreement, check, form_of, groups, partner_of, reporting_label, save, Agreement, Group,
    PRINCIPLES, REPORTING,
};
use crate::subsidy::pilot::scheme::{by, pilot_scheme};
use crate::subsidy::pilot::store;
use crate::web::layout::{render, Layout};
use crate::web::{time_fmt, ClientAddr};

struct PrincipleView {
    title: &'static str,
    text: &'static str,
    elaboration: String,
    field: String,
}

#[derive(Template)]
#[template(path = "subsidy/pilot/agreement.html")]
struct Page {
    layout: Layout,
    back: String,
    action: String,
    scheme_name: String,
    years: String,
    partner: String,
    agreement: Option<Agreement>,
    updated: String,
    reporting: &'static str,
    groups: Vec<Group>,
    places: i32,
    allocations: Vec<(i32, String)>,
    principles: Vec<PrincipleView>,
    reporting_options: Vec<(&'static str, &'static str)>,
    form: BTreeMap<String, String>,
    may_change: bool,
    errors: FormErrors,
}

impl Page {
    fn value(&self, key: &str) -> &str {
        self.form.get(key).map(String::as_str).unwrap_or("")
    }
}

/// The agreement page; `typed` is a refused form as sent. `may_change` is false for the
/// partner's own read-only view.
pub async fn page(
    state: &AppState,
    user: &CurrentUser,
    scheme_id: Uuid,
    provider_id: Uuid,
    typed: Option<BTreeMap<String, String>>,
    errors: FormErrors,
    notice: Option<&str>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = pilot_scheme(&mut tx, scheme_id).await?;
    let partner = partner_of(&mut tx, scheme_id, provider_id).await?;
    let agreement = agreement(&mut tx, scheme_id, provider_id).await?;
    let groups = groups(&mut tx, scheme_id, Some(provider_id)).await?;
    let mut allocations = Vec::new();
    for year in scheme.first_year..=scheme.last_year {
        let current = store::allocations(&mut tx, scheme_id, year)
            .await?
            .into_iter()
            .next();
        if let Some(v) = current {
            let share = store::shares(&mut tx, scheme_id, year)
                .await?
                .into_iter()
                .find(|s| s.version == v.version && s.provider_id == provider_id)
                .map(|s| s.share_cents)
                .unwrap_or(0);
            allocations.push((year, euro(share)));
        }
    }
    tx.commit().await?;
    let may_change = user.may_change(Section::Schemes);
    let form = typed.unwrap_or_else(|| form_of(agreement.as_ref(), &groups));
    let invalid = !errors.is_empty();
    let base = format!("{}/partners/{provider_id}", pilot_href(user, scheme_id));
    let response = render(&Page {
        layout: Layout::for_user(
            user,
            format!("Uitvoeringsovereenkomst {}", partner.name),
            Some(if may_change || user.may(Section::Schemes) {
                Section::Schemes
            } else {
                Section::Applications
            }),
        )
        .with_notice(notice),
        back: if user.may(Section::Schemes) {
            pilot_href(user, scheme_id)
        } else {
            user.href("/aanvragen/monitoring")
        },
        action: format!("{base}/overeenkomst"),
        years: format!("{} tot en met {}", scheme.first_year, scheme.last_year),
        scheme_name: scheme.name,
        partner: partner.name,
        updated: agreement
            .as_ref()
            .map(|a| {
                format!(
                    "{} door {}",
                    time_fmt::date_time(a.updated_at),
                    a.updated_by
                )
            })
            .unwrap_or_default(),
        reporting: reporting_label(
            agreement
                .as_ref()
                .map(|a| a.reporting.as_str())
                .unwrap_or("kwartaal"),
        ),
        places: groups.iter().map(|g| g.places).sum(),
        principles: PRINCIPLES
            .iter()
            .enumerate()
            .map(|(i, (title, text))| PrincipleView {
                title,
                text,
                elaboration: agreement
                    .as_ref()
                    .and_then(|a| a.principles.get(i).cloned())
                    .unwrap_or_default(),
                field: format!("beginsel_{}", i + 1),
            })
            .collect(),
        agreement,
        groups,
        allocations,
        reporting_options: REPORTING.to_vec(),
        form,
        may_change,
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

/// GET /{tenant}/regelingen/{regeling}/pilot/partners/{aanbieder}/overeenkomst
pub async fn agreement_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    page(
        &state,
        &user,
        ids.get("regeling"),
        ids.get("aanbieder"),
        None,
        FormErrors::default(),
        notice(&q),
    )
    .await
}

/// POST /{tenant}/regelingen/{regeling}/pilot/partners/{aanbieder}/overeenkomst
pub async fn agreement_save(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let (scheme_id, provider_id) = (ids.get("regeling"), ids.get("aanbieder"));
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    pilot_scheme(&mut tx, scheme_id).await?;
    partner_of(&mut tx, scheme_id, provider_id).await?;
    // The version check below holds until the commit.
    store::lock_scheme(&mut tx, scheme_id).await?;
    let before = agreement(&mut tx, scheme_id, provider_id).await?;
    let before_groups = groups(&mut tx, scheme_id, Some(provider_id)).await?;
    let (state, user) = (&state, &user);
    let refuse = |tx: TenantTx, errors: FormErrors, form: BTreeMap<String, String>| async move {
        tx.commit().await?;
        page(
            state,
            user,
            scheme_id,
            provider_id,
            Some(form),
            errors,
            None,
        )
        .await
    };
    let checked = match check(&form) {
        Ok(c) => c,
        Err(errors) => return refuse(tx, errors, form).await,
    };
    let sent_version = form
        .get("versie")
        .and_then(|v| v.trim().parse::<i32>().ok());
    let current_version = before.as_ref().map(|a| a.version).unwrap_or(0);
    if sent_version != Some(current_version) {
        let mut errors = FormErrors::default();
        errors.add(
            "rapportage",
            "Iemand anders heeft deze overeenkomst intussen gewijzigd. Uw invoer staat hieronder; vergelijk met de overeenkomst hierboven en sla opnieuw op.",
        );
        let mut form = form;
        form.insert("versie".into(), current_version.to_string());
        return refuse(tx, errors, form).await;
    }
    if let Err(message) = save(&mut tx, scheme_id, provider_id, &checked, &by(user)).await? {
        let mut errors = FormErrors::default();
        errors.add("groepen", message);
        return refuse(tx, errors, form).await;
    }
    let mut event = Event::new(
        "uitvoeringsovereenkomst gewijzigd",
        "pilotpartner",
        provider_id,
    )
    .after(json!(form_of(
        agreement(&mut tx, scheme_id, provider_id).await?.as_ref(),
        &groups(&mut tx, scheme_id, Some(provider_id)).await?
    )));
    if before.is_some() {
        event = event.before(json!(form_of(before.as_ref(), &before_groups)));
    }
    audit::record(&mut tx, &Actor::user(user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/partners/{provider_id}/overeenkomst?melding=opgeslagen",
        pilot_href(user, scheme_id)
    ))
    .into_response())
}
