//! Publishing a round (one year's call) of a regeling: the application window to the minute
//! (Europe/Amsterdam), the decision term, what is asked, and per onderdeel the plafond and the
//! assessment protocol — criteria with pass marks, how scores combine, the price rule, the
//! tie-break and what the marginal application gets. Saving publishes it (Awb 4:25–4:27: the
//! plafond and the distribution method are known before the window opens); it can be changed
//! only until the window opens, so nothing changes for applications already made.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{round_href, schemes_base, with_422};
use crate::subsidy::common::store::{self, Round, Scheme};
use crate::subsidy::schemes::round_rules::{check, RoundForm, DEFAULT_CRITERIA};
use crate::subsidy::schemes::round_store::{
    self, audit_value, earlier_criteria, scheme_categories, stored_form,
};
use crate::web::layout::{render, Layout};
use crate::web::ClientAddr;

struct CategoryField {
    code: String,
    name: String,
    /// The criteria of the onderdeel as the form now holds them (code, name): the choices for
    /// the tie-break, so that nobody types a code by hand. A code kept from the form that is not
    /// among them (criteria changed) is offered too, so the error shows what was chosen.
    tie_options: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "subsidy/schemes/round_form.html")]
struct FormPage {
    layout: Layout,
    back: String,
    action: String,
    scheme: Scheme,
    form: RoundForm,
    categories: Vec<CategoryField>,
    documents: Vec<(&'static str, &'static str)>,
    declarations: Vec<(&'static str, &'static str)>,
    budget: Vec<(i32, String)>,
    errors: FormErrors,
}

async fn form_page(
    tx: &mut TenantTx,
    user: &CurrentUser,
    scheme: Scheme,
    round: Option<&Round>,
    form: RoundForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let categories = scheme_categories(tx, scheme.scheme_id).await?;
    let lines = store::budget_lines(tx, scheme.scheme_id).await?;
    let invalid = !errors.is_empty();
    let title = match round {
        Some(r) => format!("Ronde {} wijzigen", r.year),
        None => "Nieuwe ronde".to_string(),
    };
    let response = render(&FormPage {
        layout: Layout::for_user(user, title, Some(Section::Schemes)),
        back: match round {
            Some(r) => round_href(user, r),
            None => format!("{}/{}", schemes_base(user), scheme.scheme_id),
        },
        action: match round {
            Some(r) => round_href(user, r),
            None => format!("{}/{}/rondes", schemes_base(user), scheme.scheme_id),
        },
        categories: categories
            .into_iter()
            .map(|(_, code, name)| {
                let mut tie_options: Vec<(String, String)> =
                    crate::subsidy::schemes::round_rules::parse_criteria(
                        form.of("criteria", &code),
                    )
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| (c.code, c.name))
                    .collect();
                let chosen = form.of("gelijkspel", &code).trim().to_string();
                if !chosen.is_empty() && !tie_options.iter().any(|(c, _)| *c == chosen) {
                    tie_options.push((chosen.clone(), chosen));
                }
                CategoryField {
                    code,
                    name,
                    tie_options,
                }
            })
            .collect(),
        documents: store::DOCUMENTS.to_vec(),
        declarations: store::DECLARATIONS.to_vec(),
        budget: crate::subsidy::schemes::scheme_rules::by_year(&lines)
            .into_iter()
            .map(|(y, c)| (y, crate::subsidy::common::money::euro(c)))
            .collect(),
        scheme,
        form,
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

/// GET /{tenant}/regelingen/{regeling}/rondes/nieuw
pub async fn round_new(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = store::scheme(&mut tx, ids.get("regeling"))
        .await?
        .ok_or(AppError::NotFound)?;
    let used: Vec<i32> = store::rounds_of(&mut tx, scheme.scheme_id)
        .await?
        .iter()
        .map(|r| r.year)
        .collect();
    let year = (scheme.first_year..=scheme.last_year)
        .find(|y| !used.contains(y))
        .unwrap_or(scheme.last_year);
    let earlier = earlier_criteria(&mut tx, scheme.scheme_id).await?;
    let mut form = RoundForm::default();
    form.set("jaar", year.to_string());
    form.set("opent_tijd", "09:00");
    form.set("sluit_tijd", "23:59");
    form.set("beslistermijn", "8");
    form.set("voorschotten", "1");
    form.set("direct_onder", "5.000");
    form.set("financieel_vanaf", "50.000");
    form.set("verantwoording_maanden", "4");
    form.documents = vec![
        "begroting".into(),
        "jaarverslag".into(),
        "bestuurssamenstelling".into(),
    ];
    form.declarations = store::DECLARATIONS
        .iter()
        .map(|(c, _)| c.to_string())
        .collect();
    for (_, code, _) in scheme_categories(&mut tx, scheme.scheme_id).await? {
        form.set(format!("regel_{code}"), "gemiddelde");
        form.set(format!("prijsbasis_{code}"), "gevraagd");
        form.set(format!("restant_{code}"), "gedeeltelijk");
        form.set(format!("gelijkspel_{code}"), "resultaat");
        form.set(
            format!("criteria_{code}"),
            earlier
                .get(&code)
                .cloned()
                .unwrap_or_else(|| DEFAULT_CRITERIA.to_string()),
        );
    }
    let response = form_page(&mut tx, &user, scheme, None, form, FormErrors::default()).await;
    tx.commit().await?;
    response
}

/// POST /{tenant}/regelingen/{regeling}/rondes: publishes a new round.
pub async fn round_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let form = RoundForm::from_body(&body);
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = store::scheme(&mut tx, ids.get("regeling"))
        .await?
        .ok_or(AppError::NotFound)?;
    let categories = scheme_categories(&mut tx, scheme.scheme_id).await?;
    let now = OffsetDateTime::now_utc();
    let checked = match check(&form, &scheme, &categories, now) {
        Ok(c) => c,
        Err(errors) => return form_page(&mut tx, &user, scheme, None, form, errors).await,
    };
    let tenant_id = tx.tenant_id();
    let round_id: Option<Uuid> = sqlx::query_scalar(
        "insert into subsidy_rounds (tenant_id, scheme_id, year, opens_at, closes_at, decision_weeks, published_at, \
         period_start, period_end, obligations, documents, declarations) \
         values ($1, $2, $3, $4, $5, $6, now(), make_date($3, 1, 1), make_date($3, 12, 31), $7, $8, $9) \
         on conflict (tenant_id, scheme_id, year) do nothing returning round_id",
    )
    .bind(tenant_id)
    .bind(scheme.scheme_id)
    .bind(checked.year)
    .bind(checked.opens_at)
    .bind(checked.closes_at)
    .bind(checked.decision_weeks)
    .bind(&checked.obligations)
    .bind(&checked.documents)
    .bind(&checked.declarations)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(round_id) = round_id else {
        let mut errors = FormErrors::default();
        errors.add(
            "jaar",
            format!(
                "Er is al een ronde voor {}. Wijzig die, of kies een ander jaar.",
                checked.year
            ),
        );
        return form_page(&mut tx, &user, scheme, None, form, errors).await;
    };
    round_store::write(&mut tx, round_id, &checked).await?;
    let event = Event::new("gepubliceerd", "subsidieronde", round_id).after(audit_value(&checked));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/{}/rondes/{round_id}?melding=opgeslagen",
        schemes_base(&user),
        scheme.scheme_id
    ))
    .into_response())
}

/// GET /{tenant}/regelingen/{regeling}/rondes/{ronde}/wijzigen: until the window opens.
pub async fn round_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let round = store::round(&mut tx, ids.get("regeling"), ids.get("ronde"))
        .await?
        .ok_or(AppError::NotFound)?;
    if OffsetDateTime::now_utc() >= round.opens_at {
        return Err(AppError::BadRequest(
            "Deze ronde is open of gesloten: plafond en verdeling liggen vast voor de aanvragen die er zijn.".into(),
        ));
    }
    let scheme = store::scheme(&mut tx, round.scheme_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = stored_form(&mut tx, &round).await?;
    let response = form_page(
        &mut tx,
        &user,
        scheme,
        Some(&round),
        form,
        FormErrors::default(),
    )
    .await;
    tx.commit().await?;
    response
}

/// POST /{tenant}/regelingen/{regeling}/rondes/{ronde}: changes a round that has not opened.
pub async fn round_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let form = RoundForm::from_body(&body);
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let round = store::round(&mut tx, ids.get("regeling"), ids.get("ronde"))
        .await?
        .ok_or(AppError::NotFound)?;
    let scheme = store::scheme(&mut tx, round.scheme_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tenant_id = tx.tenant_id();
    // The row lock keeps a change from racing the opening or a second change.
    sqlx::query("select 1 from subsidy_rounds where tenant_id = $1 and round_id = $2 for update")
        .bind(tenant_id)
        .bind(round.round_id)
        .execute(&mut *tx)
        .await?;
    let now = OffsetDateTime::now_utc();
    if now >= round.opens_at {
        return Err(AppError::BadRequest(
            "Deze ronde is open of gesloten: plafond en verdeling liggen vast voor de aanvragen die er zijn.".into(),
        ));
    }
    let categories = scheme_categories(&mut tx, scheme.scheme_id).await?;
    let checked = match check(&form, &scheme, &categories, now) {
        Ok(c) if c.year != round.year => {
            let mut errors = FormErrors::default();
            errors.add(
                "jaar",
                format!(
                    "Het jaar van een ronde verandert niet; dit is de ronde {}.",
                    round.year
                ),
            );
            return form_page(&mut tx, &user, scheme, Some(&round), form, errors).await;
        }
        Ok(c) => c,
        Err(errors) => return form_page(&mut tx, &user, scheme, Some(&round), form, errors).await,
    };
    let before = stored_form(&mut tx, &round).await?;
    sqlx::query(
        "update subsidy_rounds set opens_at = $3, closes_at = $4, decision_weeks = $5, published_at = now(), \
         obligations = $6, documents = $7, declarations = $8 where tenant_id = $1 and round_id = $2",
    )
    .bind(tenant_id)
    .bind(round.round_id)
    .bind(checked.opens_at)
    .bind(checked.closes_at)
    .bind(checked.decision_weeks)
    .bind(&checked.obligations)
    .bind(&checked.documents)
    .bind(&checked.declarations)
    .execute(&mut *tx)
    .await?;
    round_store::write(&mut tx, round.round_id, &checked).await?;
    let event = Event::new("gewijzigd", "subsidieronde", round.round_id)
        .before(json!(before.fields))
        .after(audit_value(&checked));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?melding=opgeslagen", round_href(&user, &round))).into_response())
}
