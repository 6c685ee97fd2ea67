//! Changing counted referrals (issue 16, item 7): the worker who counted one undoes it within
//! [`store::UNDO_MINUTES`] minutes, and a beleidsmedewerker corrects a facility's count for a
//! month and route with a reason. Both are in the audit trail; neither knows anything about
//! the resident.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use time::Date;

use super::form::CorrectionForm;
use super::store::{self, Undo};
use crate::audit::{self, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::{AppError, AppResult};
use crate::form_errors::FormErrors;
use crate::register::facilities::choices::ROUTES;
use crate::register::facilities::show_page::{self, Returned};
use crate::state::AppState;
use crate::web::{time_fmt, ClientAddr, PathId};

/// POST /{tenant}/verwijzingen/{id}/ongedaan: the worker who counted referral `id` takes it back.
pub async fn referral_undo(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let facilities = user.href(Section::Facilities.path());
    match store::undo(&mut tx, id, user.user_id).await? {
        Undo::Done(facility, date, route) => {
            let event = Event::new("verwijzing_ongedaan", "voorziening", facility).before(
                serde_json::json!({"verwijzing": id.to_string(), "datum": date.to_string(), "route": route}),
            );
            let target = format!("{facilities}/{facility}?melding=ongedaan#verwijzing");
            audit::record_commit_redirect(tx, &user, &address, event, &target).await
        }
        Undo::TooLate(facility) => {
            tx.commit().await?;
            Ok(axum::response::Redirect::to(&format!(
                "{facilities}/{facility}?melding=te-laat#verwijzing"
            ))
            .into_response())
        }
        Undo::Corrected(facility) => {
            // Nothing is removed: dropping the transaction rolls the delete back.
            drop(tx);
            Ok(axum::response::Redirect::to(&format!(
                "{facilities}/{facility}?melding=al-gecorrigeerd#verwijzing"
            ))
            .into_response())
        }
        Undo::NotFound => Err(AppError::NotFound),
    }
}

const MAX_DELTA: i32 = 1000;

/// POST /{tenant}/voorzieningen/{id}/verwijzingen/correctie (beleidsmedewerker).
pub async fn referral_correct(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    PathId(id): PathId,
    axum::Form(form): axum::Form<CorrectionForm>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let exists: Option<bool> = sqlx::query_scalar(
        "select archived from facilities where tenant_id = $1 and facility_id = $2",
    )
    .bind(user.tenant_id)
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    if exists.is_none() {
        return Err(AppError::NotFound);
    }
    let mut errors = FormErrors::default();
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let today = time_fmt::today();
    let date = match Date::parse(form.datum.trim(), &format) {
        Ok(d) if d > today => {
            errors.add(
                "correctie-datum",
                "De datum ligt in de toekomst. Kies een dag in de maand die u corrigeert.",
            );
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(
                "correctie-datum",
                "Vul een datum in de maand die u corrigeert in, bijvoorbeeld 23-11-2026.",
            );
            None
        }
    };
    let route = ROUTES
        .iter()
        .find(|(code, _)| *code == form.route)
        .map(|r| r.0);
    if route.is_none() {
        errors.add("correctie-route", "Kies de cliëntroute die u corrigeert.");
    }
    let delta = match form.aantal.trim().replace('+', "").parse::<i32>() {
        Ok(0) => {
            errors.add(
                "correctie-aantal",
                "Een correctie van 0 verandert niets. Vul bijvoorbeeld 2 of -1 in.",
            );
            None
        }
        Ok(n) if n.abs() <= MAX_DELTA => Some(n),
        _ => {
            errors.add(
                "correctie-aantal",
                "Vul een geheel getal in: positief om verwijzingen bij te tellen, negatief (bijvoorbeeld -1) om ze af te trekken; hoogstens 1000.",
            );
            None
        }
    };
    let reason = form.reden.trim();
    if reason.chars().count() < 3 {
        errors.add(
            "correctie-reden",
            "Schrijf kort waarom u de telling corrigeert.",
        );
    } else if reason.chars().count() > 1000 {
        errors.add("correctie-reden", "Houd de reden korter dan 1000 tekens.");
    }
    let mut before = 0;
    if let (Some(date), Some(route), Some(delta)) = (date, route, delta) {
        // Under the month's lock, so that concurrent corrections see each other.
        store::lock_month(&mut tx, id, route, date).await?;
        before = store::month_count(&mut tx, id, route, date).await?;
        if before + i64::from(delta) < 0 {
            errors.add(
                "correctie-aantal",
                format!(
                    "In {} zijn via deze route {before} verwijzingen geteld; u kunt er niet meer dan {before} aftrekken.",
                    crate::web::time_fmt::month_label(&date.to_string()[..7])
                ),
            );
        }
    }
    let (Some(date), Some(route), Some(delta), true) = (date, route, delta, errors.is_empty())
    else {
        tx.commit().await?;
        return show_page::show(
            &state,
            &user,
            id,
            None,
            Some(Returned::Correction(form, errors)),
        )
        .await;
    };
    store::insert_correction(&mut tx, id, date, route, delta, reason, user.user_id).await?;
    let month = date.to_string()[..7].to_string();
    let event = Event::new("verwijzingen_gecorrigeerd", "voorziening", id)
        .before(serde_json::json!({"maand": month, "route": route, "aantal": before}))
        .after(serde_json::json!({"maand": month, "route": route, "aantal": before + i64::from(delta), "correctie": delta, "reden": reason}));
    let target = format!(
        "{}/{id}?melding=gecorrigeerd#verwijzingen-corrigeren",
        user.href(Section::Facilities.path())
    );
    audit::record_commit_redirect(tx, &user, &address, event, &target).await
}
