//! The ownership rule over HTTP: every write route of facilities and providers, tried by users
//! holding each role and the combinations that occur (an aanbieder that also staffs the
//! wijkteam, or is also beheerder, ...), against their own organisation's record and another
//! organisation's. Other roles widen reading, never writing: only a beleidsmedewerker changes
//! another organisation's records, and a refused request changes nothing in the database.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{Browser, Page, TestApp};
use crate::register::{facility_form, post_form};

/// The users of the matrix: label and roles. Every user with the aanbieder role belongs to the
/// organisation of `aanbieder@almelo.demo`.
const USERS: [(&str, &[&str]); 10] = [
    ("beheerder", &["beheerder"]),
    ("beleid", &["beleidsmedewerker"]),
    ("beoordelaar", &["beoordelaar"]),
    ("wijkteam", &["wijkteam"]),
    ("aanbieder", &["aanbieder"]),
    ("aanbieder-wijkteam", &["aanbieder", "wijkteam"]),
    ("aanbieder-beheerder", &["aanbieder", "beheerder"]),
    ("aanbieder-beoordelaar", &["aanbieder", "beoordelaar"]),
    ("aanbieder-beleid", &["aanbieder", "beleidsmedewerker"]),
    ("wijkteam-beheerder", &["wijkteam", "beheerder"]),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Own,
    Other,
}

#[derive(Debug, Clone, Copy)]
enum Route {
    CreateFacility,
    UpdateFacility,
    ArchiveFacility,
    VerifyFacility,
    ImportFacilities,
    CreateProvider,
    UpdateProvider,
    ArchiveProvider,
}

const ROUTES: [Route; 8] = [
    Route::CreateFacility,
    Route::UpdateFacility,
    Route::ArchiveFacility,
    Route::VerifyFacility,
    Route::ImportFacilities,
    Route::CreateProvider,
    Route::UpdateProvider,
    Route::ArchiveProvider,
];

/// The rule as the tests state it, independent of the code's.
struct Roles<'a>(&'a [&'a str]);

impl Roles<'_> {
    fn has(&self, role: &str) -> bool {
        self.0.contains(&role)
    }

    /// Reads every organisation's records.
    fn reads_all(&self) -> bool {
        self.has("beheerder") || self.has("beleidsmedewerker") || self.has("wijkteam")
    }

    fn reads(&self, target: Target) -> bool {
        self.reads_all() || (self.has("aanbieder") && target == Target::Own)
    }

    /// Changes every organisation's records.
    fn writes_all(&self) -> bool {
        self.has("beleidsmedewerker")
    }

    fn writes(&self, target: Target) -> bool {
        self.writes_all() || (self.has("aanbieder") && target == Target::Own)
    }

    /// The route guard of the facility and provider sections (Section::write_roles).
    fn passes_guard(&self) -> bool {
        self.has("beleidsmedewerker") || self.has("aanbieder")
    }

    /// The status a request should get; SEE_OTHER or OK when it is carried out.
    fn expected(&self, route: Route, target: Target) -> StatusCode {
        use StatusCode as S;
        let record = |done: StatusCode| {
            if !self.passes_guard() {
                S::FORBIDDEN
            } else if !self.reads(target) {
                S::NOT_FOUND
            } else if !self.writes(target) {
                S::FORBIDDEN
            } else {
                done
            }
        };
        match route {
            Route::CreateFacility if self.passes_guard() => S::SEE_OTHER,
            Route::CreateFacility => S::FORBIDDEN,
            Route::UpdateFacility | Route::ArchiveFacility | Route::UpdateProvider => {
                record(S::SEE_OTHER)
            }
            // Whoever may change a facility confirms its data (issue 16, item 6).
            Route::VerifyFacility => record(S::SEE_OTHER),
            Route::ImportFacilities if !self.passes_guard() => S::FORBIDDEN,
            Route::ImportFacilities if self.writes(target) => S::OK,
            // A line with another organisation's id: the whole file is refused, with that line.
            Route::ImportFacilities => S::UNPROCESSABLE_ENTITY,
            Route::CreateProvider if self.writes_all() => S::SEE_OTHER,
            Route::CreateProvider => S::FORBIDDEN,
            Route::ArchiveProvider if !self.passes_guard() => S::FORBIDDEN,
            Route::ArchiveProvider if !self.reads(target) => S::NOT_FOUND,
            Route::ArchiveProvider if self.writes_all() => S::SEE_OTHER,
            Route::ArchiveProvider => S::FORBIDDEN,
        }
    }
}

/// The records of the two organisations the matrix works on.
struct Fixture {
    /// Organisation of the aanbieder users, and one of its facilities.
    own_provider: Uuid,
    own_facility: Uuid,
    /// Another organisation of the same tenant, and one of its facilities.
    other_provider: Uuid,
    other_facility: Uuid,
    /// The export's header line and each facility's line, for the import.
    header: String,
    lines: Vec<(Uuid, csv::StringRecord)>,
}

impl Fixture {
    fn provider(&self, target: Target) -> Uuid {
        match target {
            Target::Own => self.own_provider,
            Target::Other => self.other_provider,
        }
    }

    fn facility(&self, target: Target) -> Uuid {
        match target {
            Target::Own => self.own_facility,
            Target::Other => self.other_facility,
        }
    }
}

/// Everything a write route could touch: the two facilities and providers, and how many
/// facilities, providers and audit events there are.
async fn state(app: &TestApp, f: &Fixture) -> String {
    sqlx::query_scalar(
        "select concat_ws(' | ', \
           (select string_agg(concat_ws(',', facility_id, name, provider_id, version, archived, verified_on), '; ' order by facility_id) \
              from facilities where facility_id in ($1, $2)), \
           (select string_agg(concat_ws(',', provider_id, name, contact_name, version, archived), '; ' order by provider_id) \
              from providers where provider_id in ($3, $4)), \
           (select count(*) from facilities), (select count(*) from providers), (select count(*) from audit_events))",
    )
    .bind(f.own_facility)
    .bind(f.other_facility)
    .bind(f.own_provider)
    .bind(f.other_provider)
    .fetch_one(&app.db.admin)
    .await
    .unwrap()
}

async fn fixture(app: &TestApp) -> Fixture {
    let own_provider = app
        .id("select provider_id from users where email = 'aanbieder@almelo.demo'")
        .await;
    let (other_facility, other_provider): (Uuid, Uuid) = sqlx::query_as(
        "select f.facility_id, f.provider_id from facilities f join tenants t using (tenant_id) \
         where t.slug = 'almelo' and not f.archived and f.provider_id <> $1 order by f.name limit 1",
    )
    .bind(own_provider)
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    let own_facility: Uuid = sqlx::query_scalar(
        "select facility_id from facilities where provider_id = $1 and not archived order by name limit 1",
    )
    .bind(own_provider)
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    // The import takes the export's lines of the two facilities.
    let beleid = app.login("beleid@almelo.demo").await;
    let response = beleid
        .client
        .get(format!(
            "{}/almelo/voorzieningen/export.csv",
            beleid.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let header = text.lines().next().unwrap().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    let lines = reader
        .records()
        .map(|r| r.unwrap())
        .filter_map(|r| {
            let id = Uuid::parse_str(&r[0]).ok()?;
            [own_facility, other_facility]
                .contains(&id)
                .then_some((id, r))
        })
        .collect::<Vec<_>>();
    assert_eq!(lines.len(), 2, "both facilities are in the export");
    Fixture {
        own_provider,
        own_facility,
        other_provider,
        other_facility,
        header,
        lines,
    }
}

/// Users with these roles, made in the database with the demo password.
async fn make_users(app: &TestApp, f: &Fixture) {
    for (label, roles) in USERS {
        let provider = roles.contains(&"aanbieder").then_some(f.own_provider);
        sqlx::query(
            "insert into users (tenant_id, email, display_name, password_hash, roles, provider_id) \
             select tenant_id, $1, $2, password_hash, $3, $4 from users where email = 'beheer@almelo.demo'",
        )
        .bind(format!("{label}@matrix.almelo.demo"))
        .bind(format!("Matrix {label}"))
        .bind(roles)
        .bind(provider)
        .execute(&app.db.admin)
        .await
        .unwrap();
    }
}

async fn version(app: &TestApp, table: &str, key: &str, id: Uuid) -> String {
    sqlx::query_scalar::<_, i32>(&format!("select version from {table} where {key} = $1"))
        .bind(id)
        .fetch_one(&app.db.admin)
        .await
        .unwrap()
        .to_string()
}

/// The full provider form, as stored, with the contact person set to `contact`.
async fn provider_form(app: &TestApp, id: Uuid, contact: &str) -> Vec<(&'static str, String)> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        String,
        i32,
    );
    let r: Row = sqlx::query_as(
        "select name, coalesce(provider_type, ''), coalesce(kvk_number, ''), street, house_number, \
           coalesce(postcode, ''), city, phone, email, website, version from providers where provider_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.admin)
    .await
    .unwrap();
    vec![
        ("naam", r.0),
        ("type", r.1),
        ("kvk", r.2),
        ("straat", r.3),
        ("huisnummer", r.4),
        ("postcode", r.5),
        ("plaats", r.6),
        ("telefoon", r.7),
        ("email", r.8),
        ("website", r.9),
        ("contactpersoon", contact.to_string()),
        ("version", r.10.to_string()),
    ]
}

/// The import file: the export's header and the facility's line, renamed to `name`.
fn import_file(f: &Fixture, id: Uuid, name: &str) -> Vec<u8> {
    let line = &f.lines.iter().find(|(i, _)| *i == id).unwrap().1;
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let mut record: Vec<&str> = line.iter().collect();
    record[1] = name;
    writer.write_record(&record).unwrap();
    let mut bytes = format!("{}\n", f.header).into_bytes();
    bytes.extend(writer.into_inner().unwrap());
    bytes
}

/// Tries `route` on `target`'s record; returns the response and a marker it wrote, if any.
async fn attempt(
    app: &TestApp,
    b: &mut Browser,
    f: &Fixture,
    label: &str,
    route: Route,
    target: Target,
) -> (Page, String) {
    let marker = format!("Matrix {label} {route:?} {target:?}");
    let facility = f.facility(target);
    let provider = f.provider(target);
    let page = match route {
        Route::CreateFacility => {
            let mut form = facility_form(&provider.to_string());
            form.retain(|(k, _)| *k != "naam");
            form.push(("naam", marker.clone()));
            post_form(b, "/almelo/voorzieningen", &form).await
        }
        Route::UpdateFacility => {
            let mut form = facility_form(&provider.to_string());
            form.retain(|(k, _)| *k != "naam" && *k != "version");
            form.push(("naam", marker.clone()));
            form.push((
                "version",
                version(app, "facilities", "facility_id", facility).await,
            ));
            post_form(b, &format!("/almelo/voorzieningen/{facility}"), &form).await
        }
        Route::ArchiveFacility => {
            b.post(&format!("/almelo/voorzieningen/{facility}/archiveren"), &[])
                .await
        }
        Route::VerifyFacility => {
            b.post(
                &format!("/almelo/voorzieningen/{facility}/gecontroleerd"),
                &[],
            )
            .await
        }
        Route::ImportFacilities => {
            b.upload(
                "/almelo/voorzieningen/import",
                import_file(f, facility, &marker),
            )
            .await
        }
        Route::CreateProvider => {
            b.post("/almelo/aanbieders", &[("naam", &marker), ("version", "0")])
                .await
        }
        Route::UpdateProvider => {
            let form = provider_form(app, provider, &marker).await;
            post_form(b, &format!("/almelo/aanbieders/{provider}"), &form).await
        }
        Route::ArchiveProvider => {
            b.post(&format!("/almelo/aanbieders/{provider}/archiveren"), &[])
                .await
        }
    };
    (page, marker)
}

/// What a carried-out request must have stored; afterwards archived and verified records are
/// put back, so that the next request finds the record as it was.
async fn assert_done(
    app: &TestApp,
    f: &Fixture,
    roles: &Roles<'_>,
    route: Route,
    target: Target,
    marker: &str,
    what: &str,
) {
    let db = &app.db.admin;
    let one_str = |sql: &'static str, id: Uuid| async move {
        sqlx::query_scalar::<_, String>(sql)
            .bind(id)
            .fetch_one(db)
            .await
            .unwrap()
    };
    match route {
        Route::CreateFacility => {
            let provider: Uuid =
                sqlx::query_scalar("select provider_id from facilities where name = $1")
                    .bind(marker)
                    .fetch_one(db)
                    .await
                    .unwrap();
            // An aanbieder's new facility is its own organisation's, whatever the form said.
            let expected = if roles.writes_all() {
                f.provider(target)
            } else {
                f.own_provider
            };
            assert_eq!(provider, expected, "{what}");
        }
        Route::UpdateFacility | Route::ImportFacilities => {
            let id = f.facility(target);
            let (name, provider): (String, Uuid) =
                sqlx::query_as("select name, provider_id from facilities where facility_id = $1")
                    .bind(id)
                    .fetch_one(db)
                    .await
                    .unwrap();
            assert_eq!(name, marker, "{what}");
            assert_eq!(provider, f.provider(target), "{what}");
        }
        Route::ArchiveFacility => {
            let id = f.facility(target);
            let archived: bool =
                sqlx::query_scalar("select archived from facilities where facility_id = $1")
                    .bind(id)
                    .fetch_one(db)
                    .await
                    .unwrap();
            assert!(archived, "{what}");
            sqlx::query("update facilities set archived = false where facility_id = $1")
                .bind(id)
                .execute(db)
                .await
                .unwrap();
        }
        Route::VerifyFacility => {
            let id = f.facility(target);
            let by = one_str(
                "select coalesce(verified_by, '') from facilities where facility_id = $1 and verified_on = (now() at time zone 'Europe/Amsterdam')::date",
                id,
            )
            .await;
            assert!(by.starts_with("Matrix "), "{what}: {by}");
            sqlx::query(
                "update facilities set verified_on = null, verified_by = '' where facility_id = $1",
            )
            .bind(id)
            .execute(db)
            .await
            .unwrap();
        }
        Route::CreateProvider => {
            let n: i64 = sqlx::query_scalar("select count(*) from providers where name = $1")
                .bind(marker)
                .fetch_one(db)
                .await
                .unwrap();
            assert_eq!(n, 1, "{what}");
        }
        Route::UpdateProvider => {
            let contact = one_str(
                "select contact_name from providers where provider_id = $1",
                f.provider(target),
            )
            .await;
            assert_eq!(contact, marker, "{what}");
        }
        Route::ArchiveProvider => {
            let id = f.provider(target);
            let archived: bool =
                sqlx::query_scalar("select archived from providers where provider_id = $1")
                    .bind(id)
                    .fetch_one(db)
                    .await
                    .unwrap();
            assert!(archived, "{what}");
            sqlx::query("update providers set archived = false where provider_id = $1")
                .bind(id)
                .execute(db)
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn other_roles_widen_reading_never_writing() {
    let app = TestApp::spawn().await;
    let f = fixture(&app).await;
    make_users(&app, &f).await;
    // Verifying must show a change: nobody has verified the two facilities.
    sqlx::query(
        "update facilities set verified_on = null, verified_by = '' where facility_id in ($1, $2)",
    )
    .bind(f.own_facility)
    .bind(f.other_facility)
    .execute(&app.db.admin)
    .await
    .unwrap();
    let mut carried_out = 0;
    let mut refused = 0;
    for (label, roles) in USERS {
        let rule = Roles(roles);
        let mut b = app.login(&format!("{label}@matrix.almelo.demo")).await;

        // Reading: the facility page, and whether it offers to change it.
        for target in [Target::Own, Target::Other] {
            let page = b
                .get(&format!("/almelo/voorzieningen/{}", f.facility(target)))
                .await;
            let expected = if !(rule.reads_all() || rule.has("aanbieder")) {
                StatusCode::FORBIDDEN
            } else if rule.reads(target) {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(page.status, expected, "{label} reads {target:?}");
            if page.status == StatusCode::OK {
                assert_eq!(
                    page.body.contains("/wijzigen\""),
                    rule.writes(target),
                    "{label} is offered to change {target:?}"
                );
            }
        }

        // The list of unverified facilities offers verifying only to who may verify.
        let stale = b.get("/almelo/actualiteit").await;
        if rule.has("beheerder") || rule.has("beleidsmedewerker") {
            assert_eq!(stale.status, StatusCode::OK, "{label} reads the stale list");
            assert_eq!(
                stale.body.contains("Gecontroleerd<span"),
                rule.writes_all(),
                "{label} is offered to verify"
            );
        } else {
            assert_eq!(stale.status, StatusCode::FORBIDDEN, "{label} stale list");
        }

        for route in ROUTES {
            for target in [Target::Own, Target::Other] {
                let what = format!("{label} {route:?} {target:?}");
                let before = state(&app, &f).await;
                let (page, marker) = attempt(&app, &mut b, &f, label, route, target).await;
                let expected = rule.expected(route, target);
                assert_eq!(page.status, expected, "{what}: {}", page.body);
                if page.status.is_success() || page.status == StatusCode::SEE_OTHER {
                    assert_done(&app, &f, &rule, route, target, &marker, &what).await;
                    carried_out += 1;
                } else {
                    assert_eq!(state(&app, &f).await, before, "{what} changed nothing");
                    refused += 1;
                }
            }
        }
    }
    assert_eq!(carried_out + refused, USERS.len() * ROUTES.len() * 2);
    assert!(carried_out > 0 && refused > 0);
}
