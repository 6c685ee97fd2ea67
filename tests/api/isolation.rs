//! Tenants are kept apart: by the routes (404 for another tenant, by any URL or form) and by
//! row-level security in PostgreSQL.

use reqwest::StatusCode;
use sqlx::Executor;

use crate::helpers::{test_db, TestApp};

/// Every tenant route, `{t}` for the tenant, `{user}` and `{area}` for ids.
const GET_ROUTES: [&str; 45] = [
    "/{t}/",
    "/{t}/account/wachtwoord",
    "/{t}/beheer/gebruikers",
    "/{t}/beheer/gebruikers/nieuw",
    "/{t}/beheer/gebruikers/{user}",
    "/{t}/beheer/gebieden",
    "/{t}/beheer/gebieden/nieuw",
    "/{t}/beheer/gebieden/export.csv",
    "/{t}/beheer/gebieden/import",
    "/{t}/beheer/gebieden/{area}",
    "/{t}/beheer/logboek",
    "/{t}/typen",
    "/{t}/typen/nieuw",
    "/{t}/typen/{type}",
    "/{t}/voorzieningen",
    "/{t}/voorzieningen/nieuw",
    "/{t}/voorzieningen/{facility}",
    "/{t}/voorzieningen/{facility}/wijzigen",
    "/{t}/voorzieningen/{facility}/geschiedenis",
    "/{t}/aanbieders",
    "/{t}/aanbieders/{provider}",
    "/{t}/aanbieders/{provider}/geschiedenis",
    "/{t}/actualiteit",
    "/{t}/checklist",
    "/{t}/checklist/dekking",
    "/{t}/checklist/bouwstenen",
    "/{t}/checklist/vraag",
    "/{t}/checklist/export.csv",
    "/{t}/checklist/export.xlsx",
    "/{t}/checklist/dekking.csv",
    "/{t}/checklist/dekking.xlsx",
    "/{t}/checklist/bouwstenen.csv",
    "/{t}/checklist/bouwstenen.xlsx",
    "/{t}/checklist/vraag.csv",
    "/{t}/checklist/vraag.xlsx",
    "/{t}/checklist/vraag/indicatoren",
    "/{t}/checklist/vraag/indicatoren/vraag",
    "/{t}/checklist/overzicht",
    "/{t}/checklist/import",
    "/{t}/checklist/{type}",
    "/{t}/zoeken",
    "/{t}/voorzieningen/{facility}/folder",
    "/{t}/verwijzingen",
    "/{t}/verwijzingen/export.csv",
    "/{t}/beheer/publicatie",
];

const POST_ROUTES: [&str; 26] = [
    "/{t}/account/wachtwoord",
    "/{t}/beheer/gebruikers",
    "/{t}/beheer/gebruikers/{user}",
    "/{t}/beheer/gebruikers/{user}/link",
    "/{t}/beheer/gebieden",
    "/{t}/beheer/gebieden/import",
    "/{t}/beheer/gebieden/{area}",
    "/{t}/beheer/gebieden/{area}/verwijderen",
    "/{t}/typen",
    "/{t}/typen/{type}",
    "/{t}/typen/{type}/herstellen",
    "/{t}/voorzieningen",
    "/{t}/voorzieningen/{facility}",
    "/{t}/voorzieningen/{facility}/archiveren",
    "/{t}/voorzieningen/{facility}/gecontroleerd",
    "/{t}/aanbieders",
    "/{t}/aanbieders/{provider}",
    "/{t}/actualiteit/{facility}",
    "/{t}/checklist/{type}",
    "/{t}/checklist/vraag",
    "/{t}/checklist/vraag/indicatoren",
    "/{t}/checklist/vraag/indicatoren/vraag",
    "/{t}/checklist/import",
    "/{t}/voorzieningen/{facility}/verwijzing",
    "/{t}/voorzieningen/{facility}/verwijzingen/correctie",
    "/{t}/beheer/publicatie",
];

/// The ids of another tenant's records that appear in routes.
struct Theirs {
    user: String,
    area: String,
    facility: String,
    provider: String,
    r#type: String,
}

fn fill(route: &str, tenant: &str, theirs: &Theirs) -> String {
    route
        .replace("{t}", tenant)
        .replace("{user}", &theirs.user)
        .replace("{area}", &theirs.area)
        .replace("{facility}", &theirs.facility)
        .replace("{provider}", &theirs.provider)
        .replace("{type}", &theirs.r#type)
}

#[tokio::test]
async fn another_tenants_pages_answer_404_on_every_route() {
    let app = TestApp::spawn().await;
    let their_user = app
        .id("select user_id from users where email = 'beheer@maastricht.demo'")
        .await
        .to_string();
    let their_area = app.id("select a.area_id from areas a join tenants t using (tenant_id) where t.slug = 'maastricht' limit 1").await.to_string();
    let theirs = Theirs {
        user: their_user,
        area: their_area,
        facility: app.id("select f.facility_id from facilities f join tenants t using (tenant_id) where t.slug = 'maastricht' limit 1").await.to_string(),
        provider: app.id("select p.provider_id from providers p join tenants t using (tenant_id) where t.slug = 'maastricht' limit 1").await.to_string(),
        // Maastricht's own type: its code exists only there.
        r#type: "eigen_maastrichts_type".into(),
    };
    sqlx::query("insert into facility_types (tenant_id, code, levensgebied, name, schil, toegang) select tenant_id, 'eigen_maastrichts_type', 'wonen', 'Maastrichts type', 'informeel', 'algemeen' from tenants where slug = 'maastricht'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    let facilities_before = app
        .scalar_i64("select count(*) + sum(version) from facilities")
        .await;
    let providers_before = app
        .scalar_i64("select count(*) + sum(version) from providers")
        .await;
    let types_before = app
        .scalar_i64("select count(*) + sum(version) from facility_types")
        .await;
    let checklist_before = app
        .scalar_i64("select count(*) from checklist_entries")
        .await;
    let audit_before = app.scalar_i64("select count(*) from audit_events").await;
    let users_before = app.scalar_i64("select count(*) from users").await;
    let areas_before = app.scalar_i64("select count(*) from areas").await;

    let mut b = app.login("beheer@almelo.demo").await;
    for route in GET_ROUTES {
        let path = fill(route, "maastricht", &theirs);
        let page = b.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "GET {path}");
        assert!(
            !page.body.contains("Maastricht"),
            "GET {path} says nothing about the tenant"
        );
        // The same page for a tenant that does not exist looks the same.
        let none = b.get(&fill(route, "bestaatniet", &theirs)).await;
        assert_eq!(none.status, StatusCode::NOT_FOUND);
    }
    for route in POST_ROUTES {
        let path = fill(route, "maastricht", &theirs);
        let page = b
            .post(
                &path,
                &[
                    ("naam", "Overgenomen"),
                    ("email", "x@almelo.demo"),
                    ("rollen", "beheerder"),
                    ("code", "WK093599"),
                    ("aanbieder", "Overgenomen"),
                    ("typen", "nachtopvang"),
                    ("levensgebied", "wonen"),
                    ("status", "niet_aanwezig"),
                    ("toelichting", "Overgenomen"),
                    ("gemeente", "GM0935"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    // Their ids inside my own tenant's URLs are just as unknown, to whoever may use the page.
    let mut beleid = app.login("beleid@almelo.demo").await;
    for route in GET_ROUTES.iter().filter(|r| {
        r.contains("{user}")
            || r.contains("{area}")
            || r.contains("{facility}")
            || r.contains("{provider}")
            || r.contains("{type}")
    }) {
        let path = fill(route, "almelo", &theirs);
        let b = if route.contains("{user}") || route.contains("{area}") {
            &mut b
        } else {
            &mut beleid
        };
        assert_eq!(
            b.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "GET {path}"
        );
    }
    for route in POST_ROUTES.iter().filter(|r| {
        r.contains("{user}")
            || r.contains("{area}")
            || r.contains("{facility}")
            || r.contains("{provider}")
            || r.contains("{type}")
    }) {
        let path = fill(route, "almelo", &theirs);
        let b = if route.contains("{user}") || route.contains("{area}") {
            &mut b
        } else {
            &mut beleid
        };
        let page = b
            .post(
                &path,
                &[
                    ("naam", "Overgenomen"),
                    ("email", "y@almelo.demo"),
                    ("rollen", "beheerder"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "POST {path}");
    }
    assert_eq!(
        app.scalar_i64("select count(*) from users").await,
        users_before
    );
    assert_eq!(
        app.scalar_i64("select count(*) from areas").await,
        areas_before
    );
    assert_eq!(
        app.scalar_i64("select count(*) from users where display_name = 'Overgenomen'")
            .await,
        0
    );
    assert_eq!(
        app.scalar_i64("select count(*) + sum(version) from facilities")
            .await,
        facilities_before
    );
    assert_eq!(
        app.scalar_i64("select count(*) + sum(version) from providers")
            .await,
        providers_before
    );
    assert_eq!(
        app.scalar_i64("select count(*) + sum(version) from facility_types")
            .await,
        types_before
    );
    assert_eq!(
        app.scalar_i64("select count(*) from checklist_entries")
            .await,
        checklist_before
    );
    // Only the login was recorded.
    assert_eq!(
        app.scalar_i64("select count(*) from audit_events").await,
        audit_before + 2,
        "only the two logins were recorded"
    );
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_the_login_page_whatever_the_tenant() {
    let app = TestApp::spawn().await;
    let mut b = app.client();
    for tenant in ["almelo", "bestaatniet"] {
        let page = b.get(&format!("/{tenant}/beheer/gebruikers")).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(
            page.location,
            Some(format!("/inloggen?terug=/{tenant}/beheer/gebruikers"))
        );
    }
}

#[tokio::test]
async fn without_the_tenant_setting_the_application_role_sees_no_rows() {
    let db = test_db(true).await;
    for table in [
        "users",
        "areas",
        "providers",
        "sessions",
        "password_tokens",
        "audit_events",
        "facility_types",
        "facilities",
        "facility_type_links",
        "facility_service_areas",
        "facility_hours",
        "facility_dagdeel_capacity",
        "facility_closures",
        "checklist_entries",
        "area_demand",
        "demand_indicators",
        "referrals",
        "subsidy_schemes",
        "subsidy_budget_lines",
        "subsidy_categories",
        "subsidy_rounds",
        "subsidy_round_categories",
        "subsidy_criteria",
        "subsidy_applications",
        "subsidy_application_versions",
        "subsidy_documents",
        "subsidy_conflict_declarations",
        "subsidy_scores",
        "subsidy_final_scores",
        "subsidy_decisions",
        "subsidy_outcomes",
        "pilot_partners",
        "pilot_clients",
        "pilot_allocations",
        "pilot_allocation_shares",
        "pilot_agreements",
        "pilot_groups",
        "pilot_reports",
        "pilot_report_groups",
    ] {
        let n: i64 = sqlx::query_scalar(&format!("select count(*) from {table}"))
            .fetch_one(&db.app)
            .await
            .unwrap();
        assert_eq!(n, 0, "{table} without app.tenant_id");
    }
    let admin_users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&db.admin)
        .await
        .unwrap();
    assert_eq!(admin_users, 15);

    // With the setting: exactly that tenant's rows, and no writing into another tenant.
    let almelo: uuid::Uuid =
        sqlx::query_scalar("select tenant_id from tenants where slug = 'almelo'")
            .fetch_one(&db.admin)
            .await
            .unwrap();
    let maastricht: uuid::Uuid =
        sqlx::query_scalar("select tenant_id from tenants where slug = 'maastricht'")
            .fetch_one(&db.admin)
            .await
            .unwrap();
    let mut tx = db.app.begin().await.unwrap();
    sqlx::query("select set_config('app.tenant_id', $1, true)")
        .bind(almelo.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let visible: Vec<uuid::Uuid> = sqlx::query_scalar("select distinct tenant_id from users")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(visible, vec![almelo]);
    let sneaky = sqlx::query("insert into providers (tenant_id, name) values ($1, 'Indringer')")
        .bind(maastricht)
        .execute(&mut *tx)
        .await;
    assert!(
        sneaky.is_err(),
        "row-level security refuses rows of another tenant"
    );
    drop(tx);

    // The setting is per transaction: it is gone afterwards.
    let n: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&db.app)
        .await
        .unwrap();
    assert_eq!(n, 0);
}

#[tokio::test]
async fn the_application_role_is_no_superuser_has_no_bypassrls_and_owns_nothing() {
    let db = test_db(false).await;
    let (superuser, bypass): (bool, bool) =
        sqlx::query_as("select rolsuper, rolbypassrls from pg_roles where rolname = current_user")
            .fetch_one(&db.app)
            .await
            .unwrap();
    assert!(!superuser && !bypass);
    let owned: i64 = sqlx::query_scalar("select count(*) from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = current_user")
        .fetch_one(&db.app)
        .await
        .unwrap();
    assert_eq!(owned, 0);
    let user: String = sqlx::query_scalar("select current_user::text")
        .fetch_one(&db.app)
        .await
        .unwrap();
    assert_eq!(user, "voorzieningen_app");
    // RLS is enabled and forced on every tenant-owned table, and tenant_id leads every key.
    let tables: Vec<(String, bool, bool)> = sqlx::query_as(
        "select c.relname::text, c.relrowsecurity, c.relforcerowsecurity from pg_class c \
         join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' \
         where c.relkind = 'r' and c.relnamespace = 'public'::regnamespace and c.relname <> 'tenants'",
    )
    .fetch_all(&db.admin)
    .await
    .unwrap();
    assert!(tables.len() >= 6);
    for (table, enabled, forced) in &tables {
        assert!(*enabled && *forced, "{table}");
    }
    let bad_indexes: Vec<String> = sqlx::query_scalar(
        "select i.indexrelid::regclass::text from pg_index i \
         join pg_class c on c.oid = i.indrelid \
         join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' \
         where c.relnamespace = 'public'::regnamespace and i.indkey[0] <> a.attnum \
           and c.relname not in ('tenants', 'login_emails')",
    )
    .fetch_all(&db.admin)
    .await
    .unwrap();
    // login_emails is the one global directory (an address is unique across tenants); the
    // application reaches it only through auth_login_lookup.
    assert!(
        bad_indexes.is_empty(),
        "indexes not led by tenant_id: {bad_indexes:?}"
    );
    // Direct access to the login directory is not granted.
    let denied = db.app.execute("select * from login_emails").await;
    assert!(denied.is_err());
}
