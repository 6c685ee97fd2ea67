//! A round as stored: its onderdelen and criteria written, read back into its form, and what
//! the audit trail records of it.

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::subsidy::common::money::plain;
use crate::subsidy::common::store::{self, Round};
use crate::subsidy::schemes::round_rules::{Checked, RoundForm};
use crate::web::time_fmt;
use serde_json::json;
use std::collections::BTreeMap;
use uuid::Uuid;

pub(in crate::subsidy) async fn scheme_categories(
    tx: &mut TenantTx,
    scheme_id: Uuid,
) -> AppResult<Vec<(Uuid, String, String)>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select category_id, code, name from subsidy_categories where tenant_id = $1 and scheme_id = $2 order by position, name",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// The latest criteria text per onderdeel code from earlier rounds of the scheme.
pub(in crate::subsidy) async fn earlier_criteria(
    tx: &mut TenantTx,
    scheme_id: Uuid,
) -> AppResult<BTreeMap<String, String>> {
    let tenant_id = tx.tenant_id();
    let rows: Vec<(String, i32, String, i32, String)> = sqlx::query_as(
        "select c.code, r.year, k.name, k.pass_mark, k.question from subsidy_criteria k \
         join subsidy_rounds r on r.tenant_id = k.tenant_id and r.round_id = k.round_id \
         join subsidy_categories c on c.tenant_id = k.tenant_id and c.category_id = k.category_id \
         where k.tenant_id = $1 and r.scheme_id = $2 order by c.code, r.year desc, k.position",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut out: BTreeMap<String, (i32, Vec<String>)> = BTreeMap::new();
    for (code, year, name, mark, question) in rows {
        let entry = out.entry(code).or_insert((year, Vec::new()));
        if entry.0 == year {
            entry.1.push(format!("{name} | {mark} | {question}"));
        }
    }
    Ok(out
        .into_iter()
        .map(|(k, (_, lines))| (k, lines.join("\n")))
        .collect())
}

pub(in crate::subsidy) async fn write(
    tx: &mut TenantTx,
    round_id: Uuid,
    c: &Checked,
) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "update subsidy_rounds set advance_parts = $3, settle_direct_below_cents = $4, financial_report_from_cents = $5, \
         accountability_months = $6 where tenant_id = $1 and round_id = $2",
    )
    .bind(tenant_id)
    .bind(round_id)
    .bind(c.advance_parts)
    .bind(c.settle_direct_below)
    .bind(c.financial_from)
    .bind(c.accountability_months)
    .execute(&mut **tx)
    .await?;
    sqlx::query("delete from subsidy_round_categories where tenant_id = $1 and round_id = $2")
        .bind(tenant_id)
        .bind(round_id)
        .execute(&mut **tx)
        .await?;
    for cat in &c.categories {
        sqlx::query(
            "insert into subsidy_round_categories (tenant_id, round_id, category_id, ceiling_cents, combine_rule, price_basis, \
             fee_deduction, tie_criterion, remainder_rule) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(tenant_id)
        .bind(round_id)
        .bind(cat.category_id)
        .bind(cat.ceiling_cents)
        .bind(&cat.combine_rule)
        .bind(&cat.price_basis)
        .bind(cat.fee_deduction)
        .bind(&cat.tie_criterion)
        .bind(&cat.remainder_rule)
        .execute(&mut **tx)
        .await?;
        for (position, k) in cat.criteria.iter().enumerate() {
            sqlx::query(
                "insert into subsidy_criteria (tenant_id, round_id, category_id, code, position, name, question, pass_mark, computed) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(tenant_id)
            .bind(round_id)
            .bind(cat.category_id)
            .bind(&k.code)
            .bind(position as i32 + 1)
            .bind(&k.name)
            .bind(&k.question)
            .bind(k.pass_mark)
            .bind(k.computed)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

pub(in crate::subsidy) fn audit_value(c: &Checked) -> serde_json::Value {
    json!({
        "jaar": c.year,
        "opent": time_fmt::date_time(c.opens_at),
        "sluit": time_fmt::date_time(c.closes_at),
        "beslistermijn_weken": c.decision_weeks,
        "betalen_in_delen": c.advance_parts,
        "meteen_vaststellen_onder": plain(c.settle_direct_below),
        "financieel_verslag_vanaf": plain(c.financial_from),
        "verantwoording_maanden_na_periode": c.accountability_months,
        "documenten": c.documents,
        "verklaringen": c.declarations,
        "onderdelen": c.categories.iter().map(|k| json!({
            "onderdeel": k.category_id, "plafond": plain(k.ceiling_cents), "eindscore": k.combine_rule,
            "prijsbasis": k.price_basis, "aftrek_vergoeding": k.fee_deduction, "gelijke_stand": k.tie_criterion,
            "plafond_bereikt": k.remainder_rule,
            "criteria": k.criteria.iter().map(|x| format!("{} (drempel {})", x.name, x.pass_mark)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// The form of an existing round, as stored.
pub(in crate::subsidy) async fn stored_form(
    tx: &mut TenantTx,
    round: &Round,
) -> AppResult<RoundForm> {
    let mut form = RoundForm::default();
    let opens = time_fmt::to_amsterdam(round.opens_at);
    let closes = time_fmt::to_amsterdam(round.closes_at);
    form.set("jaar", round.year.to_string());
    form.set("opent_datum", opens.date().to_string());
    form.set(
        "opent_tijd",
        format!("{:02}:{:02}", opens.hour(), opens.minute()),
    );
    form.set("sluit_datum", closes.date().to_string());
    form.set(
        "sluit_tijd",
        format!("{:02}:{:02}", closes.hour(), closes.minute()),
    );
    form.set("beslistermijn", round.decision_weeks.to_string());
    form.set("voorschotten", round.advance_parts.to_string());
    form.set("direct_onder", plain(round.settle_direct_below_cents));
    form.set("financieel_vanaf", plain(round.financial_report_from_cents));
    form.set(
        "verantwoording_maanden",
        round.accountability_months.to_string(),
    );
    form.set("verplichtingen", round.obligations.clone());
    form.documents = round.documents.clone();
    form.declarations = round.declarations.clone();
    for c in store::round_categories(tx, round.round_id).await? {
        form.set(format!("plafond_{}", c.code), plain(c.ceiling_cents));
        form.set(format!("regel_{}", c.code), c.combine_rule.clone());
        form.set(format!("prijsbasis_{}", c.code), c.price_basis.clone());
        form.set(format!("aftrek_{}", c.code), c.fee_deduction.to_string());
        form.set(
            format!("gelijkspel_{}", c.code),
            c.tie_criterion.clone().unwrap_or_default(),
        );
        form.set(format!("restant_{}", c.code), c.remainder_rule.clone());
        form.set(
            format!("criteria_{}", c.code),
            c.criteria
                .iter()
                .map(|k| format!("{} | {} | {}", k.name, k.pass_mark, k.question))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    Ok(form)
}
