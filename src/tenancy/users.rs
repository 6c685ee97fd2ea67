//! The beheerder's pages for the tenant's users: create, change roles, deactivate, and
//! one-time links to choose a password.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::password_links;
use crate::auth::roles::{Role, Section};
use crate::auth::session;
use crate::error::{violated_constraint, AppError, AppResult};
use crate::fields::{required_text, Email};
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::tenancy::users_store::{self, ProviderOption, UserRow};
use crate::web::layout::{render, Layout};
use crate::web::Notice;
use crate::web::{ClientAddr, PathId};

#[derive(Template)]
#[template(path = "tenancy/users_list.html")]
struct ListPage {
    layout: Layout,
    base: String,
    users: Vec<UserRow>,
}

#[derive(Template)]
#[template(path = "tenancy/user_form.html")]
struct FormPage {
    layout: Layout,
    base: String,
    user_id: Option<String>,
    form: UserForm,
    roles: [Role; 5],
    providers: Vec<ProviderOption>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "tenancy/user_link.html")]
struct LinkPage {
    layout: Layout,
    base: String,
    display_name: String,
    email: String,
    link: String,
    mailed: bool,
    mail_configured: bool,
    /// SMTP is set up but PUBLIC_URL is not: links are not e-mailed.
    mail_needs_public_url: bool,
    created: bool,
}

/// The user form as typed, kept whole when it comes back with errors.
#[derive(Debug, Default, Clone)]
pub struct UserForm {
    pub naam: String,
    pub email: String,
    pub rollen: Vec<String>,
    pub aanbieder: String,
    pub actief: bool,
    pub version: i32,
}

impl UserForm {
    /// Reads urlencoded pairs; `rollen` may repeat (one per checked box).
    fn from_body(body: &[u8]) -> Self {
        let mut form = UserForm::default();
        for (key, value) in form_urlencoded::parse(body) {
            match key.as_ref() {
                "naam" => form.naam = value.into_owned(),
                "email" => form.email = value.into_owned(),
                "rollen" => form.rollen.push(value.into_owned()),
                "aanbieder" => form.aanbieder = value.into_owned(),
                "actief" => form.actief = true,
                "version" => form.version = value.parse().unwrap_or(0),
                _ => {}
            }
        }
        form
    }

    fn from_row(row: &UserRow) -> Self {
        UserForm {
            naam: row.display_name.clone(),
            email: row.email.clone(),
            rollen: row.roles.clone(),
            aanbieder: row.provider_id.map(|p| p.to_string()).unwrap_or_default(),
            actief: row.active,
            version: row.version,
        }
    }

    pub fn has_role(&self, role: &Role) -> bool {
        self.rollen.iter().any(|r| r == role.as_str())
    }
}

/// The checked values of a valid form.
struct Valid {
    naam: String,
    email: Email,
    roles: Vec<Role>,
    provider_id: Option<Uuid>,
}

fn validate(
    form: &UserForm,
    providers: &[ProviderOption],
    errors: &mut FormErrors,
) -> Option<Valid> {
    let naam = required_text(&form.naam, 200, "een naam")
        .map_err(|m| errors.add("naam", m))
        .ok();
    let email = Email::parse(&form.email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let roles = Role::parse_all(&form.rollen);
    if roles.is_empty()
        || roles.len()
            != form
                .rollen
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len()
    {
        errors.add("rollen", "Kies minstens één rol uit de lijst.");
    }
    let provider_id = match form.aanbieder.trim() {
        "" => None,
        id => match Uuid::parse_str(id)
            .ok()
            .filter(|id| providers.iter().any(|p| p.provider_id == *id))
        {
            Some(id) => Some(id),
            None => {
                errors.add("aanbieder", "Kies een aanbieder uit de lijst.");
                None
            }
        },
    };
    if roles.contains(&Role::Aanbieder)
        && provider_id.is_none()
        && errors.get("aanbieder").is_none()
    {
        errors.add(
            "aanbieder",
            "Een gebruiker met de rol Aanbieder hoort bij een aanbieder: kies de organisatie.",
        );
    }
    Some(Valid {
        naam: naam?,
        email: email?,
        roles,
        provider_id,
    })
    .filter(|_| errors.is_empty())
}

/// GET /{tenant}/beheer/gebruikers
pub async fn user_index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(notice): Query<Notice>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let users = users_store::list(&mut tx).await?;
    tx.commit().await?;
    let notice =
        (notice.melding.as_deref() == Some("opgeslagen")).then_some("De gebruiker is opgeslagen.");
    let layout = Layout::for_user(&user, "Gebruikers", Some(Section::Users)).with_notice(notice);
    render(&ListPage {
        layout,
        base: user.section_href(Section::Users),
        users,
    })
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    user_id: Option<Uuid>,
    form: UserForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let providers = users_store::providers(&mut tx).await?;
    tx.commit().await?;
    let title = if user_id.is_some() {
        "Gebruiker wijzigen"
    } else {
        "Gebruiker toevoegen"
    };
    let invalid = !errors.is_empty();
    let page = FormPage {
        layout: Layout::for_user(user, title, Some(Section::Users)),
        base: user.section_href(Section::Users),
        user_id: user_id.map(|id| id.to_string()),
        form,
        roles: Role::ALL,
        providers,
        errors,
    };
    let mut response = render(&page)?;
    if invalid {
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

/// GET /{tenant}/beheer/gebruikers/nieuw
pub async fn user_new(State(state): State<AppState>, user: CurrentUser) -> AppResult<Response> {
    let form = UserForm {
        actief: true,
        ..UserForm::default()
    };
    form_page(&state, &user, None, form, FormErrors::default()).await
}

/// The message when an address cannot be used: addresses are unique across tenants (login
/// comes before the tenant is known). In this tenant the beheerder may know it; whether it is
/// in use elsewhere is not this tenant's business, so that message says only whom to ask.
fn email_taken(err: &sqlx::Error) -> Option<&'static str> {
    match violated_constraint(err).as_deref() {
        Some("users_tenant_id_email_key") => Some(EMAIL_TAKEN_HERE),
        Some("login_emails_pkey") => Some(EMAIL_NOT_AVAILABLE),
        _ => None,
    }
}

const EMAIL_TAKEN_HERE: &str =
    "Er is in uw organisatie al een gebruiker met dit e-mailadres. Kies een ander adres.";
const EMAIL_NOT_AVAILABLE: &str = "Dit e-mailadres kan hier niet worden gebruikt. Is het toch \
     het juiste adres van deze persoon? Neem dan contact op met de beheerder van het \
     Voorzieningenregister.";

/// POST /{tenant}/beheer/gebruikers
pub async fn user_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let form = UserForm::from_body(&body);
    let mut errors = FormErrors::default();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let providers = users_store::providers(&mut tx).await?;
    let Some(valid) = validate(&form, &providers, &mut errors) else {
        return form_page(&state, &user, None, form, errors).await;
    };
    let roles: Vec<&str> = valid.roles.iter().map(|r| r.as_str()).collect();
    let inserted = sqlx::query_scalar::<_, Uuid>(
        "insert into users (tenant_id, email, display_name, roles, provider_id) values ($1, $2, $3, $4, $5) returning user_id",
    )
    .bind(user.tenant_id)
    .bind(valid.email.as_str())
    .bind(&valid.naam)
    .bind(&roles)
    .bind(valid.provider_id)
    .fetch_one(&mut *tx)
    .await;
    let new_id = match inserted {
        Ok(id) => id,
        Err(err) if email_taken(&err).is_some() => {
            errors.add("email", email_taken(&err).unwrap_or(EMAIL_NOT_AVAILABLE));
            drop(tx);
            return form_page(&state, &user, None, form, errors).await;
        }
        Err(err) => return Err(err.into()),
    };
    let created = users_store::get(&mut tx, new_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let token = password_links::issue(&mut tx, new_id).await?;
    let event = Event::new("aangemaakt", "gebruiker", new_id).after(created.audit_value());
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    link_page(&state, &user, &headers, &created, &token, true).await
}

async fn link_page(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    target: &UserRow,
    token: &str,
    created: bool,
) -> AppResult<Response> {
    let link = password_links::url(state, headers, token);
    let mut mailed = false;
    // Without PUBLIC_URL the link is built from the request's Host header, which whoever sends
    // the request chooses: such a link is shown, never e-mailed.
    let mailer = state
        .mailer
        .as_ref()
        .filter(|_| state.settings.public_url.is_some());
    if let Some(mailer) = mailer {
        let body = format!(
            "Beste {},\n\nEr is voor u een account gemaakt in het Voorzieningenregister van {}.\n\
             Kies uw wachtwoord via deze link (geldig tot 72 uur na verzending, één keer te gebruiken):\n\n{}\n\n\
             Daarna logt u in met uw e-mailadres {}.\n",
            target.display_name, user.tenant_name, link, target.email
        );
        mailed = mailer
            .send(
                &target.email,
                "Kies uw wachtwoord voor het Voorzieningenregister",
                body,
            )
            .await;
    }
    let page = LinkPage {
        layout: Layout::for_user(
            user,
            "Link om een wachtwoord te kiezen",
            Some(Section::Users),
        ),
        base: user.section_href(Section::Users),
        display_name: target.display_name.clone(),
        email: target.email.clone(),
        link,
        mailed,
        mail_configured: state.mailer.is_some(),
        mail_needs_public_url: state.mailer.is_some() && state.settings.public_url.is_none(),
        created,
    };
    render(&page)
}

/// GET /{tenant}/beheer/gebruikers/{id}
pub async fn user_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let row = users_store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    form_page(
        &state,
        &user,
        Some(id),
        UserForm::from_row(&row),
        FormErrors::default(),
    )
    .await
}

/// POST /{tenant}/beheer/gebruikers/{id}
pub async fn user_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let form = UserForm::from_body(&body);
    let mut errors = FormErrors::default();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let before = users_store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let providers = users_store::providers(&mut tx).await?;
    let valid = validate(&form, &providers, &mut errors);
    if id == user.user_id {
        if !form.actief {
            errors.add("actief", "U kunt uw eigen account niet uitschakelen.");
        }
        if valid
            .as_ref()
            .is_some_and(|v| !v.roles.contains(&Role::Beheerder))
        {
            errors.add(
                "rollen",
                "U kunt uw eigen rol Beheerder niet intrekken; laat dat een andere beheerder doen.",
            );
        }
    }
    if errors.is_empty() && form.version != before.version {
        errors.add(
            "naam",
            "Iemand anders heeft deze gebruiker intussen gewijzigd. Uw invoer staat hieronder nog; \
             controleer de gegevens en sla opnieuw op.",
        );
    }
    let (Some(valid), true) = (valid, errors.is_empty()) else {
        let mut form = form;
        form.version = before.version;
        return form_page(&state, &user, Some(id), form, errors).await;
    };
    let roles: Vec<&str> = valid.roles.iter().map(|r| r.as_str()).collect();
    let result = sqlx::query(
        "update users set display_name = $4, email = $5, roles = $6, provider_id = $7, active = $8, \
         version = version + 1, updated_at = now() where tenant_id = $1 and user_id = $2 and version = $3",
    )
    .bind(user.tenant_id)
    .bind(id)
    .bind(form.version)
    .bind(&valid.naam)
    .bind(valid.email.as_str())
    .bind(&roles)
    .bind(valid.provider_id)
    .bind(form.actief)
    .execute(&mut *tx)
    .await;
    match result {
        Ok(done) if done.rows_affected() == 1 => {}
        Ok(_) => {
            errors.add(
                "naam",
                "Iemand anders heeft deze gebruiker intussen gewijzigd. Sla opnieuw op.",
            );
            return form_page(&state, &user, Some(id), form, errors).await;
        }
        Err(err) if email_taken(&err).is_some() => {
            errors.add("email", email_taken(&err).unwrap_or(EMAIL_NOT_AVAILABLE));
            drop(tx);
            return form_page(&state, &user, Some(id), form, errors).await;
        }
        Err(err) => return Err(err.into()),
    }
    if !form.actief || before.roles != roles {
        // A deactivated user, or one whose roles changed, signs in anew.
        session::end_all(&mut tx, id).await?;
    }
    let after = users_store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let event = Event::new("gewijzigd", "gebruiker", id)
        .before(before.audit_value())
        .after(after.audit_value());
    let to = format!("{}?melding=opgeslagen", user.section_href(Section::Users));
    audit::record_commit_redirect(tx, &user, &address, event, &to).await
}

/// POST /{tenant}/beheer/gebruikers/{id}/link: a new one-time link (the old one stops working).
pub async fn user_new_link(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let target = users_store::get(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !target.active {
        let mut errors = FormErrors::default();
        errors.add(
            "actief",
            "Deze gebruiker is uitgeschakeld. Schakel het account eerst weer in.",
        );
        tx.commit().await?;
        return form_page(&state, &user, Some(id), UserForm::from_row(&target), errors).await;
    }
    let token = password_links::issue(&mut tx, id).await?;
    audit::record(
        &mut tx,
        &Actor::user(&user, &address),
        Event::new("link_verstuurd", "gebruiker", id),
    )
    .await?;
    tx.commit().await?;
    link_page(&state, &user, &headers, &target, &token, false).await
}
