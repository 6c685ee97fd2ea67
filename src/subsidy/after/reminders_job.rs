//! E-mail reminders of subsidy deadlines, when SMTP is configured: once a day every
//! beleidsmedewerker of a tenant gets one message listing what is overdue or due within a week
//! (the items of the deadlines page). A row per official and day claims the sending, so a
//! restart or a second app server never sends a digest twice.

use std::time::Duration;

use uuid::Uuid;

use crate::error::AppResult;
use crate::state::AppState;
use crate::subsidy::after::deadlines::everything_of;
use crate::web::time_fmt;

/// Sends today's digests; returns how many were sent.
pub async fn send_due(state: &AppState) -> AppResult<usize> {
    let Some(mailer) = &state.mailer else {
        return Ok(0);
    };
    let tenants: Vec<(Uuid, String, String)> =
        sqlx::query_as("select tenant_id, slug, name from tenants order by slug")
            .fetch_all(state.db.pool())
            .await?;
    let today = time_fmt::today();
    let mut sent = 0;
    for (tenant_id, slug, name) in tenants {
        let calendar = state.calendars.get(state.db.pool()).await;
        let groups =
            crate::termijnenwet::scope::with(calendar, everything_of(&state.db, tenant_id, &slug))
                .await?;
        let mut lines = Vec::new();
        for g in &groups {
            for d in g
                .items
                .iter()
                .filter(|d| d.due <= today + time::Duration::days(7))
            {
                let state_text = if d.due < today {
                    "verstreken"
                } else {
                    "binnen een week"
                };
                let link = match &state.settings.public_url {
                    Some(base) => format!("{}{}", base.trim_end_matches('/'), d.href),
                    None => d.href.clone(),
                };
                lines.push(format!(
                    "- {}: {} — uiterlijk {} ({state_text})\n  {link}",
                    g.title,
                    d.what,
                    d.due_text()
                ));
            }
        }
        if lines.is_empty() {
            continue;
        }
        let mut tx = state.db.tenant_tx(tenant_id).await?;
        let officials: Vec<(Uuid, String, String)> = sqlx::query_as(
            "select user_id, email, display_name from users where tenant_id = $1 and active \
             and 'beleidsmedewerker' = any(roles) order by email",
        )
        .bind(tenant_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut claimed = Vec::new();
        for (user_id, email, display_name) in officials {
            let fresh: Option<Uuid> = sqlx::query_scalar(
                "insert into subsidy_reminders (tenant_id, user_id, day, items) values ($1, $2, $3, $4) \
                 on conflict do nothing returning user_id",
            )
            .bind(tenant_id)
            .bind(user_id)
            .bind(today)
            .bind(lines.len() as i32)
            .fetch_optional(&mut *tx)
            .await?;
            if fresh.is_some() {
                claimed.push((email, display_name));
            }
        }
        tx.commit().await?;
        for (email, display_name) in claimed {
            let body = format!(
                "Beste {display_name},\n\nDeze termijnen van {name} zijn verstreken of verstrijken binnen een week:\n\n{}\n\n\
                 Alle termijnen staan op de pagina Termijnen bij Regelingen.\n",
                lines.join("\n")
            );
            if mailer
                .send(&email, &format!("Termijnen subsidies {name}"), body)
                .await
            {
                sent += 1;
            } else {
                tracing::warn!(tenant = %slug, "deadline reminder was not sent");
            }
        }
    }
    Ok(sent)
}

/// Sends the digests once a day (the first a minute after the start).
pub async fn daily(state: AppState) {
    crate::mail::every_day(Duration::from_secs(60), "deadline", || send_due(&state)).await
}
