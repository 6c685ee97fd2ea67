//! The national code lists as the forms need them.

use sqlx::{FromRow, PgConnection};

use crate::error::AppResult;

/// A code of a list (a levensgebied, a facility type, a functie …) with the name users see.
#[derive(Debug, Clone, FromRow)]
pub struct NamedCode {
    pub code: String,
    pub name: String,
}

pub async fn levensgebieden(conn: &mut PgConnection) -> AppResult<Vec<NamedCode>> {
    Ok(
        sqlx::query_as("select code, name from levensgebieden order by position")
            .fetch_all(conn)
            .await?,
    )
}

/// One list: `functie`, `bouwsteen`, `vorm`, `doelgroep`, `aanbiedertype`, `verwijsreden`.
pub async fn codes(conn: &mut PgConnection, kind: &str) -> AppResult<Vec<NamedCode>> {
    Ok(
        sqlx::query_as("select code, name from code_lists where kind = $1 order by position")
            .bind(kind)
            .fetch_all(conn)
            .await?,
    )
}
