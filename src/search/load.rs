//! Building a tenant's [`TenantIndex`] from its register: a handful of queries in one tenant
//! transaction, then per facility its bits in every option's set.

use std::collections::HashMap;

use sqlx::FromRow;
use time::{Date, OffsetDateTime, Time};
use uuid::Uuid;

use super::bits::Bits;
use super::closed::ClosedDays;
use super::filters::{opening_slot, CodeFilter, Flag, PerCodeFilter, PerFlag, OPENING_SLOTS};
use super::index::{children_of, lineage_in, Area, Entry, TenantIndex, TypeInfo};
use super::words::{stems_of, TextIndexBuilder};
use crate::cbs::Level;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::register::facilities::choices;
use crate::register::facilities::hours::{Period, DAGDELEN};
use crate::register::lists::NamedCode;

#[derive(FromRow)]
struct FacilityRow {
    facility_id: Uuid,
    provider_id: Uuid,
    modified: OffsetDateTime,
    name: String,
    provider_name: String,
    description: String,
    city: String,
    buurt_id: Option<Uuid>,
    serves_whole_region: bool,
    access: String,
    own_contribution: String,
    wheelchair: String,
    functions: Vec<String>,
    bouwstenen: Vec<String>,
    target_groups: Vec<String>,
    types: Vec<String>,
    served: Vec<Uuid>,
    /// `search_doc` in PostgreSQL's text form (read by [`super::words::stems_of`]: unnesting it
    /// in SQL cost the load most of its time).
    search_doc: String,
    search_name: String,
    closed_holidays: Vec<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

/// The listed facilities: not archived, of a provider that is not archived.
pub(crate) const FACILITIES: &str = "select f.facility_id, f.provider_id, greatest(f.updated_at, p.updated_at) as modified, f.name, p.name as provider_name, \
    f.description, f.city, f.buurt_id, \
    f.serves_whole_region, f.access, f.own_contribution, f.wheelchair, f.functions, f.bouwstenen, f.target_groups, \
    f.closed_holidays, f.latitude, f.longitude, \
    array(select l.type_code from facility_type_links l where l.tenant_id = f.tenant_id and l.facility_id = f.facility_id \
          order by l.is_main desc, l.type_code) as types, \
    array(select s.area_id from facility_service_areas s where s.tenant_id = f.tenant_id and s.facility_id = f.facility_id) as served, \
    f.search_doc::text as search_doc, f.search_name \
    from facilities f join providers p on p.tenant_id = f.tenant_id and p.provider_id = f.provider_id \
    where f.tenant_id = $1 and not f.archived and not p.archived order by lower(f.name), f.facility_id";

async fn areas(tx: &mut TenantTx) -> AppResult<Vec<Area>> {
    let tenant_id = tx.tenant_id();
    let rows: Vec<(Uuid, String, String, String, Option<Uuid>)> = sqlx::query_as(
        "select area_id, cbs_code, name, level, parent_id from areas where tenant_id = $1 \
         order by case level when 'gemeente' then 0 when 'wijk' then 1 else 2 end, cbs_code",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?;
    let pos: HashMap<Uuid, usize> = rows.iter().enumerate().map(|(i, a)| (a.0, i)).collect();
    let several = rows.iter().filter(|a| a.3 == "gemeente").count() > 1;
    rows.iter()
        .map(|(id, code, name, level, parent)| {
            let level = Level::parse(level)
                .ok_or_else(|| AppError::internal(format!("area {code} has level {level:?}")))?;
            let dashes = match level {
                Level::Gemeente => 0,
                Level::Wijk => usize::from(several),
                Level::Buurt => 1 + usize::from(several),
            };
            Ok(Area {
                id: *id,
                code: code.clone(),
                name: name.clone(),
                level,
                parent: parent.and_then(|p| pos.get(&p).copied()),
                label: format!("{}{name}", "– ".repeat(dashes)),
            })
        })
        .collect()
}

/// Per facility, the [`opening_slot`]s it is open at, as a mask.
async fn opening(tx: &mut TenantTx) -> AppResult<HashMap<Uuid, u32>> {
    let tenant_id = tx.tenant_id();
    let hours: Vec<(Uuid, i16, Time, Time)> = sqlx::query_as(
        "select facility_id, weekday, opens, closes from facility_hours where tenant_id = $1",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut open: HashMap<Uuid, u32> = HashMap::new();
    for (id, weekday, opens, closes) in hours {
        let period = Period {
            weekday,
            opens,
            closes,
        };
        for part in period.dagdelen() {
            let d = DAGDELEN.iter().position(|x| *x == part).unwrap_or(0);
            *open.entry(id).or_default() |= 1 << opening_slot(weekday as usize, d);
        }
    }
    Ok(open)
}

/// Characters in a summary, at most.
const SUMMARY_CHARS: usize = 220;

/// What a result line shows of a description: its first [`SUMMARY_CHARS`] characters with each
/// run of white space made one space (as `regexp_replace(…, '\s+', ' ', 'g')` would; for ASCII
/// white space).
pub fn summary(description: &str) -> String {
    let mut out = String::with_capacity(description.len().min(SUMMARY_CHARS * 2));
    let mut after_space = false;
    for c in description
        .chars()
        .filter_map(|c| {
            let space = c.is_ascii_whitespace() || c == '\x0b';
            let skip = space && after_space;
            after_space = space;
            (!skip).then_some(if space { ' ' } else { c })
        })
        .take(SUMMARY_CHARS)
    {
        out.push(c);
    }
    out
}

/// The tenant's projection, read through `tx`, labelled `generation`.
pub async fn load(tx: &mut TenantTx, generation: i64) -> AppResult<TenantIndex> {
    let tenant_id = tx.tenant_id();
    let levensgebieden: Vec<NamedCode> =
        sqlx::query_as("select code, name from levensgebieden order by position")
            .fetch_all(&mut **tx)
            .await?;
    // With each type the unaccented words of its name and aliases, for typos in them.
    let type_rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "select code, name, levensgebied, lower(unaccent(name || ' ' || array_to_string(aliases, ' '))) \
         from facility_types where tenant_id = $1 order by position, name",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?;
    let type_texts: Vec<String> = type_rows.iter().map(|t| t.3.clone()).collect();
    let types: Vec<TypeInfo> = type_rows
        .into_iter()
        .map(|(code, name, g, _)| TypeInfo {
            code,
            name,
            levensgebied: levensgebieden.iter().position(|l| l.code == g).unwrap_or(0),
        })
        .collect();
    let codes: Vec<(String, String, String)> = sqlx::query_as(
        "select kind, code, name from code_lists where kind in ('functie', 'bouwsteen', 'doelgroep') order by kind, position",
    )
    .fetch_all(&mut **tx)
    .await?;
    let list = |kind: &str| -> Vec<NamedCode> {
        codes
            .iter()
            .filter(|c| c.0 == kind)
            .map(|c| NamedCode {
                code: c.1.clone(),
                name: c.2.clone(),
            })
            .collect()
    };
    let code_lists = [list("functie"), list("bouwsteen"), list("doelgroep")];
    let areas = areas(tx).await?;
    let open_at = opening(tx).await?;
    let rows: Vec<FacilityRow> = sqlx::query_as(FACILITIES)
        .bind(tenant_id)
        .fetch_all(&mut **tx)
        .await?;
    // Periods over for more than a week can no longer close anything the search asks about.
    let periods: Vec<(Uuid, Date, Date)> = sqlx::query_as(
        "select facility_id, closed_from, closed_to from facility_closures \
         where tenant_id = $1 and closed_to >= current_date - 7",
    )
    .bind(tenant_id)
    .fetch_all(&mut **tx)
    .await?;

    let n = rows.len();
    let area_pos: HashMap<Uuid, usize> = areas.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    let type_pos: HashMap<&str, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.code.as_str(), i))
        .collect();
    let code_pos: Vec<HashMap<&str, usize>> = code_lists
        .iter()
        .map(|l| {
            l.iter()
                .enumerate()
                .map(|(i, c)| (c.code.as_str(), i))
                .collect()
        })
        .collect();
    let children = children_of(&areas);
    let lineage = |at: usize| lineage_in(&areas, at);
    let options_of = |filter| match filter {
        CodeFilter::Levensgebied => levensgebieden.len(),
        CodeFilter::Type => types.len(),
        CodeFilter::Functie => code_lists[0].len(),
        CodeFilter::Bouwsteen => code_lists[1].len(),
        CodeFilter::Doelgroep => code_lists[2].len(),
        CodeFilter::Gebied => areas.len(),
    };
    let mut options = PerCodeFilter(CodeFilter::ALL.map(|f| vec![Bits::empty(n); options_of(f)]));
    let mut flags = PerFlag(Flag::ALL.map(|_| Bits::empty(n)));
    let mut opening = vec![Bits::empty(n); OPENING_SLOTS];
    let mut text = TextIndexBuilder::default();
    let mut closed = ClosedDays::default();
    let mut entries = Vec::with_capacity(n);
    let mut provider_names: HashMap<Uuid, std::sync::Arc<str>> = HashMap::new();
    for (i, row) in rows.into_iter().enumerate() {
        let entry_types: Vec<usize> = row
            .types
            .iter()
            .filter_map(|c| type_pos.get(c.as_str()).copied())
            .collect();
        for t in &entry_types {
            options[CodeFilter::Type][*t].set(i);
            options[CodeFilter::Levensgebied][types[*t].levensgebied].set(i);
        }
        for (k, (filter, values)) in [
            (CodeFilter::Functie, &row.functions),
            (CodeFilter::Bouwsteen, &row.bouwstenen),
            (CodeFilter::Doelgroep, &row.target_groups),
        ]
        .into_iter()
        .enumerate()
        {
            for x in values.iter().filter_map(|c| code_pos[k].get(c.as_str())) {
                options[filter][*x].set(i);
            }
        }
        let gebied = &mut options[CodeFilter::Gebied];
        let buurt = row.buurt_id.and_then(|b| area_pos.get(&b).copied());
        let located = buurt.map(lineage).unwrap_or_default();
        for a in &located {
            gebied[*a].set(i);
        }
        // A served area with the areas above it and every part of it (areas nest three deep).
        for served in row.served.iter().filter_map(|s| area_pos.get(s).copied()) {
            for a in lineage(served) {
                gebied[a].set(i);
            }
            for child in &children[served] {
                gebied[*child].set(i);
                for grandchild in &children[*child] {
                    gebied[*grandchild].set(i);
                }
            }
        }
        if row.serves_whole_region {
            gebied.iter_mut().for_each(|set| set.set(i));
        }
        for (flag, yes) in [
            (Flag::NoIndication, row.access == "vrij"),
            (
                Flag::NoOwnContribution,
                choices::free_to_join(&row.own_contribution),
            ),
            (Flag::WheelchairAccessible, row.wheelchair == "ja"),
        ] {
            if yes {
                flags[flag].set(i);
            }
        }
        let mask = open_at.get(&row.facility_id).copied().unwrap_or(0);
        for (bit, set) in opening.iter_mut().enumerate() {
            if mask & (1 << bit) != 0 {
                set.set(i);
            }
        }
        closed.add_holidays(i, &row.closed_holidays);
        let texts: Vec<&str> = entry_types
            .iter()
            .map(|t| type_texts[*t].as_str())
            .collect();
        text.add(&stems_of(&row.search_doc), &row.search_name, &texts);
        let level = |l: Level| located.iter().copied().find(|a| areas[*a].level == l);
        entries.push(Entry {
            id: row.facility_id,
            provider_id: row.provider_id,
            modified: row.modified,
            name: row.name.into_boxed_str(),
            provider: provider_names
                .entry(row.provider_id)
                .or_insert_with(|| row.provider_name.into())
                .clone(),
            summary: summary(&row.description).into_boxed_str(),
            city: row.city.into_boxed_str(),
            types: entry_types,
            buurt,
            wijk: level(Level::Wijk),
            gemeente: level(Level::Gemeente),
            position: row.latitude.zip(row.longitude),
        });
    }
    let position: HashMap<Uuid, usize> =
        entries.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
    for (id, from, to) in periods {
        if let Some(i) = position.get(&id) {
            closed.add_period(*i, from, to);
        }
    }
    Ok(TenantIndex::new(
        generation,
        entries,
        levensgebieden,
        types,
        code_lists,
        areas,
        options,
        flags,
        opening,
        closed,
        text.build(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_makes_runs_of_white_space_one_space_and_stops_at_220_characters() {
        assert_eq!(summary("  Koffie\n\n\tén\r\n  thee "), " Koffie én thee ");
        let long = "é ".repeat(200);
        assert_eq!(summary(&long).chars().count(), SUMMARY_CHARS);
        assert_eq!(
            summary("a\u{a0}\u{a0}b"),
            "a\u{a0}\u{a0}b",
            "only ASCII white space"
        );
    }
}
