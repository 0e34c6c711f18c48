//! Whitespace and line splitting shared by the line-oriented parsers.

/// Horizontal white space as copied articles contain it: spaces, tabs,
/// no-break spaces (U+00A0, U+202F), thin spaces, form feeds and stray
/// byte-order marks.
pub(crate) fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\u{a0}' | '\t' | '\u{202f}' | '\u{2009}' | '\u{c}' | '\u{feff}'
    )
}

/// One line of the text: byte offsets without the terminator, and the bytes
/// of leading white space.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Line {
    pub start: usize,
    pub end: usize,
    pub indent: usize,
}

impl Line {
    /// The line without its indentation.
    pub fn content<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start + self.indent..self.end]
    }
}

/// An entry's text: its first line's text followed by each continuation
/// line that `keep` accepts, trimmed, one per line.
pub(crate) fn join_entry_lines(
    text: &str,
    first: &str,
    continuation: &[Line],
    keep: impl Fn(&str) -> bool,
) -> String {
    let mut joined = first.trim_matches(is_space).to_owned();
    for line in continuation {
        let piece = line.content(text).trim_matches(is_space);
        if piece.is_empty() || !keep(piece) {
            continue;
        }
        if !joined.is_empty() {
            joined.push('\n');
        }
        joined.push_str(piece);
    }
    joined
}

/// `(start, end)` of every line; `\n`, `\r\n` and a lone `\r` all end one.
/// A text that ends with a terminator has an empty last line.
pub(crate) fn line_spans(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut next = Some(0);
    std::iter::from_fn(move || {
        let start = next?;
        let end = memchr::memchr2(b'\n', b'\r', &bytes[start..]).map_or(text.len(), |i| start + i);
        next = (end < text.len()).then(|| {
            if bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n') {
                end + 2
            } else {
                end + 1
            }
        });
        Some((start, end))
    })
}

/// Every line with its indentation.
pub(crate) fn split_lines(text: &str) -> Vec<Line> {
    line_spans(text)
        .map(|(start, end)| {
            let line = &text[start..end];
            let indent = line.len() - line.trim_start_matches(is_space).len();
            Line { start, end, indent }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_end_splits() {
        let spans: Vec<_> = line_spans("a\r\nb\rc\n\nd").collect();
        assert_eq!(spans, [(0, 1), (3, 4), (5, 6), (7, 7), (8, 9)]);
        assert_eq!(line_spans("").collect::<Vec<_>>(), [(0, 0)]);
        assert_eq!(line_spans("x\n").collect::<Vec<_>>(), [(0, 1), (2, 2)]);
        let lines = split_lines("\u{a0} x\n");
        assert_eq!(lines[0].indent, 3);
        assert_eq!(lines[0].content("\u{a0} x\n"), "x");
    }
}
