//! The change history of one register object, from the audit trail: per event who, when, and
//! the fields that changed with their value before and after.

use askama::Template;
use serde_json::Value;
use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::web::layout::{render, Layout};
use crate::web::time_fmt;

#[derive(FromRow)]
struct EventRow {
    occurred_at: OffsetDateTime,
    actor_label: String,
    action: String,
    before: Option<Value>,
    after: Option<Value>,
}

pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

pub struct Entry {
    pub when: String,
    pub who: String,
    pub action: String,
    pub changes: Vec<Change>,
}

#[derive(Template)]
#[template(path = "register/history.html")]
struct HistoryPage {
    layout: Layout,
    back: String,
    name: String,
    entries: Vec<Entry>,
}

fn text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| text(Some(i)))
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

/// The fields that differ between two snapshots, in the order of the later one.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<Change> {
    let empty = serde_json::Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = a.keys().collect();
    keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
    keys.into_iter()
        .filter_map(|k| {
            let (old, new) = (text(b.get(k)), text(a.get(k)));
            (old != new).then(|| Change {
                field: k.replace('_', " "),
                before: old,
                after: new,
            })
        })
        .collect()
}

/// The history page of `object_type` `object_id`.
pub async fn history_page(
    tx: &mut TenantTx,
    user: &CurrentUser,
    section: Section,
    object_type: &str,
    object_id: Uuid,
    name: &str,
    back: String,
) -> AppResult<axum::response::Response> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "select occurred_at, actor_label, action, before, after from audit_events \
         where tenant_id = $1 and object_type = $2 and object_id = $3 order by occurred_at desc, event_id limit 500",
    )
    .bind(tx.tenant_id())
    .bind(object_type)
    .bind(object_id.to_string())
    .fetch_all(&mut **tx)
    .await?;
    let entries = rows
        .into_iter()
        .map(|r| Entry {
            when: time_fmt::date_time(r.occurred_at),
            who: r.actor_label,
            action: r.action,
            changes: changes(r.before.as_ref(), r.after.as_ref()),
        })
        .collect();
    let layout = Layout::for_user(user, format!("Geschiedenis van {name}"), Some(section));
    render(&HistoryPage {
        layout,
        back,
        name: name.to_string(),
        entries,
    })
}
