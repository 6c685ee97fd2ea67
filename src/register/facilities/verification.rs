//! Keeping the register current (issue 16, item 6): whoever may change a facility (its own
//! aanbieder, or a beleidsmedewerker) confirms "gegevens kloppen nog", and saving the facility
//! counts as that too. Facilities not confirmed for 11 months are *due*: a month before they
//! turn "Verouderd" (12 months) the aanbieder sees them on its start page and, with SMTP
//! configured, gets a weekly e-mail listing them.

use std::time::Duration;

use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use sqlx::FromRow;
use time::Date;
use uuid::Uuid;

use super::access;
use super::store;
use crate::audit::{self, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::ownership::Access;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::{time_fmt, ClientAddr, PathId};

/// Not confirmed on or after this many months ago: due for confirmation.
pub const DUE_MONTHS: i32 = 11;

/// A facility due for confirmation.
#[derive(Debug, Clone, FromRow)]
pub struct Due {
    pub facility_id: Uuid,
    pub name: String,
    pub verified_on: Option<Date>,
}

impl Due {
    pub fn verified_text(&self) -> String {
        self.verified_on
            .map(time_fmt::date)
            .unwrap_or_else(|| "nog nooit".into())
    }
}

/// The provider's facilities (not archived) due for confirmation on `today`, the oldest first.
pub async fn due_of_provider(
    tx: &mut TenantTx,
    provider_id: Uuid,
    today: Date,
) -> AppResult<Vec<Due>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select facility_id, name, verified_on from facilities \
         where tenant_id = $1 and provider_id = $2 and not archived \
           and (verified_on is null or verified_on <= ($3::date - make_interval(months => $4))::date) \
         order by verified_on nulls first, lower(name), facility_id",
    )
    .bind(tenant_id)
    .bind(provider_id)
    .bind(today)
    .bind(DUE_MONTHS)
    .fetch_all(&mut **tx)
    .await?)
}

#[derive(Deserialize, Default)]
pub struct VerifyForm {
    #[serde(default)]
    terug: String,
}

/// POST /{tenant}/voorzieningen/{id}/gecontroleerd (whoever may change the facility: its own
/// aanbieder or a beleidsmedewerker) and POST /{tenant}/actualiteit/{id} (the official's list):
/// the data are confirmed as current.
pub async fn facility_verify(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    PathId(id): PathId,
    axum::Form(form): axum::Form<VerifyForm>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let before = access::facility(&mut tx, &user, id, Access::Write).await?;
    let today = time_fmt::today();
    store::mark_verified(&mut tx, id, &user.display_name, today).await?;
    let event = Event::new("gecontroleerd", "voorziening", id)
        .before(serde_json::json!({"laatst_gecontroleerd": before.verified_on.map(|d| d.to_string()).unwrap_or_default(), "gecontroleerd_door": before.verified_by}))
        .after(serde_json::json!({"laatst_gecontroleerd": today.to_string(), "gecontroleerd_door": user.display_name}));
    let target = match form.terug.as_str() {
        "lijst" if user.may(Section::Stale) => {
            format!("{}?melding=gecontroleerd", user.href(Section::Stale.path()))
        }
        "start" => format!("{}?melding=gecontroleerd", user.href(Section::Home.path())),
        _ => format!(
            "{}/{id}?melding=gecontroleerd",
            user.href(Section::Facilities.path())
        ),
    };
    audit::record_commit_redirect(tx, &user, &address, event, &target).await
}

/// Sends this week's reminders: every active aanbieder user whose organisation has facilities
/// due gets one e-mail a week listing them. Returns how many were sent.
pub async fn send_reminders(state: &AppState) -> AppResult<usize> {
    let Some(mailer) = &state.mailer else {
        return Ok(0);
    };
    let tenants: Vec<(Uuid, String, String)> =
        sqlx::query_as("select tenant_id, slug, name from tenants order by slug")
            .fetch_all(state.db.pool())
            .await?;
    let today = time_fmt::today();
    // One claim per user and ISO week (its Monday), so restarts and several app servers send once.
    let week = today - time::Duration::days(i64::from(today.weekday().number_days_from_monday()));
    let mut sent = 0;
    for (tenant_id, slug, name) in tenants {
        let mut tx = state.db.tenant_tx(tenant_id).await?;
        let users: Vec<(Uuid, String, String, Uuid)> = sqlx::query_as(
            "select user_id, email, display_name, provider_id from users \
             where tenant_id = $1 and active and 'aanbieder' = any(roles) and provider_id is not null \
             order by email",
        )
        .bind(tenant_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut claimed = Vec::new();
        for (user_id, email, display_name, provider_id) in users {
            let due = due_of_provider(&mut tx, provider_id, today).await?;
            if due.is_empty() {
                continue;
            }
            let fresh: Option<Uuid> = sqlx::query_scalar(
                "insert into verification_reminders (tenant_id, user_id, week, items) values ($1, $2, $3, $4) \
                 on conflict do nothing returning user_id",
            )
            .bind(tenant_id)
            .bind(user_id)
            .bind(week)
            .bind(due.len() as i32)
            .fetch_optional(&mut *tx)
            .await?;
            if fresh.is_some() {
                claimed.push((email, display_name, due));
            }
        }
        tx.commit().await?;
        for (email, display_name, due) in claimed {
            let link = |path: String| match &state.settings.public_url {
                Some(base) => format!("{}{path}", base.trim_end_matches('/')),
                None => path,
            };
            let lines: Vec<String> = due
                .iter()
                .map(|d| {
                    format!(
                        "- {} (laatst gecontroleerd: {})\n  {}",
                        d.name,
                        d.verified_text(),
                        link(format!("/{slug}/voorzieningen/{}", d.facility_id))
                    )
                })
                .collect();
            let body = format!(
                "Beste {display_name},\n\nVan deze voorzieningen in het register van {name} zijn de gegevens \
                 al {DUE_MONTHS} maanden of langer niet bevestigd:\n\n{}\n\n\
                 Kloppen ze nog? Open de voorziening en kies \"Gegevens kloppen nog\", of werk ze bij: \
                 opslaan telt ook als controle. Na 12 maanden staan ze als verouderd in het register.\n\
                 Uw startpagina: {}\n",
                lines.join("\n"),
                link(format!("/{slug}/"))
            );
            if mailer
                .send(
                    &email,
                    &format!("Kloppen uw gegevens in het register van {name} nog?"),
                    body,
                )
                .await
            {
                sent += 1;
            } else {
                tracing::warn!(tenant = %slug, "verification reminder was not sent");
            }
        }
    }
    Ok(sent)
}

/// Sends the reminders once a day (the first two minutes after the start); each user gets at
/// most one a week.
pub async fn daily(state: AppState) {
    crate::mail::every_day(Duration::from_secs(120), "verification", || {
        send_reminders(&state)
    })
    .await
}
