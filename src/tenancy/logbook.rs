//! The beheerder's view of the audit trail.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use serde_json::Value;
use sqlx::FromRow;
use time::OffsetDateTime;

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::time_fmt;

#[derive(FromRow)]
struct EventRow {
    occurred_at: OffsetDateTime,
    actor_label: String,
    action: String,
    object_type: String,
    object_id: Option<String>,
    result: String,
    origin: Option<String>,
    before: Option<Value>,
    after: Option<Value>,
}

pub struct EventView {
    pub when: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub result: &'static str,
    pub ok: bool,
    pub origin: String,
    pub changes: Vec<(String, String, String)>,
}

#[derive(Template)]
#[template(path = "tenancy/logbook.html")]
struct LogbookPage {
    layout: Layout,
    events: Vec<EventView>,
    object: String,
    limit: i64,
}

#[derive(Deserialize, Default)]
pub struct Filter {
    object: Option<String>,
}

const LIMIT: i64 = 200;

/// GET /{tenant}/beheer/logboek[?object=<id>]
pub async fn logbook(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(filter): Query<Filter>,
) -> AppResult<Response> {
    let object = filter
        .object
        .unwrap_or_default()
        .trim()
        .chars()
        .take(100)
        .collect::<String>();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let rows: Vec<EventRow> = sqlx::query_as(
        "select occurred_at, actor_label, action, object_type, object_id, result, origin, before, after \
         from audit_events where tenant_id = $1 and ($2 = '' or object_id = $2) \
         order by occurred_at desc limit $3",
    )
    .bind(user.tenant_id)
    .bind(&object)
    .bind(LIMIT)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let events = rows.into_iter().map(view).collect();
    let layout = Layout::for_user(&user, "Logboek", Some(Section::Audit));
    render(&LogbookPage {
        layout,
        events,
        object,
        limit: LIMIT,
    })
}

fn view(row: EventRow) -> EventView {
    EventView {
        when: time_fmt::date_time(row.occurred_at),
        actor: row.actor_label,
        action: row.action,
        object: match row.object_id {
            Some(id) => format!("{} {}", row.object_type, id),
            None => row.object_type,
        },
        result: match row.result.as_str() {
            "success" => "gelukt",
            "failure" => "mislukt",
            _ => "geweigerd",
        },
        ok: row.result == "success",
        origin: row.origin.unwrap_or_default(),
        changes: changes(row.before.as_ref(), row.after.as_ref()),
    }
}

/// Field-by-field before/after, only for fields that differ.
fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<(String, String, String)> {
    let empty = serde_json::Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let show = |v: Option<&Value>| match v {
        None | Some(Value::Null) => "—".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    keys.into_iter()
        .filter(|k| b.get(*k).filter(|v| !v.is_null()) != a.get(*k).filter(|v| !v.is_null()))
        .map(|k| (k.clone(), show(b.get(k)), show(a.get(k))))
        .collect()
}
