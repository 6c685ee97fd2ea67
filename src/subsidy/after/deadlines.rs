//! Everything due in the subsidy procedure of a tenant (decisions, accountability, settlements,
//! objections, payments), grouped, soonest first.

use crate::auth::roles::Section;
use crate::db::Db;
use crate::error::AppResult;
use crate::subsidy::after::settlement::Duty;
use crate::subsidy::common::store;
use crate::web::time_fmt;
use time::{Date, Duration, OffsetDateTime};

/// One thing due.
pub struct Due {
    pub what: String,
    pub href: String,
    pub due: Date,
    pub term: String,
    pub note: String,
    /// Years this term (counted by the Algemene termijnenwet) reaches that no decree covers:
    /// days declared equal to general holidays there are unknown.
    pub uncovered: Vec<i32>,
}

impl Due {
    pub fn due_text(&self) -> String {
        time_fmt::date(self.due)
    }

    pub fn late(&self, today: &Date) -> bool {
        self.due < *today
    }

    pub fn soon(&self, today: &Date) -> bool {
        self.due >= *today && self.due <= *today + Duration::days(7)
    }
}

pub struct Group {
    pub title: &'static str,
    pub items: Vec<Due>,
}

/// Everything due for the tenant `tenant_id` (slug `slug`, for the links).
pub async fn everything_of(db: &Db, tenant_id: uuid::Uuid, slug: &str) -> AppResult<Vec<Group>> {
    let schemes = format!("/{slug}{}", Section::Schemes.path());
    let base = |_: ()| schemes.as_str();
    let mut tx = db.tenant_tx(tenant_id).await?;
    let now = OffsetDateTime::now_utc();
    let today = time_fmt::today();
    let mut decisions = Vec::new();
    let mut completions = Vec::new();
    let mut accountability = Vec::new();
    let mut settlements = Vec::new();
    for round in store::all_rounds(&mut tx).await? {
        let categories = store::round_categories(&mut tx, round.round_id).await?;
        let applications = store::applications_of_round(&mut tx, round.round_id).await?;
        if round.phase(now) == store::Phase::Closed {
            for c in categories.iter().filter(|c| c.decided_at.is_none()) {
                let count = applications
                    .iter()
                    .filter(|a| {
                        a.category_id == c.category_id
                            && matches!(a.status.as_str(), "ingediend" | "aanvulling")
                    })
                    .count();
                if count == 0 {
                    continue;
                }
                let due = round.decision_due();
                let (term, note) = match round.decision_delayed_to {
                    Some(_) => (
                        format!(
                            "verdaagd (Awb 4:14); de beslistermijn eindigde {}",
                            time_fmt::date(round.decision_term_end())
                        ),
                        format!("Reden: {}", round.decision_delay_reason),
                    ),
                    None => (
                        format!("{} weken na het sluiten (Awb 4:13)", round.decision_weeks),
                        if due <= today + Duration::days(7) {
                            "Wordt het later, stuur de aanvragers dan vóór deze datum een bericht van verdaging met de reden en een nieuwe termijn (Awb 4:14), op de pagina van de ronde.".into()
                        } else {
                            String::new()
                        },
                    ),
                };
                decisions.push(Due {
                    what: format!("{} · {}: {count} aanvragen", round.title(), c.name),
                    href: format!(
                        "{schemes}/{}/rondes/{}/rangschikking#{}",
                        round.scheme_id, round.round_id, c.code
                    ),
                    due,
                    term,
                    note,
                    uncovered: Vec::new(),
                });
            }
        }
        for a in &applications {
            if let (Some(due), "aanvulling") = (a.completion_due, a.status.as_str()) {
                completions.push(Due {
                    what: format!("{} ({}): aanvulling gevraagd", a.reference, a.provider_name),
                    href: format!("{}/aanvragen/{}", base(()), a.application_id),
                    due: time_fmt::to_amsterdam(due).date(),
                    term: "de termijn die bij het verzoek om aanvulling is gegeven (Awb 4:5)"
                        .into(),
                    note: "Daarna mag de aanvraag buiten behandeling blijven.".into(),
                    uncovered: Vec::new(),
                });
            }
            let Some(after) =
                crate::subsidy::after::after_grant::after_grant(&mut tx, a, &round).await?
            else {
                continue;
            };
            if after.settlement.is_some() || after.duty == Duty::Direct {
                continue;
            }
            match &after.report {
                None => accountability.push(Due {
                    what: format!("{} ({}): verantwoording", a.reference, a.provider_name),
                    href: format!("{}/aanvragen/{}", base(()), a.application_id),
                    due: after.due,
                    term: format!(
                        "{} maanden na het einde van de subsidieperiode",
                        round.accountability_months
                    ),
                    note: format!(
                        "Zonder verantwoording kan ambtshalve worden vastgesteld vanaf {}.",
                        time_fmt::date(after.own_initiative_from())
                    ),
                    uncovered: Vec::new(),
                }),
                Some(report) => settlements.push(Due {
                    what: format!("{} ({}): vaststellen", a.reference, a.provider_name),
                    href: format!("{}/aanvragen/{}", base(()), a.application_id),
                    due: time_fmt::to_amsterdam(report.submitted_at).date() + Duration::weeks(8),
                    term: "8 weken na ontvangst van de verantwoording (Awb 4:13)".into(),
                    note: String::new(),
                    uncovered: Vec::new(),
                }),
            }
        }
    }
    let calendar = crate::termijnenwet::scope::current();
    let objections = crate::subsidy::after::objections::all(&mut tx)
        .await?
        .into_iter()
        .filter(|o| o.outcome.is_none())
        .map(|o| Due {
            what: format!("Bezwaar tegen {} ({})", o.reference, o.provider_name),
            href: format!("{}/bezwaren/{}", base(()), o.objection_id),
            due: o.decision_due(),
            term: if o.postponed_weeks > 0 {
                format!(
                    "6 weken na de bezwaartermijn, {} weken uitgesteld (Awb 7:10)",
                    o.postponed_weeks
                )
            } else {
                "6 weken na de bezwaartermijn (Awb 7:10)".into()
            },
            note: if o.on_time {
                String::new()
            } else {
                "Buiten de termijn ontvangen.".into()
            },
            uncovered: calendar.uncovered_years(o.sent_on, o.decision_due()),
        })
        .collect();
    let month_end = crate::subsidy::after::settlement::add_months(
        Date::from_calendar_date(today.year(), today.month(), 1).expect("valid"),
        1,
    );
    let payments = crate::subsidy::after::payments::due(&mut tx, today, month_end)
        .await?
        .into_iter()
        .filter(|p| p.paid_on.is_none())
        .map(|p| Due {
            what: format!(
                "{}: {} aan {}",
                p.reference,
                crate::subsidy::common::money::euro(p.amount_cents),
                p.recipient
            ),
            href: format!("{}/betalingen", base(())),
            due: p.due_on,
            term: if p.kind == "nabetaling" {
                "binnen 6 weken na de vaststelling (Awb 4:52)".into()
            } else {
                "volgens het betaalschema van de verlening".into()
            },
            note: String::new(),
            uncovered: Vec::new(),
        })
        .collect();
    tx.commit().await?;
    let mut groups = vec![
        Group {
            title: "Beslissen op aanvragen",
            items: decisions,
        },
        Group {
            title: "Aanvullingen",
            items: completions,
        },
        Group {
            title: "Bezwaren",
            items: objections,
        },
        Group {
            title: "Betalingen deze maand en achterstallig",
            items: payments,
        },
        Group {
            title: "Verantwoording",
            items: accountability,
        },
        Group {
            title: "Vaststellen",
            items: settlements,
        },
    ];
    for g in &mut groups {
        g.items.sort_by_key(|d| d.due);
    }
    Ok(groups)
}
