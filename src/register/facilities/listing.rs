//! The facility list (`/{tenant}/voorzieningen`) as kept in memory per tenant and register
//! generation: every facility of the tenant (archived ones too) with what a list line shows, in
//! the order of the names without accents. A page of it, a count and a search by name then cost
//! no database work but reading the generation, however big the regio; the list is read again
//! when the register changes (`tenants.register_generation`). It lives in the signed-in tenant's
//! [`crate::cache::TenantCache`] (kept by [`super::page_data::kept_listing`]), never in the
//! public projection: it holds internal fields (when a facility was last verified, whether it
//! is archived).

use sqlx::FromRow;
use time::Date;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;

/// One facility as a list line shows it.
#[derive(Debug, Clone, FromRow)]
pub struct Line {
    pub facility_id: Uuid,
    pub name: String,
    pub provider_id: Uuid,
    pub type_names: String,
    pub place: String,
    pub verified_on: Option<Date>,
    pub archived: bool,
    /// The name in lower case without accents (`facilities.search_name`).
    search_name: String,
}

#[derive(Debug, FromRow)]
struct Provider {
    provider_id: Uuid,
    name: String,
    /// The name in lower case without accents, as PostgreSQL's `lower(unaccent(…))` makes it.
    folded: String,
}

/// The tenant's facilities for the list, in name order, and its providers' names.
#[derive(Debug)]
pub struct Listing {
    lines: Vec<Line>,
    /// By id, in id order.
    providers: Vec<Provider>,
}

/// Which lines a page asks for.
pub struct Wanted<'a> {
    pub archived: bool,
    /// Only this provider's facilities (an aanbieder's own), any when `None`.
    pub provider: Option<Uuid>,
    /// Text the name or the provider's name holds, folded like [`Provider::folded`]; all
    /// when empty.
    pub folded_text: &'a str,
    pub offset: usize,
    pub limit: usize,
}

impl Listing {
    /// Reads the tenant's list (in the transaction the generation was read in).
    pub async fn load(tx: &mut TenantTx) -> AppResult<Listing> {
        let tenant_id = tx.tenant_id();
        let lines: Vec<Line> = sqlx::query_as(
            "select f.facility_id, f.name, f.provider_id, f.search_name, \
             coalesce((select string_agg(t.name, ', ' order by l.is_main desc, t.name) from facility_type_links l \
               join facility_types t on t.tenant_id = l.tenant_id and t.code = l.type_code \
               where l.tenant_id = f.tenant_id and l.facility_id = f.facility_id), '') as type_names, \
             coalesce(b.name, f.city) as place, f.verified_on, f.archived \
             from facilities f left join areas b on b.tenant_id = f.tenant_id and b.area_id = f.buurt_id \
             where f.tenant_id = $1 order by f.search_name, f.facility_id",
        )
        .bind(tenant_id)
        .fetch_all(&mut **tx)
        .await?;
        let providers: Vec<Provider> = sqlx::query_as(
            "select provider_id, name, lower(unaccent(name)) as folded from providers \
             where tenant_id = $1 order by provider_id",
        )
        .bind(tenant_id)
        .fetch_all(&mut **tx)
        .await?;
        Ok(Listing { lines, providers })
    }

    fn provider(&self, id: Uuid) -> Option<&Provider> {
        self.providers
            .binary_search_by_key(&id, |p| p.provider_id)
            .ok()
            .map(|i| &self.providers[i])
    }

    /// The name of a line's provider.
    pub fn provider_name(&self, line: &Line) -> &str {
        self.provider(line.provider_id)
            .map(|p| p.name.as_str())
            .unwrap_or_default()
    }

    /// The lines of one page of what `wanted` asks for, and how many lines it asks for in all.
    pub fn page(&self, wanted: &Wanted) -> (Vec<&Line>, usize) {
        let text = wanted.folded_text;
        // Providers whose name holds the text, by id order (few; checked once each).
        let named: Vec<Uuid> = if text.is_empty() {
            Vec::new()
        } else {
            self.providers
                .iter()
                .filter(|p| p.folded.contains(text))
                .map(|p| p.provider_id)
                .collect()
        };
        let mut total = 0;
        let mut page = Vec::with_capacity(wanted.limit.min(self.lines.len()));
        for line in self.lines.iter().filter(|l| {
            l.archived == wanted.archived
                && wanted.provider.is_none_or(|p| l.provider_id == p)
                && (text.is_empty()
                    || l.search_name.contains(text)
                    || named.binary_search(&l.provider_id).is_ok())
        }) {
            if total >= wanted.offset && page.len() < wanted.limit {
                page.push(line);
            }
            total += 1;
        }
        (page, total)
    }

    /// An estimate of the memory it takes, for the cache's budget.
    pub fn bytes(&self) -> usize {
        let line = std::mem::size_of::<Line>();
        let provider = std::mem::size_of::<Provider>();
        self.lines
            .iter()
            .map(|l| {
                line + l.name.capacity()
                    + l.type_names.capacity()
                    + l.place.capacity()
                    + l.search_name.capacity()
            })
            .sum::<usize>()
            + self
                .providers
                .iter()
                .map(|p| provider + p.name.capacity() + p.folded.capacity())
                .sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str, provider: Uuid, archived: bool) -> Line {
        Line {
            facility_id: Uuid::new_v4(),
            name: name.into(),
            provider_id: provider,
            type_names: String::new(),
            place: String::new(),
            verified_on: None,
            archived,
            search_name: name.to_lowercase(),
        }
    }

    #[test]
    fn a_page_counts_all_it_asks_for_and_finds_names_and_providers() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let listing = Listing {
            lines: vec![
                line("Buurtkamer Oost", a, false),
                line("Eettafel", b, false),
                line("Huiskamer", a, true),
                line("Koffie-inloop", b, false),
                line("Maatjes", b, false),
            ],
            providers: vec![
                Provider {
                    provider_id: a,
                    name: "Stichting Één".into(),
                    folded: "stichting een".into(),
                },
                Provider {
                    provider_id: b,
                    name: "Humanitas".into(),
                    folded: "humanitas".into(),
                },
            ],
        };
        let names = |w: &Wanted| {
            let (page, total) = listing.page(w);
            (
                page.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(),
                total,
            )
        };
        let all = Wanted {
            archived: false,
            provider: None,
            folded_text: "",
            offset: 1,
            limit: 2,
        };
        assert_eq!(names(&all), (vec!["Eettafel", "Koffie-inloop"], 4));
        let text = Wanted {
            folded_text: "een",
            offset: 0,
            ..all
        };
        assert_eq!(
            names(&text),
            (vec!["Buurtkamer Oost"], 1),
            "provider's name"
        );
        let archive = Wanted {
            archived: true,
            folded_text: "kamer",
            ..text
        };
        assert_eq!(names(&archive), (vec!["Huiskamer"], 1));
        let own = Wanted {
            provider: Some(b),
            folded_text: "e",
            limit: 10,
            ..text
        };
        assert_eq!(
            names(&own),
            (vec!["Eettafel", "Koffie-inloop", "Maatjes"], 3)
        );
        assert_eq!(listing.provider_name(&listing.lines[1]), "Humanitas");
        assert!(listing.bytes() > 5 * std::mem::size_of::<Line>());
    }
}
