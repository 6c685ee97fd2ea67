//! The uitvoeringsovereenkomst of a pilot partner (§6b, seed 003): performance agreements per
//! group (places, opening hours, minimum professionals and volunteers for the group), the
//! occupancy aimed at and from which a group counts as near full, the six principles as the
//! partner works them out, and the agreed reporting frequency. One printable page; the
//! beleidsmedewerker edits it below the document.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use sqlx::FromRow;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

use super::money::euro;
use super::pilot::{by, pilot_href, pilot_scheme};
use super::pilot_store::{self, Partner};
use super::schemes::{notice, with_422, NoticeQuery};
use super::Ids;
use crate::audit::{self, Actor, Event};
use crate::auth::roles::Section;
use crate::auth::session::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::fields::optional_text;
use crate::state::AppState;
use crate::web::layout::{render, FormErrors, Layout};
use crate::web::{time_fmt, ClientAddr};

/// The six principles of seed 003 ("Realisatie en monitoring"), title and text.
pub const PRINCIPLES: [(&str, &str); 6] = [
    ("Open voor iedereen", "De welzijnsactiviteiten staan open voor alle inwoners, ongeacht afkomst, beperkingen en afstand tot de arbeidsmarkt (inclusie)."),
    ("Wijkgericht", "De welzijnsactiviteit wordt, voor zover mogelijk, wijkgericht georganiseerd: goede spreiding over de stad, generiek en specifiek, afgestemd op de wijkbehoefte, in opdracht van de wijk."),
    ("Betekenisgericht", "Het aanbod is betekenisvol voor de deelnemer."),
    ("Ontwikkelingsgericht", "Het aanbod stimuleert en bevordert de zelfredzaamheid en participatie."),
    ("Kwaliteit, veiligheid en continuïteit", "Kwaliteit en veiligheid voor de deelnemers worden gegarandeerd en continuïteit in ondersteuning wordt gewaarborgd."),
    ("Personele normen", "Zo nodig worden minimumnormen gesteld aan het aantal beroepskrachten en vrijwilligers, afhankelijk van de groepsgrootte."),
];

/// The reporting frequencies one can agree on.
pub const REPORTING: [(&str, &str); 4] = [
    ("maand", "per maand"),
    ("kwartaal", "per kwartaal"),
    ("halfjaar", "per halfjaar"),
    ("jaar", "per jaar"),
];

pub fn reporting_label(code: &str) -> &'static str {
    REPORTING
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("per kwartaal")
}

#[derive(Debug, Clone, FromRow)]
pub struct Agreement {
    pub reporting: String,
    pub target_occupancy: i32,
    pub near_full: i32,
    pub principles: Vec<String>,
    pub other_agreements: String,
    pub version: i32,
    pub updated_at: OffsetDateTime,
    pub updated_by: String,
}

#[derive(Debug, Clone, FromRow)]
pub struct Group {
    pub group_id: Uuid,
    pub provider_id: Uuid,
    pub name: String,
    pub places: i32,
    pub opening_hours: String,
    pub min_professionals: i32,
    pub min_volunteers: i32,
}

pub async fn agreement(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Uuid,
) -> AppResult<Option<Agreement>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select reporting, target_occupancy, near_full, principles, other_agreements, version, updated_at, updated_by \
         from pilot_agreements where tenant_id = $1 and scheme_id = $2 and provider_id = $3",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(provider_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// The groups of one partner, or of every partner of the pilot.
pub async fn groups(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Option<Uuid>,
) -> AppResult<Vec<Group>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select group_id, provider_id, name, places, opening_hours, min_professionals, min_volunteers \
         from pilot_groups where tenant_id = $1 and scheme_id = $2 and ($3::uuid is null or provider_id = $3) \
         order by position, name",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(provider_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// A group as typed: (name, places, opening hours, professionals, volunteers).
pub type GroupLine = (String, i32, String, i32, i32);

/// What the form holds, checked.
pub struct Checked {
    pub reporting: String,
    pub target_occupancy: i32,
    pub near_full: i32,
    pub principles: Vec<String>,
    pub other_agreements: String,
    pub groups: Vec<GroupLine>,
}

fn percentage(text: &str) -> Option<i32> {
    text.trim()
        .trim_end_matches('%')
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|p| (1..=100).contains(p))
}

/// Groups typed one per line: `naam | plekken | openingstijden | beroepskrachten | vrijwilligers`.
pub fn parse_groups(text: &str) -> Result<Vec<GroupLine>, String> {
    let mut groups: Vec<GroupLine> = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        let number = |s: &str, max: i32| s.parse::<i32>().ok().filter(|v| (0..=max).contains(v));
        let problem = match parts.as_slice() {
            [name, places, hours, professionals, volunteers] => {
                match (
                    number(places, 10_000).filter(|p| *p >= 1),
                    number(professionals, 1000),
                    number(volunteers, 1000),
                ) {
                    _ if name.is_empty() || name.chars().count() > 200 => {
                        Some("geef de groep een naam (hoogstens 200 tekens)".to_string())
                    }
                    _ if hours.is_empty() || hours.chars().count() > 200 => {
                        Some("vul de openingstijden in".to_string())
                    }
                    (None, _, _) => {
                        Some("het aantal plekken is een heel getal van 1 of meer".into())
                    }
                    (_, None, _) | (_, _, None) => Some(
                        "beroepskrachten en vrijwilligers zijn hele getallen, 0 of meer".into(),
                    ),
                    _ if groups.iter().any(|g| g.0 == *name) => {
                        Some(format!("de groep ‘{name}’ staat er al"))
                    }
                    (Some(p), Some(b), Some(v)) => {
                        groups.push((name.to_string(), p, hours.to_string(), b, v));
                        None
                    }
                }
            }
            _ => Some(
                "schrijf naam | plekken | openingstijden | beroepskrachten | vrijwilligers".into(),
            ),
        };
        if let Some(p) = problem {
            problems.push(format!("regel {}: {p}", n + 1));
        }
    }
    if problems.is_empty() {
        Ok(groups)
    } else {
        Err(format!("Controleer de groepen: {}.", problems.join("; ")))
    }
}

pub fn check(form: &BTreeMap<String, String>) -> Result<Checked, FormErrors> {
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let mut errors = FormErrors::default();
    let reporting = match REPORTING
        .iter()
        .find(|(c, _)| *c == get("rapportage").trim())
    {
        Some((c, _)) => c.to_string(),
        None => {
            errors.add("rapportage", "Kies hoe vaak de partner rapporteert.");
            String::new()
        }
    };
    let target_occupancy = percentage(get("bezettingsdoel")).unwrap_or_else(|| {
        errors.add(
            "bezettingsdoel",
            "Vul de beoogde bezettingsgraad in als percentage van 1 tot en met 100.",
        );
        0
    });
    let near_full = percentage(get("vol_vanaf")).unwrap_or_else(|| {
        errors.add(
            "vol_vanaf",
            "Vul in vanaf welk percentage een groep bijna vol is (1 tot en met 100).",
        );
        0
    });
    let mut principles = Vec::new();
    for i in 1..=6 {
        let key = format!("beginsel_{i}");
        match optional_text(get(&key), 2000, "de uitwerking") {
            Ok(t) => principles.push(t),
            Err(m) => {
                errors.add(key, m);
                principles.push(String::new());
            }
        }
    }
    let other_agreements = optional_text(get("afspraken"), 4000, "de overige afspraken")
        .map_err(|m| errors.add("afspraken", m))
        .unwrap_or_default();
    let groups = match parse_groups(get("groepen")) {
        Ok(g) if g.is_empty() => {
            errors.add(
                "groepen",
                "Geef minstens één groep, één per regel: naam | plekken | openingstijden | beroepskrachten | vrijwilligers.",
            );
            Vec::new()
        }
        Ok(g) => g,
        Err(m) => {
            errors.add("groepen", m);
            Vec::new()
        }
    };
    if errors.is_empty() {
        Ok(Checked {
            reporting,
            target_occupancy,
            near_full,
            principles,
            other_agreements,
            groups,
        })
    } else {
        Err(errors)
    }
}

fn form_of(a: Option<&Agreement>, groups: &[Group]) -> BTreeMap<String, String> {
    let mut form = BTreeMap::new();
    form.insert(
        "rapportage".into(),
        a.map(|a| a.reporting.clone()).unwrap_or("kwartaal".into()),
    );
    form.insert(
        "bezettingsdoel".into(),
        a.map(|a| a.target_occupancy).unwrap_or(85).to_string(),
    );
    form.insert(
        "vol_vanaf".into(),
        a.map(|a| a.near_full).unwrap_or(90).to_string(),
    );
    for i in 0..6 {
        form.insert(
            format!("beginsel_{}", i + 1),
            a.and_then(|a| a.principles.get(i).cloned())
                .unwrap_or_default(),
        );
    }
    form.insert(
        "afspraken".into(),
        a.map(|a| a.other_agreements.clone()).unwrap_or_default(),
    );
    form.insert(
        "groepen".into(),
        groups
            .iter()
            .map(|g| {
                format!(
                    "{} | {} | {} | {} | {}",
                    g.name, g.places, g.opening_hours, g.min_professionals, g.min_volunteers
                )
            })
            .collect::<Vec<_>>()
            .join("\n"),
    );
    form.insert(
        "versie".into(),
        a.map(|a| a.version).unwrap_or(0).to_string(),
    );
    form
}

/// Writes the agreement and its groups; groups are kept by name. Returns an error message when
/// a group that has monitoring reports would be removed.
pub async fn save(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Uuid,
    c: &Checked,
    who: &str,
) -> AppResult<Result<(), String>> {
    let tenant_id = tx.tenant_id();
    // Checked before anything is written: a refused save changes nothing.
    let kept: Vec<&str> = c.groups.iter().map(|g| g.0.as_str()).collect();
    if let Some(blocked) =
        super::pilot_monitoring::reported_groups_removed(tx, scheme_id, provider_id, &kept).await?
    {
        return Ok(Err(blocked));
    }
    sqlx::query(
        "insert into pilot_agreements (tenant_id, scheme_id, provider_id, reporting, target_occupancy, near_full, \
         principles, other_agreements, updated_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         on conflict (tenant_id, scheme_id, provider_id) do update set reporting = excluded.reporting, \
         target_occupancy = excluded.target_occupancy, near_full = excluded.near_full, \
         principles = excluded.principles, other_agreements = excluded.other_agreements, \
         updated_by = excluded.updated_by, updated_at = now(), version = pilot_agreements.version + 1",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(provider_id)
    .bind(&c.reporting)
    .bind(c.target_occupancy)
    .bind(c.near_full)
    .bind(&c.principles)
    .bind(&c.other_agreements)
    .bind(who)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "delete from pilot_groups where tenant_id = $1 and scheme_id = $2 and provider_id = $3 and not (name = any($4))",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(provider_id)
    .bind(&kept)
    .execute(&mut **tx)
    .await?;
    for (position, (name, places, hours, professionals, volunteers)) in c.groups.iter().enumerate()
    {
        sqlx::query(
            "insert into pilot_groups (tenant_id, scheme_id, provider_id, name, places, opening_hours, \
             min_professionals, min_volunteers, position) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             on conflict (tenant_id, scheme_id, provider_id, name) do update set places = excluded.places, \
             opening_hours = excluded.opening_hours, min_professionals = excluded.min_professionals, \
             min_volunteers = excluded.min_volunteers, position = excluded.position",
        )
        .bind(tenant_id)
        .bind(scheme_id)
        .bind(provider_id)
        .bind(name)
        .bind(places)
        .bind(hours)
        .bind(professionals)
        .bind(volunteers)
        .bind(position as i32)
        .execute(&mut **tx)
        .await?;
    }
    Ok(Ok(()))
}

struct PrincipleView {
    title: &'static str,
    text: &'static str,
    elaboration: String,
    field: String,
}

#[derive(Template)]
#[template(path = "subsidy/pilot_agreement.html")]
struct Page {
    layout: Layout,
    back: String,
    action: String,
    scheme_name: String,
    years: String,
    partner: String,
    agreement: Option<Agreement>,
    updated: String,
    reporting: &'static str,
    groups: Vec<Group>,
    places: i32,
    allocations: Vec<(i32, String)>,
    principles: Vec<PrincipleView>,
    reporting_options: Vec<(&'static str, &'static str)>,
    form: BTreeMap<String, String>,
    may_change: bool,
    errors: FormErrors,
}

impl Page {
    fn value(&self, key: &str) -> &str {
        self.form.get(key).map(String::as_str).unwrap_or("")
    }
}

/// The partner `provider_id` of the pilot, or not found.
pub async fn partner_of(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Uuid,
) -> AppResult<Partner> {
    pilot_store::partners(tx, scheme_id)
        .await?
        .into_iter()
        .find(|p| p.provider_id == provider_id)
        .ok_or(AppError::NotFound)
}

/// The agreement page; `typed` is a refused form as sent. `may_change` is false for the
/// partner's own read-only view.
pub async fn page(
    state: &AppState,
    user: &CurrentUser,
    scheme_id: Uuid,
    provider_id: Uuid,
    typed: Option<BTreeMap<String, String>>,
    errors: FormErrors,
    notice: Option<&str>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = pilot_scheme(&mut tx, scheme_id).await?;
    let partner = partner_of(&mut tx, scheme_id, provider_id).await?;
    let agreement = agreement(&mut tx, scheme_id, provider_id).await?;
    let groups = groups(&mut tx, scheme_id, Some(provider_id)).await?;
    let mut allocations = Vec::new();
    for year in scheme.first_year..=scheme.last_year {
        let current = pilot_store::allocations(&mut tx, scheme_id, year)
            .await?
            .into_iter()
            .next();
        if let Some(v) = current {
            let share = pilot_store::shares(&mut tx, scheme_id, year)
                .await?
                .into_iter()
                .find(|s| s.version == v.version && s.provider_id == provider_id)
                .map(|s| s.share_cents)
                .unwrap_or(0);
            allocations.push((year, euro(share)));
        }
    }
    tx.commit().await?;
    let may_change = user.may_change(Section::Schemes);
    let form = typed.unwrap_or_else(|| form_of(agreement.as_ref(), &groups));
    let invalid = !errors.is_empty();
    let base = format!("{}/partners/{provider_id}", pilot_href(user, scheme_id));
    let response = render(&Page {
        layout: Layout::for_user(
            user,
            format!("Uitvoeringsovereenkomst {}", partner.name),
            Some(if may_change || user.may(Section::Schemes) {
                Section::Schemes
            } else {
                Section::Applications
            }),
        )
        .with_notice(notice),
        back: if user.may(Section::Schemes) {
            pilot_href(user, scheme_id)
        } else {
            user.href("/aanvragen/monitoring")
        },
        action: format!("{base}/overeenkomst"),
        years: format!("{} tot en met {}", scheme.first_year, scheme.last_year),
        scheme_name: scheme.name,
        partner: partner.name,
        updated: agreement
            .as_ref()
            .map(|a| {
                format!(
                    "{} door {}",
                    time_fmt::date_time(a.updated_at),
                    a.updated_by
                )
            })
            .unwrap_or_default(),
        reporting: reporting_label(
            agreement
                .as_ref()
                .map(|a| a.reporting.as_str())
                .unwrap_or("kwartaal"),
        ),
        places: groups.iter().map(|g| g.places).sum(),
        principles: PRINCIPLES
            .iter()
            .enumerate()
            .map(|(i, (title, text))| PrincipleView {
                title,
                text,
                elaboration: agreement
                    .as_ref()
                    .and_then(|a| a.principles.get(i).cloned())
                    .unwrap_or_default(),
                field: format!("beginsel_{}", i + 1),
            })
            .collect(),
        agreement,
        groups,
        allocations,
        reporting_options: REPORTING.to_vec(),
        form,
        may_change,
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

/// GET /{tenant}/regelingen/{regeling}/pilot/partners/{aanbieder}/overeenkomst
pub async fn agreement_show(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    page(
        &state,
        &user,
        ids.get("regeling"),
        ids.get("aanbieder"),
        None,
        FormErrors::default(),
        notice(&q),
    )
    .await
}

/// POST /{tenant}/regelingen/{regeling}/pilot/partners/{aanbieder}/overeenkomst
pub async fn agreement_save(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let (scheme_id, provider_id) = (ids.get("regeling"), ids.get("aanbieder"));
    let form: BTreeMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    pilot_scheme(&mut tx, scheme_id).await?;
    partner_of(&mut tx, scheme_id, provider_id).await?;
    // The version check below holds until the commit.
    pilot_store::lock_scheme(&mut tx, scheme_id).await?;
    let before = agreement(&mut tx, scheme_id, provider_id).await?;
    let before_groups = groups(&mut tx, scheme_id, Some(provider_id)).await?;
    let (state, user) = (&state, &user);
    let refuse = |tx: TenantTx, errors: FormErrors, form: BTreeMap<String, String>| async move {
        tx.commit().await?;
        page(
            state,
            user,
            scheme_id,
            provider_id,
            Some(form),
            errors,
            None,
        )
        .await
    };
    let checked = match check(&form) {
        Ok(c) => c,
        Err(errors) => return refuse(tx, errors, form).await,
    };
    let sent_version = form
        .get("versie")
        .and_then(|v| v.trim().parse::<i32>().ok());
    let current_version = before.as_ref().map(|a| a.version).unwrap_or(0);
    if sent_version != Some(current_version) {
        let mut errors = FormErrors::default();
        errors.add(
            "rapportage",
            "Iemand anders heeft deze overeenkomst intussen gewijzigd. Uw invoer staat hieronder; vergelijk met de overeenkomst hierboven en sla opnieuw op.",
        );
        let mut form = form;
        form.insert("versie".into(), current_version.to_string());
        return refuse(tx, errors, form).await;
    }
    if let Err(message) = save(&mut tx, scheme_id, provider_id, &checked, &by(user)).await? {
        let mut errors = FormErrors::default();
        errors.add("groepen", message);
        return refuse(tx, errors, form).await;
    }
    let mut event = Event::new(
        "uitvoeringsovereenkomst gewijzigd",
        "pilotpartner",
        provider_id,
    )
    .after(json!(form_of(
        agreement(&mut tx, scheme_id, provider_id).await?.as_ref(),
        &groups(&mut tx, scheme_id, Some(provider_id)).await?
    )));
    if before.is_some() {
        event = event.before(json!(form_of(before.as_ref(), &before_groups)));
    }
    audit::record(&mut tx, &Actor::user(user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/partners/{provider_id}/overeenkomst?melding=opgeslagen",
        pilot_href(user, scheme_id)
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::parse_groups;

    #[test]
    fn groups_one_per_line() {
        let g = parse_groups(
            "Inloop De Riet | 15 | ma–vr 9.00–15.00 | 1 | 2\n\nKookgroep | 8 | di 10–14 | 1 | 0",
        )
        .unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!(g[1], ("Kookgroep".into(), 8, "di 10–14".into(), 1, 0));
        let e = parse_groups("A | 0 | ma | 1 | 1\nB | 5 | ma | x | 1\nC | 5 | ma\nC2 | 5 | ma | 1 | 1\nC2 | 5 | di | 1 | 1")
            .unwrap_err();
        assert!(e.contains("regel 1: het aantal plekken"));
        assert!(e.contains("regel 2: beroepskrachten"));
        assert!(e.contains("regel 3: schrijf naam"));
        assert!(e.contains("regel 5: de groep ‘C2’ staat er al"));
    }
}
