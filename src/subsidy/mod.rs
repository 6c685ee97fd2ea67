//! Subsidy schemes (DOMAIN.md's §6: regelingen, §6a: the Maastricht-style scored rounds, §6e:
//! the legal frame of the Algemene wet bestuursrecht).
//!
//! - [`schemes`]: the regelingen of a tenant, their budget and onderdelen, and each round with
//!   its published plafond and assessment protocol (beleidsmedewerkers, beheerders read).
//! - [`portal`] and [`application_form`]: the aanbieder's applications, drafts, submission by
//!   the server's clock, withdrawal; [`documents`]: the attachments, checked by content.
//! - [`assessment`]: conflict-of-interest declarations and scores per criterion.
//! - [`ranking`]: final scores, the computed price points ([`price`]), the ranking and award
//!   ([`award`]), deciding an onderdeel once, and the ranking as CSV.
//!
//! - [`pilot`], [`pilot_year`], [`pilot_allocate`]: Almelo-style pilots (§6b): partners, the
//!   clients per partner and the yearly budget's allocation by [`allocation`], in versions;
//!   [`pilot_agreement`]: the uitvoeringsovereenkomst per partner; [`pilot_monitoring`] (the
//!   partner's reports) and [`pilot_review`] (the officials'), rules in [`pilot_figures`];
//!   [`pilot_dashboard`] with SVG charts ([`charts`]); the business case per year planned
//!   against realised ([`pilot_business_case`], its page, form and store); the Positieve
//!   Gezondheid scores partners report with monitoring ([`pilot_health`], [`pilot_health_page`]).
//!
//! Money is in integer cents throughout ([`money`]).

pub mod accountability;
pub mod allocation;
pub mod application_form;
pub mod assessment;
pub mod award;
pub mod charts;
pub mod deadlines;
pub mod decide;
pub mod decision;
pub mod delay;
pub mod documents;
pub mod double_funding;
pub mod letter;
pub mod letter_pages;
pub mod money;
pub mod objection_outcome;
pub mod objections;
pub mod open_data;
pub mod payments;
pub mod pilot;
pub mod pilot_agreement;
pub mod pilot_agreement_page;
pub mod pilot_allocate;
pub mod pilot_business_case;
pub mod pilot_business_case_form;
pub mod pilot_business_case_page;
pub mod pilot_business_case_store;
pub mod pilot_dashboard;
pub mod pilot_figures;
pub mod pilot_health;
pub mod pilot_health_page;
pub mod pilot_import;
pub mod pilot_monitoring;
pub mod pilot_report_form;
pub mod pilot_review;
pub mod pilot_store;
pub mod pilot_year;
pub mod portal;
pub mod price;
pub mod ranking;
pub mod reminders;
pub mod rendement;
pub mod rendement_page;
pub mod report_documents;
pub mod round_setup;
pub mod scheme_setup;
pub mod schemes;
pub mod settlement;
pub mod store;
pub mod terms;
pub mod view;

use axum::extract::{DefaultBodyLimit, FromRequestParts, Path};
use axum::http::request::Parts;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;
use uuid::Uuid;

use crate::auth::access::{require_change, require_section};
use crate::auth::roles::Section;
use crate::error::AppError;
use crate::state::AppState;

/// `/{tenant}/regelingen`, `/{tenant}/aanvragen`, `/{tenant}/beoordelen`.
pub fn router() -> Router<AppState> {
    let schemes = Router::new()
        .route(
            "/{tenant}/regelingen",
            get(schemes::schemes_list).post(scheme_setup::scheme_create),
        )
        .route(
            "/{tenant}/regelingen/nieuw",
            get(scheme_setup::scheme_new)
                .route_layer(from_fn_with_state(Section::Schemes, require_change)),
        )
        .route(
            "/{tenant}/regelingen/{regeling}",
            get(schemes::scheme_show).post(scheme_setup::scheme_update),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/wijzigen",
            get(scheme_setup::scheme_edit)
                .route_layer(from_fn_with_state(Section::Schemes, require_change)),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes",
            post(round_setup::round_create),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/nieuw",
            get(round_setup::round_new)
                .route_layer(from_fn_with_state(Section::Schemes, require_change)),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}",
            get(schemes::round_show).post(round_setup::round_update),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}/wijzigen",
            get(round_setup::round_edit)
                .route_layer(from_fn_with_state(Section::Schemes, require_change)),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}/rangschikking",
            get(ranking::ranking_show),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}/verdagen",
            post(delay::delay_record),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}/rangschikking.csv",
            get(ranking::ranking_csv),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rondes/{ronde}/onderdelen/{onderdeel}/besluiten",
            post(decide::category_decide),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}",
            get(schemes::application_review),
        )
        .route(
            "/{tenant}/regelingen/termijnen",
            get(deadlines::deadlines_show),
        )
        .route(
            "/{tenant}/regelingen/betalingen",
            get(payments::payments_show),
        )
        .route(
            "/{tenant}/regelingen/betalingen.csv",
            get(payments::payments_csv),
        )
        .route(
            "/{tenant}/regelingen/betalingen/{id}/betaald",
            post(payments::payment_paid),
        )
        .route(
            "/{tenant}/regelingen/dubbele-financiering",
            get(double_funding::pages::official_show),
        )
        .route(
            "/{tenant}/regelingen/dubbele-financiering/sleutel",
            post(double_funding::pages::key_create),
        )
        .route(
            "/{tenant}/regelingen/dubbele-financiering/upload",
            post(double_funding::pages::official_upload)
                .layer(DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
        .route(
            "/{tenant}/regelingen/dubbele-financiering/controle",
            post(double_funding::pages::check),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/rendement",
            get(rendement_page::rendement_show).post(rendement_page::rendement_save),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot",
            get(pilot::pilot_show),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/partners",
            post(pilot::partner_add),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/partners/{aanbieder}/overeenkomst",
            get(pilot_agreement_page::agreement_show).post(pilot_agreement_page::agreement_save),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/dashboard",
            get(pilot_dashboard::dashboard_show),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/businesscase",
            get(pilot_business_case_page::business_case_show),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/businesscase/{jaar}/{soort}",
            get(pilot_business_case_form::case_edit)
                .post(pilot_business_case_form::case_save)
                .route_layer(from_fn_with_state(Section::Schemes, require_change)),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/gezondheid",
            get(pilot_health_page::health_show),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/monitoring",
            get(pilot_review::monitoring_overview),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/monitoring/{aanbieder}/{periode}",
            get(pilot_review::report_view),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/monitoring/{aanbieder}/{periode}/beoordelen",
            post(pilot_review::report_review),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/{jaar}",
            get(pilot_year::year_show),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/{jaar}/clienten",
            post(pilot_allocate::clients_save),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/{jaar}/behoefte.csv",
            post(pilot_import::need_import)
                .layer(DefaultBodyLimit::max(pilot_import::MAX_BYTES + 64 * 1024)),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/{jaar}/voorstel",
            post(pilot_allocate::allocation_propose),
        )
        .route(
            "/{tenant}/regelingen/{regeling}/pilot/{jaar}/aanpassing",
            post(pilot_allocate::allocation_adjust),
        )
        .route(
            "/{tenant}/regelingen/bezwaren",
            get(objections::objections_list),
        )
        .route(
            "/{tenant}/regelingen/bezwaren/{id}",
            get(objections::objection_show),
        )
        .route(
            "/{tenant}/regelingen/bezwaren/{id}/uitstel",
            post(objections::objection_postpone),
        )
        .route(
            "/{tenant}/regelingen/bezwaren/{id}/beslissen",
            post(objections::objection_decide),
        )
        .route(
            "/{tenant}/regelingen/bezwaren/{id}/ontvangstbevestiging",
            get(letter_pages::objection_receipt),
        )
        .route(
            "/{tenant}/regelingen/bezwaren/{id}/ontvangstbevestiging.pdf",
            get(letter_pages::objection_receipt_pdf),
        )
        .route(
            "/{tenant}/regelingen/bezwaren/{id}/beslissing",
            get(letter_pages::objection_decision),
        )
        .route(
            "/{tenant}/regelingen/bezwaren/{id}/beslissing.pdf",
            get(letter_pages::objection_decision_pdf),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/bezwaren",
            post(objections::objection_create),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/beschikking",
            get(letter_pages::decision_official),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/beschikking.pdf",
            get(letter_pages::decision_official_pdf),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/vaststelling",
            get(letter_pages::settlement_official),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/verdaging",
            get(letter_pages::delay_official),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/verdaging.pdf",
            get(letter_pages::delay_official_pdf),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/vaststelling.pdf",
            get(letter_pages::settlement_official_pdf),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/vaststellen",
            post(accountability::settle),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/aanvulling",
            post(schemes::completion_request),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/documenten/{document}",
            get(documents::document_for_official),
        )
        .route(
            "/{tenant}/regelingen/aanvragen/{id}/verantwoording/documenten/{document}",
            get(report_documents::for_official),
        )
        .route_layer(from_fn_with_state(Section::Schemes, require_section));
    let portal = Router::new()
        .route(
            "/{tenant}/aanvragen",
            get(portal::portal_show).post(portal::application_start),
        )
        .route(
            "/{tenant}/aanvragen/monitoring",
            get(pilot_report_form::monitoring_list),
        )
        .route(
            "/{tenant}/aanvragen/monitoring/{regeling}/overeenkomst",
            get(pilot_report_form::own_agreement),
        )
        .route(
            "/{tenant}/aanvragen/monitoring/{regeling}/{periode}",
            get(pilot_report_form::report_show).post(pilot_report_form::report_submit),
        )
        .route(
            "/{tenant}/aanvragen/deelnemers",
            get(double_funding::pages::partner_show),
        )
        .route(
            "/{tenant}/aanvragen/deelnemers/upload",
            post(double_funding::pages::partner_upload)
                .layer(DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
        .route(
            "/{tenant}/aanvragen/{id}",
            get(application_form::application_show).post(application_form::application_save),
        )
        .route(
            "/{tenant}/aanvragen/{id}/beschikking",
            get(letter_pages::decision_applicant),
        )
        .route(
            "/{tenant}/aanvragen/{id}/beschikking.pdf",
            get(letter_pages::decision_applicant_pdf),
        )
        .route(
            "/{tenant}/aanvragen/{id}/vaststelling",
            get(letter_pages::settlement_applicant),
        )
        .route(
            "/{tenant}/aanvragen/{id}/verdaging",
            get(letter_pages::delay_applicant),
        )
        .route(
            "/{tenant}/aanvragen/{id}/verdaging.pdf",
            get(letter_pages::delay_applicant_pdf),
        )
        .route(
            "/{tenant}/aanvragen/{id}/vaststelling.pdf",
            get(letter_pages::settlement_applicant_pdf),
        )
        .route(
            "/{tenant}/aanvragen/{id}/verantwoording",
            post(accountability::report_submit),
        )
        .route(
            "/{tenant}/aanvragen/{id}/verantwoording/documenten",
            post(report_documents::upload)
                .layer(DefaultBodyLimit::max(documents::MAX_BYTES + 64 * 1024)),
        )
        .route(
            "/{tenant}/aanvragen/{id}/verantwoording/documenten/{document}",
            get(report_documents::for_applicant),
        )
        .route(
            "/{tenant}/aanvragen/{id}/verantwoording/documenten/{document}/verwijderen",
            post(report_documents::delete),
        )
        .route(
            "/{tenant}/aanvragen/{id}/intrekken",
            post(application_form::application_withdraw),
        )
        .route(
            "/{tenant}/aanvragen/{id}/documenten",
            post(documents::document_upload)
                .layer(DefaultBodyLimit::max(documents::MAX_BYTES + 64 * 1024)),
        )
        .route(
            "/{tenant}/aanvragen/{id}/documenten/{document}",
            get(documents::document_for_applicant),
        )
        .route(
            "/{tenant}/aanvragen/{id}/documenten/{document}/verwijderen",
            post(documents::document_delete),
        )
        .route_layer(from_fn_with_state(Section::Applications, require_section));
    let assessment = Router::new()
        .route("/{tenant}/beoordelen", get(assessment::assessment_list))
        .route(
            "/{tenant}/beoordelen/{id}",
            get(assessment::assessment_show),
        )
        .route(
            "/{tenant}/beoordelen/{id}/verklaring",
            post(assessment::declaration_record),
        )
        .route(
            "/{tenant}/beoordelen/{id}/scores",
            post(assessment::scores_save),
        )
        .route(
            "/{tenant}/beoordelen/{id}/eindscore",
            post(assessment::final_scores_save),
        )
        .route(
            "/{tenant}/beoordelen/{id}/documenten/{document}",
            get(documents::document_for_assessor),
        )
        .route_layer(from_fn_with_state(Section::Assessment, require_section));
    schemes.merge(portal).merge(assessment)
}

/// Public routes: the granted subsidies of a published tenant, as a page and as 360Giving data.
pub fn public_router() -> Router<AppState> {
    Router::new().route("/{tenant}/kaart/subsidies", get(open_data::grants_page))
}

/// Open data, outside sessions and CSRF (nothing here changes state).
pub fn api_router() -> Router<AppState> {
    Router::new().route(
        "/api/360giving/{tenant}/grants.json",
        get(open_data::grants_json),
    )
}

/// The UUIDs of a subsidy route's path (`{regeling}`, `{ronde}`, `{onderdeel}`, `{id}`,
/// `{document}`): anything that is not a UUID is simply not found.
pub struct Ids(Vec<(String, Uuid)>);

impl Ids {
    /// The UUID of path parameter `name`; the router guarantees it exists.
    pub fn get(&self, name: &str) -> Uuid {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| *v)
            .unwrap_or_else(Uuid::nil)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ids {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(params) = Path::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::NotFound)?;
        params
            .into_iter()
            .filter(|(k, _)| k != "tenant")
            .map(|(k, v)| Uuid::parse_str(&v).map(|id| (k, id)))
            .collect::<Result<Vec<_>, _>>()
            .map(Ids)
            .map_err(|_| AppError::NotFound)
    }
}
