//! Source text, byte spans and the line index.
//!
//! Everything inside citelint works on byte offsets into one decoded `String`.
//! Conversion to lines and columns happens once, here, in whichever unit an
//! output format needs (Unicode scalar values, UTF-16 code units or bytes).

use std::ops::Range;

/// A half-open byte range `start..end` into a [`SourceFile`]'s text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// First byte of the span.
    pub start: usize,
    /// One past the last byte of the span.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (byte offsets).
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "span start {start} after end {end}");
        Span { start, end }
    }

    /// The span as a `Range<usize>`, for slicing.
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }

    /// Number of bytes covered.
    pub fn len(self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no bytes.
    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// This span shifted right by `by` bytes.
    pub fn shift(self, by: usize) -> Span {
        Span::new(self.start + by, self.end + by)
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Self {
        Span::new(range.start, range.end)
    }
}

/// Something that went wrong while reading a file, kept so it can be reported
/// as a diagnostic rather than aborting the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeNote {
    /// Bytes that were not valid UTF-8 were replaced by U+FFFD.
    InvalidUtf8 {
        /// Byte offset (in the decoded text) of the first replacement.
        first_offset: usize,
        /// How many replacement characters were inserted.
        replacements: usize,
    },
    /// The text looks like UTF-8 that was decoded as Latin-1/Windows-1252 once too often.
    Mojibake {
        /// Byte offset of the first suspicious sequence.
        first_offset: usize,
    },
}

/// A decoded input file: its display path, its text and a line index.
#[derive(Debug)]
pub struct SourceFile {
    path: String,
    text: String,
    /// Built on first use: a file without findings never needs it.
    line_index: std::sync::OnceLock<LineIndex>,
    notes: Vec<DecodeNote>,
}

impl SourceFile {
    /// Decodes raw bytes. A UTF-8 byte-order mark is dropped; invalid UTF-8 is
    /// replaced lossily and noted, never rejected.
    pub fn from_bytes(path: impl Into<String>, bytes: &[u8]) -> Self {
        Self::from_vec(path, bytes.to_vec())
    }

    /// Like [`SourceFile::from_bytes`], but takes the buffer, so valid UTF-8
    /// (the usual case) is used in place rather than copied.
    pub fn from_vec(path: impl Into<String>, mut bytes: Vec<u8>) -> Self {
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        let mut notes = Vec::new();
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(err) => {
                let text = String::from_utf8_lossy(err.as_bytes()).into_owned();
                let first_offset = text.find('\u{FFFD}').unwrap_or(0);
                let replacements = text.matches('\u{FFFD}').count();
                notes.push(DecodeNote::InvalidUtf8 {
                    first_offset,
                    replacements,
                });
                text
            }
        };
        if let Some(first_offset) = find_mojibake(&text) {
            notes.push(DecodeNote::Mojibake { first_offset });
        }
        Self::build(path.into(), text, notes)
    }

    /// Wraps text that is already decoded (a leading BOM is still dropped).
    pub fn from_text(path: impl Into<String>, text: impl Into<String>) -> Self {
        let mut text: String = text.into();
        if text.starts_with('\u{FEFF}') {
            text.drain(..'\u{FEFF}'.len_utf8());
        }
        let notes = find_mojibake(&text)
            .map(|first_offset| vec![DecodeNote::Mojibake { first_offset }])
            .unwrap_or_default();
        Self::build(path.into(), text, notes)
    }

    fn build(path: String, text: String, notes: Vec<DecodeNote>) -> Self {
        SourceFile {
            path,
            text,
            line_index: std::sync::OnceLock::new(),
            notes,
        }
    }

    /// The path as given by the user (or `--stdin-filename`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The decoded text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The line index of the text.
    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// Problems met while decoding.
    pub fn decode_notes(&self) -> &[DecodeNote] {
        &self.notes
    }

    /// Consumes the file and returns its text.
    pub fn into_text(self) -> String {
        self.text
    }
}

/// Typical sequences left when UTF-8 text is decoded as Windows-1252 and
/// re-encoded: `Ã©` for `é`, `â€“` for `–`, `â€™` for `’`.
fn find_mojibake(text: &str) -> Option<usize> {
    // `Ã` is C3 83 and `â` is C3 A2: one pass over the C3 bytes finds both.
    let bytes = text.as_bytes();
    memchr::memchr_iter(0xC3, bytes).find(|&i| {
        let next = &bytes[i + 1..];
        match next {
            // Ã followed by ©, ¨, ¶, ¼, ¤ (C2 A9, C2 A8, C2 B6, C2 BC, C2 A4)
            [0x83, 0xC2, 0xA9 | 0xA8 | 0xB6 | 0xBC | 0xA4, ..] => true,
            // â followed by € (E2 82 AC)
            [0xA2, 0xE2, 0x82, 0xAC, ..] => true,
            _ => false,
        }
    })
}

/// A position resolved into every unit an output format might want.
///
/// Lines and all columns are 1-based.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column counted in Unicode scalar values.
    pub column: usize,
    /// 1-based column counted in UTF-16 code units.
    pub column_utf16: usize,
    /// 1-based column counted in UTF-8 bytes.
    pub column_byte: usize,
    /// The byte offset this position was made from.
    pub offset: usize,
}

/// Maps byte offsets to lines and columns. Built once per file in linear time;
/// each lookup is a binary search plus a scan of one line.
#[derive(Clone, Debug)]
pub struct LineIndex {
    /// Byte offset at which each line starts. Always starts with 0.
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    /// Indexes `text`. `\n`, `\r\n` and a lone `\r` all end a line.
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while let Some(found) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + found;
            if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                i = at + 2;
            } else {
                i = at + 1;
            }
            line_starts.push(i);
        }
        LineIndex {
            line_starts,
            len: text.len(),
        }
    }

    /// Number of lines (a trailing newline does not start a counted line of its own
    /// unless text follows it).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    /// Resolves `offset` in `text` (the text this index was built from).
    /// Offsets past the end or inside a character are clamped to a boundary.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let before = &text[start..offset];
        Position {
            line: line + 1,
            column: before.chars().count() + 1,
            column_utf16: before.encode_utf16().count() + 1,
            column_byte: before.len() + 1,
            offset,
        }
    }

    /// Resolves many offsets at once: sorted, then found in one forward walk,
    /// so a long line with many findings costs its length once, not once per
    /// finding. `offsets` may be in any order; results come back in the same
    /// order.
    pub fn positions(&self, text: &str, offsets: &[usize]) -> Vec<Position> {
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        order.sort_unstable_by_key(|&i| offsets[i]);
        let mut out = vec![Position::default(); offsets.len()];
        // The walk's state: a position already resolved, to continue from.
        let mut at = Position {
            line: 1,
            column: 1,
            column_utf16: 1,
            column_byte: 1,
            offset: 0,
        };
        for i in order {
            let mut target = offsets[i].min(text.len());
            while !text.is_char_boundary(target) {
                target -= 1;
            }
            let line = self.line_of(target);
            if line + 1 != at.line {
                // Jump to the start of the target's line.
                at = Position {
                    line: line + 1,
                    column: 1,
                    column_utf16: 1,
                    column_byte: 1,
                    offset: self.line_start(line),
                };
            }
            for c in text[at.offset..target].chars() {
                at.column += 1;
                at.column_utf16 += c.len_utf16();
            }
            at.column_byte += target - at.offset;
            at.offset = target;
            out[i] = at;
        }
        out
    }

    /// The text of 0-based `line`, without its line terminator.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.line_start(line);
        let end = self.line_start(line + 1).min(text.len());
        text[start..end].trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars_utf16_and_bytes() {
        let text = "ab\r\nÉ𝄞x\nlast";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        let x = text.find('x').unwrap();
        let pos = index.position(text, x);
        assert_eq!((pos.line, pos.column), (2, 3));
        assert_eq!(pos.column_utf16, 4); // É is 1 unit, 𝄞 is 2
        assert_eq!(pos.column_byte, 7); // É is 2 bytes, 𝄞 is 4
        assert_eq!(index.line_text(text, 0), "ab");
        assert_eq!(index.position(text, text.len()).line, 3);
    }

    #[test]
    fn batch_positions_match_single_lookups() {
        let text = "ab\r\nÉ𝄞x\nlast line here\n\nend";
        let index = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len()).rev().chain([3, 0, 7]).collect();
        let batch = index.positions(text, &offsets);
        for (offset, position) in offsets.iter().zip(batch) {
            assert_eq!(position, index.position(text, *offset), "offset {offset}");
        }
    }

    #[test]
    fn lone_carriage_return_ends_a_line() {
        let index = LineIndex::new("a\rb");
        assert_eq!(index.line_count(), 2);
        assert_eq!(index.line_of(2), 1);
    }

    #[test]
    fn bom_is_dropped_and_invalid_utf8_is_noted() {
        let file = SourceFile::from_bytes("x.txt", b"\xEF\xBB\xBFhi \xFF there");
        assert!(file.text().starts_with("hi "));
        assert_eq!(
            file.decode_notes(),
            &[DecodeNote::InvalidUtf8 {
                first_offset: 3,
                replacements: 1
            }]
        );
    }

    #[test]
    fn offset_inside_a_char_is_clamped() {
        let text = "é";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 1).column, 1);
    }
}
