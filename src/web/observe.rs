//! The outermost layer: a request id, one log line per request, and error pages in the layout
//! for every 4xx/5xx that does not already carry a page of its own.

use std::time::Instant;

use askama::Template;
use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use uuid::Uuid;

use crate::error::ErrorPage;
use crate::web::body_read;
use crate::web::layout::Layout;
use crate::web::request_info::RequestInfo;
use crate::web::time_fmt;

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorTemplate {
    layout: Layout,
    code: u16,
    heading: &'static str,
    message: &'static str,
    detail: Option<String>,
    signed_in: bool,
    /// For a visitor who is not signed in: the sociale kaarten to go to (href, name), the
    /// one of the address's organisation first; never the login page.
    kaarten: Vec<(String, String)>,
}

pub async fn observe(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let request_id = Uuid::new_v4();
    let info = RequestInfo::default();
    req.extensions_mut().insert(info.clone());
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "-".into());
    let is_api = req.uri().path().starts_with("/api/");
    let first_segment = req
        .uri()
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let body_read = body_read::has_body(req.headers()).then(|| {
        let (parts, body) = std::mem::take(&mut req).into_parts();
        let (body, seen) = body_read::watch(body);
        req = Request::from_parts(parts, body);
        seen
    });

    // PostgreSQL text cannot hold NUL, and no address legitimately contains one.
    let has_nul = req
        .uri()
        .path_and_query()
        .is_some_and(|pq| pq.as_str().to_ascii_lowercase().contains("%00"));
    let mut response = if has_nul && is_api {
        let mut r = crate::hsds::api::error_body(
            axum::http::StatusCode::BAD_REQUEST,
            "Het adres bevat een ongeldig teken.",
        );
        r.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
        r
    } else if has_nul {
        crate::error::AppError::BadRequest("Het adres bevat een ongeldig teken.".into())
            .into_response()
    } else {
        next.run(req).await
    };
    let status = response.status();
    if status.is_client_error() || status.is_server_error() {
        let is_html = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let marked = response.extensions().get::<ErrorPage>().cloned();
        if !is_api && (marked.is_some() || !is_html) {
            let kaarten = if status == StatusCode::NOT_FOUND && info.user().is_none() {
                kaarten(&state, &first_segment).await
            } else {
                Vec::new()
            };
            response = error_page(
                kaarten,
                response,
                status,
                marked.unwrap_or(ErrorPage {
                    detail: None,
                    retry_at: None,
                }),
                &info,
            );
        }
    }
    // The rest of a body not read cannot leave the connection fit for another request: say so,
    // or a client sends its next request on a connection about to close. A 413 never reads on.
    let unread = body_read.is_some_and(|seen| !seen.done());
    if unread || status == StatusCode::PAYLOAD_TOO_LARGE {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    if let Ok(value) = HeaderValue::from_str(&request_id.to_string()) {
        response.headers_mut().insert("x-request-id", value);
    }
    let user = info.user();
    tracing::info!(
        target: "request",
        method = %method,
        route = %route,
        status = status.as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        request_id = %request_id,
        tenant = user.as_ref().map(|u| u.tenant_slug.as_str()).unwrap_or("-"),
        user_id = %user.as_ref().map(|u| u.user_id.to_string()).unwrap_or_else(|| "-".into()),
    );
    response
}

/// The published sociale kaarten, the one of `slug` first (at most ten).
async fn kaarten(state: &crate::state::AppState, slug: &str) -> Vec<(String, String)> {
    let rows: Result<Vec<(String, String)>, _> = sqlx::query_as(
        "select slug, name from tenants where published order by slug <> $1, name limit 10",
    )
    .bind(slug)
    .fetch_all(state.db.pool())
    .await;
    let rows = rows.unwrap_or_else(|err| {
        tracing::warn!(error = %err, "the kaarten for a 404 could not be read");
        Vec::new()
    });
    let own = rows.iter().find(|(s, _)| s == slug).cloned();
    match own {
        // The address belongs to a published organisation: only its kaart.
        Some((s, name)) => vec![(format!("/{s}/kaart"), name)],
        None => rows
            .into_iter()
            .map(|(s, name)| (format!("/{s}/kaart"), name))
            .collect(),
    }
}

fn error_page(
    kaarten: Vec<(String, String)>,
    original: Response,
    status: StatusCode,
    page: ErrorPage,
    info: &RequestInfo,
) -> Response {
    let (heading, message) = texts(status);
    let user = info.user();
    let layout = match &user {
        Some(user) => Layout::for_user(user, heading, None),
        None => Layout::anonymous(heading, String::new()),
    };
    let mut detail = page.detail;
    if let Some(retry_at) = page.retry_at {
        detail = Some(format!(
            "U kunt het opnieuw proberen vanaf {} uur.",
            time_fmt::clock(retry_at)
        ));
    }
    let template = ErrorTemplate {
        layout,
        code: status.as_u16(),
        heading,
        message,
        detail,
        signed_in: user.is_some(),
        kaarten,
    };
    let body = match template.render() {
        Ok(html) => html,
        Err(err) => {
            tracing::error!(error = %err, "error page could not be rendered");
            format!("<!doctype html><html lang=\"nl\"><title>{heading}</title><h1>{heading}</h1><p>{message}</p></html>")
        }
    };
    let mut response = (status, Html(body)).into_response();
    for name in [header::RETRY_AFTER, header::ALLOW, header::LOCATION] {
        if let Some(value) = original.headers().get(&name) {
            response.headers_mut().insert(name, value.clone());
        }
    }
    response
}

fn texts(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => ("Dit verzoek klopt niet", "De gegevens in uw verzoek konden niet worden gelezen. Controleer het adres of het formulier en probeer het opnieuw."),
        401 => ("Inloggen nodig", "U moet ingelogd zijn om deze pagina te zien."),
        403 => ("Geen toegang", "U heeft geen toegang tot deze pagina of handeling. Denkt u dat dit niet klopt? Neem contact op met de beheerder van uw organisatie."),
        404 => ("Pagina niet gevonden", "Deze pagina bestaat niet of is verplaatst. Controleer het adres of ga naar de startpagina."),
        405 => ("Dit kan hier niet", "Deze handeling is op deze pagina niet mogelijk. Ga terug en gebruik de knoppen op de pagina."),
        408 => ("Dit duurde te lang", "Uw verzoek duurde te lang en is afgebroken. Probeer het opnieuw; lukt het weer niet, probeer het dan later nog eens."),
        409 => ("Intussen gewijzigd", "Dit is intussen al opgeslagen of gewijzigd, misschien doordat het formulier twee keer werd verstuurd. Ga terug, laad de pagina opnieuw en kijk of uw wijziging er al in staat."),
        413 => ("Bestand of formulier te groot", "Wat u verstuurde is groter dan is toegestaan. Maak het kleiner en probeer het opnieuw."),
        415 | 422 => ("Dit verzoek klopt niet", "Het formulier kon niet worden gelezen. Ga terug, controleer de velden en probeer het opnieuw."),
        429 => ("Te veel pogingen", "Er zijn te veel pogingen gedaan in korte tijd. Wacht even en probeer het dan opnieuw."),
        503 => ("Tijdelijk niet beschikbaar", "Het register is op dit moment niet bereikbaar. Probeer het over een paar minuten opnieuw; uw gegevens zijn veilig."),
        500..=599 => ("Er ging iets mis", "Er ging bij ons iets mis. Probeer het later opnieuw. Blijft het misgaan? Neem contact op met de beheerder."),
        _ => ("Dit verzoek klopt niet", "Uw verzoek kon niet worden verwerkt."),
    }
}
