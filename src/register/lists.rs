//! The national code lists as the forms need them.

use sqlx::{FromRow, PgConnection};

use crate::error::AppResult;

#[derive(Debug, Clone, FromRow)]
pub struct Levensgebied {
    pub code: String,
    pub name: String,
}

pub async fn levensgebieden(conn: &mut PgConnection) -> AppResult<Vec<Levensgebied>> {
    Ok(
        sqlx::query_as("select code, name from levensgebieden order by position")
            .fetch_all(conn)
            .await?,
    )
}

#[derive(Debug, Clone, FromRow)]
pub struct Code {
    pub code: String,
    pub name: String,
}

/// One list: `functie`, `bouwsteen`, `vorm`, `doelgroep`, `aanbiedertype`, `verwijsreden`.
pub async fn codes(conn: &mut PgConnection, kind: &str) -> AppResult<Vec<Code>> {
    Ok(
        sqlx::query_as("select code, name from code_lists where kind = $1 order by position")
            .bind(kind)
            .fetch_all(conn)
            .await?,
    )
}
