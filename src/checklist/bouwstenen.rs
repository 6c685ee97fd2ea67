//! The 7 bouwstenen of inclusive neighbourhoods (Platform31's Werken aan herstel en stabiliteit (2021)) per wijk: how many facilities with
//! each bouwsteen lie in or serve the wijk, and where one is missing.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use uuid::Uuid;

use super::nav::{subnav, Tab};
use super::scope::{self, Wijk};
use super::store;
use crate::auth::current_user::CurrentUser;
use crate::auth::roles::Section;
use crate::db::TenantTx;
use crate::error::AppResult;
use crate::register::lists::{self, NamedCode};
use crate::state::AppState;
use crate::web::layout::{render, Layout, NavItem};

pub struct WijkRow {
    pub wijk: Wijk,
    pub counts: Vec<i64>,
}

impl WijkRow {
    pub fn gaps(&self) -> usize {
        self.counts.iter().filter(|n| **n == 0).count()
    }
}

/// The wijken of one gemeente.
pub struct GemeenteRows {
    pub code: String,
    pub name: String,
    pub rows: Vec<WijkRow>,
}

#[derive(Template)]
#[template(path = "checklist/bouwstenen.html")]
struct BouwstenenPage {
    layout: Layout,
    subnav: Vec<NavItem>,
    base: String,
    bouwstenen: Vec<NamedCode>,
    gemeenten: Vec<GemeenteRows>,
    regio: bool,
    wijken: usize,
    complete: usize,
}

/// Groups wijken (already ordered by gemeente) under their gemeente.
pub fn by_gemeente<T>(items: Vec<T>, wijk: impl Fn(&T) -> &Wijk) -> Vec<(String, String, Vec<T>)> {
    let mut out: Vec<(String, String, Vec<T>)> = Vec::new();
    for item in items {
        let w = wijk(&item);
        match out.last_mut() {
            Some(last) if last.0 == w.gemeente_code => last.2.push(item),
            _ => out.push((w.gemeente_code.clone(), w.gemeente_name.clone(), vec![item])),
        }
    }
    out
}

/// The bouwstenen and a row per wijk with its count of each.
pub async fn load(tx: &mut TenantTx) -> AppResult<(Vec<NamedCode>, Vec<WijkRow>)> {
    let bouwstenen = lists::codes(tx, "bouwsteen").await?;
    let wijken = scope::wijken(tx).await?;
    let counts: HashMap<(Uuid, String), i64> = store::bouwsteen_counts(tx)
        .await?
        .into_iter()
        .map(|(w, b, n)| ((w, b), n))
        .collect();
    let rows = wijken
        .into_iter()
        .map(|wijk| WijkRow {
            counts: bouwstenen
                .iter()
                .map(|b| {
                    counts
                        .get(&(wijk.area_id, b.code.clone()))
                        .copied()
                        .unwrap_or(0)
                })
                .collect(),
            wijk,
        })
        .collect();
    Ok((bouwstenen, rows))
}

/// GET /{tenant}/checklist/bouwstenen
pub async fn bouwstenen_show(
    State(state): State<AppState>,
    user: CurrentUser,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let (bouwstenen, rows) = load(&mut tx).await?;
    let regio = scope::gemeenten(&mut tx).await?.len() > 1;
    tx.commit().await?;
    let count = rows.len();
    let complete = rows.iter().filter(|r| r.gaps() == 0).count();
    let gemeenten = by_gemeente(rows, |r| &r.wijk)
        .into_iter()
        .map(|(code, name, rows)| GemeenteRows { code, name, rows })
        .collect();
    render(&BouwstenenPage {
        layout: Layout::for_user(&user, "Bouwstenen per wijk", Some(Section::Checklist)),
        subnav: subnav(&user, Tab::Bouwstenen),
        base: user.section_href(Section::Checklist),
        bouwstenen,
        gemeenten,
        regio,
        wijken: count,
        complete,
    })
}
