//! What a resident may know of a facility: the public facility page and the printable
//! handout are built from this, and only from this. Internal fields (capacity, notes, staff
//! names, checklist status, referral counts, funding, verification) are never read here.

use sqlx::FromRow;
use uuid::Uuid;

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::fields::cents_text;
use crate::form_errors::FormErrors;
use crate::register::facilities::closures::{self, Closure};
use crate::register::facilities::hours::{self, WEEKDAYS};
use crate::web::time_fmt;

#[derive(FromRow)]
struct Row {
    facility_id: Uuid,
    provider_id: Uuid,
    name: String,
    provider_name: String,
    description: String,
    street: String,
    house_number: String,
    postcode: Option<String>,
    city: String,
    buurt_name: Option<String>,
    phone: String,
    email: String,
    website: String,
    wheelchair: String,
    directions: String,
    opening_exceptions: String,
    closed_holidays: Vec<String>,
    closures: Vec<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    own_contribution: String,
    own_contribution_cents: Option<i64>,
    access: String,
    archived: bool,
    types: Vec<String>,
    target_groups: Vec<String>,
    hours: Vec<String>,
}

/// The statement of a facility's public facts (its columns are checked against
/// [`crate::register::public_fields`]).
pub(crate) const SQL: &str = "select f.facility_id, f.provider_id, f.name, p.name as provider_name, f.description, f.street, f.house_number, \
    f.postcode, f.city, b.name as buurt_name, f.phone, f.email, f.website, f.wheelchair, f.directions, \
    f.opening_exceptions, f.closed_holidays, f.latitude, f.longitude, f.own_contribution, f.own_contribution_cents, f.access, f.archived, \
    array(select z.closed_from || '/' || z.closed_to || ' ' || z.reason from facility_closures z \
          where z.tenant_id = f.tenant_id and z.facility_id = f.facility_id order by z.closed_from) as closures, \
    array(select t.name from facility_type_links l join facility_types t on t.tenant_id = l.tenant_id and t.code = l.type_code \
          where l.tenant_id = f.tenant_id and l.facility_id = f.facility_id order by l.is_main desc, t.name) as types, \
    array(select c.name from code_lists c where c.kind = 'doelgroep' and c.code = any (f.target_groups) order by c.position) \
          as target_groups, \
    array(select (array['ma','di','wo','do','vr','za','zo'])[h.weekday] || ' ' || to_char(h.opens, 'HH24:MI') || '-' || \
          to_char(h.closes, 'HH24:MI') from facility_hours h where h.tenant_id = f.tenant_id and h.facility_id = f.facility_id \
          order by h.weekday, h.opens) as hours \
    from facilities f join providers p on p.tenant_id = f.tenant_id and p.provider_id = f.provider_id \
    left join areas b on b.tenant_id = f.tenant_id and b.area_id = f.buurt_id \
    where f.tenant_id = $1 and f.facility_id = $2";

pub struct DayHours {
    pub day: &'static str,
    pub text: String,
}

/// A facility in plain words.
pub struct PublicFacts {
    pub id: Uuid,
    pub provider_id: Uuid,
    pub name: String,
    pub provider: String,
    pub description: String,
    pub types: Vec<String>,
    /// Street and number, then postcode and place; empty when it has no fixed address.
    pub address: Vec<String>,
    pub buurt: Option<String>,
    /// Latitude and longitude as text, for the small map.
    pub position: Option<(String, String)>,
    pub directions: String,
    pub hours: Vec<DayHours>,
    pub has_hours: bool,
    pub exceptions: String,
    /// Every closed period (the page picks those not yet over on the day it is shown: the facts
    /// are kept for a generation of the register, which may outlast a day).
    pub closures: Vec<Closure>,
    pub closed_holidays: Vec<String>,
    pub phone: String,
    pub email: String,
    pub website: String,
    pub costs: String,
    pub access: &'static str,
    pub wheelchair: &'static str,
    pub target_groups: Vec<String>,
    pub archived: bool,
}

impl PublicFacts {
    /// The facility `id` of the tenant, or `None` (also for another tenant's id).
    pub async fn load(tx: &mut TenantTx, id: Uuid) -> AppResult<Option<PublicFacts>> {
        let tenant_id = tx.tenant_id();
        let row: Option<Row> = sqlx::query_as(SQL)
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
        Ok(row.map(PublicFacts::from))
    }

    pub fn maps_href(&self) -> Option<String> {
        if self.address.is_empty() {
            return None;
        }
        let mut s = form_urlencoded::Serializer::for_suffix(
            String::from("https://www.openstreetmap.org/search?"),
            37,
        );
        s.append_pair("query", &self.address.join(", "));
        Some(s.finish())
    }

    /// The description cut at a sentence (or word) near `max` characters, so the handout
    /// stays on one page; the facility page shows it whole.
    pub fn description_within(&self, max: usize) -> String {
        if self.description.chars().count() <= max {
            return self.description.clone();
        }
        let cut: String = self.description.chars().take(max).collect();
        let end = cut
            .rfind(". ")
            .map(|i| i + 1)
            .or_else(|| cut.rfind(' '))
            .unwrap_or(cut.len());
        format!("{} …", cut[..end].trim_end())
    }

    /// The closed periods not over today, as sentences.
    pub fn closures_ahead(&self) -> Vec<String> {
        closures::upcoming(&self.closures, time_fmt::today())
    }

    /// "Gesloten op Koningsdag en Eerste Kerstdag", or empty.
    pub fn holidays_text(&self) -> String {
        closures::holidays_sentence(&self.closed_holidays)
    }

    /// Why it is closed today, if it is.
    pub fn closed_today(&self) -> Option<String> {
        closures::closed_on(time_fmt::today(), &self.closures, &self.closed_holidays)
    }

    pub fn tel_href(&self) -> String {
        self.phone
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect()
    }
}

fn costs(kind: &str, cents: Option<i64>) -> String {
    let amount = cents.map(cents_text).unwrap_or_default();
    match kind {
        "geen" => "Gratis.".into(),
        "consumpties" => "Gratis. U betaalt alleen voor koffie, eten of materialen.".into(),
        "per_bezoek" if !amount.is_empty() => format!("€ {amount} per keer."),
        "per_maand" if !amount.is_empty() => format!("€ {amount} per maand."),
        "per_bezoek" => "U betaalt een bedrag per keer.".into(),
        "per_maand" => "U betaalt een bedrag per maand.".into(),
        _ => String::new(),
    }
}

impl From<Row> for PublicFacts {
    fn from(r: Row) -> Self {
        let periods = hours::parse_week(r.hours.iter().map(String::as_str)).unwrap_or_default();
        let hours: Vec<DayHours> = WEEKDAYS
            .iter()
            .enumerate()
            .map(|(i, (_, day))| {
                let text = hours::day_text(&periods, i as i16 + 1)
                    .replace('-', " tot ")
                    .replace(", ", " en ");
                DayHours {
                    day,
                    text: if text.is_empty() {
                        "gesloten".into()
                    } else {
                        format!("{text} uur")
                    },
                }
            })
            .collect();
        let mut address = Vec::new();
        if !r.street.is_empty() {
            address.push(
                format!("{} {}", r.street, r.house_number)
                    .trim()
                    .to_string(),
            );
        }
        let place = format!("{} {}", r.postcode.unwrap_or_default(), r.city)
            .trim()
            .to_string();
        if !place.is_empty() {
            address.push(place);
        }
        PublicFacts {
            id: r.facility_id,
            provider_id: r.provider_id,
            name: r.name,
            provider: r.provider_name,
            description: r.description,
            types: r.types,
            address,
            buurt: r.buurt_name,
            position: r
                .latitude
                .zip(r.longitude)
                .map(|(lat, lon)| (format!("{lat:.6}"), format!("{lon:.6}"))),
            directions: r.directions,
            has_hours: !periods.is_empty(),
            hours,
            exceptions: r.opening_exceptions,
            closures: closures::parse(
                r.closures.iter().map(String::as_str),
                &mut FormErrors::default(),
            ),
            closed_holidays: r.closed_holidays,
            phone: r.phone,
            email: r.email,
            website: r.website,
            costs: costs(&r.own_contribution, r.own_contribution_cents),
            access: if r.access == "vrij" {
                "U kunt zo langskomen of bellen. U hebt geen verwijzing nodig."
            } else {
                "U hebt een verwijzing of indicatie nodig. Het wijkteam helpt u daarbij."
            },
            wheelchair: match r.wheelchair.as_str() {
                "ja" => "Ja, u kunt er met een rolstoel naar binnen.",
                "nee" => "Nee, helaas niet met een rolstoel.",
                _ => "",
            },
            target_groups: r.target_groups,
            archived: r.archived,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::costs;

    #[test]
    fn costs_in_plain_words() {
        assert_eq!(costs("geen", None), "Gratis.");
        assert_eq!(costs("per_bezoek", Some(250)), "€ 2,50 per keer.");
        assert_eq!(costs("per_maand", None), "U betaalt een bedrag per maand.");
    }
}
