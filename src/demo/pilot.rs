//! Demo data of the Almelo pilot (the Almelo collegevoorstel Algemene voorzieningen dagstructurering (2018)): "Welzijnsactiviteiten dagstructurering" 2019–2021
//! with its budget per year and funding sources, four subsidised partners from the demo
//! providers, the wijkteams' assessed need and the realised clients, and each year's
//! allocation recorded by the product's own rule (2020 also adjusted, with a reason). The
//! business case and Positieve Gezondheid scores are in [`super::pilot_outcomes`].

use uuid::Uuid;

use crate::db::TenantTx;
use crate::subsidy::pilot::agreement::{self, parse_groups, Checked};
use crate::subsidy::pilot::allocation::largest_remainder;
use crate::subsidy::pilot::store::{self, NewAllocation, NewShare};

const BY: &str = "Lotte Beleid (beleid@almelo.demo)";

/// (year, source, euro): the proposal's decision 2 and 3.
const BUDGET: [(i32, &str, i64); 5] = [
    (2019, "Innovatiemiddelen", 200_000),
    (2019, "Budget maatwerk OMD", 300_000),
    (2020, "Innovatiemiddelen", 150_000),
    (2020, "Budget maatwerk OMD", 450_000),
    (2021, "Budget maatwerk OMD", 630_000),
];

/// Partner, then clients per year 2019, 2020, 2021: assessed need, then realised (none yet
/// for 2021).
const PARTNERS: [(&str, [i64; 3], [i64; 2]); 4] = [
    ("Avedan", [120, 135, 140], [110, 128]),
    ("Humanitas Almelo", [45, 55, 60], [52, 61]),
    ("Leger des Heils Oost Nederland", [40, 45, 50], [38, 40]),
    ("RIBW Groep Overijssel", [65, 75, 80], [70, 81]),
];

/// Partner, groups (`naam | plekken | openingstijden | beroepskrachten | vrijwilligers`) and
/// how the partner works out the wijkgericht principle.
const AGREEMENTS: [(&str, &str, &str); 4] = [
    (
        "Avedan",
        "Inloop De Riet | 15 | ma–vr 9.00–15.00 | 1 | 2\nOntmoetingsgroep Ossenkoppelerhoek | 12 | ma, wo, vr 9.30–14.30 | 1 | 2",
        "Groepen in De Riet en Ossenkoppelerhoek, waar de wijkteams de meeste vraag zien.",
    ),
    (
        "Humanitas Almelo",
        "Huiskamer Nieuwstraat-Kwartier | 10 | di–do 10.00–15.00 | 1 | 3",
        "Huiskamer in het Nieuwstraat-Kwartier, in opdracht van het wijkteam.",
    ),
    (
        "Leger des Heils Oost Nederland",
        "Dagactiviteiten Binnenstad | 12 | ma–vr 9.00–16.00 | 2 | 1",
        "Voor de hele stad, met inloop in de binnenstad.",
    ),
    (
        "RIBW Groep Overijssel",
        "Werkplaats Schelfhorst | 14 | ma–vr 9.00–16.00 | 2 | 1\nCreatief atelier | 8 | di en do 13.00–16.00 | 1 | 1",
        "Werkplaats in de Schelfhorst; het atelier wisselt van wijk per seizoen.",
    ),
];

/// Quarterly reports 2019–2021: occupancy rising through the pilot, one group short of staff
/// once, small outflow (shown as "< 5" to officials); the last reports of two partners are
/// missing (late), the last two quarters are not yet reviewed.
async fn reports(
    tx: &mut TenantTx,
    scheme: Uuid,
    partners: &[(&str, Uuid, [i64; 3], [i64; 2])],
) -> Result<(), String> {
    use crate::subsidy::pilot::figures::periods;
    use crate::subsidy::pilot::monitoring::{self, GroupFigures};
    for (name, provider, ..) in partners {
        let groups = agreement::groups(tx, scheme, Some(*provider))
            .await
            .map_err(err)?;
        for (q, period) in periods("kwartaal", 2019, 2021).iter().enumerate() {
            let missing = match *name {
                "Leger des Heils Oost Nederland" => q >= 11,
                "RIBW Groep Overijssel" => q >= 10,
                _ => false,
            };
            if missing {
                continue;
            }
            let q = q as i64;
            let rows: Vec<GroupFigures> = groups
                .iter()
                .enumerate()
                .map(|(gi, g)| {
                    let gi = gi as i64;
                    let places = g.places as i64;
                    let participants = (places * (62 + 3 * q + 4 * gi) / 100).min(places + 1);
                    let short = *name == "RIBW Groep Overijssel" && gi == 1 && q == 7;
                    GroupFigures::of(
                        *provider,
                        &period.code,
                        g.group_id,
                        [
                            places,
                            participants,
                            if short { 0 } else { g.min_professionals as i64 },
                            g.min_volunteers as i64 + q % 2,
                            2 + q / 3 + gi,
                            3 + q / 2,
                            q % 3,
                            (q + gi) % 2,
                            i64::from(q % 4 == 0),
                            1 + gi,
                        ],
                    )
                })
                .collect();
            monitoring::submit(
                tx,
                scheme,
                *provider,
                period,
                &rows,
                "Anouk Aanbieder (demo)",
            )
            .await
            .map_err(err)?;
            if q < 10 {
                sqlx::query(
                    "update pilot_reports set reviewed_at = now(), reviewed_by = $4 \
                     where tenant_id = $1 and scheme_id = $2 and provider_id = $3 and period = $5",
                )
                .bind(tx.tenant_id())
                .bind(scheme)
                .bind(provider)
                .bind(BY)
                .bind(&period.code)
                .execute(&mut **tx)
                .await
                .map_err(err)?;
            }
        }
    }
    Ok(())
}

fn err(e: impl std::fmt::Display) -> String {
    format!("pilot demo data: {e}")
}

pub async fn load(tx: &mut TenantTx) -> Result<(), String> {
    let tenant_id = tx.tenant_id();
    let scheme: Uuid = sqlx::query_scalar(
        "insert into subsidy_schemes (tenant_id, name, legal_basis, kind, first_year, last_year, description) \
         values ($1, 'Pilot welzijnsactiviteiten dagstructurering', \
         'Algemene subsidieverordening Almelo; collegebesluit van 18 december 2018 (pilot algemene voorzieningen dagstructurering).', \
         'pilot', 2019, 2021, \
         'Versterking van vrij toegankelijke welzijnsactiviteiten gericht op dagstructurering, voorliggend op maatwerk. \
          Het budget wordt over de gesubsidieerde partners verdeeld volgens de verdeling van cliënten.') \
         returning scheme_id",
    )
    .bind(tenant_id)
    .fetch_one(&mut **tx)
    .await
    .map_err(err)?;
    for (year, source, euro) in BUDGET {
        sqlx::query(
            "insert into subsidy_budget_lines (tenant_id, scheme_id, year, source, amount_cents) values ($1, $2, $3, $4, $5)",
        )
        .bind(tenant_id)
        .bind(scheme)
        .bind(year)
        .bind(source)
        .bind(euro * 100)
        .execute(&mut **tx)
        .await
        .map_err(err)?;
    }
    sqlx::query(
        "insert into subsidy_categories (tenant_id, scheme_id, code, name, description) values ($1, $2, \
         'welzijnsactiviteiten', 'Welzijnsactiviteiten dagstructurering', \
         'Groepsgewijze activiteiten die het welbevinden vergroten; open voor alle inwoners, zonder indicatie.')",
    )
    .bind(tenant_id)
    .bind(scheme)
    .execute(&mut **tx)
    .await
    .map_err(err)?;
    let mut partners = Vec::new();
    for (name, need, realised) in PARTNERS {
        let provider: Uuid = sqlx::query_scalar(
            "select provider_id from providers where tenant_id = $1 and name = $2",
        )
        .bind(tenant_id)
        .bind(name)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| err(format!("{name}: {e}")))?;
        store::add_partner(tx, scheme, provider, BY)
            .await
            .map_err(err)?;
        partners.push((name, provider, need, realised));
    }
    for (name, groups, wijkgericht) in AGREEMENTS {
        let provider = partners
            .iter()
            .find(|(n, ..)| *n == name)
            .map(|(_, id, ..)| *id)
            .ok_or_else(|| err(name))?;
        let checked = Checked {
            reporting: "kwartaal".into(),
            target_occupancy: 85,
            near_full: 90,
            principles: vec![
                "Geen indicatie nodig; iedereen kan binnenlopen.".into(),
                wijkgericht.into(),
                "Activiteiten kiest de groep mee.".into(),
                "Per deelnemer een persoonlijk doel, halfjaarlijks besproken.".into(),
                "Vaste begeleiders, vervanging bij ziekte geregeld; vrijwilligers met VOG.".into(),
                "Per groep minstens het afgesproken aantal beroepskrachten en vrijwilligers."
                    .into(),
            ],
            other_agreements: "Afstemming met de wijkteams en de gemeente eens per kwartaal."
                .into(),
            groups: parse_groups(groups).map_err(err)?,
        };
        agreement::save(tx, scheme, provider, &checked, BY)
            .await
            .map_err(err)?
            .map_err(err)?;
    }
    reports(tx, scheme, &partners).await?;
    let named: Vec<(&str, Uuid)> = partners.iter().map(|(n, id, ..)| (*n, *id)).collect();
    super::pilot_outcomes::load(tx, scheme, &named).await?;
    // The order the page and the rule use: by name.
    partners.sort_by_key(|(name, ..)| *name);
    for (i, year) in (2019..=2021).enumerate() {
        let need: Vec<(Uuid, String, i64)> = partners
            .iter()
            .map(|(_, id, need, _)| (*id, String::new(), need[i]))
            .collect();
        store::replace_clients(tx, scheme, year, "behoefte", &need, BY)
            .await
            .map_err(err)?;
        if i < 2 {
            let realised: Vec<(Uuid, String, i64)> = partners
                .iter()
                .map(|(_, id, _, r)| (*id, String::new(), r[i]))
                .collect();
            store::replace_clients(tx, scheme, year, "gerealiseerd", &realised, BY)
                .await
                .map_err(err)?;
        }
        let budget: i64 = BUDGET
            .iter()
            .filter(|(y, ..)| *y == year)
            .map(|(_, _, e)| e * 100)
            .sum();
        let counts: Vec<u64> = need.iter().map(|(_, _, n)| *n as u64).collect();
        let proposal = largest_remainder(budget, &counts).map_err(|e| err(e.text()))?;
        let shares: Vec<NewShare> = need
            .iter()
            .zip(&proposal)
            .map(|((id, _, n), cents)| NewShare {
                provider_id: *id,
                clients: *n,
                proposed_cents: *cents,
                share_cents: *cents,
            })
            .collect();
        let mut allocation = NewAllocation {
            year,
            budget_cents: budget,
            kind: "voorstel",
            reason: "",
            shares: &shares,
            by: BY,
        };
        store::record_allocation(tx, scheme, &allocation)
            .await
            .map_err(err)?;
        if year == 2020 {
            // Humanitas opens an extra group; Avedan gives up 10,000 euro for it.
            let adjusted: Vec<NewShare> = partners
                .iter()
                .zip(&shares)
                .map(|((name, ..), s)| NewShare {
                    share_cents: s.share_cents
                        + match *name {
                            "Humanitas Almelo" => 1_000_000,
                            "Avedan" => -1_000_000,
                            _ => 0,
                        },
                    ..*s
                })
                .collect();
            allocation.kind = "aanpassing";
            allocation.reason = "Humanitas opent in het voorjaar een extra groep in De Riet; afgestemd in het partneroverleg: 10.000 euro van Avedan naar Humanitas.";
            allocation.shares = &adjusted;
            store::record_allocation(tx, scheme, &allocation)
                .await
                .map_err(err)?;
        }
    }
    Ok(())
}
