//! Page layout: turns [`Block`]s into positioned drawing operations on A4
//! pages (text runs, rules and filled rectangles), with word wrapping, page
//! breaks, repeating table headers and the per-page footer.

use super::block::Block;
use super::text::{Font, Style};

/// A4 width in points.
pub const PAGE_WIDTH: f32 = 595.0;
/// A4 height in points.
pub const PAGE_HEIGHT: f32 = 842.0;
/// Left, right, top and bottom margin.
pub const MARGIN: f32 = 56.0;
/// Width of the text area.
pub const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const TOP: f32 = PAGE_HEIGHT - MARGIN;
const BOTTOM: f32 = MARGIN;
const RIGHT: f32 = PAGE_WIDTH - MARGIN;

/// Horizontal and vertical padding inside table cells.
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.0;

/// One drawing operation in page coordinates (origin bottom left).
#[derive(Clone, Debug, PartialEq)]
pub enum Op {
    /// WinAnsi text with its baseline starting at (x, y).
    Text {
        x: f32,
        y: f32,
        style: Style,
        bytes: Vec<u8>,
    },
    /// A horizontal rule from x1 to x2 at height y.
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        width: f32,
        gray: f32,
    },
    /// A filled rectangle with its lower-left corner at (x, y).
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        gray: f32,
    },
}

/// A text run whose line box has its top at `top`.
fn run(style: Style, x: f32, top: f32, bytes: Vec<u8>) -> Op {
    let y = top - style.baseline();
    Op::Text { x, y, style, bytes }
}

const BODY: Style = Style::new(Font::Regular, 10.5, 0.0, 1.35);
const BODY_BOLD: Style = Style::new(Font::Bold, 10.5, 0.0, 1.35);
const TITLE: Style = Style::new(Font::Bold, 17.0, 0.0, 1.25);
const HEADING: Style = Style::new(Font::Bold, 12.0, 0.0, 1.3);
const SMALL: Style = Style::new(Font::Regular, 8.5, 0.35, 1.35);
const CELL: Style = Style::new(Font::Regular, 9.5, 0.0, 1.3);
const CELL_HEAD: Style = Style::new(Font::Bold, 9.5, 0.0, 1.3);
const SENDER: Style = Style::new(Font::Bold, 11.0, 0.0, 1.3);
const ADDRESS: Style = Style::new(Font::Regular, 9.0, 0.3, 1.3);
const FOOTER: Style = Style::new(Font::Oblique, 8.0, 0.4, 1.25);

/// Lays blocks out top to bottom, starting new pages as needed.
pub struct Layout {
    pages: Vec<Vec<Op>>,
    /// Top of the free area on the current page.
    y: f32,
    /// Nothing has been placed on the current page yet.
    fresh: bool,
}

impl Layout {
    pub fn new() -> Self {
        Layout {
            pages: vec![Vec::new()],
            y: TOP,
            fresh: true,
        }
    }

    /// The finished pages.
    pub fn finish(self) -> Vec<Vec<Op>> {
        self.pages
    }

    /// Prints the sender and address lines right-aligned at the top.
    pub fn letterhead(&mut self, sender: &str, address_lines: &[String]) {
        let width = CONTENT_WIDTH * 0.5;
        let sender = SENDER.wrap(sender, width).into_iter().map(|l| (SENDER, l));
        let address = address_lines
            .iter()
            .flat_map(|text| ADDRESS.wrap(text, width));
        for (style, line) in sender.chain(address.map(|l| (ADDRESS, l))) {
            let x = RIGHT - style.width(&line);
            self.text(x, self.y, style, line);
            self.y -= style.line_height();
        }
        self.y -= 24.0;
        self.fresh = false;
    }

    /// Places one block.
    pub fn block(&mut self, block: &Block) {
        match block {
            Block::Title(text) => {
                self.keep_with_next(TITLE, text);
                self.flow(TITLE, text);
                self.space(8.0);
            }
            Block::Heading(text) => {
                self.space(8.0);
                self.keep_with_next(HEADING, text);
                self.flow(HEADING, text);
                self.space(3.0);
            }
            Block::Paragraph(text) => {
                self.flow(BODY, text);
                self.space(7.0);
            }
            Block::Small(text) => {
                self.flow(SMALL, text);
                self.space(5.0);
            }
            Block::KeyValues(pairs) => {
                self.key_values(pairs);
                self.space(7.0);
            }
            Block::Table {
                headers,
                rows,
                widths,
                right_align,
            } => {
                self.table(headers, rows, widths, right_align);
                self.space(9.0);
            }
            Block::Spacer(height) => {
                self.y -= height.max(0.0);
                self.fresh = false;
                if self.y < BOTTOM {
                    self.new_page();
                }
            }
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
        self.fresh = true;
    }

    /// Vertical space between blocks; dropped at the top of a page.
    fn space(&mut self, height: f32) {
        if !self.fresh {
            self.y -= height;
            if self.y < BOTTOM {
                self.new_page();
            }
        }
    }

    /// Starts a new page unless `height` fits (or the page is still empty).
    fn ensure(&mut self, height: f32) {
        if !self.fresh && self.y - height < BOTTOM {
            self.new_page();
        }
    }

    /// Keeps a heading together with the start of what follows. Room for
    /// three body lines is needed: with the widow and orphan rules of
    /// [`flow`](Self::flow), two lines are not always enough to start a
    /// paragraph on this page.
    fn keep_with_next(&mut self, style: Style, text: &str) {
        let lines = style.wrap(text, CONTENT_WIDTH).len() as f32;
        self.ensure(lines * style.line_height() + 3.0 + 3.0 * BODY.line_height());
    }

    /// Adds a text run whose line box has its top at `top`.
    fn text(&mut self, x: f32, top: f32, style: Style, bytes: Vec<u8>) {
        if !bytes.is_empty() {
            self.push(run(style, x, top, bytes));
        }
    }

    fn push(&mut self, op: Op) {
        self.pages.last_mut().expect("a page").push(op);
    }

    /// Wrapped text flowing over pages, avoiding a single first or last line
    /// of a paragraph on a page of its own.
    fn flow(&mut self, style: Style, text: &str) {
        let lines = style.wrap(text, CONTENT_WIDTH);
        let lh = style.line_height();
        let total = lines.len();
        let mut lines = lines.into_iter().peekable();
        let mut placed = 0;
        while lines.peek().is_some() {
            let left = total - placed;
            let fits = (((self.y - BOTTOM) / lh + 1e-3).floor().max(0.0)) as usize;
            let mut take = fits.min(left);
            if take < left {
                if left - take == 1 && take > 1 {
                    take -= 1;
                }
                if placed == 0 && take == 1 && total > 1 {
                    take = 0;
                }
                if self.fresh {
                    take = take.max(1);
                }
            }
            for line in lines.by_ref().take(take) {
                self.text(MARGIN, self.y, style, line);
                self.y -= lh;
                self.fresh = false;
            }
            placed += take;
            if placed < total {
                self.new_page();
            }
        }
    }

    /// Two columns: bold keys, wrapped values. A pair is never split.
    fn key_values(&mut self, pairs: &[(String, String)]) {
        let widest = pairs
            .iter()
            .flat_map(|(key, _)| BODY_BOLD.wrap(key, f32::INFINITY))
            .map(|line| BODY_BOLD.width(&line))
            .fold(0.0, f32::max);
        let key_width = (widest + 14.0).min(CONTENT_WIDTH * 0.4);
        let value_width = CONTENT_WIDTH - key_width;
        let lh = BODY.line_height();
        for (key, value) in pairs {
            let keys = BODY_BOLD.wrap(key, key_width - 10.0);
            let values = BODY.wrap(value, value_width);
            let height = keys.len().max(values.len()) as f32 * lh;
            self.ensure(height);
            for (i, line) in keys.into_iter().enumerate() {
                self.text(MARGIN, self.y - i as f32 * lh, BODY_BOLD, line);
            }
            for (i, line) in values.into_iter().enumerate() {
                self.text(MARGIN + key_width, self.y - i as f32 * lh, BODY, line);
            }
            self.y -= height + 2.0;
            self.fresh = false;
        }
    }

    /// A table whose rows are never split; the header repeats on new pages.
    fn table(&mut self, headers: &[String], rows: &[Vec<String>], rel: &[f32], right: &[bool]) {
        let columns = rows.iter().map(Vec::len).fold(headers.len(), usize::max);
        if columns == 0 {
            return;
        }
        let valid = rel.len() == columns && rel.iter().all(|w| w.is_finite() && *w > 0.0);
        let rel: Vec<f32> = if valid {
            rel.to_vec()
        } else {
            vec![1.0; columns]
        };
        let sum: f32 = rel.iter().sum();
        let widths: Vec<f32> = rel.iter().map(|w| w / sum * CONTENT_WIDTH).collect();
        let right: Vec<bool> = (0..columns).map(|i| right.get(i) == Some(&true)).collect();
        let table = TableGeometry { widths, right };

        let header = (!headers.is_empty()).then(|| table.wrap_row(CELL_HEAD, headers));
        let header_height = header.as_ref().map_or(0.0, |h| table.height(CELL_HEAD, h));
        let mut rows_on_page = 0;
        for (index, row) in rows.iter().enumerate() {
            let cells = table.wrap_row(CELL, row);
            let height = table.height(CELL, &cells);
            if index == 0 {
                self.ensure(header_height + height);
            } else if self.y - height < BOTTOM && rows_on_page > 0 {
                self.new_page();
                rows_on_page = 0;
            }
            if rows_on_page == 0 {
                if let Some(header) = &header {
                    self.push(Op::Fill {
                        x: MARGIN,
                        y: self.y - header_height,
                        w: CONTENT_WIDTH,
                        h: header_height,
                        gray: 0.92,
                    });
                    self.table_row(
                        &table,
                        CELL_HEAD,
                        header.clone(),
                        header_height,
                        (0.6, 0.45),
                    );
                }
            }
            self.table_row(&table, CELL, cells, height, (0.4, 0.8));
            rows_on_page += 1;
        }
        if rows.is_empty() {
            if let Some(header) = header {
                self.ensure(header_height);
                self.table_row(&table, CELL_HEAD, header, header_height, (0.6, 0.45));
            }
        }
    }

    /// Draws one row of wrapped cells with a rule below it.
    fn table_row(
        &mut self,
        table: &TableGeometry,
        style: Style,
        cells: Vec<Vec<Vec<u8>>>,
        height: f32,
        rule: (f32, f32),
    ) {
        let mut x = MARGIN;
        for (column, lines) in cells.into_iter().enumerate() {
            let width = table.widths[column];
            for (i, line) in lines.into_iter().enumerate() {
                let top = self.y - CELL_PAD_Y - i as f32 * style.line_height();
                let left = if table.right[column] {
                    x + width - CELL_PAD_X - style.width(&line)
                } else {
                    x + CELL_PAD_X
                };
                self.text(left, top, style, line);
            }
            x += width;
        }
        self.y -= height;
        let (width, gray) = rule;
        self.push(Op::Rule {
            x1: MARGIN,
            x2: RIGHT,
            y: self.y,
            width,
            gray,
        });
        self.fresh = false;
    }
}

/// Column widths (points) and alignment of a table.
struct TableGeometry {
    widths: Vec<f32>,
    right: Vec<bool>,
}

impl TableGeometry {
    /// Wraps each cell within its column; missing cells are empty.
    fn wrap_row(&self, style: Style, row: &[String]) -> Vec<Vec<Vec<u8>>> {
        (0..self.widths.len())
            .map(|i| {
                let text = row.get(i).map_or("", String::as_str);
                style.wrap(text, self.widths[i] - 2.0 * CELL_PAD_X)
            })
            .collect()
    }

    fn height(&self, style: Style, cells: &[Vec<Vec<u8>>]) -> f32 {
        let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
        lines as f32 * style.line_height() + 2.0 * CELL_PAD_Y
    }
}

/// The footer of page `page` (1-based) of `total`: a rule, the footer text
/// on the left (at most two lines) and "pagina n van m" on the right.
pub fn footer(text: Option<&str>, page: usize, total: usize) -> Vec<Op> {
    let label = super::text::to_winansi(&format!("pagina {page} van {total}"));
    let label_width = FOOTER.width(&label);
    let top = BOTTOM - 12.0;
    let mut ops = vec![
        Op::Rule {
            x1: MARGIN,
            x2: RIGHT,
            y: BOTTOM - 8.0,
            width: 0.4,
            gray: 0.7,
        },
        run(FOOTER, RIGHT - label_width, top, label),
    ];
    if let Some(text) = text {
        let lines = FOOTER.wrap(text, CONTENT_WIDTH - label_width - 16.0);
        for (i, line) in lines.into_iter().take(2).enumerate() {
            let line_top = top - i as f32 * FOOTER.line_height();
            ops.push(run(FOOTER, MARGIN, line_top, line));
        }
    }
    ops
}
