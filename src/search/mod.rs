//! The search engine: a per-tenant projection of the register in memory ([`index`], built by
//! [`load`]) and the search over it ([`run()`]), shared by the wijkteam's search, the public
//! kaart and the HSDS `search` parameter. It knows no pages: the lookup pages
//! ([`crate::lookup`]) and the open-data API ([`crate::hsds`]) render what it finds.
//!
//! PostgreSQL analyses the text — the facilities' search documents, kept by
//! [`crate::register::search_documents`], and the query, in [`tenant_and_query`] (once per
//! text: [`analysis`]); everything
//! else happens in memory: an inverted index of the stems and of the names' words
//! ([`words`], matched by a [`query`]), and per filter option the set of facilities that have
//! it as a bit vector ([`bits`]), so a filter is an AND and an option's count a population
//! count.

pub mod analysis;
pub mod bits;
pub mod closed;
pub mod filters;
pub mod flat;
pub mod index;
pub mod load;
pub mod params;
pub mod query;
mod run;
pub mod walk_in;
pub mod words;

pub use run::{run, run_in, Context, Facet, FacetOption, Loosen, Outcome, PAGE_SIZE};

use std::sync::{Arc, LazyLock};

use uuid::Uuid;

use crate::auth::current_user::CurrentUser;
use analysis::Analyses;

use crate::db::Db;
use crate::error::AppResult;

/// What a search needs to know of its tenant before it can run: the tenant, how far its
/// register is, and the query's words analysed.
pub struct TenantAndQuery {
    pub name: String,
    pub generation: i64,
    pub published: bool,
    /// `None`: the query has no words, everything matches.
    pub query: Option<Arc<query::Query>>,
}

static TENANT_AND_QUERY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "select name, register_generation, published, {} from tenants where tenant_id = $1",
        query::analysis_sql(2)
    )
});

/// The tenant `tenant_id` and the analysis of `q`, in one statement outside any transaction
/// (the tenant alone when the text was analysed before); `None` for an unknown tenant.
pub async fn tenant_and_query(
    db: &Db,
    analyses: &Analyses,
    tenant_id: Uuid,
    q: &str,
) -> AppResult<Option<TenantAndQuery>> {
    if let Some(query) = analyses.known_query(q) {
        let row: Option<(String, i64, bool)> = sqlx::query_as(
            "select name, register_generation, published from tenants where tenant_id = $1",
        )
        .bind(tenant_id)
        .fetch_optional(db.pool())
        .await?;
        return Ok(row.map(|(name, generation, published)| TenantAndQuery {
            name,
            generation,
            published,
            query,
        }));
    }
    type Row = (String, i64, bool, Option<Vec<String>>, Option<String>);
    let row: Option<Row> = sqlx::query_as(&TENANT_AND_QUERY)
        .bind(tenant_id)
        .bind(query::query_text(q))
        .fetch_optional(db.pool())
        .await?;
    Ok(row.map(|(name, generation, published, stems, plain)| {
        let query = query::from_analysis(stems, plain).map(Arc::new);
        analyses.keep_query(q, query.clone());
        TenantAndQuery {
            name,
            generation,
            published,
            query,
        }
    }))
}

/// The signed-in user's tenant, as the session check read it, and the analysis of `q`: no
/// statement at all once the text was analysed before.
pub async fn signed_in_tenant_and_query(
    db: &Db,
    analyses: &Analyses,
    user: &CurrentUser,
    q: &str,
) -> AppResult<TenantAndQuery> {
    Ok(TenantAndQuery {
        name: user.tenant_name.clone(),
        generation: user.tenant_state.register_generation,
        published: user.tenant_state.published,
        query: analyses.query(db.pool(), q).await?,
    })
}
