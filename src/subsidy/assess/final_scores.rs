//! The final scores of an onderdeel: who gives them, and the fields the final assessor sees.

use crate::auth::current_user::CurrentUser;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::subsidy::common::store::RoundCategory;
use std::collections::BTreeMap;
use uuid::Uuid;

/// Under the rule `eindbeoordelaar` a beleidsmedewerker sets the final score per criterion.
pub(in crate::subsidy) fn is_final_assessor(user: &CurrentUser, category: &RoundCategory) -> bool {
    category.combine_rule == "eindbeoordelaar"
        && user.has_role(crate::auth::roles::Role::Beleidsmedewerker)
}

/// One criterion on the final assessor's form, with what every assessor gave.
pub struct FinalField {
    pub(in crate::subsidy) code: String,
    pub(in crate::subsidy) name: String,
    pub(in crate::subsidy) pass_mark: i32,
    pub(in crate::subsidy) given: Vec<String>,
    pub(in crate::subsidy) points: String,
    pub(in crate::subsidy) motivation: String,
    pub(in crate::subsidy) points_field: String,
    pub(in crate::subsidy) motivation_field: String,
}

pub(in crate::subsidy) async fn final_fields(
    tx: &mut TenantTx,
    category: &RoundCategory,
    id: Uuid,
    typed: Option<&BTreeMap<String, String>>,
) -> AppResult<Vec<FinalField>> {
    let tenant_id = tx.tenant_id();
    let given: Vec<(String, String, i32, String)> = sqlx::query_as(
        "select s.criterion_code, u.display_name || case when ( \
                select d.conflicted from subsidy_conflict_declarations d where d.tenant_id = s.tenant_id \
                and d.application_id = s.application_id and d.user_id = s.user_id order by d.declared_at desc limit 1) \
            then ' (belang verklaard: telt niet mee)' else '' end, s.points, s.motivation from subsidy_scores s \
         join users u on u.tenant_id = s.tenant_id and u.user_id = s.user_id \
         where s.tenant_id = $1 and s.application_id = $2 order by u.display_name",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let set: Vec<(String, i32, String)> = sqlx::query_as(
        "select criterion_code, points, motivation from subsidy_final_scores \
         where tenant_id = $1 and application_id = $2 and rule = 'eindbeoordelaar'",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(category
        .criteria
        .iter()
        .filter(|c| !c.computed)
        .map(|c| {
            let points_field = format!("eind_punten_{}", c.code);
            let motivation_field = format!("eind_motivering_{}", c.code);
            let stored = set.iter().find(|(code, _, _)| *code == c.code);
            let (points, motivation) = match typed {
                Some(t) => (
                    t.get(&points_field).cloned().unwrap_or_default(),
                    t.get(&motivation_field).cloned().unwrap_or_default(),
                ),
                None => stored
                    .map(|(_, p, m)| (p.to_string(), m.clone()))
                    .unwrap_or_default(),
            };
            FinalField {
                code: c.code.clone(),
                name: c.name.clone(),
                pass_mark: c.pass_mark,
                given: given
                    .iter()
                    .filter(|(code, _, _, _)| *code == c.code)
                    .map(|(_, who, p, m)| format!("{who}: {p} – {m}"))
                    .collect(),
                points,
                motivation,
                points_field,
                motivation_field,
            }
        })
        .collect())
}
