//! `voorzieningen termijnenwet`: the operator's list and extension of the days declared equal
//! to general holidays (Algemene termijnenwet art. 3(3)), by decree.

use clap::Subcommand;

use crate::termijnenwet::store;

#[derive(Subcommand, Debug)]
pub enum TermijnenwetCommand {
    /// List the decrees in the register, with the years they cover and the days they declare.
    List,
    /// Add a decree published in the Staatscourant: the years it covers and the days it
    /// declares equal to a general holiday. Running servers count with it within 5 minutes.
    Add {
        /// The decree's title as published, e.g. "Besluit gelijkstelling van 11 mei 2029 met
        /// een algemeen erkende feestdag".
        #[arg(long)]
        title: String,
        /// The years the decree covers, e.g. 2029-2031.
        #[arg(long)]
        years: String,
        /// A day the decree declares equal, e.g. 2029-05-11; repeat for more (none is allowed:
        /// a decree may declare no day, and still says the years are known).
        #[arg(long = "day")]
        days: Vec<String>,
    },
}

pub(super) async fn run(
    admin: &sqlx::PgPool,
    command: TermijnenwetCommand,
) -> Result<String, String> {
    let known = store::load(admin).await.map_err(|e| e.to_string())?;
    match command {
        TermijnenwetCommand::List => Ok(store::listing(&known)),
        TermijnenwetCommand::Add { title, years, days } => {
            let decree = store::parse(&title, &years, &days, &known)?;
            store::add(admin, &decree).await?;
            Ok(format!(
                "decree added for {}-{} with {} day(s); running servers count with it within 5 minutes",
                decree.first_year,
                decree.last_year,
                decree.days.len()
            ))
        }
    }
}
