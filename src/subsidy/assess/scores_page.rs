//! Saving an assessor's scores per criterion, and the final scores of the final assessor.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::BTreeMap;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::subsidy::apply::form::answer_field;
use crate::subsidy::assess::assessment_page::page;
use crate::subsidy::assess::final_scores::is_final_assessor;
use crate::subsidy::assess::scores::{self, as_json, scorable, typed_score};
use crate::subsidy::common::nav_page::{assessment_base, Ids};
use crate::web::ClientAddr;

/// Back to the assessment page, confirming the scores.
fn saved(user: &CurrentUser, id: uuid::Uuid) -> Response {
    Redirect::to(&format!("{}/{id}?melding=scores", assessment_base(user))).into_response()
}

/// POST /{tenant}/beoordelen/{id}/scores: `punten_<code>` (0–10) and `motivering_<code>` per
/// judged criterion.
pub async fn scores_save(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let typed: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let (_, category) = scorable(&mut tx, &user, id).await?;
    if category.decided_at.is_some() {
        tx.commit().await?;
        let mut errors = FormErrors::default();
        errors.add(
            "scores",
            "Over dit onderdeel is al besloten; de scores liggen vast.",
        );
        return page(&state, &user, id, Some(typed), errors, None).await;
    }
    let mut errors = FormErrors::default();
    let mut given = Vec::new();
    for c in category.criteria.iter().filter(|c| !c.computed) {
        let points_key = format!("punten_{}", c.code);
        let motivation_key = format!("motivering_{}", c.code);
        let (points, motivation) = typed_score(&typed, &points_key, &motivation_key);
        if points.is_none() {
            errors.add(
                answer_field(&c.code),
                format!("Geef bij {} een heel getal van 0 tot en met 10.", c.name),
            );
        }
        let motivation = match motivation {
            Ok(m) if m.is_empty() => {
                errors.add(
                    answer_field(&c.code),
                    format!("Schrijf bij {} een motivering bij uw score.", c.name),
                );
                None
            }
            Ok(m) => Some(m),
            Err(message) => {
                errors.add(answer_field(&c.code), message);
                None
            }
        };
        if let (Some(p), Some(m)) = (points, motivation) {
            given.push((c.code.clone(), p, m));
        }
    }
    if !errors.is_empty() {
        tx.commit().await?;
        return page(&state, &user, id, Some(typed), errors, None).await;
    }
    let before = scores::given(&mut tx, id, user.user_id).await?;
    scores::save(&mut tx, id, user.user_id, &given).await?;
    let event = Event::new("gescoord", "subsidieaanvraag", id)
        .before(as_json(&before))
        .after(as_json(&given));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(saved(&user, id))
}

/// POST /{tenant}/beoordelen/{id}/eindscore: the final assessor's score per criterion
/// (`eind_punten_<code>`, `eind_motivering_<code>`), under the rule `eindbeoordelaar`.
pub async fn final_scores_save(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let id = ids.get("id");
    let typed: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let (_, category) = scorable(&mut tx, &user, id).await?;
    if !is_final_assessor(&user, &category) {
        return Err(AppError::Forbidden);
    }
    let mut errors = FormErrors::default();
    if category.decided_at.is_some() {
        errors.add(
            "scores",
            "Over dit onderdeel is al besloten; de scores liggen vast.",
        );
    }
    let mut finals = Vec::new();
    for c in category.criteria.iter().filter(|c| !c.computed) {
        let field = format!("eind_{}", c.code);
        let points_key = format!("eind_punten_{}", c.code);
        let motivation_key = format!("eind_motivering_{}", c.code);
        match typed_score(&typed, &points_key, &motivation_key) {
            (None, _) => errors.add(
                field,
                format!("Geef bij {} een eindscore van 0 tot en met 10.", c.name),
            ),
            (_, Err(m)) => errors.add(field, m),
            (_, Ok(m)) if m.is_empty() => {
                errors.add(field, format!("Motiveer de eindscore bij {}.", c.name))
            }
            (Some(p), Ok(m)) => finals.push((c.code.clone(), p, m)),
        }
    }
    if !errors.is_empty() {
        tx.commit().await?;
        return page(&state, &user, id, Some(typed), errors, None).await;
    }
    let set_by = format!("{} ({})", user.display_name, user.email);
    scores::save_final(&mut tx, id, &set_by, user.user_id, &finals).await?;
    let event = Event::new("eindscore vastgesteld", "subsidieaanvraag", id).after(as_json(&finals));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(saved(&user, id))
}
