//! Server-side PDF generation for decision letters (beschikkingen).
//!
//! A [`Document`] is a list of [`Block`]s that is laid out on A4 pages and
//! written with `pdf-writer`, using only the standard-14 fonts Helvetica,
//! Helvetica-Bold and Helvetica-Oblique in WinAnsiEncoding: no font files,
//! no external programs. Text stays extractable (plain text operators).
//! Characters outside WinAnsi are printed as `?`.
//!
//! ```ignore
//! use crate::pdf::{Block, Document};
//!
//! let mut doc = Document::new("Beschikking", "Gemeente Voorbeeld")
//!     .letterhead("Gemeente Voorbeeld", vec!["Postbus 1".into(), "1234 AB Voorbeeld".into()])
//!     .footer("Bezwaar? Zie de toelichting.");
//! doc.push(Block::Title("Beschikking Wmo".into()));
//! doc.push(Block::Paragraph("Geachte heer Jansen,".into()));
//! let bytes: Vec<u8> = doc.render();
//! ```
//!
//! Layout: 56 pt margins, body text 10.5 pt with 1.35 line height, words
//! wrapped with the real Helvetica widths. Paragraphs may continue on the
//! next page; headings stay with what follows; key/value pairs and table
//! rows are never split, and a table's header repeats on every page it
//! spans. Every page gets a footer with "pagina n van m".

mod block;
mod layout;
mod text;

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

pub use block::Block;
pub use pdf_writer::Date;

use layout::{Op, PAGE_HEIGHT, PAGE_WIDTH};
use text::Font;

/// A document to be rendered as an A4 PDF.
#[derive(Clone, Debug)]
pub struct Document {
    title: String,
    author: String,
    created: Option<Date>,
    letterhead: Option<(String, Vec<String>)>,
    footer: Option<String>,
    blocks: Vec<Block>,
}

impl Document {
    /// A new, empty document; title and author go into the PDF metadata.
    pub fn new(title: &str, author: &str) -> Self {
        Document {
            title: title.to_owned(),
            author: author.to_owned(),
            created: None,
            letterhead: None,
            footer: None,
            blocks: Vec::new(),
        }
    }

    /// The sender and address lines, printed at the top right of page 1.
    pub fn letterhead(mut self, sender: &str, address_lines: Vec<String>) -> Self {
        self.letterhead = Some((sender.to_owned(), address_lines));
        self
    }

    /// Text printed at the bottom of every page, next to "pagina n van m".
    pub fn footer(mut self, text: &str) -> Self {
        self.footer = Some(text.to_owned());
        self
    }

    /// Sets the metadata's creation date (none is written by default, which
    /// keeps the output deterministic).
    pub fn creation_date(mut self, date: Date) -> Self {
        self.created = Some(date);
        self
    }

    /// Appends a block.
    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// The number of pages [`render`](Self::render) produces.
    pub fn page_count(&self) -> usize {
        self.layout().len()
    }

    /// Renders the document to PDF bytes.
    pub fn render(&self) -> Vec<u8> {
        let pages = self.layout();
        let total = pages.len();

        let catalog_id = Ref::new(1);
        let tree_id = Ref::new(2);
        let info_id = Ref::new(3);
        let font_ids = [Ref::new(4), Ref::new(5), Ref::new(6)];
        let page_ids: Vec<Ref> = (0..total).map(|i| Ref::new(7 + 2 * i as i32)).collect();

        let mut pdf = Pdf::new();
        pdf.catalog(catalog_id)
            .pages(tree_id)
            .lang(TextStr("nl-NL"));
        pdf.pages(tree_id)
            .kids(page_ids.iter().copied())
            .count(total as i32);

        for (index, ops) in pages.iter().enumerate() {
            let page_id = page_ids[index];
            let content_id = Ref::new(page_id.get() + 1);
            let mut page = pdf.page(page_id);
            page.parent(tree_id)
                .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
                .contents(content_id);
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            for (font, id) in Font::ALL.iter().zip(font_ids) {
                fonts.pair(Name(font.resource_name()), id);
            }
            fonts.finish();
            resources.finish();
            page.finish();

            let footer = layout::footer(self.footer.as_deref(), index + 1, total);
            let stream = content_stream(ops.iter().chain(&footer));
            pdf.stream(content_id, &stream);
        }

        for (font, id) in Font::ALL.iter().zip(font_ids) {
            pdf.type1_font(id)
                .base_font(Name(font.base_font()))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }

        let mut info = pdf.document_info(info_id);
        info.title(TextStr(&self.title))
            .author(TextStr(&self.author))
            .producer(TextStr("Voorzieningenregister"));
        if let Some(date) = self.created {
            info.creation_date(date);
        }
        info.finish();

        pdf.finish()
    }

    fn layout(&self) -> Vec<Vec<Op>> {
        let mut layout = layout::Layout::new();
        if let Some((sender, lines)) = &self.letterhead {
            layout.letterhead(sender, lines);
        }
        for block in &self.blocks {
            layout.block(block);
        }
        layout.finish()
    }
}

/// Rounds a coordinate to two decimals to keep the content stream tidy.
fn r(value: f32) -> f32 {
    (value * 100.0).round() / 100.0
}

/// Writes drawing operations as a page content stream.
fn content_stream<'a>(ops: impl Iterator<Item = &'a Op>) -> Vec<u8> {
    let mut content = Content::new();
    for op in ops {
        match op {
            Op::Text { x, y, style, bytes } => {
                content
                    .set_fill_gray(style.gray)
                    .begin_text()
                    .set_font(Name(style.font.resource_name()), style.size)
                    .next_line(r(*x), r(*y))
                    .show(Str(bytes))
                    .end_text();
            }
            Op::Rule {
                x1,
                x2,
                y,
                width,
                gray,
            } => {
                content
                    .set_stroke_gray(*gray)
                    .set_line_width(*width)
                    .move_to(r(*x1), r(*y))
                    .line_to(r(*x2), r(*y))
                    .stroke();
            }
            Op::Fill { x, y, w, h, gray } => {
                content
                    .set_fill_gray(*gray)
                    .rect(r(*x), r(*y), r(*w), r(*h))
                    .fill_nonzero();
            }
        }
    }
    content.finish().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(haystack: &[u8], needle: &[u8]) -> usize {
        haystack
            .windows(needle.len())
            .filter(|w| *w == needle)
            .count()
    }

    fn contains(haystack: &[u8], needle: &str) -> bool {
        count(haystack, needle.as_bytes()) > 0
    }

    #[test]
    fn render_produces_a_complete_pdf() {
        let mut doc = Document::new("Beschikking", "Gemeente Voorbeeld")
            .creation_date(Date::new(2026).month(3).day(2));
        doc.push(Block::Title("Beschikking".into()));
        let pdf = doc.render();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
        assert!(contains(&pdf, "/Producer (Voorzieningenregister)"));
        assert!(contains(&pdf, "/Title (Beschikking)"));
        assert!(contains(&pdf, "/CreationDate (D:20260302)"));
        assert!(contains(&pdf, "/Encoding /WinAnsiEncoding"));
        assert!(contains(&pdf, "(Beschikking) Tj"));
    }

    #[test]
    fn three_page_document_has_three_pages() {
        let mut doc = Document::new("Lang", "Test").footer("Voetregel");
        let mut n = 0;
        while doc.page_count() < 3 {
            n += 1;
            assert!(n < 1000);
            doc.push(Block::Paragraph(format!("Alinea {n} met wat tekst.")));
        }
        let pdf = doc.render();
        // "/Type /Page" also prefixes "/Type /Pages" once.
        assert_eq!(
            count(&pdf, b"/Type /Page") - count(&pdf, b"/Type /Pages"),
            3
        );
        assert_eq!(count(&pdf, b"/Type /Pages"), 1);
        assert!(contains(&pdf, "/Count 3"));
        for page in 1..=3 {
            assert!(contains(&pdf, &format!("(pagina {page} van 3) Tj")));
        }
        assert_eq!(count(&pdf, b"(Voetregel) Tj"), 3);
        assert!(contains(&pdf, &format!("(Alinea {n} met wat tekst.) Tj")));
    }

    #[test]
    fn long_table_repeats_header_and_keeps_rows_whole() {
        let rows: Vec<Vec<String>> = (0..90)
            .map(|i| {
                let repeat = 1 + i % 4 * 6;
                let text = vec![format!("R{i:03}"); repeat].join(" ");
                vec![format!("R{i:03}"), text, format!("€ {i},00")]
            })
            .collect();
        let mut doc = Document::new("Tabel", "Test");
        doc.push(Block::Paragraph("Inleiding".into()));
        doc.push(Block::Table {
            headers: vec!["Nr".into(), "Omschrijving".into(), "Bedrag".into()],
            rows,
            widths: vec![1.0, 4.0, 1.5],
            right_align: vec![false, false, true],
        });
        let pages = doc.layout();
        assert!(pages.len() >= 3, "{} pages", pages.len());
        let mut row_page = std::collections::HashMap::new();
        for (page, ops) in pages.iter().enumerate() {
            let texts: Vec<&Op> = ops
                .iter()
                .filter(|op| matches!(op, Op::Text { .. }))
                .collect();
            let headers = texts
                .iter()
                .filter(|op| matches!(op, Op::Text { bytes, .. } if bytes == b"Omschrijving"))
                .count();
            assert_eq!(headers, 1, "header on page {}", page + 1);
            for op in texts {
                let Op::Text { y, bytes, .. } = op else {
                    unreachable!()
                };
                assert!(*y >= layout::MARGIN, "text below the margin: {y}");
                let line = String::from_utf8_lossy(bytes);
                for word in line.split(' ').filter(|w| w.starts_with('R')) {
                    let first = *row_page.entry(word.to_owned()).or_insert(page);
                    assert_eq!(first, page, "row {word} split over pages");
                }
            }
        }
        assert_eq!(row_page.len(), 90);
        // Right-aligned amounts end at the same x.
        let ends: Vec<f32> = pages[0]
            .iter()
            .filter_map(|op| match op {
                Op::Text {
                    x, style, bytes, ..
                } if bytes[0] == 0x80 => Some(x + style.width(bytes)),
                _ => None,
            })
            .collect();
        assert!(ends.len() > 5);
        assert!(ends.iter().all(|e| (e - ends[0]).abs() < 0.01));
    }

    #[test]
    fn headings_stay_with_the_following_text() {
        for (shift, sentences) in (0..120).flat_map(|f| (1..=12).map(move |s| (f, s))) {
            let mut doc = Document::new("Kop", "Test");
            doc.push(Block::Spacer(560.0 + shift as f32));
            doc.push(Block::Heading("Kop die niet alleen mag staan".into()));
            doc.push(Block::Paragraph(
                "Dit is een zin van een alinea. ".repeat(sentences),
            ));
            let pages = doc.layout();
            let page_of = |needle: &[u8]| {
                let has =
                    |op: &Op| matches!(op, Op::Text { bytes, .. } if bytes.starts_with(needle));
                pages.iter().position(|ops| ops.iter().any(has))
            };
            assert_eq!(
                page_of(b"Kop die"),
                page_of(b"Dit is een"),
                "{shift}/{sentences}"
            );
        }
    }

    #[test]
    fn dutch_text_is_written_as_winansi() {
        let mut doc = Document::new("Zoë", "Test").letterhead("Gemeente Zoë", vec![]);
        doc.push(Block::Paragraph("€ 1.164.240,00 – Ë é ‘x’".into()));
        let pdf = doc.render();
        let hex: String = text::to_winansi("€ 1.164.240,00 – Ë é ‘x’")
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        let pdf_upper = String::from_utf8_lossy(&pdf).to_uppercase();
        assert!(
            pdf_upper.contains(&format!("<{hex}> TJ")),
            "hex string not found"
        );
        // The title metadata is a UTF-16 text string.
        assert!(pdf_upper.contains("/TITLE <FEFF005A006F00EB>"));
    }
}
