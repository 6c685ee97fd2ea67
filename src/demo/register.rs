//! The demo register: facilities from `data/facilities.csv`, checked by the same rules as the
//! form and the import. Providers the file names but the tenant lacks are added.

use crate::db::TenantTx;
use crate::register::facilities::record::{RawFacility, LIST_COLUMNS};
use crate::register::facilities::store;
use crate::register::facilities::validate::validate;

const FACILITIES: &str = include_str!("data/facilities.csv");

/// A spread of verification dates: most checked this year, some stale, a few never.
fn verified_days_ago(line: usize) -> Option<i64> {
    match line % 9 {
        0 => None,
        1 => Some(400 + (line as i64 * 7) % 200),
        n => Some((n as i64 * 37 + line as i64 * 11) % 330),
    }
}

/// Opening exceptions, dated from `today`: a third close on the general holidays, one in five
/// over Christmas, and one in seven for a summer fortnight (the coming one).
fn closures_of(line: usize, today: time::Date, raw: &mut RawFacility) {
    use crate::register::facilities::closures;
    use time::{Date, Month};
    if line.is_multiple_of(3) {
        let general = crate::holidays::ALL.iter().filter(|h| h.general);
        raw.set_list(
            closures::HOLIDAYS_FIELD,
            general.map(|h| h.code.to_string()).collect(),
        );
    }
    let on = |year: i32, month: Month, day: u8| {
        Date::from_calendar_date(year, month, day).expect("a valid date")
    };
    let mut periods = Vec::new();
    if line % 5 == 1 {
        // The Christmas closure that has not ended yet.
        let year = if today > on(today.year(), Month::January, 1) {
            today.year()
        } else {
            today.year() - 1
        };
        let (from, to) = (
            on(year, Month::December, 24),
            on(year + 1, Month::January, 1),
        );
        periods.push(format!("{from}/{to} Kerstsluiting"));
    }
    if line % 7 == 2 {
        let year = if today > on(today.year(), Month::August, 14) {
            today.year() + 1
        } else {
            today.year()
        };
        let (from, to) = (on(year, Month::August, 1), on(year, Month::August, 14));
        periods.push(format!("{from}/{to} Zomersluiting"));
    }
    raw.set_list(closures::FIELD, periods);
}

/// Residents per wijk and named demand indicators (Platform31's Werken aan herstel en stabiliteit (2021)), varied by CBS code so that
/// some wijken fall below the median. The figures are invented for the demo; the years are
/// counted back from today, as the sources publish (CBS about two years late, the GGD
/// Gezondheidsmonitor every four years: the last survey year before today).
pub async fn load_demand(tx: &mut TenantTx) -> Result<(), String> {
    let tenant_id = tx.tenant_id();
    let year = crate::web::time_fmt::today().year();
    let survey = year - 1 - (year - 1 - 2020).rem_euclid(4);
    let statements: [(&str, Vec<i32>); 3] = [
        (
            "update areas set residents = 2500 + (substr(cbs_code, 3)::int * 53) % 9500 \
             where tenant_id = $1 and level = 'wijk' and residents is null",
            vec![],
        ),
        (
            "insert into demand_indicators (tenant_id, code, name, unit, source, year, main) values \
             ($1, 'vraag', 'Inwoners met een psychische kwetsbaarheid (schatting)', 'aantal', 'Eigen schatting op basis van de GGD Gezondheidsmonitor', $2, true), \
             ($1, 'eenzaamheid', 'Eenzaamheid', 'percentage', 'GGD Gezondheidsmonitor Volwassenen en Ouderen', $2, false), \
             ($1, 'plus75', '75-plussers', 'aantal', 'CBS Kerncijfers wijken en buurten', $3, false), \
             ($1, 'laag_inkomen', 'Huishoudens met een laag inkomen', 'percentage', 'CBS Kerncijfers wijken en buurten', $4, false) \
             on conflict do nothing",
            vec![survey, year - 2, year - 3],
        ),
        (
            "insert into area_demand (tenant_id, area_id, indicator, value) \
             select tenant_id, area_id, 'vraag', 150 + (substr(cbs_code, 3)::int * 37) % 900 \
             from areas where tenant_id = $1 and level = 'wijk' \
             union all select tenant_id, area_id, 'eenzaamheid', (80 + (substr(cbs_code, 3)::int * 29) % 120) / 10.0 \
             from areas where tenant_id = $1 and level = 'wijk' \
             union all select tenant_id, area_id, 'plus75', round(residents * (4 + (substr(cbs_code, 3)::int * 7) % 11) / 100.0) \
             from areas where tenant_id = $1 and level = 'wijk' \
             union all select tenant_id, area_id, 'laag_inkomen', (40 + (substr(cbs_code, 3)::int * 17) % 110) / 10.0 \
             from areas where tenant_id = $1 and level = 'wijk' \
             on conflict do nothing",
            vec![],
        ),
    ];
    for (sql, years) in statements {
        let mut query = sqlx::query(sql).bind(tenant_id);
        for y in years {
            query = query.bind(y);
        }
        query.execute(&mut **tx).await.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// A few months of referral counts, spread over routes, reasons and wijken, and the register
/// published as a public sociale kaart.
pub async fn load_referrals_and_publish(tx: &mut TenantTx) -> Result<(), String> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "insert into referrals (tenant_id, facility_id, referred_on, route, reason, wijk_id) \
         select f.tenant_id, f.facility_id, current_date - (g * 23 + abs(hashtext(f.name)) % 29) % 170, \
           (array['wijkteam', 'wijkteam', 'wijkteam', 'zelfstandig', 'andere_organisatie', 'sociale_zaken'])[1 + (g + abs(hashtext(f.name))) % 6], \
           case when g % 3 = 0 then null else (select c.code from code_lists c where c.kind = 'verwijsreden' \
             order by c.position offset (g * 5 + abs(hashtext(f.name))) % 13 limit 1) end, \
           (select w.area_id from areas w where w.tenant_id = f.tenant_id and w.level = 'wijk' order by w.cbs_code \
             offset (g + abs(hashtext(f.facility_id::text))) % greatest(1, (select count(*) from areas x \
               where x.tenant_id = f.tenant_id and x.level = 'wijk')) limit 1) \
         from facilities f cross join lateral generate_series(1, 1 + abs(hashtext(f.name)) % 7) as g \
         where f.tenant_id = $1 and not f.archived",
    )
    .bind(tenant_id)
    .execute(&mut **tx)
    .await
    .map_err(|e| e.to_string())?;
    sqlx::query("update tenants set published = true where tenant_id = $1")
        .bind(tenant_id)
        .execute(&mut **tx)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

pub async fn load_facilities(tx: &mut TenantTx, slug: &str) -> Result<(), String> {
    let tenant_id = tx.tenant_id();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(FACILITIES.as_bytes());
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let today = crate::web::time_fmt::today();
    for (line, row) in reader.records().enumerate() {
        let row = row.map_err(|e| e.to_string())?;
        if row.get(0) != Some(slug) {
            continue;
        }
        let mut raw = RawFacility::default();
        for (column, value) in headers.iter().zip(row.iter()).skip(1) {
            if LIST_COLUMNS.contains(&column) {
                raw.set_list(column, value.split('|').map(String::from).collect());
            } else {
                raw.set(column, value);
            }
        }
        closures_of(line, today, &mut raw);
        let lookups = store::lookups(tx).await.map_err(|e| e.to_string())?;
        let input = validate(&raw, &lookups).map_err(|errors| {
            format!(
                "demo facility {} (line {}): {:?}",
                raw.one("naam"),
                line + 2,
                errors.items()
            )
        })?;
        let provider = match input.provider_id {
            Some(p) => p,
            None => sqlx::query_scalar("insert into providers (tenant_id, name, city) values ($1, $2, $3) returning provider_id")
                .bind(tenant_id)
                .bind(&input.provider_name)
                .bind(&input.city)
                .fetch_one(&mut **tx)
                .await
                .map_err(|e| e.to_string())?,
        };
        let id = crate::register::facilities::write::insert(tx, &input, provider)
            .await
            .map_err(|e| e.to_string())?;
        if let Some(days) = verified_days_ago(line) {
            store::mark_verified(tx, id, "Lotte Beleid", today - time::Duration::days(days))
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}
