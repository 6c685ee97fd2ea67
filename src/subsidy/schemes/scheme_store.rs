//! A regeling as stored: its budget lines written, and what the audit trail records of it.

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::subsidy::common::money::plain;
use crate::subsidy::schemes::scheme_rules::Checked;
use serde_json::json;
use uuid::Uuid;

pub(in crate::subsidy) fn audit_value(c: &Checked) -> serde_json::Value {
    json!({
        "naam": c.name, "grondslag": c.legal_basis, "looptijd": format!("{}–{}", c.first_year, c.last_year),
        "omschrijving": c.description, "bezwaar_bij": c.objection_body,
        "dekking": c.budget.iter().map(|(y, s, a)| format!("{y}; {s}; {}", plain(*a))).collect::<Vec<_>>(),
        "onderdelen": c.categories.iter().map(|(_, n, _)| n.clone()).collect::<Vec<_>>(),
    })
}

/// Replaces the budget lines and brings the onderdelen in line with the form: new ones are
/// added, changed names and descriptions saved; one that a round uses cannot be removed.
pub(in crate::subsidy) async fn write_lines(
    tx: &mut TenantTx,
    id: Uuid,
    c: &Checked,
) -> AppResult<Result<(), String>> {
    let tenant_id = tx.tenant_id();
    sqlx::query("delete from subsidy_budget_lines where tenant_id = $1 and scheme_id = $2")
        .bind(tenant_id)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    for (year, source, cents) in &c.budget {
        sqlx::query(
            "insert into subsidy_budget_lines (tenant_id, scheme_id, year, source, amount_cents) values ($1, $2, $3, $4, $5)",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(year)
        .bind(source)
        .bind(cents)
        .execute(&mut **tx)
        .await?;
    }
    let existing: Vec<(String, String)> = sqlx::query_as(
        "select code, name from subsidy_categories c where tenant_id = $1 and scheme_id = $2 \
         and exists (select 1 from subsidy_round_categories rc where rc.tenant_id = c.tenant_id and rc.category_id = c.category_id)",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let kept: Vec<&str> = c
        .categories
        .iter()
        .map(|(code, _, _)| code.as_str())
        .collect();
    let in_use: Vec<String> = existing
        .iter()
        .filter(|(code, _)| !kept.contains(&code.as_str()))
        .map(|(_, name)| name.clone())
        .collect();
    if !in_use.is_empty() {
        return Ok(Err(format!(
            "{} {} in een ronde gebruikt en kan niet weg. Laat de regel staan (de naam mag u aanpassen zolang de code gelijk blijft).",
            in_use.join(", "),
            if in_use.len() == 1 { "wordt" } else { "worden" }
        )));
    }
    sqlx::query("delete from subsidy_categories where tenant_id = $1 and scheme_id = $2 and not (code = any($3))")
        .bind(tenant_id)
        .bind(id)
        .bind(&kept)
        .execute(&mut **tx)
        .await?;
    for (position, (code, name, description)) in c.categories.iter().enumerate() {
        sqlx::query(
            "insert into subsidy_categories (tenant_id, scheme_id, code, name, description, position) \
             values ($1, $2, $3, $4, $5, $6) \
             on conflict (tenant_id, scheme_id, code) do update set name = excluded.name, \
             description = excluded.description, position = excluded.position",
        )
        .bind(tenant_id)
        .bind(id)
        .bind(code)
        .bind(name)
        .bind(description)
        .bind(position as i32)
        .execute(&mut **tx)
        .await?;
    }
    Ok(Ok(()))
}
