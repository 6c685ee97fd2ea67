//! Reading the register: the list of facilities, a facility's history, and the list of
//! facilities nobody has verified for a year. One facility's page is [`super::show_page`].

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;
use sqlx::FromRow;
use time::Date;
use uuid::Uuid;

use super::access;
use super::listing;
use super::page_data;
use super::store::is_stale;
use crate::auth::current_user::CurrentUser;
use crate::auth::ownership::{Access, ProviderScope};
use crate::auth::roles::Section;
use crate::error::AppResult;
use crate::register::history;
use crate::state::AppState;
use crate::web::layout::{render, Layout};
use crate::web::Notice;
use crate::web::{time_fmt, PathId};

const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    archief: Option<String>,
    #[serde(default)]
    pagina: Option<String>,
    #[serde(default)]
    melding: Option<String>,
}

#[derive(FromRow)]
pub struct ListRow {
    pub facility_id: Uuid,
    pub name: String,
    pub provider_name: String,
    pub type_names: String,
    pub place: String,
    pub verified_on: Option<Date>,
    pub archived: bool,
}

impl ListRow {
    /// Not verified for a year on `today` (worked out once per page).
    pub fn stale(&self, today: Date) -> bool {
        is_stale(self.verified_on, today)
    }

    pub fn verified_text(&self) -> String {
        self.verified_on
            .map(time_fmt::date)
            .unwrap_or_else(|| "nooit".into())
    }
}

#[derive(Template)]
#[template(path = "register/facilities_list.html")]
struct ListPage {
    layout: Layout,
    base: String,
    q: String,
    archive: bool,
    rows: Vec<ListRow>,
    today: Date,
    total: i64,
    page: i64,
    pages: i64,
    may_add: bool,
}

impl ListPage {
    /// The link to page `page` of this list (the same search and archive), `None` past its ends.
    fn page_link(&self, page: i64) -> Option<String> {
        if !(1..=self.pages).contains(&page) {
            return None;
        }
        let mut query = form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("q", &self.q)
            .append_pair("pagina", &page.to_string());
        if self.archive {
            query.append_pair("archief", "1");
        }
        Some(format!("{}?{}", self.base, query.finish()))
    }
}

/// The columns of a list line, for the tenant's facilities (`$2`: archived ones) of provider `$3`
/// (any when null).
const ROWS: &str = "select f.facility_id, f.name, p.name as provider_name, \
    coalesce((select string_agg(t.name, ', ' order by l.is_main desc, t.name) from facility_type_links l \
      join facility_types t on t.tenant_id = l.tenant_id and t.code = l.type_code \
      where l.tenant_id = f.tenant_id and l.facility_id = f.facility_id), '') as type_names, \
    coalesce(b.name, f.city) as place, f.verified_on, f.archived \
    from facilities f join providers p on p.tenant_id = f.tenant_id and p.provider_id = f.provider_id \
    left join areas b on b.tenant_id = f.tenant_id and b.area_id = f.buurt_id \
    where f.tenant_id = $1 and f.archived = $2 and ($3::uuid is null or f.provider_id = $3)";

/// GET /{tenant}/voorzieningen
pub async fn facility_index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ListQuery>,
) -> AppResult<Response> {
    let q: String = query
        .q
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let page: i64 = query
        .pagina
        .as_deref()
        .and_then(|p| p.parse().ok())
        .filter(|p| (1..=100_000).contains(p))
        .unwrap_or(1);
    let archive = query.archief.is_some();
    // The generation as the session check read it, and the search text as PostgreSQL folds
    // names (lower, unaccent; a statement only for a text not folded before).
    let generation = user.tenant_state.register_generation;
    let folded = state.analyses.folded(state.db.pool(), &q).await?;
    let list = page_data::kept_listing(&state.cache, &state.db, user.tenant_id, generation).await?;
    let (lines, total) = list.page(&listing::Wanted {
        archived: archive,
        provider: user.read_scope().only(),
        folded_text: &folded,
        offset: ((page - 1) * PAGE_SIZE) as usize,
        limit: PAGE_SIZE as usize,
    });
    let rows = lines
        .into_iter()
        .map(|l| ListRow {
            facility_id: l.facility_id,
            name: l.name.clone(),
            provider_name: list.provider_name(l).to_string(),
            type_names: l.type_names.clone(),
            place: l.place.clone(),
            verified_on: l.verified_on,
            archived: l.archived,
        })
        .collect();
    let total = total as i64;
    let notice = match query.melding.as_deref() {
        Some("gecontroleerd") => Some("De voorziening is als gecontroleerd gemarkeerd."),
        _ => None,
    };
    let title = if archive {
        "Gearchiveerde voorzieningen"
    } else {
        "Voorzieningen"
    };
    render(&ListPage {
        layout: Layout::for_user(&user, title, Some(Section::Facilities)).with_notice(notice),
        base: user.href(Section::Facilities.path()),
        q,
        archive,
        rows,
        today: time_fmt::today(),
        total,
        page,
        pages: (total + PAGE_SIZE - 1) / PAGE_SIZE,
        may_add: user.write_scope() != ProviderScope::Nothing,
    })
}

/// GET /{tenant}/voorzieningen/{id}/geschiedenis
pub async fn facility_history(
    State(state): State<AppState>,
    user: CurrentUser,
    PathId(id): PathId,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let f = access::facility(&mut tx, &user, id, Access::Read).await?;
    let back = format!("{}/{id}", user.href(Section::Facilities.path()));
    let response = history::history_page(
        &mut tx,
        &user,
        Section::Facilities,
        "voorziening",
        id,
        &f.name,
        back,
    )
    .await;
    tx.commit().await?;
    response
}

#[derive(Template)]
#[template(path = "register/stale_list.html")]
struct StalePage {
    layout: Layout,
    base: String,
    rows: Vec<ListRow>,
    /// Beheerders read this list; only those who change every facility verify.
    may_verify: bool,
}

/// GET /{tenant}/actualiteit: facilities not verified for 12 months, oldest first.
pub async fn stale_index(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(notice): Query<Notice>,
) -> AppResult<Response> {
    let mut tx = state.db.tenant_tx(user.tenant_id).await?;
    let raw: Vec<sqlx::postgres::PgRow> = sqlx::query(&format!(
        "{ROWS} and (f.verified_on is null or f.verified_on < current_date - 365) order by f.verified_on nulls first, lower(f.name) limit 1000"
    ))
    .bind(user.tenant_id)
    .bind(false)
    .bind(user.read_scope().only())
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let rows = raw
        .iter()
        .map(ListRow::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let notice = (notice.melding.as_deref() == Some("gecontroleerd"))
        .then_some("De voorziening is als gecontroleerd gemarkeerd.");
    render(&StalePage {
        layout: Layout::for_user(&user, "Actualiteit", Some(Section::Stale)).with_notice(notice),
        base: user.href(Section::Facilities.path()),
        rows,
        may_verify: user.may_change(Section::Stale) && user.write_scope() == ProviderScope::All,
    })
}
