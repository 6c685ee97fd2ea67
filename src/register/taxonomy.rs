//! The national taxonomy (register/national/*.csv, compiled in) and its sync into the database:
//! national rows are upserted at every start; each tenant's copy of the facility types is
//! refreshed only where the tenant did not change it.

use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

const LEVENSGEBIEDEN: &str = include_str!("national/levensgebieden.csv");
const TYPES: &str = include_str!("national/voorzieningentypen.csv");
const LISTS: [(&str, &str); 6] = [
    ("functie", include_str!("national/functies.csv")),
    ("bouwsteen", include_str!("national/bouwstenen.csv")),
    ("vorm", include_str!("national/vormen.csv")),
    ("doelgroep", include_str!("national/doelgroepen.csv")),
    ("aanbiedertype", include_str!("national/aanbiedertypen.csv")),
    ("verwijsreden", include_str!("national/verwijsredenen.csv")),
];

/// Rows of a compiled-in CSV as (header → value) maps.
fn rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().expect("taxonomy header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("taxonomy row");
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.trim().to_string()))
                .collect()
        })
        .collect()
}

/// Loads the national lists and refreshes every tenant's facility types. Run at every start
/// and operator command, after the migrations (`cli`), and by the test harness.
pub async fn sync_national(admin: &PgPool) -> Result<(), sqlx::Error> {
    let mut tx = admin.begin().await?;
    for row in rows(LEVENSGEBIEDEN) {
        sqlx::query(
            "insert into levensgebieden (code, name, position) values ($1, $2, $3) \
             on conflict (code) do update set name = excluded.name, position = excluded.position",
        )
        .bind(&row["code"])
        .bind(&row["naam"])
        .bind(row["volgorde"].parse::<i32>().unwrap_or(0))
        .execute(&mut *tx)
        .await?;
    }
    for (position, row) in rows(TYPES).into_iter().enumerate() {
        let aliases: Vec<&str> = row["aliassen"]
            .split('|')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        sqlx::query(
            "insert into national_facility_types \
               (code, levensgebied, subgroup, name, description, aliases, schil, toegang, innovative, position) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             on conflict (code) do update set levensgebied = excluded.levensgebied, subgroup = excluded.subgroup, \
               name = excluded.name, description = excluded.description, aliases = excluded.aliases, \
               schil = excluded.schil, toegang = excluded.toegang, innovative = excluded.innovative, \
               position = excluded.position",
        )
        .bind(&row["code"])
        .bind(&row["levensgebied"])
        .bind(&row["subgroep"])
        .bind(&row["naam"])
        .bind(&row["omschrijving"])
        .bind(&aliases)
        .bind(&row["schil"])
        .bind(&row["toegang"])
        .bind(row["innovatief"] == "true")
        .bind(position as i32)
        .execute(&mut *tx)
        .await?;
    }
    for (kind, text) in LISTS {
        for (position, row) in rows(text).into_iter().enumerate() {
            sqlx::query(
                "insert into code_lists (kind, code, name, description, position) values ($1, $2, $3, $4, $5) \
                 on conflict (kind, code) do update set name = excluded.name, description = excluded.description, \
                   position = excluded.position",
            )
            .bind(kind)
            .bind(&row["code"])
            .bind(&row["naam"])
            .bind(row.get("omschrijving").cloned().unwrap_or_default())
            .bind(position as i32)
            .execute(&mut *tx)
            .await?;
        }
    }
    sync_tenant_types(&mut tx, None).await?;
    tx.commit().await
}

/// Gives every tenant (or one) the national types it lacks, and refreshes the ones it did
/// not change. Aliases a tenant added are kept beside the national ones.
pub async fn sync_tenant_types(
    tx: &mut Transaction<'static, Postgres>,
    tenant: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into facility_types (tenant_id, code, national_code, levensgebied, subgroup, name, description, \
           aliases, schil, toegang, innovative, position) \
         select t.tenant_id, n.code, n.code, n.levensgebied, n.subgroup, n.name, n.description, n.aliases, \
           n.schil, n.toegang, n.innovative, n.position \
         from tenants t cross join national_facility_types n \
         where $1::uuid is null or t.tenant_id = $1 \
         on conflict (tenant_id, code) do nothing",
    )
    .bind(tenant)
    .execute(&mut **tx)
    .await?;
    let changed: Vec<(Uuid, String)> = sqlx::query_as(
        "update facility_types f set levensgebied = n.levensgebied, subgroup = n.subgroup, name = n.name, \
           description = n.description, schil = n.schil, toegang = n.toegang, innovative = n.innovative, \
           position = n.position, \
           aliases = n.aliases || array(select a from unnest(f.aliases) a where a <> all (n.aliases)) \
         from national_facility_types n \
         where f.national_code = n.code and not f.customized and ($1::uuid is null or f.tenant_id = $1) \
           and (f.name, f.description, f.levensgebied, f.subgroup, f.position, f.innovative) \
               is distinct from (n.name, n.description, n.levensgebied, n.subgroup, n.position, n.innovative) \
         returning f.tenant_id, f.code",
    )
    .bind(tenant)
    .fetch_all(&mut **tx)
    .await?;
    // Facilities of renamed types get a new search document.
    let mut by_tenant: std::collections::BTreeMap<Uuid, Vec<String>> = Default::default();
    for (t, code) in changed {
        by_tenant.entry(t).or_default().push(code);
    }
    for (t, codes) in by_tenant {
        sqlx::query(crate::register::search_documents::REFRESH_TYPES)
            .bind(t)
            .bind(&codes)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compiled_in_taxonomy_is_complete() {
        assert_eq!(rows(LEVENSGEBIEDEN).len(), 9);
        let types = rows(TYPES);
        assert!(types.len() > 120, "{}", types.len());
        let gebieden: Vec<String> = rows(LEVENSGEBIEDEN)
            .into_iter()
            .map(|r| r["code"].clone())
            .collect();
        for t in &types {
            assert!(gebieden.contains(&t["levensgebied"]), "{}", t["code"]);
            assert!(!t["naam"].is_empty() && !t["omschrijving"].is_empty());
        }
        let maatjes = types
            .iter()
            .find(|t| t["code"] == "maatjesproject")
            .expect("maatjesproject");
        assert!(maatjes["aliassen"].contains("buddyproject"));
        assert_eq!(rows(LISTS[1].1).len(), 7, "the 7 bouwstenen");
        for code in ["housing_first", "skaeve_huse"] {
            let t = types
                .iter()
                .find(|t| t["code"] == code)
                .unwrap_or_else(|| panic!("{code}"));
            assert_eq!(t["innovatief"], "true");
        }
    }
}
