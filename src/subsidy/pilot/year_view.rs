//! What the page of a pilot year shows, made from the year's data: the partners' lines of the
//! clients forms, the proposal by the allocation rule, the versions of the allocation, one of
//! them in full, and the allocation compared with the clients realised.

use std::collections::BTreeMap;

use crate::subsidy::common::money::{euro, field};
use crate::subsidy::pilot::allocation::{
    basis_points, largest_remainder, percent, points_difference, NoProposal,
};
use crate::subsidy::pilot::scheme::kind_label;
use crate::subsidy::pilot::store::{Allocation, YearData};
use crate::web::time_fmt;

pub(in crate::subsidy) struct PartnerLine {
    pub(in crate::subsidy) name: String,
    pub(in crate::subsidy) need_field: String,
    pub(in crate::subsidy) need_value: String,
    pub(in crate::subsidy) realised_field: String,
    pub(in crate::subsidy) realised_value: String,
    pub(in crate::subsidy) amount_field: String,
    pub(in crate::subsidy) amount_value: String,
}

impl PartnerLine {
    /// The input's name (and id) in the clients form of `basis`.
    pub(in crate::subsidy) fn field(&self, basis: &str) -> &str {
        if basis == "gerealiseerd" {
            &self.realised_field
        } else {
            &self.need_field
        }
    }

    pub(in crate::subsidy) fn value(&self, basis: &str) -> &str {
        if basis == "gerealiseerd" {
            &self.realised_value
        } else {
            &self.need_value
        }
    }
}

/// One of the two clients forms.
pub(in crate::subsidy) struct ClientsForm {
    pub(in crate::subsidy) basis: &'static str,
    pub(in crate::subsidy) caption: String,
    pub(in crate::subsidy) button: &'static str,
}

pub(in crate::subsidy) struct ProposalRow {
    pub(in crate::subsidy) name: String,
    pub(in crate::subsidy) clients: i64,
    pub(in crate::subsidy) percent: String,
    pub(in crate::subsidy) amount: String,
}

pub(in crate::subsidy) struct ShareRow {
    pub(in crate::subsidy) name: String,
    pub(in crate::subsidy) clients: i64,
    pub(in crate::subsidy) proposed: String,
    pub(in crate::subsidy) share: String,
    pub(in crate::subsidy) difference: String,
}

pub(in crate::subsidy) struct ShownVersion {
    pub(in crate::subsidy) version: i32,
    pub(in crate::subsidy) kind: &'static str,
    pub(in crate::subsidy) reason: String,
    pub(in crate::subsidy) when: String,
    pub(in crate::subsidy) by: String,
    pub(in crate::subsidy) budget: String,
    pub(in crate::subsidy) total: String,
    pub(in crate::subsidy) rows: Vec<ShareRow>,
}

pub(in crate::subsidy) struct VersionRow {
    pub(in crate::subsidy) version: i32,
    pub(in crate::subsidy) href: String,
    pub(in crate::subsidy) kind: &'static str,
    pub(in crate::subsidy) when: String,
    pub(in crate::subsidy) by: String,
    pub(in crate::subsidy) reason: String,
    pub(in crate::subsidy) total: String,
    pub(in crate::subsidy) shown: bool,
}

pub(in crate::subsidy) struct CompareRow {
    pub(in crate::subsidy) name: String,
    pub(in crate::subsidy) allocated: String,
    pub(in crate::subsidy) allocated_pct: String,
    pub(in crate::subsidy) realised: i64,
    pub(in crate::subsidy) realised_pct: String,
    pub(in crate::subsidy) points: String,
    pub(in crate::subsidy) by_realised: String,
    pub(in crate::subsidy) difference: String,
}

fn signed(cents: i64) -> String {
    if cents > 0 {
        format!("+{}", euro(cents))
    } else {
        euro(cents)
    }
}

fn version_total(d: &YearData, version: i32) -> i64 {
    d.shares
        .iter()
        .filter(|s| s.version == version)
        .map(|s| s.share_cents)
        .sum()
}

/// The partners' lines of the clients forms: what was typed (`typed`) or else what is stored,
/// and the amount of the current version or else the proposal.
pub(in crate::subsidy) fn partner_lines(
    d: &YearData,
    typed: &BTreeMap<String, String>,
    current: i32,
    proposal: &Result<Vec<i64>, NoProposal>,
) -> Vec<PartnerLine> {
    d.partners
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let value = |key: &str, stored: String| typed.get(key).cloned().unwrap_or(stored);
            let need_field = format!("behoefte_{}", p.provider_id);
            let realised_field = format!("gerealiseerd_{}", p.provider_id);
            let amount_field = format!("bedrag_{}", p.provider_id);
            let amount = match d.share(current, p.provider_id) {
                Some(s) => field(s.share_cents, false),
                None => proposal
                    .as_ref()
                    .map(|shares| field(shares[i], false))
                    .unwrap_or_default(),
            };
            PartnerLine {
                name: p.name.clone(),
                need_value: value(
                    &need_field,
                    d.need
                        .get(&p.provider_id)
                        .map(i64::to_string)
                        .unwrap_or_default(),
                ),
                realised_value: value(
                    &realised_field,
                    d.realised
                        .get(&p.provider_id)
                        .map(i64::to_string)
                        .unwrap_or_default(),
                ),
                amount_value: value(&amount_field, amount),
                need_field,
                realised_field,
                amount_field,
            }
        })
        .collect()
}

/// The proposal by the allocation rule, per partner.
pub(in crate::subsidy) fn proposal_rows(
    d: &YearData,
    proposal: &Result<Vec<i64>, NoProposal>,
    need_total: i64,
) -> Vec<ProposalRow> {
    match proposal {
        Ok(shares) => d
            .partners
            .iter()
            .zip(shares)
            .zip(d.need_counts())
            .map(|((p, cents), clients)| ProposalRow {
                name: p.name.clone(),
                clients: clients as i64,
                percent: basis_points(clients as i64, need_total)
                    .map(percent)
                    .unwrap_or_default(),
                amount: euro(*cents),
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Version `v` of the allocation in full.
pub(in crate::subsidy) fn shown_version(d: &YearData, v: &Allocation) -> ShownVersion {
    let rows: Vec<ShareRow> = d
        .partners
        .iter()
        .map(|p| {
            let s = d.share(v.version, p.provider_id);
            let (clients, proposed, share) = s
                .map(|s| (s.clients as i64, s.proposed_cents, s.share_cents))
                .unwrap_or((0, 0, 0));
            ShareRow {
                name: p.name.clone(),
                clients,
                proposed: euro(proposed),
                share: euro(share),
                difference: if share == proposed {
                    "—".into()
                } else {
                    signed(share - proposed)
                },
            }
        })
        .collect();
    ShownVersion {
        version: v.version,
        kind: kind_label(&v.kind),
        reason: v.reason.clone(),
        when: time_fmt::date_time(v.created_at),
        by: v.created_by.clone(),
        budget: euro(v.budget_cents),
        total: euro(version_total(d, v.version)),
        rows,
    }
}

/// The versions of the allocation, `shown_number` marked as shown.
pub(in crate::subsidy) fn version_rows(
    d: &YearData,
    here: &str,
    shown_number: i32,
) -> Vec<VersionRow> {
    d.versions
        .iter()
        .map(|v| VersionRow {
            version: v.version,
            href: format!("{here}?versie={}", v.version),
            kind: kind_label(&v.kind),
            when: time_fmt::date_time(v.created_at),
            by: v.created_by.clone(),
            reason: v.reason.clone(),
            total: euro(version_total(d, v.version)),
            shown: v.version == shown_number,
        })
        .collect()
}

/// Version `shown` compared with the clients realised, and the number realised.
pub(in crate::subsidy) fn compare_rows(
    d: &YearData,
    shown: Option<&Allocation>,
) -> (Vec<CompareRow>, i64) {
    let realised_counts: Vec<u64> = d
        .partners
        .iter()
        .map(|p| d.realised.get(&p.provider_id).copied().unwrap_or(0).max(0) as u64)
        .collect();
    let realised_total: i64 = realised_counts.iter().map(|&c| c as i64).sum();
    let compare = match shown {
        Some(v) if realised_total > 0 => {
            let allocated: Vec<i64> = d
                .partners
                .iter()
                .map(|p| {
                    d.share(v.version, p.provider_id)
                        .map(|s| s.share_cents)
                        .unwrap_or(0)
                })
                .collect();
            let allocated_total: i64 = allocated.iter().sum();
            let by_realised =
                largest_remainder(allocated_total, &realised_counts).unwrap_or_default();
            d.partners
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let a_bp = basis_points(allocated[i], allocated_total).unwrap_or(0);
                    let r_bp = basis_points(realised_counts[i] as i64, realised_total).unwrap_or(0);
                    let fair = by_realised.get(i).copied().unwrap_or(0);
                    CompareRow {
                        name: p.name.clone(),
                        allocated: euro(allocated[i]),
                        allocated_pct: percent(a_bp),
                        realised: realised_counts[i] as i64,
                        realised_pct: percent(r_bp),
                        points: points_difference(r_bp - a_bp),
                        by_realised: euro(fair),
                        difference: signed(fair - allocated[i]),
                    }
                })
                .collect()
        }
        _ => Vec::new(),
    };
    (compare, realised_total)
}
