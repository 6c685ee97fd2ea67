//! The documents of a verantwoording: the kinds, which a duty requires, and those added.

use crate::db::TenantTx;
use crate::error::AppResult;
use crate::subsidy::after::settlement::Duty;
use crate::subsidy::common::files::stored_name;
use crate::web::time_fmt;
use time::OffsetDateTime;
use uuid::Uuid;

/// The kinds of document a verantwoording holds: code and name.
pub const KINDS: &[(&str, &str)] = &[
    ("activiteitenverslag", "Activiteitenverslag"),
    (
        "financieel_verslag",
        "Financieel verslag (gerealiseerde begroting)",
    ),
    ("overig", "Ander document"),
];

/// The name of kind `code`.
pub fn kind_name(code: &str) -> &'static str {
    KINDS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("Document", |(_, n)| n)
}

/// The documents a verantwoording with this duty must hold.
pub fn required(duty: Duty) -> &'static [&'static str] {
    match duty {
        Duty::Direct => &[],
        Duty::ActivityReport => &["activiteitenverslag"],
        Duty::FinancialReport => &["activiteitenverslag", "financieel_verslag"],
    }
}

/// A document of a verantwoording, without its content.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportDocument {
    pub document_id: Uuid,
    pub kind: String,
    /// As shown and sent: cleaned, with the extension of `media_type`.
    pub file_name: String,
    pub media_type: String,
    pub size_bytes: i32,
    pub uploaded_at: OffsetDateTime,
}

impl ReportDocument {
    /// "Activiteitenverslag: verslag.pdf (120 kB, 3 december 2026 10:15)" in parts.
    pub fn kind_name(&self) -> &'static str {
        kind_name(&self.kind)
    }

    pub fn size(&self) -> String {
        let kb = (i64::from(self.size_bytes) + 1023) / 1024;
        if kb >= 1024 {
            format!("{},{} MB", kb / 1024, (kb % 1024) * 10 / 1024)
        } else {
            format!("{kb} kB")
        }
    }

    pub fn uploaded(&self) -> String {
        time_fmt::date_time(self.uploaded_at)
    }
}

/// The documents of `application_id`'s verantwoording, by kind and time.
pub async fn list(tx: &mut TenantTx, application_id: Uuid) -> AppResult<Vec<ReportDocument>> {
    let tenant_id = tx.tenant_id();
    let mut documents: Vec<ReportDocument> = sqlx::query_as(
        "select document_id, kind, file_name, media_type, size_bytes, uploaded_at from subsidy_report_documents \
         where tenant_id = $1 and application_id = $2 \
         order by array_position(array['activiteitenverslag', 'financieel_verslag', 'overig'], kind), uploaded_at",
    )
    .bind(tenant_id)
    .bind(application_id)
    .fetch_all(&mut **tx)
    .await?;
    // Names stored before they were cleaned on upload are shown as they are stored now.
    for d in &mut documents {
        d.file_name = stored_name(&d.file_name, &d.media_type);
    }
    Ok(documents)
}

/// The names of the required documents `documents` lacks.
pub fn missing(duty: Duty, documents: &[ReportDocument]) -> Vec<&'static str> {
    required(duty)
        .iter()
        .filter(|code| !documents.iter().any(|d| d.kind == **code))
        .map(|code| kind_name(code))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(kind: &str) -> ReportDocument {
        ReportDocument {
            document_id: Uuid::nil(),
            kind: kind.into(),
            file_name: "x.pdf".into(),
            media_type: "application/pdf".into(),
            size_bytes: 1,
            uploaded_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_band_says_which_documents_are_required() {
        assert!(missing(Duty::Direct, &[]).is_empty());
        assert_eq!(
            missing(Duty::ActivityReport, &[]),
            vec!["Activiteitenverslag"]
        );
        assert!(missing(Duty::ActivityReport, &[doc("activiteitenverslag")]).is_empty());
        assert_eq!(
            missing(
                Duty::FinancialReport,
                &[doc("activiteitenverslag"), doc("overig")]
            ),
            vec!["Financieel verslag (gerealiseerde begroting)"]
        );
    }

    #[test]
    fn sizes_read_as_people_say_them() {
        let mut d = doc("overig");
        d.size_bytes = 1500;
        assert_eq!(d.size(), "2 kB");
        d.size_bytes = 3 * 1024 * 1024 + 512 * 1024;
        assert_eq!(d.size(), "3,5 MB");
    }
}
