//! Saving an assessor's scores per criterion, and the final scores of the final assessor.

use crate::audit::{self, Actor, Event};
use crate::auth::session::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::fields::optional_text;
use crate::state::AppState;
use crate::subsidy::assess::assessment_page::page;
use crate::subsidy::assess::final_scores::is_final_assessor;
use crate::subsidy::assess::standing::{standing, Standing};
use crate::subsidy::common::nav_page::assessment_base;
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::store::{self};
use crate::web::layout::FormErrors;
use crate::web::ClientAddr;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::BTreeMap;

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
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match standing(&mut tx, &user, &application).await? {
        Standing::Free => {}
        Standing::NotYet => return Err(AppError::NotFound),
        _ => return Err(AppError::Forbidden),
    }
    let category = store::round_categories(&mut tx, application.round_id)
        .await?
        .into_iter()
        .find(|c| c.category_id == application.category_id)
        .ok_or(AppError::NotFound)?;
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
    let mut scores = Vec::new();
    for c in category.criteria.iter().filter(|c| !c.computed) {
        let points_key = format!("punten_{}", c.code);
        let motivation_key = format!("motivering_{}", c.code);
        let raw_points = typed.get(&points_key).map(|s| s.trim()).unwrap_or("");
        let points = match raw_points.parse::<i32>() {
            Ok(p) if (0..=10).contains(&p) => Some(p),
            _ => {
                errors.add(
                    crate::subsidy::apply::form::answer_field(&c.code),
                    format!("Geef bij {} een heel getal van 0 tot en met 10.", c.name),
                );
                None
            }
        };
        let motivation = match optional_text(
            typed.get(&motivation_key).map(String::as_str).unwrap_or(""),
            4000,
            "de motivering",
        ) {
            Ok(m) if m.is_empty() => {
                errors.add(
                    crate::subsidy::apply::form::answer_field(&c.code),
                    format!("Schrijf bij {} een motivering bij uw score.", c.name),
                );
                None
            }
            Ok(m) => Some(m),
            Err(message) => {
                errors.add(crate::subsidy::apply::form::answer_field(&c.code), message);
                None
            }
        };
        if let (Some(p), Some(m)) = (points, motivation) {
            scores.push((c.code.clone(), p, m));
        }
    }
    if !errors.is_empty() {
        tx.commit().await?;
        return page(&state, &user, id, Some(typed), errors, None).await;
    }
    let tenant_id = tx.tenant_id();
    let before: Vec<(String, i32, String)> = sqlx::query_as(
        "select criterion_code, points, motivation from subsidy_scores \
         where tenant_id = $1 and application_id = $2 and user_id = $3 order by criterion_code",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(user.user_id)
    .fetch_all(&mut *tx)
    .await?;
    for (code, points, motivation) in &scores {
        sqlx::query(
            "insert into subsidy_scores (tenant_id, application_id, criterion_code, user_id, points, motivation) \
             values ($1, $2, $3, $4, $5, $6) \
             on conflict (tenant_id, application_id, criterion_code, user_id) \
             do update set points = excluded.points, motivation = excluded.motivation, scored_at = now()",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(code)
        .bind(user.user_id)
        .bind(points)
        .bind(motivation)
        .execute(&mut *tx)
        .await?;
    }
    let as_json = |rows: &[(String, i32, String)]| {
        rows.iter()
            .map(|(c, p, m)| (c.clone(), json!({"punten": p, "motivering": m})))
            .collect::<serde_json::Map<_, _>>()
    };
    let event = Event::new("gescoord", "subsidieaanvraag", id)
        .before(serde_json::Value::Object(as_json(&before)))
        .after(serde_json::Value::Object(as_json(&scores)));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/{id}?melding=scores", assessment_base(&user))).into_response())
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
    let application = store::application(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match standing(&mut tx, &user, &application).await? {
        Standing::Free => {}
        Standing::NotYet => return Err(AppError::NotFound),
        _ => return Err(AppError::Forbidden),
    }
    let category = store::round_categories(&mut tx, application.round_id)
        .await?
        .into_iter()
        .find(|c| c.category_id == application.category_id)
        .ok_or(AppError::NotFound)?;
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
        let points = typed
            .get(&format!("eind_punten_{}", c.code))
            .and_then(|p| p.trim().parse::<i32>().ok())
            .filter(|p| (0..=10).contains(p));
        let motivation = optional_text(
            typed
                .get(&format!("eind_motivering_{}", c.code))
                .map(String::as_str)
                .unwrap_or(""),
            4000,
            "de motivering",
        );
        match (points, motivation) {
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
    let tenant_id = tx.tenant_id();
    let set_by = format!("{} ({})", user.display_name, user.email);
    for (code, points, motivation) in &finals {
        sqlx::query(
            "insert into subsidy_final_scores (tenant_id, application_id, criterion_code, points, motivation, rule, set_by) \
             values ($1, $2, $3, $4, $5, 'eindbeoordelaar', $6) \
             on conflict (tenant_id, application_id, criterion_code) do update set points = excluded.points, \
             motivation = excluded.motivation, set_by = excluded.set_by, set_at = now()",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(code)
        .bind(points)
        .bind(motivation)
        .bind(&set_by)
        .execute(&mut *tx)
        .await?;
    }
    let event = Event::new("eindscore vastgesteld", "subsidieaanvraag", id).after(
        serde_json::Value::Object(
            finals
                .iter()
                .map(|(c, p, m)| (c.clone(), json!({"punten": p, "motivering": m})))
                .collect(),
        ),
    );
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}/{id}?melding=scores", assessment_base(&user))).into_response())
}
