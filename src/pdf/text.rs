//! Text support for the standard-14 Helvetica fonts: Unicode → WinAnsi
//! encoding, the Adobe AFM advance widths and greedy word wrapping.
//!
//! All text is encoded to single WinAnsi bytes before it is measured or
//! written, so a "character" here is always one byte.

/// One of the three standard fonts the module uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Font {
    Regular,
    Bold,
    Oblique,
}

impl Font {
    /// Every font, in the order of their resource names.
    pub const ALL: [Font; 3] = [Font::Regular, Font::Bold, Font::Oblique];

    /// The name under which the font is listed in a page's resources.
    pub fn resource_name(self) -> &'static [u8] {
        match self {
            Font::Regular => b"F1",
            Font::Bold => b"F2",
            Font::Oblique => b"F3",
        }
    }

    /// The PostScript name of the standard-14 font.
    pub fn base_font(self) -> &'static [u8] {
        match self {
            Font::Regular => b"Helvetica",
            Font::Bold => b"Helvetica-Bold",
            Font::Oblique => b"Helvetica-Oblique",
        }
    }

    /// Advance width of a WinAnsi-encoded string at the given size, in points.
    pub fn width(self, bytes: &[u8], size: f32) -> f32 {
        let table = match self {
            Font::Bold => &HELVETICA_BOLD,
            Font::Regular | Font::Oblique => &HELVETICA,
        };
        let units: u32 = bytes
            .iter()
            .map(|&b| u32::from(table[usize::from(b.max(32)) - 32]))
            .sum();
        units as f32 * size / 1000.0
    }
}

/// Font, size, colour and line spacing of a kind of text.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Style {
    pub font: Font,
    pub size: f32,
    /// Fill colour: 0 is black, 1 is white.
    pub gray: f32,
    /// Line height as a multiple of the size.
    pub leading: f32,
}

impl Style {
    pub const fn new(font: Font, size: f32, gray: f32, leading: f32) -> Self {
        Style {
            font,
            size,
            gray,
            leading,
        }
    }

    pub fn line_height(self) -> f32 {
        self.size * self.leading
    }

    /// Distance from the top of a line box to the baseline, which centres
    /// Helvetica's ascender (718) and descender (207) in the box.
    pub fn baseline(self) -> f32 {
        (self.line_height() - 0.925 * self.size) / 2.0 + 0.718 * self.size
    }

    pub fn wrap(self, text: &str, max_width: f32) -> Vec<Vec<u8>> {
        wrap(text, self.font, self.size, max_width)
    }

    pub fn width(self, bytes: &[u8]) -> f32 {
        self.font.width(bytes, self.size)
    }
}

/// Helvetica advance widths (1/1000 em) for WinAnsi codes 32..=255, taken
/// from the Adobe AFM metrics. Undefined codes get the bullet width.
/// Helvetica-Oblique has the same widths.
#[rustfmt::skip]
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 350,
    556, 350, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350,
    350, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 350, 500, 667,
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500,
];

/// Helvetica-Bold advance widths (1/1000 em) for WinAnsi codes 32..=255.
#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 350,
    556, 350, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 350, 611, 350,
    350, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 350, 500, 667,
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333,
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611,
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278,
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611,
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278,
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556,
];

/// Encodes a string as WinAnsi (Windows-1252) bytes.
///
/// Characters that WinAnsi lacks become `?`. Control characters become a
/// space, soft hyphens and zero-width characters are dropped, a few Unicode
/// dashes and spaces map to their nearest WinAnsi relative, and a base letter
/// followed by a combining accent (decomposed input) is composed when the
/// result exists in WinAnsi.
pub fn to_winansi(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    for c in s.chars() {
        let byte = match c {
            '\u{20}'..='\u{7e}' => c as u8,
            '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}' => continue,
            '\u{a0}'..='\u{ff}' => c as u8,
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => b' ',
            '\u{2000}'..='\u{200a}' => b' ',
            '\u{202f}' => 0xa0,
            '\u{2010}' | '\u{2011}' | '\u{2212}' => b'-',
            '\u{300}'..='\u{36f}' => match out.last().and_then(|&b| compose(b, c)) {
                Some(composed) => {
                    out.pop();
                    composed
                }
                None => continue,
            },
            _ => special(c).unwrap_or(b'?'),
        };
        out.push(byte);
    }
    out
}

/// The WinAnsi codes 0x80..=0x9F, which differ from Latin-1.
fn special(c: char) -> Option<u8> {
    Some(match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8a,
        '‹' => 0x8b,
        'Œ' => 0x8c,
        'Ž' => 0x8e,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9a,
        '›' => 0x9b,
        'œ' => 0x9c,
        'ž' => 0x9e,
        'Ÿ' => 0x9f,
        _ => return None,
    })
}

/// Composes an ASCII base letter with a combining accent, if WinAnsi has it.
fn compose(base: u8, mark: char) -> Option<u8> {
    let (bases, composed): (&str, &str) = match mark {
        '\u{300}' => ("AEIOUaeiou", "ÀÈÌÒÙàèìòù"),
        '\u{301}' => ("AEIOUYaeiouy", "ÁÉÍÓÚÝáéíóúý"),
        '\u{302}' => ("AEIOUaeiou", "ÂÊÎÔÛâêîôû"),
        '\u{303}' => ("ANOano", "ÃÑÕãñõ"),
        '\u{308}' => ("AEIOUYaeiouy", "ÄËÏÖÜŸäëïöüÿ"),
        '\u{30a}' => ("Aa", "Åå"),
        '\u{30c}' => ("SZsz", "ŠŽšž"),
        '\u{327}' => ("Cc", "Çç"),
        _ => return None,
    };
    let index = bases.bytes().position(|b| b == base)?;
    let c = composed.chars().nth(index)?;
    to_winansi(&c.to_string()).first().copied()
}

/// Wraps text into lines no wider than `max_width` points.
///
/// A `'\n'` starts a new line; runs of spaces collapse to one. A word that is
/// wider than a whole line is broken between characters.
pub fn wrap(text: &str, font: Font, size: f32, max_width: f32) -> Vec<Vec<u8>> {
    let mut lines = Vec::new();
    for source_line in text.split('\n') {
        wrap_line(&to_winansi(source_line), font, size, max_width, &mut lines);
    }
    lines
}

/// Wraps one line without newlines (already encoded) into `out`.
fn wrap_line(bytes: &[u8], font: Font, size: f32, max_width: f32, out: &mut Vec<Vec<u8>>) {
    let space = font.width(b" ", size);
    let mut line: Vec<u8> = Vec::new();
    let mut width = 0.0;
    for word in bytes.split(|&b| b == b' ').filter(|w| !w.is_empty()) {
        let word_width = font.width(word, size);
        if !line.is_empty() && width + space + word_width <= max_width {
            line.push(b' ');
            line.extend_from_slice(word);
            width += space + word_width;
            continue;
        }
        if !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if word_width <= max_width {
            line.extend_from_slice(word);
            width = word_width;
            continue;
        }
        // Too long for any line: break it between characters.
        let mut piece_start = 0;
        width = 0.0;
        for (i, &b) in word.iter().enumerate() {
            let w = font.width(&[b], size);
            if i > piece_start && width + w > max_width {
                out.push(word[piece_start..i].to_vec());
                piece_start = i;
                width = 0.0;
            }
            width += w;
        }
        line.extend_from_slice(&word[piece_start..]);
    }
    out.push(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_dutch_text_to_winansi() {
        let bytes = to_winansi("€ 1.164.240,00 – Ë é ‘x’");
        let mut expected = vec![0x80, b' '];
        expected.extend_from_slice(b"1.164.240,00 ");
        expected.extend_from_slice(&[0x96, b' ', 0xcb, b' ', 0xe9, b' ', 0x91, b'x', 0x92]);
        assert_eq!(bytes, expected);
        assert_eq!(
            to_winansi("ëïóöüàè“”—"),
            [0xeb, 0xef, 0xf3, 0xf6, 0xfc, 0xe0, 0xe8, 0x93, 0x94, 0x97]
        );
    }

    #[test]
    fn unknown_characters_become_question_marks() {
        assert_eq!(to_winansi("a→b ł 中"), b"a?b ? ?");
        assert_eq!(to_winansi("ge\u{ad}meente\u{200b}"), b"gemeente");
        // Decomposed "Zoë" and "café" are composed.
        assert_eq!(to_winansi("Zoe\u{308} cafe\u{301}"), b"Zo\xeb caf\xe9");
    }

    #[test]
    fn widths_follow_the_afm_metrics() {
        assert_eq!(Font::Regular.width(b"Hi", 1000.0), 722.0 + 222.0);
        assert_eq!(Font::Bold.width(b"Hi", 1000.0), 722.0 + 278.0);
        assert_eq!(Font::Oblique.width(&[0x80], 10.0), 5.56);
    }

    #[test]
    fn wrapping_respects_the_width() {
        let text = "De gemeente heeft uw aanvraag voor een maatwerkvoorziening op grond \
                    van de Wet maatschappelijke ondersteuning 2015 ontvangen en beoordeeld. \
                    Hieronder leest u welke beslissing wij hebben genomen en waarom.";
        for max in [80.0, 150.0, 240.0, 483.0] {
            let lines = wrap(text, Font::Regular, 10.5, max);
            assert!(lines.len() > 1);
            for line in &lines {
                assert!(Font::Regular.width(line, 10.5) <= max, "{max}: {line:?}");
            }
            // Nothing is lost (at 80 pt a long word is also broken).
            let letters = |b: &[u8]| b.iter().filter(|&&c| c != b' ').count();
            assert_eq!(letters(&lines.concat()), letters(text.as_bytes()));
            if max >= 150.0 {
                assert_eq!(lines.join(&b' '), text.as_bytes());
            }
        }
    }

    #[test]
    fn long_words_are_broken_and_newlines_kept() {
        let word = "Hulpmiddelenverstrekkingsbeschikkingsnummeradministratie";
        let lines = wrap(word, Font::Bold, 10.5, 60.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| Font::Bold.width(l, 10.5) <= 60.0));
        assert_eq!(lines.concat(), word.as_bytes());

        let lines = wrap("eerste regel\n\nderde  regel", Font::Regular, 10.5, 400.0);
        assert_eq!(
            lines,
            vec![b"eerste regel".to_vec(), vec![], b"derde regel".to_vec()]
        );
    }
}
