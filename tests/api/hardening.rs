//! The database's own defences: security definer functions with a closed search path, no
//! objects created by the application, and login learning no more than it needs.

use sqlx::Executor;

use crate::helpers::{test_db, TestApp, DEMO_PASSWORD};

#[tokio::test]
async fn every_security_definer_function_sets_a_search_path_ending_in_pg_temp() {
    let db = test_db(false).await;
    let functions: Vec<(String, Option<Vec<String>>)> = sqlx::query_as(
        "select p.oid::regprocedure::text, p.proconfig from pg_proc p \
         where p.prosecdef and p.pronamespace = 'public'::regnamespace order by 1",
    )
    .fetch_all(&db.admin)
    .await
    .unwrap();
    assert!(functions.len() >= 7, "{functions:?}");
    for (name, config) in &functions {
        assert!(
            config
                .as_deref()
                .unwrap_or_default()
                .iter()
                .any(|c| c == "search_path=public, pg_temp"),
            "{name}: {config:?}"
        );
    }
    let names: Vec<&str> = functions.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"register_changed()"));
    assert!(names.contains(&"tenant_set_published(uuid,boolean)"));
}

#[tokio::test]
async fn the_application_role_cannot_create_anything_in_the_schema() {
    let db = test_db(false).await;
    for sql in [
        "create table public.sneaky (a int)",
        "create function public.sneaky() returns int language sql as 'select 1'",
        "create view public.sneaky as select 1",
    ] {
        let err = db.app.execute(sql).await.unwrap_err();
        let code = err
            .as_database_error()
            .and_then(|e| e.code())
            .map(|c| c.into_owned());
        assert_eq!(code.as_deref(), Some("42501"), "{sql}: {err}"); // insufficient_privilege
    }
    let public_may_create: bool =
        sqlx::query_scalar("select has_schema_privilege('public', 'public', 'create')")
            .fetch_one(&db.admin)
            .await
            .unwrap();
    assert!(!public_may_create);
}

#[tokio::test]
async fn login_learns_only_the_hash_of_an_account_that_may_log_in() {
    let app = TestApp::spawn().await;
    // The old look-up, which answered any account's hash and state, is gone.
    assert!(app
        .db
        .app
        .execute("select * from auth_find_login('beheer@almelo.demo')")
        .await
        .is_err());
    let columns: Vec<String> = sqlx::query_scalar(
        "select unnest(proargnames) from pg_proc where proname = 'auth_login_lookup'",
    )
    .fetch_all(&app.db.admin)
    .await
    .unwrap();
    assert_eq!(
        columns,
        [
            "p_email",
            "tenant_id",
            "user_id",
            "tenant_slug",
            "password_hash"
        ]
    );
    let hash = |email: &'static str| {
        let pool = app.db.app.clone();
        async move {
            sqlx::query_scalar::<_, Option<String>>(
                "select password_hash from auth_login_lookup($1)",
            )
            .bind(email)
            .fetch_optional(&pool)
            .await
            .unwrap()
        }
    };
    assert!(matches!(hash("beheer@twente.demo").await, Some(Some(_))));
    assert_eq!(hash("niemand@twente.demo").await, None);
    sqlx::query("update users set active = false where email = 'wijkteam@twente.demo'")
        .execute(&app.db.admin)
        .await
        .unwrap();
    assert_eq!(hash("wijkteam@twente.demo").await, Some(None));
    // The deactivated account fails like a wrong password, in its own tenant's trail.
    let mut b = app.client();
    let login = b.login("wijkteam@twente.demo", DEMO_PASSWORD).await;
    assert_eq!(login.status(), reqwest::StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.scalar_i64(
            "select count(*) from audit_events a join users u on u.user_id::text = a.object_id \
             where u.email = 'wijkteam@twente.demo' and a.action = 'login' and a.result = 'failure'"
        )
        .await,
        1
    );
}
