//! The audit trail: who did what to which object, when, from where, with what result, and the
//! values before and after. Never passwords, tokens or session ids.

use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;
use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::current_user::CurrentUser;
use crate::db::TenantTx;
use crate::error::AppResult;

#[derive(Debug, Clone, Copy)]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// Who acted, and from which address.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<Uuid>,
    pub label: String,
    pub origin: String,
}

impl Actor {
    pub fn user(user: &CurrentUser, origin: &str) -> Self {
        Self {
            user_id: Some(user.user_id),
            label: user.email.clone(),
            origin: origin.to_string(),
        }
    }

    pub fn system(label: &str) -> Self {
        Self {
            user_id: None,
            label: label.to_string(),
            origin: "systeem".into(),
        }
    }
}

/// One entry of the trail.
#[derive(Debug)]
pub struct Event<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<String>,
    pub outcome: Outcome,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl<'a> Event<'a> {
    pub fn new(action: &'a str, object_type: &'a str, object_id: impl ToString) -> Self {
        Self {
            action,
            object_type,
            object_id: Some(object_id.to_string()),
            outcome: Outcome::Success,
            before: None,
            after: None,
        }
    }

    pub fn outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    pub fn before(mut self, value: Value) -> Self {
        self.before = Some(value);
        self
    }

    pub fn after(mut self, value: Value) -> Self {
        self.after = Some(value);
        self
    }
}

/// Writes an event in the tenant's transaction, so it commits or rolls back with the change.
pub async fn record(tx: &mut TenantTx, actor: &Actor, event: Event<'_>) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "insert into audit_events (tenant_id, actor_user_id, actor_label, action, object_type, object_id, \
         result, origin, before, after) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(tenant_id)
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(event.action)
    .bind(event.object_type)
    .bind(event.object_id)
    .bind(event.outcome.as_str())
    .bind(&actor.origin)
    .bind(event.before)
    .bind(event.after)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The end of a change made by `user` from `origin`: its event written, the transaction
/// committed (the change and its trail together), and the browser sent on to `to` (303).
pub async fn record_commit_redirect(
    mut tx: TenantTx,
    user: &CurrentUser,
    origin: &str,
    event: Event<'_>,
    to: &str,
) -> AppResult<Response> {
    record(&mut tx, &Actor::user(user, origin), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(to).into_response())
}

/// Writes many successful events of one actor in one statement (for imports).
pub async fn record_many(
    tx: &mut TenantTx,
    actor: &Actor,
    events: Vec<Event<'_>>,
) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    for chunk in events.chunks(1000) {
        let actions: Vec<&str> = chunk.iter().map(|e| e.action).collect();
        let types: Vec<&str> = chunk.iter().map(|e| e.object_type).collect();
        let ids: Vec<Option<String>> = chunk.iter().map(|e| e.object_id.clone()).collect();
        let results: Vec<&str> = chunk.iter().map(|e| e.outcome.as_str()).collect();
        let befores: Vec<Option<Value>> = chunk.iter().map(|e| e.before.clone()).collect();
        let afters: Vec<Option<Value>> = chunk.iter().map(|e| e.after.clone()).collect();
        sqlx::query(
            "insert into audit_events (tenant_id, actor_user_id, actor_label, action, object_type, object_id, \
             result, origin, before, after) \
             select $1, $2, $3, e.action, e.object_type, e.object_id, e.result, $4, e.before, e.after \
             from unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::jsonb[], $10::jsonb[]) \
               as e(action, object_type, object_id, result, before, after)",
        )
        .bind(tenant_id)
        .bind(actor.user_id)
        .bind(&actor.label)
        .bind(&actor.origin)
        .bind(&actions)
        .bind(&types)
        .bind(&ids)
        .bind(&results)
        .bind(&befores)
        .bind(&afters)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Writes an event that belongs to no tenant (e.g. a login for an unknown address).
pub async fn record_system(pool: &PgPool, actor: &Actor, event: Event<'_>) -> AppResult<()> {
    sqlx::query(
        "insert into system_audit_events (actor_label, action, object_type, object_id, result, origin) \
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&actor.label)
    .bind(event.action)
    .bind(event.object_type)
    .bind(event.object_id)
    .bind(event.outcome.as_str())
    .bind(&actor.origin)
    .execute(pool)
    .await?;
    Ok(())
}
