//! The marker grammar shared by every input family.
//!
//! A *marker* is a bracketed group such as `[3]`, `[2, 5]`, `[4–7]`, `[a]` or
//! `[note 1]`. [`classify`] decides what the inside of a pair of brackets is:
//! citations, a maintenance tag, a malformed citation, or not a citation at all
//! (`[W]hen`, `[stereotype]`, `[u.a.]`, a bracketed year). [`ClusterBuilder`]
//! then groups markers that stand next to each other into clusters and writes
//! them into the [`Document`].

use std::sync::{Arc, LazyLock};

use crate::model::{
    Citation, Cluster, Document, EntryId, Group, Key, MaintenanceTag, MalformedMarker,
};
use crate::parse::text::is_space;
use crate::source::Span;

/// The widest range (`[3–53]`) still read as a citation; wider ones are malformed.
pub const MAX_RANGE: u32 = 50;

/// Longest bracket content considered at all; longer brackets are prose.
const MAX_MARKER_LEN: usize = 64;

/// What a parser knows that helps classify a marker.
#[derive(Clone, Debug, Default)]
pub struct MarkerContext {
    /// The highest entry number of the default list, if known. A bracketed
    /// 4-digit number above it that looks like a year is not a citation.
    pub max_entry_number: Option<u32>,
    /// Maintenance tags to recognise, lowercased (see [`DEFAULT_TAGS`]).
    /// Shared: every document of a run gets the same list.
    pub tags: Arc<[String]>,
}

impl MarkerContext {
    /// A context with the default maintenance tags.
    pub fn new(max_entry_number: Option<u32>) -> Self {
        // Built once: forty strings per document were a visible cost of
        // linting many small files.
        static DEFAULT: LazyLock<Arc<[String]>> =
            LazyLock::new(|| DEFAULT_TAGS.iter().map(|t| t.to_string()).collect());
        MarkerContext {
            max_entry_number,
            tags: Arc::clone(&DEFAULT),
        }
    }
}

/// Maintenance tags recognised by default (lowercase, as rendered on the page).
pub const DEFAULT_TAGS: &[&str] = &[
    "citation needed",
    "clarification needed",
    "which?",
    "update",
    "needs update",
    "further explanation needed",
    "dead link",
    "permanent dead link",
    "failed verification",
    "better source needed",
    "page needed",
    "pages needed",
    "who?",
    "when?",
    "where?",
    "why?",
    "by whom?",
    "according to whom?",
    "original research?",
    "verification needed",
    "unreliable source?",
    "self-published source",
    "full citation needed",
    "non-primary source needed",
    "third-party source needed",
    "year needed",
    "page range too broad",
    "not in citation given",
    "irrelevant citation",
    "dubious",
    "dubious – discuss",
    "disputed – discuss",
    "vague",
    "specify",
    "weasel words",
    "citation needed to verify",
    "additional citation(s) needed",
    "non sequitur",
    "neutrality is disputed",
    "promotional language",
    "unbalanced opinion?",
    "title missing",
    "volume & issue needed",
    "isbn missing",
    "cite error",
];

/// One key read from a marker, with where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkerItem {
    /// The key.
    pub key: Key,
    /// Where the number or label is written.
    pub span: Span,
    /// True when the key was not written but implied by a range.
    pub from_range: bool,
}

/// What the inside of a pair of brackets turned out to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MarkerKind {
    /// One or more citations of one group.
    Cites {
        /// The group.
        group: Group,
        /// The keys in written order (ranges expanded).
        items: Vec<MarkerItem>,
    },
    /// A maintenance tag such as `citation needed`.
    Tag(String),
    /// Looks like a citation but cannot be read as one; the text says why.
    Malformed(String),
    /// Ordinary bracketed prose.
    NotCitation,
}

/// Classifies the text between two brackets. `inner_start` is the absolute
/// byte offset of `inner` so item spans come out absolute; `next_char` is the
/// character right after the closing bracket (editorial brackets such as
/// `[a]lso` are glued to a word).
pub fn classify(
    inner: &str,
    inner_start: usize,
    next_char: Option<char>,
    ctx: &MarkerContext,
) -> MarkerKind {
    let trimmed = inner.trim_matches(is_space);
    if trimmed.is_empty() || inner.len() > MAX_MARKER_LEN {
        return MarkerKind::NotCitation;
    }
    let lead = inner.len() - inner.trim_start_matches(is_space).len();
    let trimmed_start = inner_start + lead;
    let bytes = trimmed.as_bytes();

    if bytes[0].is_ascii_digit() {
        return classify_numeric(trimmed, trimmed_start, ctx);
    }
    if let Some(kind) = classify_note(trimmed, trimmed_start, next_char) {
        return kind;
    }
    let normalised = normalise_tag(trimmed);
    if ctx.tags.contains(&normalised) {
        return MarkerKind::Tag(normalised);
    }
    MarkerKind::NotCitation
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '−' | '‐' | '‑')
}

/// `[a]`, `[b]`, `[aa]`, `[note 1]`, `[nb 2]`, `[n 3]`.
fn classify_note(text: &str, start: usize, next_char: Option<char>) -> Option<MarkerKind> {
    let glued = next_char.is_some_and(char::is_alphanumeric);
    if text.len() <= 2 && text.bytes().all(|b| b.is_ascii_lowercase()) {
        if glued {
            return Some(MarkerKind::NotCitation);
        }
        return Some(note(
            Key::Label(text.to_owned()),
            Span::new(start, start + text.len()),
        ));
    }
    let lower = text.to_ascii_lowercase();
    for prefix in ["note ", "nb ", "n ", "note\u{a0}", "nb\u{a0}", "n\u{a0}"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let rest_start = start + prefix.len();
            let rest_trimmed = rest.trim_start_matches(is_space);
            let label_start = rest_start + (rest.len() - rest_trimmed.len());
            let span = Span::new(label_start, start + text.len());
            if let Ok(n) = rest_trimmed.parse::<u32>() {
                return Some(note(Key::Number(n), span));
            }
            if rest_trimmed.len() <= 2 && rest_trimmed.bytes().all(|b| b.is_ascii_lowercase()) {
                return Some(note(Key::Label(rest_trimmed.to_owned()), span));
            }
        }
    }
    None
}

fn note(key: Key, span: Span) -> MarkerKind {
    MarkerKind::Cites {
        group: Group::Notes,
        items: vec![MarkerItem {
            key,
            span,
            from_range: false,
        }],
    }
}

fn normalise_tag(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(is_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.to_lowercase()
}

/// ORCID iD: four groups of four, the last may end in X.
fn is_orcid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 4
        && groups.iter().enumerate().all(|(i, g)| {
            g.len() == 4
                && g.char_indices().all(|(j, c)| {
                    c.is_ascii_digit() || (i == 3 && j == 3 && (c == 'X' || c == 'x'))
                })
        })
}

fn looks_like_year(n: u32, ctx: &MarkerContext) -> bool {
    (1000..=2100).contains(&n) && ctx.max_entry_number.is_none_or(|max| n > max)
}

/// Reads `3`, `2, 5`, `4–7`, `8,21,26–31`, `12, p. 5`.
fn classify_numeric(text: &str, start: usize, ctx: &MarkerContext) -> MarkerKind {
    if is_orcid(text) {
        return MarkerKind::NotCitation;
    }
    // Anything but digits, separators, dashes and spaces is prose — unless
    // it is a pinpoint after a comma (`[12, p. 5]`), handled per item below.
    let mut items = Vec::new();
    let mut offset = 0;
    let pieces: Vec<&str> = text.split([',', ';']).collect();
    let piece_count = pieces.len();
    for (index, piece) in pieces.into_iter().enumerate() {
        let piece_start = start + offset;
        offset += piece.len() + 1;
        let item = piece.trim_matches(is_space);
        let item_start = piece_start + (piece.len() - piece.trim_start_matches(is_space).len());
        if item.is_empty() {
            if index + 1 == piece_count && index > 0 {
                return MarkerKind::Malformed(format!("`[{text}]` ends with a separator"));
            }
            return MarkerKind::Malformed(format!(
                "`[{text}]` has an empty item between separators"
            ));
        }
        // After the first number, anything that does not start with a digit
        // is a pinpoint: `[12, p. 5]`, `[1, Th. 2]`, `[2, Lemma 3]`, `[4, §2]`.
        if index > 0 && (is_pinpoint(item) || !item.starts_with(|c: char| c.is_ascii_digit())) {
            continue;
        }
        match read_item(item, item_start, ctx, piece_count == 1) {
            Ok(mut read) => items.append(&mut read),
            Err(ItemError::NotCitation) => return MarkerKind::NotCitation,
            Err(ItemError::Malformed(problem)) => return MarkerKind::Malformed(problem),
        }
    }
    if items.is_empty() {
        return MarkerKind::NotCitation;
    }
    MarkerKind::Cites {
        group: Group::Default,
        items,
    }
}

fn is_pinpoint(item: &str) -> bool {
    let lower = item.to_ascii_lowercase();
    [
        "p.", "pp.", "p ", "pp ", "pg.", "ch.", "chap.", "sec.", "§", "fig.", "table", "eq.",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

enum ItemError {
    NotCitation,
    Malformed(String),
}

fn parse_number(digits: &str) -> Option<u32> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 6 {
        return None;
    }
    digits.parse().ok()
}

fn read_item(
    item: &str,
    start: usize,
    ctx: &MarkerContext,
    alone: bool,
) -> Result<Vec<MarkerItem>, ItemError> {
    let single = |n: u32, span: Span| MarkerItem {
        key: Key::Number(n),
        span,
        from_range: false,
    };
    if let Some(n) = parse_number(item) {
        if alone && looks_like_year(n, ctx) {
            return Err(ItemError::NotCitation);
        }
        if n == 0 {
            return Err(ItemError::Malformed(
                "`[0]` cites reference 0, but lists start at 1".to_owned(),
            ));
        }
        return Ok(vec![single(n, Span::new(start, start + item.len()))]);
    }
    // A range: digits, a dash, digits (spaces allowed around the dash).
    let Some((dash_at, dash)) = item.char_indices().find(|&(_, c)| is_dash(c)) else {
        return Err(ItemError::NotCitation);
    };
    let left = item[..dash_at].trim_end_matches(is_space);
    let right_raw = &item[dash_at + dash.len_utf8()..];
    let right = right_raw.trim_start_matches(is_space);
    let (Some(from), Some(to)) = (parse_number(left), parse_number(right)) else {
        return Err(ItemError::NotCitation);
    };
    if alone && looks_like_year(from, ctx) && looks_like_year(to, ctx) {
        return Err(ItemError::NotCitation); // `[1914–1918]`
    }
    let written = item;
    if from == 0 {
        return Err(ItemError::Malformed(format!(
            "`[{written}]` starts at reference 0, but lists start at 1"
        )));
    }
    // `[1865–69]`: an abbreviated year range (Wikipedia's `orig-year`).
    if alone && to < from && right.len() == 2 && looks_like_year(from, ctx) {
        return Err(ItemError::NotCitation);
    }
    if to < from {
        return Err(ItemError::Malformed(format!(
            "the range `{written}` runs backwards ({from} is after {to})"
        )));
    }
    if to == from {
        return Err(ItemError::Malformed(format!(
            "the range `{written}` starts and ends at {from}"
        )));
    }
    if to - from > MAX_RANGE {
        return Err(ItemError::Malformed(format!(
            "the range `{written}` spans {} references; ranges over {MAX_RANGE} are almost certainly a typo",
            to - from + 1
        )));
    }
    let left_span = Span::new(start, start + left.len());
    let right_start = start + dash_at + dash.len_utf8() + (right_raw.len() - right.len());
    let right_span = Span::new(right_start, right_start + right.len());
    let whole = Span::new(start, start + item.len());
    let mut out = Vec::with_capacity((to - from + 1) as usize);
    out.push(single(from, left_span));
    for n in from + 1..to {
        out.push(MarkerItem {
            key: Key::Number(n),
            span: whole,
            from_range: true,
        });
    }
    out.push(single(to, right_span));
    Ok(out)
}

/// A marker found by a parser: its whole span (brackets, `<sup>` element or
/// Markdown link) and what it cites.
#[derive(Clone, Debug)]
pub struct RawMarker {
    /// The whole marker as written.
    pub span: Span,
    /// The group of its keys.
    pub group: Group,
    /// Its keys.
    pub items: Vec<MarkerItem>,
}

/// Groups markers that stand next to each other into clusters and records
/// them in a [`Document`]. Markers must be pushed in source order.
pub struct ClusterBuilder<'t> {
    text: &'t str,
    in_entry: Option<EntryId>,
    pending: Vec<RawMarker>,
    /// Single markers inside an entry preceded by a space are external-link
    /// autonumbers (`Some site [1]`), not citations.
    entry_mode: bool,
    /// The open cluster holds a marker whose form leaves no doubt (see
    /// [`ClusterBuilder::push_certain`]); it is kept even in entry mode.
    certain: bool,
}

impl<'t> ClusterBuilder<'t> {
    /// A builder over `text` (the whole file), for markers in the body
    /// (`in_entry` = `None`) or inside one reference entry.
    pub fn new(text: &'t str, in_entry: Option<EntryId>) -> Self {
        ClusterBuilder {
            text,
            in_entry,
            pending: Vec::new(),
            entry_mode: in_entry.is_some(),
            certain: false,
        }
    }

    /// Adds a marker whose form leaves no doubt that it is a citation (a
    /// Markdown link to a `#cite_note` anchor, a `[^label]` footnote
    /// reference). Its cluster is kept even inside an entry, where a lone
    /// bracket after a space would be read as an external-link autonumber.
    pub(crate) fn push_certain(&mut self, marker: RawMarker, doc: &mut Document) {
        self.push(marker, doc);
        self.certain = true;
    }

    /// Keeps a lone marker inside an entry even when a space precedes it. For
    /// formats that mark external-link autonumbers themselves (HTML), where
    /// the plain-text guess would drop real citations.
    pub fn keep_lone_entry_markers(mut self) -> Self {
        self.entry_mode = false;
        self
    }

    /// Adds a marker, closing the current cluster first when something other
    /// than separators stands between them.
    pub fn push(&mut self, marker: RawMarker, doc: &mut Document) {
        let text = self.text;
        // Markers must arrive in order; an overlapping one starts afresh.
        let gap = match self.pending.last() {
            Some(last) => text.get(last.span.end..marker.span.start).unwrap_or("\n"),
            None => "",
        };
        self.push_with_gap(marker, gap, doc);
    }

    /// Like [`push`](Self::push), but the caller says what stands between the
    /// previous marker and this one as a reader sees it. HTML passes the text
    /// with tags stripped, so `</sup><sup class="reference">` is adjacency;
    /// a block boundary can be passed as `"\n"` to close the cluster.
    pub fn push_with_gap(&mut self, marker: RawMarker, gap: &str, doc: &mut Document) {
        if let Some(last) = self.pending.last() {
            if !is_cluster_gap(gap) {
                self.flush(doc);
            } else if is_range_gap(gap) {
                // `[1]–[3]`: the dash implies the keys in between.
                if let (Some(from), Some(to)) = (single_number(last), single_number(&marker))
                    && to > from + 1
                    && to - from <= MAX_RANGE
                {
                    let span = Span::new(last.span.end, marker.span.start);
                    let implied = (from + 1..to)
                        .map(|n| MarkerItem {
                            key: Key::Number(n),
                            span,
                            from_range: true,
                        })
                        .collect();
                    self.pending.push(RawMarker {
                        span,
                        group: Group::Default,
                        items: implied,
                    });
                }
            }
        }
        self.pending.push(marker);
    }

    /// Records a maintenance tag found in this builder's region; a tag ends
    /// the open cluster.
    pub fn tag(&mut self, text: String, span: Span, doc: &mut Document) {
        self.flush(doc);
        doc.tags.push(MaintenanceTag {
            text,
            span,
            in_entry: self.in_entry,
        });
    }

    /// Records a marker that cannot be read as written; it ends the open
    /// cluster.
    pub fn malformed(&mut self, written: String, span: Span, problem: String, doc: &mut Document) {
        self.flush(doc);
        doc.malformed.push(MalformedMarker {
            text: written,
            span,
            problem,
        });
    }

    /// Closes the open cluster, if any.
    pub fn flush(&mut self, doc: &mut Document) {
        if self.pending.is_empty() {
            return;
        }
        let markers = std::mem::take(&mut self.pending);
        let certain = std::mem::take(&mut self.certain);
        let first = markers[0].span;
        let last = markers[markers.len() - 1].span;
        let span = first.cover(last);
        let before = self.text[..span.start].chars().next_back();
        let space_before = before.is_some_and(is_space)
            && self.text[..span.start]
                .trim_end_matches(is_space)
                .chars()
                .next_back()
                .is_some_and(|c| c != '\n' && c != '\r');
        if self.entry_mode
            && !certain
            && markers.len() == 1
            && (space_before || self.at_entry_text_start(span))
        {
            return; // an external-link autonumber inside an entry
        }
        let punctuation_after = self.text[span.end..]
            .chars()
            .next()
            .filter(|c| matches!(c, '.' | ',' | ';' | ':' | '!' | '?'));
        let cluster_id = doc.clusters.len();
        let mut citations = Vec::new();
        // Markers implied by a `[1]–[3]` dash were not written.
        let written = markers
            .iter()
            .filter(|m| !m.items.iter().all(|i| i.from_range))
            .count();
        for marker in markers {
            for item in marker.items {
                citations.push(doc.citations.len());
                doc.citations.push(Citation {
                    key: item.key,
                    group: marker.group,
                    span: item.span,
                    cluster: cluster_id,
                    in_entry: self.in_entry,
                    from_range: item.from_range,
                });
            }
        }
        doc.clusters.push(Cluster {
            span,
            citations,
            markers: written,
            space_before,
            punctuation_after,
            in_entry: self.in_entry,
        });
    }

    fn at_entry_text_start(&self, span: Span) -> bool {
        let line_start = self.text[..span.start].rfind('\n').map_or(0, |i| i + 1);
        self.text[line_start..span.start]
            .trim_matches(is_space)
            .is_empty()
    }
}

fn single_number(marker: &RawMarker) -> Option<u32> {
    match marker.items.as_slice() {
        [item] if marker.group == Group::Default => item.key.number(),
        _ => None,
    }
}

/// A bare note marker such as `[a]` follows the text it annotates:
/// `claim.[a]`, `churches[a]`, `claim [a]`. It is not one at the start of a
/// line, after a list bullet or a table bar (`- [x] task`, `| [x] |`), nor
/// right after a one- or two-letter word, which makes it an index (`x[t]`).
fn plausible_note_context(text: &str, open: usize) -> bool {
    // A few characters before are enough; looking no further keeps long
    // lines linear.
    let mut window_start = open.saturating_sub(16);
    while !text.is_char_boundary(window_start) {
        window_start -= 1;
    }
    let window = &text[window_start..open];
    let (prefix, whole_line) = match window.rfind(['\n', '\r']) {
        Some(i) => (&window[i + 1..], true),
        None => (window, window_start == 0),
    };
    let before = prefix.trim_end_matches(is_space);
    let Some(prev) = before.chars().next_back() else {
        return !whole_line; // nothing but spaces since the line began
    };
    let lead = before.trim_start_matches(is_space);
    let is_bullet = whole_line
        && (matches!(lead, "-" | "*" | "+" | "•")
            || lead
                .strip_suffix(['.', ')'])
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())));
    if prev == '|' || is_bullet {
        return false;
    }
    let glued = before.len() == prefix.len();
    if glued && prev.is_alphanumeric() {
        let word = before
            .chars()
            .rev()
            .take_while(|c| c.is_alphanumeric())
            .take(3)
            .count();
        return word > 2;
    }
    true
}

/// Between two markers of one cluster only spaces, commas, semicolons or a
/// range dash may stand.
fn is_cluster_gap(gap: &str) -> bool {
    gap.len() <= 8
        && gap
            .chars()
            .all(|c| is_space(c) || c == ',' || c == ';' || is_dash(c))
        && gap.chars().filter(|&c| is_dash(c)).count() <= 1
}

fn is_range_gap(gap: &str) -> bool {
    gap.chars().any(is_dash)
}

/// Scans `region` of `text` for bracketed markers and maintenance tags and
/// records them in `doc`. Used for plain text; other parsers find their own
/// markers and feed a [`ClusterBuilder`] directly.
pub fn scan_brackets(
    text: &str,
    region: Span,
    in_entry: Option<EntryId>,
    ctx: &MarkerContext,
    doc: &mut Document,
) {
    let mut builder = ClusterBuilder::new(text, in_entry);
    scan_brackets_into(text, region, ctx, doc, &mut builder);
    builder.flush(doc);
}

/// Like [`scan_brackets`], feeding an existing builder so a caller can skip
/// pieces of text (code spans) and mix marker kinds.
pub fn scan_brackets_into(
    text: &str,
    region: Span,
    ctx: &MarkerContext,
    doc: &mut Document,
    builder: &mut ClusterBuilder<'_>,
) {
    let bytes = text.as_bytes();
    let mut at = region.start;
    while at < region.end {
        let Some(found) = memchr::memchr(b'[', &bytes[at..region.end]) else {
            break;
        };
        let open = at + found;
        at = open + 1;
        let window_end = (open + 1 + MAX_MARKER_LEN + 1).min(region.end);
        let window = &bytes[open + 1..window_end];
        let Some(close_rel) = window
            .iter()
            .position(|&b| b == b']' || b == b'[' || b == b'\n')
        else {
            continue;
        };
        if window[close_rel] != b']' {
            continue;
        }
        let close = open + 1 + close_rel;
        // A Markdown footnote or link target is not ours to read here.
        if bytes.get(open + 1) == Some(&b'^') {
            continue;
        }
        let inner = &text[open + 1..close];
        let next_char = text[close + 1..].chars().next();
        let span = Span::new(open, close + 1);
        match classify(inner, open + 1, next_char, ctx) {
            // Only the bare letters are ambiguous; `[note 1]` is not.
            MarkerKind::Cites { group, .. }
                if group == Group::Notes
                    && inner.trim().len() <= 2
                    && !plausible_note_context(text, open) => {}
            // `[1, Th. 2], [1, Thm. 4]`: a pinpointed marker supports its own
            // claim, so it stands alone rather than repeating in a cluster.
            MarkerKind::Cites { group, items }
                if inner.contains(char::is_alphabetic) && group == Group::Default =>
            {
                builder.flush(doc);
                builder.push(RawMarker { span, group, items }, doc);
                builder.flush(doc);
            }
            MarkerKind::Cites { group, items } => {
                builder.push(RawMarker { span, group, items }, doc);
            }
            MarkerKind::Tag(tag) => builder.tag(tag, span, doc),
            MarkerKind::Malformed(problem) => {
                builder.malformed(text[span.range()].to_owned(), span, problem, doc);
            }
            MarkerKind::NotCitation => {}
        }
        at = close + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<(Group, String)> {
        let mut doc = Document::default();
        scan_brackets(
            text,
            Span::new(0, text.len()),
            None,
            &MarkerContext::new(Some(100)),
            &mut doc,
        );
        doc.citations
            .iter()
            .map(|c| (c.group, c.key.to_string()))
            .collect()
    }

    fn numbers(text: &str) -> Vec<String> {
        keys(text).into_iter().map(|(_, k)| k).collect()
    }

    #[test]
    fn reads_the_common_forms() {
        assert_eq!(numbers("a.[3][6][7]"), ["3", "6", "7"]);
        assert_eq!(numbers("a [2, 5]"), ["2", "5"]);
        assert_eq!(numbers("a [4–7]"), ["4", "5", "6", "7"]);
        assert_eq!(numbers("a [8,21,26-28]"), ["8", "21", "26", "27", "28"]);
        assert_eq!(numbers("a [1]–[3]"), ["1", "2", "3"]);
        assert_eq!(numbers("[12, p. 5]"), ["12"]);
        assert_eq!(numbers("see [1, Th. 2] and [2, Lemma 3]"), ["1", "2"]);
        assert_eq!(numbers("[01]"), ["1"]);
    }

    #[test]
    fn notes_are_their_own_group() {
        assert_eq!(
            keys("claim[a] more.[note 2] z[nb 3]"),
            [
                (Group::Notes, "a".to_owned()),
                (Group::Notes, "2".to_owned()),
                (Group::Notes, "3".to_owned())
            ]
        );
    }

    #[test]
    fn prose_brackets_are_not_citations() {
        for text in [
            "[W]hen",
            "break that [stereotype].",
            "New York [u.a.]: HRW",
            "History[edit]",
            "[ tweak]",
            "(1993) [1987]",
            "[0000-0002-1825-0097]",
            "[a]lso",
            "[1914–1918]",
            "Tolstoy, Leo (1993) [1865–69]. War and Peace.",
            "- [x] done",
            "| [x] | yes |",
            "the signal x[t] at time t",
        ] {
            assert!(numbers(text).is_empty(), "{text} read as a citation");
        }
    }

    #[test]
    fn malformed_markers_are_recorded() {
        for text in ["[5–3]", "[0]", "[3,,4]", "[1-99]", "[3,]"] {
            let mut doc = Document::default();
            scan_brackets(
                text,
                Span::new(0, text.len()),
                None,
                &MarkerContext::new(None),
                &mut doc,
            );
            assert!(doc.citations.is_empty(), "{text}");
            assert_eq!(doc.malformed.len(), 1, "{text}");
        }
    }

    #[test]
    fn tags_are_recognised() {
        let text = "claim[citation needed] and[dead link] and [Which?]";
        let mut doc = Document::default();
        scan_brackets(
            text,
            Span::new(0, text.len()),
            None,
            &MarkerContext::new(None),
            &mut doc,
        );
        let tags: Vec<_> = doc.tags.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(tags, ["citation needed", "dead link", "which?"]);
    }

    #[test]
    fn callers_can_declare_the_visible_gap() {
        // Markers are the brackets; `</sup><sup>` stands between them in the
        // source, but a reader sees nothing there.
        let text = "<sup>[1]</sup><sup>[2]</sup>";
        let marker = |start: usize, n: u32| RawMarker {
            span: Span::new(start, start + 3),
            group: Group::Default,
            items: vec![MarkerItem {
                key: Key::Number(n),
                span: Span::new(start + 1, start + 2),
                from_range: false,
            }],
        };
        let run = |gap: Option<&str>| {
            let mut doc = Document::default();
            let mut builder = ClusterBuilder::new(text, None);
            for (start, n) in [(5, 1), (19, 2)] {
                match gap {
                    Some(gap) => builder.push_with_gap(marker(start, n), gap, &mut doc),
                    None => builder.push(marker(start, n), &mut doc),
                }
            }
            builder.flush(&mut doc);
            doc.clusters.len()
        };
        assert_eq!(run(Some("")), 1);
        // A declared block edge closes the cluster.
        assert_eq!(run(Some("\n")), 2);
        // Plain `push` still reads the source, where the tags break the cluster.
        assert_eq!(run(None), 2);
    }

    #[test]
    fn lone_entry_markers_can_be_kept() {
        let text = "See Smith [3]";
        let marker = RawMarker {
            span: Span::new(10, 13),
            group: Group::Default,
            items: vec![MarkerItem {
                key: Key::Number(3),
                span: Span::new(11, 12),
                from_range: false,
            }],
        };
        let mut doc = Document::default();
        let mut builder = ClusterBuilder::new(text, Some(0));
        builder.push(marker.clone(), &mut doc);
        builder.flush(&mut doc);
        assert!(doc.citations.is_empty(), "read as an autonumber");
        let mut builder = ClusterBuilder::new(text, Some(0)).keep_lone_entry_markers();
        builder.push(marker, &mut doc);
        builder.flush(&mut doc);
        assert_eq!(doc.citations.len(), 1);
    }

    #[test]
    fn clusters_record_spacing_and_punctuation() {
        let text = "claim [3][4]. next.[5]";
        let mut doc = Document::default();
        scan_brackets(
            text,
            Span::new(0, text.len()),
            None,
            &MarkerContext::new(None),
            &mut doc,
        );
        assert_eq!(doc.clusters.len(), 2);
        assert!(doc.clusters[0].space_before);
        assert_eq!(doc.clusters[0].punctuation_after, Some('.'));
        assert_eq!(doc.clusters[0].markers, 2);
        assert!(!doc.clusters[1].space_before);
    }
}
