//! The uitvoeringsovereenkomst of a pilot partner (§6b; the Almelo collegevoorstel Algemene voorzieningen dagstructurering (2018)): performance agreements per
//! group (places, opening hours, minimum professionals and volunteers for the group), the
//! occupancy aimed at and from which a group counts as near full, the six principles as the
//! partner works them out, and the agreed reporting frequency. The data and its rules; the
//! printable page and its form are [`crate::subsidy::pilot::agreement_page`].

use sqlx::FromRow;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::fields::optional_text;
use crate::form_errors::FormErrors;
use crate::subsidy::pilot::store::{self, Partner};

/// The six principles of the Almelo collegevoorstel Algemene voorzieningen dagstructurering (2018) ("Realisatie en monitoring"), title and text.
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

pub fn form_of(a: Option<&Agreement>, groups: &[Group]) -> BTreeMap<String, String> {
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
    if let Some(blocked) = reported_groups_removed(tx, scheme_id, provider_id, &kept).await? {
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

/// The partner `provider_id` of the pilot, or not found.
pub async fn partner_of(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Uuid,
) -> AppResult<Partner> {
    store::partners(tx, scheme_id)
        .await?
        .into_iter()
        .find(|p| p.provider_id == provider_id)
        .ok_or(AppError::NotFound)
}

/// A message when the agreement would drop groups that have been reported on.
pub async fn reported_groups_removed(
    tx: &mut TenantTx,
    scheme_id: Uuid,
    provider_id: Uuid,
    kept: &[&str],
) -> AppResult<Option<String>> {
    let tenant_id = tx.tenant_id();
    let names: Vec<String> = sqlx::query_scalar(
        "select distinct g.name from pilot_groups g join pilot_report_groups r \
         on r.tenant_id = g.tenant_id and r.group_id = g.group_id \
         where g.tenant_id = $1 and g.scheme_id = $2 and g.provider_id = $3 and not (g.name = any($4)) order by g.name",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .bind(provider_id)
    .bind(kept)
    .fetch_all(&mut **tx)
    .await?;
    Ok((!names.is_empty()).then(|| {
        format!(
            "Over {} is al gerapporteerd; laat de regel staan (plekken, tijden en bezetting mag u aanpassen).",
            names.join(", ")
        )
    }))
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
