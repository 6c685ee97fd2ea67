//! Scale-out readiness: the schema can be distributed by `tenant_id` on Citus.
//!
//! Citus hash-distributes a table by one column and can only enforce a primary key, a unique
//! constraint or index, an exclusion constraint and a foreign key between distributed tables
//! inside one shard: each must include the distribution column (and a foreign key must map
//! `tenant_id` to `tenant_id`). A distributed table may refer to a reference table (copied to
//! every node), never to a table kept on the coordinator alone, and a reference table may refer
//! only to other reference tables. This test reads the real schema from the catalog, so a new
//! table or constraint that breaks the rule fails here, and a new table without `tenant_id`
//! must be classified below.

use std::collections::BTreeSet;

use sqlx::{Executor, PgPool};

use crate::helpers::test_db;

/// Global tables copied to every node (`create_reference_table`): tenant-owned tables refer to
/// them or join them.
const REFERENCE_TABLES: [&str; 7] = [
    "tenants",
    "login_emails",
    "levensgebieden",
    "national_facility_types",
    "code_lists",
    "termijnenwet_decrees",
    "termijnenwet_days",
];

/// Global tables kept on the coordinator only: nothing tenant-owned refers to or joins them.
const LOCAL_TABLES: [&str; 4] = [
    "app_meta",
    "system_audit_events",
    "login_failures",
    "_sqlx_migrations",
];

#[derive(Debug, sqlx::FromRow)]
struct Table {
    name: String,
    has_tenant_id: bool,
}

#[derive(Debug, sqlx::FromRow)]
struct UniqueIndex {
    table_name: String,
    index_name: String,
    columns: Vec<String>,
}

#[derive(Debug, sqlx::FromRow)]
struct ForeignKey {
    table_name: String,
    constraint_name: String,
    referenced_table: String,
    /// Pairs `column->referenced column`, in the key's order.
    pairs: Vec<String>,
}

#[tokio::test]
async fn every_key_of_a_tenant_owned_table_includes_tenant_id() {
    let db = test_db(false).await;
    let found = violations(&db.admin).await;
    assert!(
        found.is_empty(),
        "keys that cannot be distributed by tenant_id: {found:#?}"
    );

    // The check itself: a table that breaks each rule is caught.
    db.admin
        .execute(
            "create table scale_out_probe (
                 tenant_id uuid not null, probe_id uuid primary key, code text unique,
                 facility_id uuid, failure_id bigint references login_failures (failure_id),
                 foreign key (facility_id, tenant_id) references facilities (tenant_id, facility_id));
             create table scale_out_global (code text primary key,
                 probe_id uuid references scale_out_probe (probe_id))",
        )
        .await
        .unwrap();
    let found = violations(&db.admin).await;
    assert!(
        found
            .iter()
            .any(|v| v.starts_with("tables without tenant_id") && v.contains("scale_out_global")),
        "{found:#?}"
    );
    for name in [
        "scale_out_probe_pkey",
        "scale_out_probe_code_key",
        "scale_out_probe_facility_id_tenant_id_fkey",
        "scale_out_probe_failure_id_fkey",
        "scale_out_global_probe_id_fkey",
    ] {
        assert!(found.iter().any(|v| v.contains(name)), "{name}: {found:#?}");
    }
}

/// What stands in the way of distributing the schema of `pool` by tenant_id, one line each.
async fn violations(pool: &PgPool) -> Vec<String> {
    let mut found = Vec::new();
    let tables: Vec<Table> = sqlx::query_as(
        "select c.relname::text as name,
                exists (select 1 from information_schema.columns col
                        where col.table_schema = n.nspname and col.table_name = c.relname
                          and col.column_name = 'tenant_id') as has_tenant_id
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p')
         order by 1",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(tables.len() > 20, "the schema is migrated: {tables:?}");

    let global: BTreeSet<&str> = REFERENCE_TABLES
        .iter()
        .chain(&LOCAL_TABLES)
        .copied()
        .collect();
    let names: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    let stale: Vec<&&str> = global.iter().filter(|g| !names.contains(**g)).collect();
    if !stale.is_empty() {
        found.push(format!("listed as global but not in the schema: {stale:?}"));
    }
    let unclassified: Vec<&str> = tables
        .iter()
        .filter(|t| !t.has_tenant_id && !global.contains(t.name.as_str()))
        .map(|t| t.name.as_str())
        .collect();
    if !unclassified.is_empty() {
        found.push(format!(
            "tables without tenant_id must be listed as REFERENCE_TABLES or LOCAL_TABLES in \
             tests/api/scale_out.rs (and in the README's Scaling out): {unclassified:?}"
        ));
    }
    let distributed: BTreeSet<&str> = tables
        .iter()
        .filter(|t| t.has_tenant_id && !global.contains(t.name.as_str()))
        .map(|t| t.name.as_str())
        .collect();
    assert!(distributed.contains("facilities") && distributed.contains("subsidy_applications"));

    // Primary keys, unique constraints and unique indexes, and exclusion constraints.
    let unique: Vec<UniqueIndex> = sqlx::query_as(
        "select t.relname::text as table_name, i.relname::text as index_name,
                array(select coalesce(a.attname::text, '(expression)')
                      from unnest(x.indkey::int2[]) with ordinality k(attnum, position)
                      left join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
                      order by k.position) as columns
         from pg_index x
         join pg_class i on i.oid = x.indexrelid
         join pg_class t on t.oid = x.indrelid
         join pg_namespace n on n.oid = t.relnamespace
         where n.nspname = 'public' and (x.indisunique or x.indisexclusion)
         order by 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(unique.iter().any(|u| u.table_name == "facilities"));
    for u in unique
        .iter()
        .filter(|u| distributed.contains(u.table_name.as_str()))
        .filter(|u| !u.columns.iter().any(|c| c == "tenant_id"))
    {
        found.push(format!(
            "unique key {} of tenant-owned {} without tenant_id: {:?}",
            u.index_name, u.table_name, u.columns
        ));
    }

    let foreign: Vec<ForeignKey> = sqlx::query_as(
        "select t.relname::text as table_name, c.conname::text as constraint_name,
                r.relname::text as referenced_table,
                array(select a.attname::text || '->' || ra.attname::text
                      from unnest(c.conkey, c.confkey) with ordinality k(attnum, refnum, position)
                      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
                      join pg_attribute ra on ra.attrelid = c.confrelid and ra.attnum = k.refnum
                      order by k.position) as pairs
         from pg_constraint c
         join pg_class t on t.oid = c.conrelid
         join pg_class r on r.oid = c.confrelid
         join pg_namespace n on n.oid = t.relnamespace
         where n.nspname = 'public' and c.contype = 'f'
         order by 1, 2",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    assert!(foreign.iter().any(|f| f.table_name == "facilities"));
    let reference: BTreeSet<&str> = REFERENCE_TABLES.iter().copied().collect();
    for key in &foreign {
        let from = key.table_name.as_str();
        let to = key.referenced_table.as_str();
        let problem = if distributed.contains(from) {
            if distributed.contains(to) {
                (!key.pairs.iter().any(|p| p == "tenant_id->tenant_id"))
                    .then_some("between tenant-owned tables without tenant_id->tenant_id")
            } else {
                (!reference.contains(to)).then_some("from a tenant-owned to a local table")
            }
        } else if reference.contains(from) {
            (!reference.contains(to)).then_some("from a reference table to a non-reference table")
        } else {
            distributed
                .contains(to)
                .then_some("from a local table to a tenant-owned table")
        };
        if let Some(problem) = problem {
            found.push(format!(
                "foreign key {} {problem}: {from} -> {to} {:?}",
                key.constraint_name, key.pairs
            ));
        }
    }
    found
}
