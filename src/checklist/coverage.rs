//! The coverage matrix: facility types (rows, by levensgebied) against gemeenten (columns),
//! each cell the number of facilities or the recorded status; gaps and missing innovations.

use std::collections::HashMap;

use uuid::Uuid;

use super::scope::{self, Gemeente};
use super::status::Status;
use super::store::{self, ChecklistType};
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::register::lists;

pub struct Cell {
    pub count: i64,
    /// Aanwezig when counted, else the recorded status.
    pub status: Status,
}

impl Cell {
    /// What the cell says: the count, or the status mark.
    pub fn text(&self) -> String {
        if self.count > 0 {
            self.count.to_string()
        } else {
            self.status.mark().to_string()
        }
    }
}

pub struct MatrixRow {
    pub t: ChecklistType,
    pub cells: Vec<Cell>,
    pub total: i64,
    /// The regio as a whole: each facility once, the status from the gemeenten's.
    pub region: Cell,
}

impl MatrixRow {
    /// Absent in every gemeente.
    pub fn gap(&self) -> bool {
        self.total == 0
    }
}

/// What the compact matrix shows: only gaps, only innovations, or both (every type that
/// passes all chosen filters).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowFilter {
    pub only_gaps: bool,
    pub only_innovations: bool,
}

impl RowFilter {
    pub fn keeps(&self, row: &MatrixRow) -> bool {
        (!self.only_gaps || row.gap()) && (!self.only_innovations || row.t.innovative)
    }

    pub fn active(&self) -> bool {
        self.only_gaps || self.only_innovations
    }
}

pub struct MatrixGroup {
    pub code: String,
    pub name: String,
    pub rows: Vec<MatrixRow>,
}

impl MatrixGroup {
    /// Types absent in every gemeente.
    pub fn gaps(&self) -> usize {
        self.rows.iter().filter(|r| r.gap()).count()
    }

    pub fn innovations(&self) -> usize {
        self.rows.iter().filter(|r| r.t.innovative).count()
    }

    pub fn shown(&self, filter: &RowFilter) -> usize {
        self.rows.iter().filter(|r| filter.keeps(r)).count()
    }

    /// Per gemeente: the number of types of this group present there.
    pub fn present(&self, gemeenten: usize) -> Vec<usize> {
        (0..gemeenten)
            .map(|i| self.rows.iter().filter(|r| r.cells[i].count > 0).count())
            .collect()
    }

    /// Types of this group present somewhere in the regio.
    pub fn present_in_region(&self) -> usize {
        self.rows.len() - self.gaps()
    }
}

pub struct Matrix {
    pub gemeenten: Vec<Gemeente>,
    pub groups: Vec<MatrixGroup>,
}

impl Matrix {
    pub fn rows(&self) -> impl Iterator<Item = &MatrixRow> {
        self.groups.iter().flat_map(|g| g.rows.iter())
    }

    pub fn gaps(&self) -> usize {
        self.rows().filter(|r| r.gap()).count()
    }

    /// Innovative types with no facility anywhere in the tenant's gemeenten.
    pub fn missing_innovations(&self) -> Vec<&ChecklistType> {
        self.rows()
            .filter(|r| r.gap() && r.t.innovative)
            .map(|r| &r.t)
            .collect()
    }

    /// Per gemeente: the number of types present.
    pub fn present_per_gemeente(&self) -> Vec<usize> {
        (0..self.gemeenten.len())
            .map(|i| self.rows().filter(|r| r.cells[i].count > 0).count())
            .collect()
    }

    pub fn total_types(&self) -> usize {
        self.rows().count()
    }

    /// The number of types per status for the regio as a whole, in the order of
    /// aanwezig, niet aanwezig, onbekend, n.v.t.
    pub fn region_summary(&self) -> Vec<(&'static str, usize)> {
        [
            Status::Aanwezig,
            Status::NietAanwezig,
            Status::Onbekend,
            Status::NietVanToepassing,
        ]
        .into_iter()
        .map(|s| {
            (
                s.label(),
                self.rows().filter(|r| r.region.status == s).count(),
            )
        })
        .collect()
    }
}

/// Two queries for the counts and statuses, the rest in memory.
pub async fn load(tx: &mut TenantTx) -> AppResult<Matrix> {
    let gemeenten = scope::gemeenten(tx).await?;
    let types = store::types(tx).await?;
    let levensgebieden = lists::levensgebieden(tx).await?;
    let counts: HashMap<(String, Uuid), i64> = store::counts(tx)
        .await?
        .into_iter()
        .map(|(t, g, n)| ((t, g), n))
        .collect();
    let region: HashMap<String, i64> = store::region_counts(tx).await?.into_iter().collect();
    let entries: HashMap<(String, Uuid), Status> = store::entries(tx, None)
        .await?
        .into_iter()
        .map(|e| ((e.type_code, e.area_id), Status::from_code(&e.status)))
        .collect();
    let groups = levensgebieden
        .into_iter()
        .map(|g| MatrixGroup {
            rows: types
                .iter()
                .filter(|t| t.levensgebied == g.code)
                .map(|t| {
                    let cells: Vec<Cell> = gemeenten
                        .iter()
                        .map(|gm| {
                            let key = (t.code.clone(), gm.area_id);
                            let count = counts.get(&key).copied().unwrap_or(0);
                            let status = if count > 0 {
                                Status::Aanwezig
                            } else {
                                entries.get(&key).copied().unwrap_or(Status::Onbekend)
                            };
                            Cell { count, status }
                        })
                        .collect();
                    let statuses: Vec<Status> = cells.iter().map(|c| c.status).collect();
                    MatrixRow {
                        total: cells.iter().map(|c| c.count).sum(),
                        region: Cell {
                            count: region.get(&t.code).copied().unwrap_or(0),
                            status: Status::for_region(&statuses),
                        },
                        cells,
                        t: t.clone(),
                    }
                })
                .collect(),
            code: g.code,
            name: g.name,
        })
        .collect();
    Ok(Matrix { gemeenten, groups })
}
