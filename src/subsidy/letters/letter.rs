//! The decision letter (beschikking) of one application, made from the decision: what is
//! subsidised, the amount or the reason for refusal, the period, the obligations, the reasoning
//! (scores per criterion with motivation, rank and cut-off), the legal basis, the date and the
//! remedies clause (Awb 3:45–3:47, 4:30–4:32, 6:7–6:8). One content model, shown as a
//! print-ready page and rendered as PDF by the server itself ([`crate::pdf`]).

use crate::db::TenantTx;
use crate::error::{AppError, AppResult};
use crate::subsidy::common::money::euro;
use crate::subsidy::common::store::{self, Application};
use crate::subsidy::decide::outcome::{self, OutcomeRow};
use crate::web::time_fmt;

/// A part of the letter.
pub enum Part {
    Heading(String),
    Paragraph(String),
    Facts(Vec<(String, String)>),
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    Small(String),
}

pub struct Letter {
    pub tenant: String,
    pub title: String,
    pub reference: String,
    pub addressee: Vec<String>,
    pub date: String,
    pub subject: String,
    pub parts: Vec<Part>,
}

#[derive(sqlx::FromRow)]
struct ProviderRow {
    name: String,
    street: String,
    house_number: String,
    postcode: Option<String>,
    city: String,
}

/// The letter of `application`, or `None` before the decision.
pub async fn build(tx: &mut TenantTx, application: &Application) -> AppResult<Option<Letter>> {
    let tenant_id = tx.tenant_id();
    let outcome = outcome::outcome(tx, application.application_id).await?;
    let Some(OutcomeRow {
        outcome,
        rank,
        total_points: total,
        requested_cents: requested,
        granted_cents: granted,
        reason,
        decided_at,
    }) = outcome
    else {
        return Ok(None);
    };
    let round = store::round_by_id(tx, application.round_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let category = store::round_categories(tx, round.round_id)
        .await?
        .into_iter()
        .find(|c| c.category_id == application.category_id)
        .ok_or(AppError::NotFound)?;
    let version = store::versions(tx, application.application_id)
        .await?
        .into_iter()
        .find(|v| v.version == application.current_version)
        .ok_or(AppError::NotFound)?;
    let tenant: String = sqlx::query_scalar("select name from tenants where tenant_id = $1")
        .bind(tenant_id)
        .fetch_one(&mut **tx)
        .await?;
    let provider: ProviderRow = sqlx::query_as(
        "select name, street, house_number, postcode, city from providers where tenant_id = $1 and provider_id = $2",
    )
    .bind(tenant_id)
    .bind(application.provider_id)
    .fetch_one(&mut **tx)
    .await?;
    let finals = outcome::final_scores(tx, application.application_id).await?;
    // The cut-off: the lowest total that still received money in this onderdeel.
    let cutoff: Option<i32> = sqlx::query_scalar(
        "select min(total_points) from subsidy_outcomes where tenant_id = $1 and round_id = $2 and category_id = $3 \
         and granted_cents > 0",
    )
    .bind(tenant_id)
    .bind(round.round_id)
    .bind(category.category_id)
    .fetch_one(&mut **tx)
    .await?;
    let sent = time_fmt::to_amsterdam(decided_at).date();
    let deadline = crate::subsidy::common::terms::objection_deadline(sent);
    let granted_any = granted > 0;
    let mut parts = Vec::new();
    parts.push(Part::Paragraph(format!(
        "Op {} ontvingen wij uw aanvraag {} voor subsidie uit de {}, onderdeel {}, voor het jaar {}. \
         Met deze brief beslissen wij op uw aanvraag.",
        application.submitted_at.map(time_fmt::date_time).unwrap_or_default(),
        application.reference,
        round.scheme_name,
        category.name,
        round.year
    )));
    parts.push(Part::Heading("Ons besluit".into()));
    parts.push(Part::Paragraph(match outcome.as_str() {
        "toegekend" => format!(
            "Wij verlenen u een subsidie van {} voor de activiteiten ‘{}’ in de periode {} tot en met {}.",
            euro(granted),
            version.title,
            time_fmt::date(round.period_start),
            time_fmt::date(round.period_end)
        ),
        "gedeeltelijk" => format!(
            "Wij verlenen u een subsidie van {} voor de activiteiten ‘{}’ in de periode {} tot en met {}. \
             U vroeg {}; voor het overige wijzen wij uw aanvraag af, omdat het subsidieplafond van dit onderdeel \
             ({}) met dit bedrag is bereikt (artikel 4:25, tweede lid, Awb).",
            euro(granted),
            version.title,
            time_fmt::date(round.period_start),
            time_fmt::date(round.period_end),
            euro(requested),
            euro(category.ceiling_cents)
        ),
        _ => format!("Wij wijzen uw aanvraag af. {reason}"),
    }));
    if granted_any {
        parts.push(Part::Heading("Wat wordt gesubsidieerd".into()));
        parts.push(Part::Paragraph(version.activities.clone()));
        parts.push(Part::Facts(vec![
            ("Subsidiebedrag".into(), euro(granted)),
            ("Gevraagd bedrag".into(), euro(requested)),
            (
                "Periode".into(),
                format!(
                    "{} tot en met {}",
                    time_fmt::date(round.period_start),
                    time_fmt::date(round.period_end)
                ),
            ),
            (
                "Verwachte deelnemers".into(),
                version.participants.to_string(),
            ),
        ]));
        parts.push(Part::Heading("Uw verplichtingen".into()));
        // The same source as the application pages: the band of the amount granted, the day
        // computed from the period and the round's months, and what else the round asks.
        parts.push(Part::Facts(
            crate::subsidy::after::obligations::Obligations::of(&round, granted).lines(),
        ));
    }
    parts.push(Part::Heading("Motivering".into()));
    parts.push(Part::Paragraph(format!(
        "Alle aanvragen van het onderdeel {} zijn na het sluiten van de aanvraagperiode tegelijk beoordeeld op de criteria \
         die met het subsidieplafond vooraf zijn bekendgemaakt. Per criterium zijn hele punten van 0 tot en met 10 \
         gegeven; een aanvraag komt alleen in aanmerking als elk criterium ten minste de drempel haalt. De aanvragen \
         met de meeste punten zijn in volgorde gehonoreerd zolang het plafond van {} dat toeliet.",
        category.name,
        euro(category.ceiling_cents)
    )));
    parts.push(Part::Table {
        headers: vec![
            "Criterium".into(),
            "Punten".into(),
            "Drempel".into(),
            "Motivering".into(),
        ],
        rows: category
            .criteria
            .iter()
            .map(|c| {
                let found = finals.iter().find(|(code, _, _)| *code == c.code);
                vec![
                    c.name.clone(),
                    found.map(|f| f.1.to_string()).unwrap_or_else(|| "–".into()),
                    c.pass_mark.to_string(),
                    found.map(|f| f.2.clone()).unwrap_or_default(),
                ]
            })
            .collect(),
    });
    let mut facts = vec![
        ("Totaal aantal punten".into(), total.to_string()),
        (
            "Plaats in de rangschikking".into(),
            rank.map(|r| r.to_string())
                .unwrap_or_else(|| "niet gerangschikt (niet subsidiabel)".into()),
        ),
    ];
    if rank.is_some() {
        facts.push((
            "Laagste totaal dat nog subsidie kreeg".into(),
            cutoff
                .map(|c| c.to_string())
                .unwrap_or_else(|| "geen".into()),
        ));
    }
    parts.push(Part::Facts(facts));
    if rank.is_none() {
        // Not eligible: the pass marks missed decide it, not the total. Comparing the total
        // with the lowest total granted would suggest otherwise.
        let missed: Vec<String> = category
            .criteria
            .iter()
            .filter_map(|c| {
                let points = finals.iter().find(|(code, _, _)| *code == c.code)?.1;
                (points < c.pass_mark).then(|| {
                    format!(
                        "{}: {} {} , de drempel is {}",
                        c.name,
                        points,
                        if points == 1 { "punt" } else { "punten" },
                        c.pass_mark
                    )
                    .replace(" ,", ",")
                })
            })
            .collect();
        parts.push(Part::Paragraph(if missed.is_empty() {
            "Uw aanvraag komt niet in aanmerking omdat zij niet op elk criterium is beoordeeld met ten minste de drempel. \
             Het totaal aantal punten speelt dan geen rol."
                .to_string()
        } else {
            format!(
                "Uw aanvraag komt niet in aanmerking omdat zij op {} de drempel niet haalt ({}). Een aanvraag moet op elk \
                 criterium ten minste de drempel halen; het totaal aantal punten speelt dan geen rol, hoe hoog het ook is.",
                if missed.len() == 1 { "één criterium" } else { "meer criteria" },
                missed.join("; ")
            )
        }));
    }
    parts.push(Part::Paragraph(reason));
    parts.push(Part::Heading("Grondslag".into()));
    parts.push(Part::Paragraph(round.legal_basis.clone()));
    parts.push(Part::Heading("Bezwaar".into()));
    parts.push(Part::Paragraph(format!(
        "Bent u het niet eens met dit besluit, dan kunt u binnen zes weken na de dag waarop deze brief is verzonden \
         bezwaar maken bij {}. Deze brief is verzonden op {}; uw bezwaar moet dus uiterlijk op {} zijn ontvangen \
         (of, per post, vóór het einde van die dag zijn verzonden en uiterlijk een week later zijn ontvangen). \
         Schrijf in uw bezwaarschrift uw naam en adres, de datum, het kenmerk {} van dit besluit en waarom u het er \
         niet mee eens bent, en onderteken het. U kunt per post of digitaal bezwaar maken.",
        round.objection_body,
        time_fmt::date(sent),
        time_fmt::date(deadline),
        application.reference
    )));
    let mut addressee = vec![provider.name.clone()];
    let street = format!("{} {}", provider.street, provider.house_number);
    if !street.trim().is_empty() {
        addressee.push(street.trim().to_string());
    }
    let place = format!(
        "{} {}",
        provider.postcode.unwrap_or_default(),
        provider.city
    );
    if !place.trim().is_empty() {
        addressee.push(place.trim().to_string());
    }
    Ok(Some(Letter {
        title: format!("Beschikking {}", application.reference),
        reference: application.reference.clone(),
        addressee,
        date: time_fmt::date(sent),
        subject: format!(
            "Besluit op uw aanvraag om subsidie, {} {}",
            round.scheme_name, round.year
        ),
        parts,
        tenant,
    }))
}

/// Renders the letter with the server's own PDF writer.
pub fn render_pdf(letter: &Letter) -> Vec<u8> {
    use crate::pdf::{Block, Document};
    let mut doc = Document::new(&letter.title, &letter.tenant)
        .letterhead(&letter.tenant, Vec::new())
        .footer(&format!(
            "{} – {} – {}",
            letter.tenant, letter.title, letter.date
        ));
    doc.push(Block::Paragraph(letter.addressee.join("\n")));
    doc.push(Block::Spacer(12.0));
    doc.push(Block::KeyValues(vec![
        ("Datum".into(), letter.date.clone()),
        ("Kenmerk".into(), letter.reference.clone()),
        ("Onderwerp".into(), letter.subject.clone()),
    ]));
    doc.push(Block::Spacer(12.0));
    for part in &letter.parts {
        doc.push(match part {
            Part::Heading(t) => Block::Heading(t.clone()),
            Part::Paragraph(t) => Block::Paragraph(t.clone()),
            Part::Small(t) => Block::Small(t.clone()),
            Part::Facts(rows) => Block::KeyValues(rows.clone()),
            Part::Table { headers, rows } => Block::Table {
                headers: headers.clone(),
                rows: rows.clone(),
                widths: vec![2.0, 1.0, 1.0, 6.0],
                right_align: vec![false, true, true, false],
            },
        });
    }
    doc.push(Block::Spacer(18.0));
    doc.push(Block::Paragraph(format!(
        "Met vriendelijke groet,\n\n{}",
        letter.tenant
    )));
    doc.render()
}
