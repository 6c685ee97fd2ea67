//! The pages of the double-funding check: the beleidsmedewerker's (key, the municipality's
//! maatwerk upload, the check, the counts) and the aanbieder's (its participants' upload and
//! its own counts). Both explain the privacy design in plain Dutch.

use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use serde_json::json;

use super::pseudonym::{fingerprint, new_key, parse_key};
use super::screening::{holds_bsn, parse_upload};
use super::store::{self, Overlap, Upload};
use crate::audit::{self, Actor, Event};
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::form_errors::FormErrors;
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::{time_fmt, ClientAddr};

#[derive(Debug, Default, Deserialize)]
pub struct UploadForm {
    #[serde(default)]
    periode: String,
    #[serde(default)]
    pseudoniemen: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct CheckForm {
    #[serde(default)]
    periode: String,
}

#[derive(Template)]
#[template(path = "subsidy/double_funding/double_funding.html")]
struct Page {
    layout: Layout,
    official: bool,
    key: Option<(String, String)>,
    new_key: Option<String>,
    upload_action: String,
    key_action: String,
    check_action: String,
    period: String,
    pasted: String,
    uploads: Vec<Upload>,
    results: Vec<Overlap>,
    periods_to_check: Vec<String>,
    errors: FormErrors,
    /// What a partner sees of the counts, and the minimum upload, in words.
    rule: String,
    minimum: usize,
}

impl Page {
    fn when(&self, at: &time::OffsetDateTime) -> String {
        time_fmt::date_time(*at)
    }
}

fn base(user: &CurrentUser, official: bool) -> String {
    if official {
        format!(
            "{}/dubbele-financiering",
            user.href(Section::Schemes.path())
        )
    } else {
        format!("{}/deelnemers", user.href(Section::Applications.path()))
    }
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    official: bool,
    new_key: Option<String>,
    form: UploadForm,
    errors: FormErrors,
    notice: Option<&str>,
) -> AppResult<Response> {
    let provider = if official {
        None
    } else {
        Some(crate::subsidy::common::nav_page::own_provider(user)?)
    };
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let key = store::current_key(&mut tx).await?;
    let uploads = store::uploads(&mut tx, provider).await?;
    let results = store::results(&mut tx, provider).await?;
    tx.commit().await?;
    let mut periods_to_check: Vec<String> = uploads
        .iter()
        .filter(|u| u.current_key && u.checked_at.is_none() && u.side == "maatwerk")
        .map(|u| u.period.clone())
        .collect();
    periods_to_check.dedup();
    let invalid = !errors.is_empty();
    let title = if official {
        "Dubbele financiering"
    } else {
        "Deelnemers en dubbele financiering"
    };
    let section = if official {
        Section::Schemes
    } else {
        Section::Applications
    };
    let b = base(user, official);
    let year = time_fmt::today().year();
    let mut response = render(&Page {
        layout: Layout::for_user(user, title, Some(section)).with_notice(notice),
        official,
        key: key.map(|(_, f, at)| (f[..16].to_string(), time_fmt::date_time(at))),
        new_key,
        upload_action: format!("{b}/upload"),
        key_action: format!("{b}/sleutel"),
        check_action: format!("{b}/controle"),
        period: if form.periode.is_empty() {
            year.to_string()
        } else {
            form.periode
        },
        pasted: form.pseudoniemen,
        uploads,
        results,
        periods_to_check,
        errors,
        rule: super::disclosure::rule(state.settings.double_funding_minimum),
        minimum: state.settings.double_funding_minimum,
    })?;
    // The page may show a new key once: never cached.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if invalid {
        *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(response)
}

fn notice_of(query: &crate::subsidy::common::nav_page::NoticeQuery) -> Option<&'static str> {
    match query.melding.as_deref() {
        Some("upload") => Some("De pseudoniemen zijn ontvangen. Na de controle worden ze verwijderd."),
        Some("controle") => Some("De controle is uitgevoerd. De pseudoniemen van die periode zijn verwijderd; de aantallen blijven."),
        _ => None,
    }
}

/// GET /{tenant}/regelingen/dubbele-financiering
pub async fn official_show(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<crate::subsidy::common::nav_page::NoticeQuery>,
) -> AppResult<Response> {
    page(
        &state,
        &user,
        true,
        None,
        UploadForm::default(),
        FormErrors::default(),
        notice_of(&q),
    )
    .await
}

/// GET /{tenant}/aanvragen/deelnemers
pub async fn partner_show(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<crate::subsidy::common::nav_page::NoticeQuery>,
) -> AppResult<Response> {
    page(
        &state,
        &user,
        false,
        None,
        UploadForm::default(),
        FormErrors::default(),
        notice_of(&q),
    )
    .await
}

/// POST /{tenant}/regelingen/dubbele-financiering/sleutel: makes a new key, shows it once.
pub async fn key_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
) -> AppResult<Response> {
    let key = new_key();
    let print = fingerprint(&parse_key(&key).expect("a fresh key parses"));
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let by = format!("{} ({})", user.display_name, user.email);
    let deleted = store::rotate(&mut tx, &print, &by).await?;
    let event = Event::new("sleutel gemaakt", "dubbele financiering", &print[..16])
        .after(json!({"vingerafdruk": &print[..16], "verwijderde_pseudoniemen": deleted}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    page(
        &state,
        &user,
        true,
        Some(key),
        UploadForm::default(),
        FormErrors::default(),
        None,
    )
    .await
}

async fn upload(
    state: AppState,
    user: CurrentUser,
    address: String,
    official: bool,
    form: UploadForm,
) -> AppResult<Response> {
    let provider = if official {
        None
    } else {
        Some(crate::subsidy::common::nav_page::own_provider(&user)?)
    };
    let mut errors = FormErrors::default();
    let period = form.periode.trim().to_string();
    // A BSN typed where the period goes is never stored or shown back either.
    let period_holds_bsn = holds_bsn(&period);
    let period_ok =
        period.is_ascii() && period.len() == 4 && period.chars().all(|c| c.is_ascii_digit())
            || (period.is_ascii()
                && period.len() == 7
                && period[..4].chars().all(|c| c.is_ascii_digit())
                && ["-Q1", "-Q2", "-Q3", "-Q4"].contains(&&period[4..]));
    if period_holds_bsn {
        errors.add(
            "periode",
            "De periode lijkt een burgerservicenummer te bevatten; er is niets opgeslagen en de invoer wordt niet \
             teruggetoond. Vul de periode in als jaar (2027) of kwartaal (2027-Q1).",
        );
    } else if !period_ok {
        errors.add(
            "periode",
            "Vul de periode in als jaar (2027) of kwartaal (2027-Q1).",
        );
    }
    let parsed = parse_upload(&form.pseudoniemen, state.settings.double_funding_minimum);
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let key = store::current_key(&mut tx).await?;
    let mut upload_holds_bsn = false;
    let (fingerprint, pseudonyms) = match parsed {
        Ok(p) => (p.fingerprint, p.pseudonyms),
        Err(refusal) => {
            upload_holds_bsn = refusal.holds_bsn;
            errors.add("pseudoniemen", refusal.message);
            (String::new(), Vec::new())
        }
    };
    let key_id = match &key {
        None => {
            errors.add(
                "pseudoniemen",
                "De gemeente heeft nog geen sleutel gemaakt.",
            );
            None
        }
        Some((id, f, _)) if errors.get("pseudoniemen").is_none() && *f != fingerprint => {
            errors.add("pseudoniemen", "Deze pseudoniemen zijn met een andere sleutel gemaakt dan de huidige. Vraag de gemeente om de huidige sleutel.");
            let _ = id;
            None
        }
        Some((id, _, _)) => Some(*id),
    };
    if !errors.is_empty() {
        tx.commit().await?;
        // A refused upload is never shown back if it held a BSN; nor is such a period.
        let kept = if upload_holds_bsn {
            String::new()
        } else {
            form.pseudoniemen
        };
        let period = if period_holds_bsn {
            String::new()
        } else {
            form.periode
        };
        return page(
            &state,
            &user,
            official,
            None,
            UploadForm {
                periode: period,
                pseudoniemen: kept,
            },
            errors,
            None,
        )
        .await;
    }
    let side = if official { "maatwerk" } else { "aanbieder" };
    let by = format!("{} ({})", user.display_name, user.email);
    let upload_id = store::store_upload(
        &mut tx,
        key_id.expect("checked"),
        side,
        provider,
        &period,
        &pseudonyms,
        &by,
    )
    .await?;
    let event = Event::new("pseudoniemen ontvangen", "dubbele financiering", upload_id)
        .after(json!({"kant": side, "periode": period, "aantal": pseudonyms.len()}));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?melding=upload", base(&user, official))).into_response())
}

/// POST /{tenant}/regelingen/dubbele-financiering/upload: the municipality's maatwerk clients.
pub async fn official_upload(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Form(form): Form<UploadForm>,
) -> AppResult<Response> {
    upload(state, user, address, true, form).await
}

/// POST /{tenant}/aanvragen/deelnemers/upload: the partner's participants.
pub async fn partner_upload(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Form(form): Form<UploadForm>,
) -> AppResult<Response> {
    upload(state, user, address, false, form).await
}

/// POST /{tenant}/regelingen/dubbele-financiering/controle: `periode`.
pub async fn check(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    Form(form): Form<CheckForm>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let by = format!("{} ({})", user.display_name, user.email);
    let Some(counts) = store::check(&mut tx, form.periode.trim(), &by).await? else {
        tx.commit().await?;
        let mut errors = FormErrors::default();
        errors.add("periode", "Voor deze periode is er niet zowel een upload van de gemeente als van een aanbieder (met de huidige sleutel).");
        return page(
            &state,
            &user,
            true,
            None,
            UploadForm::default(),
            errors,
            None,
        )
        .await;
    };
    let event = Event::new(
        "controle dubbele financiering",
        "dubbele financiering",
        form.periode.trim(),
    )
    .after(json!({
        "periode": form.periode.trim(),
        "per_aanbieder": counts.iter().map(|(name, n, m, overlap)| json!({
            "aanbieder": name, "deelnemers": n, "maatwerkcliënten": m, "overlap": overlap,
        })).collect::<Vec<_>>(),
    }));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?melding=controle", base(&user, true))).into_response())
}
