//! The tenant's start page: what this user can do here.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use crate::auth::roles::{Role, Section};
use crate::auth::session::CurrentUser;
use crate::error::AppResult;
use crate::register::facilities::verification::{self, Due};
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::{time_fmt, Notice};

pub struct Card {
    pub title: &'static str,
    pub text: &'static str,
    pub href: String,
}

#[derive(Template)]
#[template(path = "home/home.html")]
struct HomePage {
    layout: Layout,
    user: CurrentUser,
    cards: Vec<Card>,
    is_regio: bool,
    /// An aanbieder's own facilities due for confirmation ([`verification`]).
    due: Vec<Due>,
    /// Whether `due` applies (the user is an aanbieder of an organisation).
    provider: bool,
    facilities_href: String,
}

fn describe(section: Section) -> &'static str {
    match section {
        Section::Home => "",
        Section::Account => "Wijzig uw wachtwoord.",
        Section::Lookup => "Zoek een voorziening voor een inwoner, print een folder en tel de verwijzing.",
        Section::Referrals => "Hoe vaak wijkteams naar welke voorzieningen verwezen, per route, reden, wijk en maand.",
        Section::Publication => "Publiceer het register als openbare sociale kaart en open data, of haal het offline.",
        Section::Facilities => "Het register: alle voorzieningen met adres, openingstijden, capaciteit, doelgroepen en toegang.",
        Section::Providers => "De organisaties die voorzieningen aanbieden, met KvK-nummer en contactgegevens.",
        Section::Checklist => "De regionale inventarisatie per levensgebied en voorzieningentype, de dekking per gemeente en wijk, en vraag tegenover aanbod.",
        Section::Stale => "Voorzieningen waarvan de gegevens al een jaar niet zijn gecontroleerd.",
        Section::Schemes => "Subsidieregelingen met hun budget, onderdelen en plafonds; rondes, rangschikking en besluiten.",
        Section::Applications => "Vraag subsidie aan voor uw organisatie, bewaar concepten en volg uw aanvragen tot het besluit.",
        Section::Assessment => "Beoordeel de subsidieaanvragen van een gesloten ronde, na een verklaring over belangenverstrengeling.",
        Section::Types => "De landelijke indeling in levensgebieden en voorzieningentypen, met uw eigen namen, aliassen en typen.",
        Section::Users => "Maak accounts aan, ken rollen toe en schakel accounts uit.",
        Section::Areas => {
            "Gemeenten, wijken en buurten met hun CBS-codes; importeer ze uit een CSV-bestand."
        }
        Section::Audit => "Wie heeft wat gewijzigd, en wanneer.",
    }
}

/// GET /{tenant}/
pub async fn home(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(notice): Query<Notice>,
) -> AppResult<Response> {
    let provider = user.provider_id.filter(|_| user.has_role(Role::Aanbieder));
    let due = match provider {
        Some(provider_id) => {
            let mut tx = state.db.tenant_tx(user.tenant_id).await?;
            let due =
                verification::due_of_provider(&mut tx, provider_id, time_fmt::today()).await?;
            tx.commit().await?;
            due
        }
        None => Vec::new(),
    };
    let cards = Section::NAV
        .into_iter()
        .filter(|s| *s != Section::Home && user.may(*s))
        .map(|s| Card {
            title: s.label(),
            text: describe(s),
            href: user.href(s.path()),
        })
        .collect();
    let notice = (notice.melding.as_deref() == Some("gecontroleerd"))
        .then_some("Dank u: de gegevens zijn bevestigd.");
    let layout =
        Layout::for_user(&user, user.tenant_name.clone(), Some(Section::Home)).with_notice(notice);
    let facilities_href = user.href(Section::Facilities.path());
    let is_regio = user.tenant_kind == "regio";
    render(&HomePage {
        layout,
        user,
        cards,
        is_regio,
        due,
        provider: provider.is_some(),
        facilities_href,
    })
}
