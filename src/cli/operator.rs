//! The operator's commands that are more than a statement: `user create` (a user with a
//! one-time link to choose a password) and `pseudonymise` (BSNs into the double-funding check's
//! pseudonyms, without a database).

use crate::auth::password_links;
use crate::auth::roles::Role;
use crate::db::TenantTx;
use crate::fields::Email;
use crate::tenancy::tenants;

pub(super) async fn create_user(
    admin: &sqlx::PgPool,
    tenant: &str,
    email: &str,
    name: &str,
    roles: &[String],
    public_url: Option<&str>,
) -> Result<String, String> {
    let tenant_id = tenants::id_by_slug(admin, tenant).await?;
    let email = Email::parse(email)?;
    let parsed = Role::parse_all(roles);
    if parsed.is_empty() || parsed.len() != roles.len() {
        return Err(
            "unknown role; use beheerder, beleidsmedewerker, beoordelaar, wijkteam or aanbieder"
                .into(),
        );
    }
    if parsed.contains(&Role::Aanbieder) {
        return Err(
            "aanbieder users belong to a provider: create them in the web interface".into(),
        );
    }
    let roles: Vec<&str> = parsed.iter().map(|r| r.as_str()).collect();
    let owner_tx = admin.begin().await.map_err(|e| e.to_string())?;
    let mut tx = TenantTx::adopt(owner_tx, tenant_id)
        .await
        .map_err(|e| e.to_string())?;
    let user_id: uuid::Uuid = sqlx::query_scalar(
        "insert into users (tenant_id, email, display_name, roles) values ($1, $2, $3, $4) returning user_id",
    )
    .bind(tenant_id)
    .bind(email.as_str())
    .bind(name.trim())
    .bind(&roles)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match crate::error::violated_constraint(&e).as_deref() {
        Some("login_emails_pkey") | Some("users_tenant_id_email_key") => "this e-mail address is already in use".into(),
        _ => format!("user not created: {e}"),
    })?;
    let token = password_links::issue(&mut tx, user_id)
        .await
        .map_err(|e| e.to_string())?;
    let actor = crate::audit::Actor::system("voorzieningen user create");
    let event = crate::audit::Event::new("aangemaakt", "gebruiker", user_id)
        .after(serde_json::json!({"naam": name.trim(), "email": email.as_str(), "rollen": roles}));
    crate::audit::record(&mut tx, &actor, event)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    let path = password_links::path(&token);
    let link = match public_url {
        Some(base) => format!("{}{path}", base.trim_end_matches('/')),
        None => path,
    };
    Ok(format!(
        "user {} created; one-time link to choose a password (valid 72 hours):\n{link}",
        email.as_str()
    ))
}

/// `voorzieningen pseudonymise --key-file FILE < bsns > pseudonyms`: the first output line names
/// the key's fingerprint (`sleutel;…`), then one pseudonym per BSN. Lines that fail the 11-proef
/// are reported with their numbers and nothing is written.
pub(super) fn pseudonymise(key_file: &std::path::Path) -> i32 {
    use crate::subsidy::double_funding::pseudonym::{bsn, fingerprint, parse_key, pseudonym};
    use std::io::{BufRead, Write};
    let key = match std::fs::read_to_string(key_file)
        .ok()
        .and_then(|t| parse_key(&t))
    {
        Some(k) => k,
        None => {
            eprintln!(
                "{}: geen sleutel van 64 tekens (0-9, a-f) gevonden",
                key_file.display()
            );
            return 2;
        }
    };
    let mut bsns = Vec::new();
    let mut wrong = Vec::new();
    for (n, line) in std::io::stdin().lock().lines().enumerate() {
        let Ok(line) = line else {
            eprintln!("regel {}: niet te lezen", n + 1);
            return 2;
        };
        let text = line.trim().trim_matches('"');
        // A header such as "bsn" on the first line is skipped.
        if text.is_empty() || (n == 0 && text.chars().all(|c| c.is_alphabetic() || c == '_')) {
            continue;
        }
        match bsn(text) {
            Some(b) => bsns.push(b),
            None => wrong.push(n + 1),
        }
    }
    if !wrong.is_empty() {
        let shown: Vec<String> = wrong.iter().take(20).map(|n| n.to_string()).collect();
        eprintln!(
            "geen geldig BSN (11-proef) op regel {}; er is niets geschreven",
            shown.join(", ")
        );
        return 1;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut text = format!("sleutel;{}\n", fingerprint(&key));
    for b in &bsns {
        text.push_str(&pseudonym(&key, b));
        text.push('\n');
    }
    if out.write_all(text.as_bytes()).is_err() {
        return 2;
    }
    0
}
