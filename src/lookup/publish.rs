//! The beheerder publishes the register as a public sociale kaart and HSDS open data, or
//! takes it offline again.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::audit::{self, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::ClientAddr;
use crate::web::Notice;

#[derive(Template)]
#[template(path = "lookup/publish.html")]
struct PublishPage {
    layout: Layout,
    published: bool,
    kaart: String,
    api: String,
}

/// GET /{tenant}/beheer/publicatie
pub async fn page(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(notice): Query<Notice>,
) -> AppResult<Response> {
    let published: bool = sqlx::query_scalar("select published from tenants where tenant_id = $1")
        .bind(user.tenant_id)
        .fetch_one(state.db.pool())
        .await?;
    let notice = match notice.melding.as_deref() {
        Some("aan") => Some("De sociale kaart is gepubliceerd."),
        Some("uit") => Some("De sociale kaart is offline gehaald."),
        _ => None,
    };
    render(&PublishPage {
        layout: Layout::for_user(
            &user,
            "Sociale kaart publiceren",
            Some(Section::Publication),
        )
        .with_notice(notice),
        published,
        kaart: format!("/{}/kaart", user.tenant_slug),
        api: format!("/api/hsds/{}/", user.tenant_slug),
    })
}

#[derive(Deserialize, Default)]
pub struct PublishForm {
    #[serde(default)]
    publiceren: String,
}

/// POST /{tenant}/beheer/publicatie
pub async fn set(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    axum::Form(form): axum::Form<PublishForm>,
) -> AppResult<Response> {
    let on = match form.publiceren.as_str() {
        "ja" => true,
        "nee" => false,
        _ => {
            return Err(crate::error::AppError::BadRequest(
                "Kies of de sociale kaart gepubliceerd wordt: ja of nee.".into(),
            ))
        }
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let before: bool = sqlx::query_scalar("select tenant_set_published($1, $2)")
        .bind(user.tenant_id)
        .bind(on)
        .fetch_one(&mut *tx)
        .await?;
    let event = Event::new(
        if on {
            "sociale_kaart_gepubliceerd"
        } else {
            "sociale_kaart_offline"
        },
        "gemeente",
        user.tenant_id,
    )
    .before(serde_json::json!({ "gepubliceerd": before }))
    .after(serde_json::json!({ "gepubliceerd": on }));
    let target = format!(
        "{}?melding={}",
        user.href(Section::Publication.path()),
        if on { "aan" } else { "uit" }
    );
    audit::record_commit_redirect(tx, &user, &address, event, &target).await
}
