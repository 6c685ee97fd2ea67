//! Publishing a round (one year's call) of a regeling: the application window to the minute
//! (Europe/Amsterdam), the decision term, what is asked, and per onderdeel the plafond and the
//! assessment protocol — criteria with pass marks, how scores combine, the price rule, the
//! tie-break and what the marginal application gets. Saving publishes it (Awb 4:25–4:27: the
//! plafond and the distribution method are known before the window opens); it can be changed
//! only until the window opens, so nothing changes for applications already made.

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime, Time};
use uuid::Uuid;

use crate::audit::{self, Actor, Event};
use crate::auth::roles::Section;
use crate::auth::session::CurrentUser;
use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::fields::optional_text;
use crate::state::AppState;
use crate::subsidy::common::money::{parse_euro, plain};
use crate::subsidy::common::nav_page::Ids;
use crate::subsidy::common::nav_page::{round_href, schemes_base, with_422};
use crate::subsidy::common::store::{self, Round, Scheme};
use crate::subsidy::schemes::scheme_setup_page::code_of;
use crate::web::layout::{render, FormErrors, Layout};
use crate::web::{time_fmt, ClientAddr};

/// The form as typed; repeated fields (documents, declarations) as lists.
#[derive(Debug, Default, Clone)]
pub struct RoundForm {
    fields: BTreeMap<String, String>,
    documents: Vec<String>,
    declarations: Vec<String>,
}

impl RoundForm {
    fn from_body(body: &[u8]) -> Self {
        let mut form = Self::default();
        for (k, v) in form_urlencoded::parse(body) {
            match k.as_ref() {
                "documenten" => form.documents.push(v.into_owned()),
                "verklaringen" => form.declarations.push(v.into_owned()),
                _ => {
                    form.fields.insert(k.into_owned(), v.into_owned());
                }
            }
        }
        form
    }

    pub fn get(&self, key: &str) -> &str {
        self.fields.get(key).map(String::as_str).unwrap_or("")
    }

    pub fn of(&self, key: &str, code: &str) -> &str {
        self.get(&format!("{key}_{code}"))
    }

    pub fn asks_document(&self, code: &&str) -> bool {
        self.documents.iter().any(|d| d == code)
    }

    pub fn asks_declaration(&self, code: &&str) -> bool {
        self.declarations.iter().any(|d| d == code)
    }

    fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.fields.insert(key.into(), value.into());
    }
}

/// One criterion as checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionIn {
    pub code: String,
    pub name: String,
    pub pass_mark: i32,
    pub question: String,
    pub computed: bool,
}

/// Criteria lines `Naam | drempel | wat wordt beoordeeld`; the one named Prijs is computed.
pub fn parse_criteria(text: &str) -> Result<Vec<CriterionIn>, String> {
    let mut out: Vec<CriterionIn> = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.splitn(3, '|').map(str::trim).collect();
        let (name, mark, question) = match parts.as_slice() {
            [name, mark, question] => (*name, *mark, *question),
            [name, mark] => (*name, *mark, ""),
            _ => {
                problems.push(format!(
                    "regel {}: schrijf naam | drempel | wat wordt beoordeeld",
                    n + 1
                ));
                continue;
            }
        };
        let code: String = code_of(name).chars().take(40).collect();
        match mark.parse::<i32>() {
            Ok(m)
                if (0..=10).contains(&m)
                    && code.len() >= 2
                    && !out.iter().any(|c| c.code == code) =>
            {
                out.push(CriterionIn {
                    computed: code == "prijs",
                    code,
                    name: name.chars().take(200).collect(),
                    pass_mark: m,
                    question: question.chars().take(2000).collect(),
                })
            }
            Ok(m) if (0..=10).contains(&m) => problems.push(format!(
                "regel {}: geef elk criterium een eigen naam",
                n + 1
            )),
            _ => problems.push(format!(
                "regel {}: de drempel is een heel getal van 0 tot en met 10",
                n + 1
            )),
        }
    }
    if !problems.is_empty() {
        Err(format!("Controleer de criteria: {}.", problems.join("; ")))
    } else if out.is_empty() {
        Err("Geef minstens één criterium.".into())
    } else {
        Ok(out)
    }
}

/// The criteria of seed 002 §4.4, for a first round.
pub const DEFAULT_CRITERIA: &str = "Samenwerking | 6 | Op welke wijze wordt met anderen samengewerkt?\n\
Resultaat | 6 | Welke bijdrage levert het initiatief aan de saamhorigheid in de buurt en het ondersteunen van elkaar?\n\
Prijs | 6 | Berekend: de kosten per deelnemer in verhouding tot de goedkoopste aanvraag.\n\
Inclusie | 6 | Op welke wijze draagt de voorziening bij aan een inclusieve samenleving waarin iedereen mee kan doen?\n\
Duurzaamheid | 6 | Op welke wijze is de voorziening georganiseerd zodat de continuïteit geborgd is?";

/// One onderdeel of the round, as checked.
pub struct CategoryIn {
    pub category_id: Uuid,
    pub ceiling_cents: i64,
    pub combine_rule: String,
    pub price_basis: String,
    pub fee_deduction: i32,
    pub tie_criterion: Option<String>,
    pub remainder_rule: String,
    pub criteria: Vec<CriterionIn>,
}

pub struct Checked {
    pub year: i32,
    pub opens_at: OffsetDateTime,
    pub closes_at: OffsetDateTime,
    pub decision_weeks: i32,
    /// Payment in this many parts (advances when more than one).
    pub advance_parts: i32,
    pub settle_direct_below: i64,
    pub financial_from: i64,
    pub accountability_months: i32,
    pub obligations: String,
    pub documents: Vec<String>,
    pub declarations: Vec<String>,
    pub categories: Vec<CategoryIn>,
}

fn moment(
    form: &RoundForm,
    prefix: &str,
    field: &'static str,
    what: &str,
    errors: &mut FormErrors,
) -> Option<OffsetDateTime> {
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    let time_format = time::macros::format_description!("[hour]:[minute]");
    let date = Date::parse(form.get(&format!("{prefix}_datum")).trim(), &date_format);
    let clock = Time::parse(form.get(&format!("{prefix}_tijd")).trim(), &time_format);
    match (date, clock) {
        (Ok(d), Ok(t)) => Some(time_fmt::amsterdam_instant(d, t)),
        _ => {
            errors.add(field, format!("Vul bij {what} een datum (bijvoorbeeld 2027-01-15) en een tijd (bijvoorbeeld 09:00) in."));
            None
        }
    }
}

/// Checks the round form against the scheme and its onderdelen.
pub fn check(
    form: &RoundForm,
    scheme: &Scheme,
    categories: &[(Uuid, String, String)],
    now: OffsetDateTime,
) -> Result<Checked, FormErrors> {
    let mut errors = FormErrors::default();
    let year = match form.get("jaar").trim().parse::<i32>() {
        Ok(y) if (scheme.first_year..=scheme.last_year).contains(&y) => y,
        _ => {
            errors.add(
                "jaar",
                format!(
                    "Kies een jaar van {} tot en met {}.",
                    scheme.first_year, scheme.last_year
                ),
            );
            0
        }
    };
    let opens_at = moment(form, "opent", "opent_datum", "de opening", &mut errors);
    let closes_at = moment(form, "sluit", "sluit_datum", "de sluiting", &mut errors);
    if let Some(o) = opens_at {
        if o <= now {
            errors.add("opent_datum", "De ronde opent in de toekomst: plafond en verdeling worden bekendgemaakt voordat aanvragen kan.");
        }
    }
    if let (Some(o), Some(c)) = (opens_at, closes_at) {
        if c <= o {
            errors.add("sluit_datum", "De ronde sluit na de opening.");
        }
    }
    let decision_weeks = match form.get("beslistermijn").trim().parse::<i32>() {
        Ok(w) if (1..=26).contains(&w) => w,
        _ => {
            errors.add("beslistermijn", "Vul de beslistermijn in weken in (1 tot en met 26; de Awb noemt 8 als de regeling niets zegt).");
            0
        }
    };
    let whole = |key: &'static str,
                 range: std::ops::RangeInclusive<i32>,
                 message: &str,
                 errors: &mut FormErrors| {
        match form.get(key).trim().parse::<i32>() {
            Ok(n) if range.contains(&n) => n,
            _ => {
                errors.add(key, message.to_string());
                *range.start()
            }
        }
    };
    let advance_parts = whole(
        "voorschotten",
        1..=12,
        "Betalen in 1 tot en met 12 delen.",
        &mut errors,
    );
    let accountability_months = whole(
        "verantwoording_maanden",
        1..=24,
        "De verantwoording is 1 tot en met 24 maanden na de subsidieperiode verschuldigd.",
        &mut errors,
    );
    let band =
        |key: &'static str, what: &str, errors: &mut FormErrors| match parse_euro(form.get(key)) {
            Ok(Some(c)) => c,
            Ok(None) => 0,
            Err(m) => {
                errors.add(key, format!("{what}: {m}"));
                0
            }
        };
    let settle_direct_below = band("direct_onder", "Meteen vaststellen onder", &mut errors);
    let financial_from = band("financieel_vanaf", "Financieel verslag vanaf", &mut errors);
    if financial_from < settle_direct_below {
        errors.add(
            "financieel_vanaf",
            "De grens voor een financieel verslag ligt op of boven die voor meteen vaststellen.",
        );
    }
    let obligations = optional_text(form.get("verplichtingen"), 4000, "de verplichtingen")
        .map_err(|m| errors.add("verplichtingen", m))
        .unwrap_or_default();
    let documents: Vec<String> = store::DOCUMENTS
        .iter()
        .filter(|(c, _)| form.asks_document(c))
        .map(|(c, _)| c.to_string())
        .collect();
    let declarations: Vec<String> = store::DECLARATIONS
        .iter()
        .filter(|(c, _)| form.asks_declaration(c))
        .map(|(c, _)| c.to_string())
        .collect();
    let mut out = Vec::new();
    for (category_id, code, name) in categories {
        let ceiling = form.of("plafond", code);
        if ceiling.trim().is_empty() {
            continue;
        }
        let field = |f: &str| format!("{f}_{code}");
        let ceiling_cents = match parse_euro(ceiling) {
            Ok(Some(c)) => c,
            _ => {
                errors.add(
                    field("plafond"),
                    format!("{name}: vul het plafond in euro in, bijvoorbeeld 120.000."),
                );
                0
            }
        };
        let pick = |key: &str, allowed: &[&str]| {
            let v = form.of(key, code);
            allowed.contains(&v).then(|| v.to_string())
        };
        let combine_rule = pick("regel", &["gemiddelde", "eindbeoordelaar"]);
        let price_basis = pick(
            "prijsbasis",
            &["gevraagd", "vaste_lasten", "vaste_lasten_personeel"],
        );
        let remainder_rule = pick("restant", &["gedeeltelijk", "geen"]);
        if combine_rule.is_none() || price_basis.is_none() || remainder_rule.is_none() {
            errors.add(
                field("regel"),
                format!("{name}: kies de regels uit de lijsten."),
            );
        }
        let fee_deduction = match form.of("aftrek", code).trim() {
            "" => 0,
            t => match t.parse::<i32>() {
                Ok(d) if (0..=10).contains(&d) => d,
                _ => {
                    errors.add(
                        field("aftrek"),
                        format!("{name}: de aftrek is een heel getal van 0 tot en met 10."),
                    );
                    0
                }
            },
        };
        let criteria = match parse_criteria(form.of("criteria", code)) {
            Ok(c) => c,
            Err(m) => {
                errors.add(field("criteria"), format!("{name}: {m}"));
                Vec::new()
            }
        };
        let tie = form.of("gelijkspel", code).trim();
        let tie_criterion = if tie.is_empty() {
            None
        } else if criteria.iter().any(|c| c.code == tie) {
            Some(tie.to_string())
        } else {
            errors.add(
                field("gelijkspel"),
                format!("{name}: kies voor een gelijke stand een criterium van dit onderdeel."),
            );
            None
        };
        out.push(CategoryIn {
            category_id: *category_id,
            ceiling_cents,
            combine_rule: combine_rule.unwrap_or_default(),
            price_basis: price_basis.unwrap_or_default(),
            fee_deduction,
            tie_criterion,
            remainder_rule: remainder_rule.unwrap_or_default(),
            criteria,
        });
    }
    if out.is_empty() && errors.is_empty() {
        errors.add(
            "jaar",
            "Geef minstens één onderdeel een plafond: onderdelen zonder plafond doen niet mee.",
        );
    }
    match (errors.is_empty(), opens_at, closes_at) {
        (true, Some(opens_at), Some(closes_at)) => Ok(Checked {
            year,
            opens_at,
            closes_at,
            decision_weeks,
            obligations,
            documents,
            declarations,
            categories: out,
            advance_parts,
            settle_direct_below,
            financial_from,
            accountability_months,
        }),
        _ => Err(errors),
    }
}

struct CategoryField {
    code: String,
    name: String,
}

#[derive(Template)]
#[template(path = "subsidy/schemes/round_form.html")]
struct FormPage {
    layout: Layout,
    back: String,
    action: String,
    scheme: Scheme,
    form: RoundForm,
    categories: Vec<CategoryField>,
    documents: Vec<(&'static str, &'static str)>,
    declarations: Vec<(&'static str, &'static str)>,
    budget: Vec<(i32, String)>,
    errors: FormErrors,
}

async fn scheme_categories(
    tx: &mut TenantTx,
    scheme_id: Uuid,
) -> AppResult<Vec<(Uuid, String, String)>> {
    let tenant_id = tx.tenant_id();
    Ok(sqlx::query_as(
        "select category_id, code, name from subsidy_categories where tenant_id = $1 and scheme_id = $2 order by position, name",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .fetch_all(&mut **tx)
    .await?)
}

async fn form_page(
    tx: &mut TenantTx,
    user: &CurrentUser,
    scheme: Scheme,
    round: Option<&Round>,
    form: RoundForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let categories = scheme_categories(tx, scheme.scheme_id).await?;
    let lines = store::budget_lines(tx, scheme.scheme_id).await?;
    let invalid = !errors.is_empty();
    let title = match round {
        Some(r) => format!("Ronde {} wijzigen", r.year),
        None => "Nieuwe ronde".to_string(),
    };
    let response = render(&FormPage {
        layout: Layout::for_user(user, title, Some(Section::Schemes)),
        back: match round {
            Some(r) => round_href(user, r),
            None => format!("{}/{}", schemes_base(user), scheme.scheme_id),
        },
        action: match round {
            Some(r) => round_href(user, r),
            None => format!("{}/{}/rondes", schemes_base(user), scheme.scheme_id),
        },
        categories: categories
            .into_iter()
            .map(|(_, code, name)| CategoryField { code, name })
            .collect(),
        documents: store::DOCUMENTS.to_vec(),
        declarations: store::DECLARATIONS.to_vec(),
        budget: crate::subsidy::schemes::scheme_setup_page::by_year(&lines)
            .into_iter()
            .map(|(y, c)| (y, crate::subsidy::common::money::euro(c)))
            .collect(),
        scheme,
        form,
        errors,
    })?;
    Ok(if invalid {
        with_422(response)
    } else {
        response
    })
}

/// The latest criteria text per onderdeel code from earlier rounds of the scheme.
async fn earlier_criteria(
    tx: &mut TenantTx,
    scheme_id: Uuid,
) -> AppResult<BTreeMap<String, String>> {
    let tenant_id = tx.tenant_id();
    let rows: Vec<(String, i32, String, i32, String)> = sqlx::query_as(
        "select c.code, r.year, k.name, k.pass_mark, k.question from subsidy_criteria k \
         join subsidy_rounds r on r.tenant_id = k.tenant_id and r.round_id = k.round_id \
         join subsidy_categories c on c.tenant_id = k.tenant_id and c.category_id = k.category_id \
         where k.tenant_id = $1 and r.scheme_id = $2 order by c.code, r.year desc, k.position",
    )
    .bind(tenant_id)
    .bind(scheme_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut out: BTreeMap<String, (i32, Vec<String>)> = BTreeMap::new();
    for (code, year, name, mark, question) in rows {
        let entry = out.entry(code).or_insert((year, Vec::new()));
        if entry.0 == year {
            entry.1.push(format!("{name} | {mark} | {question}"));
        }
    }
    Ok(out
        .into_iter()
        .map(|(k, (_, lines))| (k, lines.join("\n")))
        .collect())
}

/// GET /{tenant}/regelingen/{regeling}/rondes/nieuw
pub async fn round_new(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = store::scheme(&mut tx, ids.get("regeling"))
        .await?
        .ok_or(AppError::NotFound)?;
    let used: Vec<i32> = store::rounds_of(&mut tx, scheme.scheme_id)
        .await?
        .iter()
        .map(|r| r.year)
        .collect();
    let year = (scheme.first_year..=scheme.last_year)
        .find(|y| !used.contains(y))
        .unwrap_or(scheme.last_year);
    let earlier = earlier_criteria(&mut tx, scheme.scheme_id).await?;
    let mut form = RoundForm::default();
    form.set("jaar", year.to_string());
    form.set("opent_tijd", "09:00");
    form.set("sluit_tijd", "23:59");
    form.set("beslistermijn", "8");
    form.set("voorschotten", "1");
    form.set("direct_onder", "5.000");
    form.set("financieel_vanaf", "50.000");
    form.set("verantwoording_maanden", "4");
    form.documents = vec![
        "begroting".into(),
        "jaarverslag".into(),
        "bestuurssamenstelling".into(),
    ];
    form.declarations = store::DECLARATIONS
        .iter()
        .map(|(c, _)| c.to_string())
        .collect();
    for (_, code, _) in scheme_categories(&mut tx, scheme.scheme_id).await? {
        form.set(format!("regel_{code}"), "gemiddelde");
        form.set(format!("prijsbasis_{code}"), "gevraagd");
        form.set(format!("restant_{code}"), "gedeeltelijk");
        form.set(format!("gelijkspel_{code}"), "resultaat");
        form.set(
            format!("criteria_{code}"),
            earlier
                .get(&code)
                .cloned()
                .unwrap_or_else(|| DEFAULT_CRITERIA.to_string()),
        );
    }
    let response = form_page(&mut tx, &user, scheme, None, form, FormErrors::default()).await;
    tx.commit().await?;
    response
}

async fn write(tx: &mut TenantTx, round_id: Uuid, c: &Checked) -> AppResult<()> {
    let tenant_id = tx.tenant_id();
    sqlx::query(
        "update subsidy_rounds set advance_parts = $3, settle_direct_below_cents = $4, financial_report_from_cents = $5, \
         accountability_months = $6 where tenant_id = $1 and round_id = $2",
    )
    .bind(tenant_id)
    .bind(round_id)
    .bind(c.advance_parts)
    .bind(c.settle_direct_below)
    .bind(c.financial_from)
    .bind(c.accountability_months)
    .execute(&mut **tx)
    .await?;
    sqlx::query("delete from subsidy_round_categories where tenant_id = $1 and round_id = $2")
        .bind(tenant_id)
        .bind(round_id)
        .execute(&mut **tx)
        .await?;
    for cat in &c.categories {
        sqlx::query(
            "insert into subsidy_round_categories (tenant_id, round_id, category_id, ceiling_cents, combine_rule, price_basis, \
             fee_deduction, tie_criterion, remainder_rule) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(tenant_id)
        .bind(round_id)
        .bind(cat.category_id)
        .bind(cat.ceiling_cents)
        .bind(&cat.combine_rule)
        .bind(&cat.price_basis)
        .bind(cat.fee_deduction)
        .bind(&cat.tie_criterion)
        .bind(&cat.remainder_rule)
        .execute(&mut **tx)
        .await?;
        for (position, k) in cat.criteria.iter().enumerate() {
            sqlx::query(
                "insert into subsidy_criteria (tenant_id, round_id, category_id, code, position, name, question, pass_mark, computed) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(tenant_id)
            .bind(round_id)
            .bind(cat.category_id)
            .bind(&k.code)
            .bind(position as i32 + 1)
            .bind(&k.name)
            .bind(&k.question)
            .bind(k.pass_mark)
            .bind(k.computed)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

fn audit_value(c: &Checked) -> serde_json::Value {
    json!({
        "jaar": c.year,
        "opent": time_fmt::date_time(c.opens_at),
        "sluit": time_fmt::date_time(c.closes_at),
        "beslistermijn_weken": c.decision_weeks,
        "betalen_in_delen": c.advance_parts,
        "meteen_vaststellen_onder": plain(c.settle_direct_below),
        "financieel_verslag_vanaf": plain(c.financial_from),
        "verantwoording_maanden_na_periode": c.accountability_months,
        "documenten": c.documents,
        "verklaringen": c.declarations,
        "onderdelen": c.categories.iter().map(|k| json!({
            "onderdeel": k.category_id, "plafond": plain(k.ceiling_cents), "eindscore": k.combine_rule,
            "prijsbasis": k.price_basis, "aftrek_vergoeding": k.fee_deduction, "gelijke_stand": k.tie_criterion,
            "plafond_bereikt": k.remainder_rule,
            "criteria": k.criteria.iter().map(|x| format!("{} (drempel {})", x.name, x.pass_mark)).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// POST /{tenant}/regelingen/{regeling}/rondes: publishes a new round.
pub async fn round_create(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let form = RoundForm::from_body(&body);
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let scheme = store::scheme(&mut tx, ids.get("regeling"))
        .await?
        .ok_or(AppError::NotFound)?;
    let categories = scheme_categories(&mut tx, scheme.scheme_id).await?;
    let now = OffsetDateTime::now_utc();
    let checked = match check(&form, &scheme, &categories, now) {
        Ok(c) => c,
        Err(errors) => return form_page(&mut tx, &user, scheme, None, form, errors).await,
    };
    let tenant_id = tx.tenant_id();
    let round_id: Option<Uuid> = sqlx::query_scalar(
        "insert into subsidy_rounds (tenant_id, scheme_id, year, opens_at, closes_at, decision_weeks, published_at, \
         period_start, period_end, obligations, documents, declarations) \
         values ($1, $2, $3, $4, $5, $6, now(), make_date($3, 1, 1), make_date($3, 12, 31), $7, $8, $9) \
         on conflict (tenant_id, scheme_id, year) do nothing returning round_id",
    )
    .bind(tenant_id)
    .bind(scheme.scheme_id)
    .bind(checked.year)
    .bind(checked.opens_at)
    .bind(checked.closes_at)
    .bind(checked.decision_weeks)
    .bind(&checked.obligations)
    .bind(&checked.documents)
    .bind(&checked.declarations)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(round_id) = round_id else {
        let mut errors = FormErrors::default();
        errors.add(
            "jaar",
            format!(
                "Er is al een ronde voor {}. Wijzig die, of kies een ander jaar.",
                checked.year
            ),
        );
        return form_page(&mut tx, &user, scheme, None, form, errors).await;
    };
    write(&mut tx, round_id, &checked).await?;
    let event = Event::new("gepubliceerd", "subsidieronde", round_id).after(audit_value(&checked));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!(
        "{}/{}/rondes/{round_id}?melding=opgeslagen",
        schemes_base(&user),
        scheme.scheme_id
    ))
    .into_response())
}

/// The form of an existing round, as stored.
async fn stored_form(tx: &mut TenantTx, round: &Round) -> AppResult<RoundForm> {
    let mut form = RoundForm::default();
    let opens = time_fmt::to_amsterdam(round.opens_at);
    let closes = time_fmt::to_amsterdam(round.closes_at);
    form.set("jaar", round.year.to_string());
    form.set("opent_datum", opens.date().to_string());
    form.set(
        "opent_tijd",
        format!("{:02}:{:02}", opens.hour(), opens.minute()),
    );
    form.set("sluit_datum", closes.date().to_string());
    form.set(
        "sluit_tijd",
        format!("{:02}:{:02}", closes.hour(), closes.minute()),
    );
    form.set("beslistermijn", round.decision_weeks.to_string());
    form.set("voorschotten", round.advance_parts.to_string());
    form.set("direct_onder", plain(round.settle_direct_below_cents));
    form.set("financieel_vanaf", plain(round.financial_report_from_cents));
    form.set(
        "verantwoording_maanden",
        round.accountability_months.to_string(),
    );
    form.set("verplichtingen", round.obligations.clone());
    form.documents = round.documents.clone();
    form.declarations = round.declarations.clone();
    for c in store::round_categories(tx, round.round_id).await? {
        form.set(format!("plafond_{}", c.code), plain(c.ceiling_cents));
        form.set(format!("regel_{}", c.code), c.combine_rule.clone());
        form.set(format!("prijsbasis_{}", c.code), c.price_basis.clone());
        form.set(format!("aftrek_{}", c.code), c.fee_deduction.to_string());
        form.set(
            format!("gelijkspel_{}", c.code),
            c.tie_criterion.clone().unwrap_or_default(),
        );
        form.set(format!("restant_{}", c.code), c.remainder_rule.clone());
        form.set(
            format!("criteria_{}", c.code),
            c.criteria
                .iter()
                .map(|k| format!("{} | {} | {}", k.name, k.pass_mark, k.question))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    Ok(form)
}

/// GET /{tenant}/regelingen/{regeling}/rondes/{ronde}/wijzigen: until the window opens.
pub async fn round_edit(
    State(state): State<AppState>,
    user: CurrentUser,
    ids: Ids,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let round = store::round(&mut tx, ids.get("regeling"), ids.get("ronde"))
        .await?
        .ok_or(AppError::NotFound)?;
    if OffsetDateTime::now_utc() >= round.opens_at {
        return Err(AppError::BadRequest(
            "Deze ronde is open of gesloten: plafond en verdeling liggen vast voor de aanvragen die er zijn.".into(),
        ));
    }
    let scheme = store::scheme(&mut tx, round.scheme_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let form = stored_form(&mut tx, &round).await?;
    let response = form_page(
        &mut tx,
        &user,
        scheme,
        Some(&round),
        form,
        FormErrors::default(),
    )
    .await;
    tx.commit().await?;
    response
}

/// POST /{tenant}/regelingen/{regeling}/rondes/{ronde}: changes a round that has not opened.
pub async fn round_update(
    State(state): State<AppState>,
    user: CurrentUser,
    ClientAddr(address): ClientAddr,
    ids: Ids,
    body: Bytes,
) -> AppResult<Response> {
    let form = RoundForm::from_body(&body);
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let round = store::round(&mut tx, ids.get("regeling"), ids.get("ronde"))
        .await?
        .ok_or(AppError::NotFound)?;
    let scheme = store::scheme(&mut tx, round.scheme_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let tenant_id = tx.tenant_id();
    // The row lock keeps a change from racing the opening or a second change.
    sqlx::query("select 1 from subsidy_rounds where tenant_id = $1 and round_id = $2 for update")
        .bind(tenant_id)
        .bind(round.round_id)
        .execute(&mut *tx)
        .await?;
    let now = OffsetDateTime::now_utc();
    if now >= round.opens_at {
        return Err(AppError::BadRequest(
            "Deze ronde is open of gesloten: plafond en verdeling liggen vast voor de aanvragen die er zijn.".into(),
        ));
    }
    let categories = scheme_categories(&mut tx, scheme.scheme_id).await?;
    let checked = match check(&form, &scheme, &categories, now) {
        Ok(c) if c.year != round.year => {
            let mut errors = FormErrors::default();
            errors.add(
                "jaar",
                format!(
                    "Het jaar van een ronde verandert niet; dit is de ronde {}.",
                    round.year
                ),
            );
            return form_page(&mut tx, &user, scheme, Some(&round), form, errors).await;
        }
        Ok(c) => c,
        Err(errors) => return form_page(&mut tx, &user, scheme, Some(&round), form, errors).await,
    };
    let before = stored_form(&mut tx, &round).await?;
    sqlx::query(
        "update subsidy_rounds set opens_at = $3, closes_at = $4, decision_weeks = $5, published_at = now(), \
         obligations = $6, documents = $7, declarations = $8 where tenant_id = $1 and round_id = $2",
    )
    .bind(tenant_id)
    .bind(round.round_id)
    .bind(checked.opens_at)
    .bind(checked.closes_at)
    .bind(checked.decision_weeks)
    .bind(&checked.obligations)
    .bind(&checked.documents)
    .bind(&checked.declarations)
    .execute(&mut *tx)
    .await?;
    write(&mut tx, round.round_id, &checked).await?;
    let event = Event::new("gewijzigd", "subsidieronde", round.round_id)
        .before(json!(before.fields))
        .after(audit_value(&checked));
    audit::record(&mut tx, &Actor::user(&user, &address), event).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?melding=opgeslagen", round_href(&user, &round))).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn criteria_lines() {
        let c = parse_criteria(DEFAULT_CRITERIA).unwrap();
        assert_eq!(c.len(), 5);
        assert!(c[2].computed && c[2].code == "prijs");
        assert_eq!(c[0].pass_mark, 6);
        let err = parse_criteria("Samenwerking | 11 | x\nSamenwerking | 6\nonzin").unwrap_err();
        assert!(err.contains("regel 1: de drempel"), "{err}");
        assert!(err.contains("regel 3: schrijf naam"));
        assert!(parse_criteria("Samenwerking | 6\nSamenwerking | 7")
            .unwrap_err()
            .contains("eigen naam"));
    }
}
