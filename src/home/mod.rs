//! The tenant's start page: per role the figures that matter first ([`figures`]), then what
//! this user can do here.

pub mod figures;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use crate::auth::current_user::CurrentUser;
use crate::auth::roles::{Role, Section};
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
    official: Option<figures::OfficialFigures>,
    own: Option<figures::ProviderFigures>,
    /// The wijkteam's search box comes first; with the referrals counted this month.
    lookup: Option<i64>,
    admin: Option<figures::AdminFigures>,
    /// The beleidsmedewerker's money per recent round: (title, plafond, granted, paid, link).
    money: Vec<(String, String, String, String, String)>,
    href: Hrefs,
}

/// Where the figures link to.
struct Hrefs {
    lookup: String,
    stale: String,
    checklist: String,
    coverage: String,
    referrals: String,
    applications: String,
    users: String,
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
    let today = time_fmt::today();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let due = match provider {
        Some(provider_id) => verification::due_of_provider(&mut tx, provider_id, today).await?,
        None => Vec::new(),
    };
    let own = match provider {
        Some(provider_id) => Some(figures::provider(&mut tx, provider_id).await?),
        None => None,
    };
    let official = if user.has_role(Role::Beleidsmedewerker) {
        Some(figures::official(&mut tx, today).await?)
    } else {
        None
    };
    let money = if user.has_role(Role::Beleidsmedewerker) && user.may(Section::Schemes) {
        use crate::subsidy::common::money::euro;
        crate::subsidy::after::money_overview::recent_rounds(&mut tx, today.year())
            .await?
            .into_iter()
            .map(|r| {
                (
                    format!("{} – ronde {}", r.scheme, r.year),
                    euro(r.ceiling_cents),
                    euro(r.granted_cents),
                    euro(r.paid_cents),
                    format!(
                        "{}/{}/rondes/{}/geld",
                        user.href(Section::Schemes.path()),
                        r.scheme_id,
                        r.round_id
                    ),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let lookup = if user.has_role(Role::Wijkteam) {
        Some(figures::referrals_this_month(&mut tx, today).await?)
    } else {
        None
    };
    let admin = if user.has_role(Role::Beheerder) {
        Some(figures::admin(&mut tx).await?)
    } else {
        None
    };
    tx.commit().await?;
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
    let checklist = user.href(Section::Checklist.path());
    let href = Hrefs {
        lookup: user.href(Section::Lookup.path()),
        stale: user.href(Section::Stale.path()),
        coverage: format!("{checklist}/dekking"),
        checklist,
        referrals: user.href(Section::Referrals.path()),
        applications: user.href(Section::Applications.path()),
        users: user.href(Section::Users.path()),
    };
    render(&HomePage {
        layout,
        user,
        cards,
        is_regio,
        due,
        provider: provider.is_some(),
        facilities_href,
        official,
        own,
        lookup,
        admin,
        money,
        href,
    })
}
