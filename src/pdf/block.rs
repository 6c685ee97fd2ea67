//! What a [`super::Document`] is made of: pieces of content, laid out top to bottom on its
//! pages.

/// A piece of content, laid out top to bottom.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// Large bold heading.
    Title(String),
    /// Section heading, bold.
    Heading(String),
    /// Wrapped body text; `'\n'` starts a new line.
    Paragraph(String),
    /// Smaller grey text, e.g. a legal clause; `'\n'` starts a new line.
    Small(String),
    /// Two columns: bold key, wrapped value.
    KeyValues(Vec<(String, String)>),
    /// A table. `widths` are relative column widths (equal widths when the
    /// length does not match); `right_align` marks columns (e.g. amounts)
    /// to align right. Cells wrap within their column.
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
        widths: Vec<f32>,
        right_align: Vec<bool>,
    },
    /// Vertical space in points.
    Spacer(f32),
}
