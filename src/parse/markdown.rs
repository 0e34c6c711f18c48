//! Markdown: copies of Wikipedia articles, Markdown drafts and GFM footnotes.
//!
//! The parser works in three passes.
//!
//! 1. **Structure.** pulldown-cmark (with GFM footnotes) finds code spans,
//!    fenced and indented code blocks, HTML comments and headings. Code and
//!    comments are *masked*: nothing inside them is ever read as a marker, an
//!    entry or a heading.
//! 2. **Lists**, line by line. An entry starts with an optional bullet
//!    (`-`, `*`, `+`), then a label — `12.` / `12)`, a letter `a.`, `[12]`,
//!    `[12]:`, `\[12\]` — then optional backlinks: links to `#cite_ref…` or
//!    `#fnref…` anchors (`[↑](#cite_ref-3)`, `[**^**](#cite_ref-1)`,
//!    `^ [a](#cite_ref-x_1-0) [b](#cite_ref-x_1-1)`, one per link) or a plain
//!    `^ a b` read by [`backlinks::read`]. Whether a line may open a list
//!    depends on the section it sits in:
//!    - under a References / Notes / Citations / Footnotes / Sources… heading
//!      every form is an entry, bullets included (they are numbered by
//!      position);
//!    - under a Bibliography heading only labelled entries (`1.`, `[1]`) are;
//!    - under See also / External links / Further reading nothing is (so
//!      `* [2] Example site` is neither an entry nor a citation);
//!    - elsewhere only entries with backlinks, `[1]: text` lines whose
//!      "destination" is not a URL (otherwise they are CommonMark link
//!      reference definitions), and runs of at least two `[1] text` lines
//!      starting at a paragraph with `[1]`.
//!
//!    Entries continue over lazy lines and over lines indented past the
//!    entry's own indentation. A bullet list without backlinks is dropped
//!    when the same section family already has a numbered list (the Sources
//!    bullets of a Wikipedia page are not numbered references). A list whose
//!    items all print the same number (`1.`, `1.`, `1.`: Markdown's lazy
//!    numbering) is numbered by position. Lists are grouped with
//!    `assign_list_groups`; a notes list printed `1.`, `2.` whose markers are
//!    letters (`[[a]](#cite_note-5)`) is keyed `a`, `b` by position.
//!
//!    GFM footnote definitions (`[^label]: text`, continued by lines indented
//!    four spaces or a tab, or lazily) can sit anywhere; together they form
//!    one unnumbered list in the default group, keyed by label (labels match
//!    case-insensitively, spelled as first defined).
//! 3. **Markers.** The body runs up to the first reference-list heading (or
//!    See also, External links…) or the first list, whichever comes first;
//!    footnote definitions inside it are entries, not body. Text after it holds
//!    no body citations. Markers are read over the raw text with code masked:
//!    - a link whose target fragment is a citation anchor (`#cite_note…`,
//!      `#ref…`, `#fn…`, `#footnote…`, `#endnote…`, `#bib…`, `#CITEREF…`)
//!      is a marker when its text is one for [`markers::classify`]:
//!      `[[1]](#cite_note-1)`, `[[ 1 ]](…)`, `[\[1\]](…)`, `[1](…#ref1)`,
//!      `[[a]](…)`, `[[note 1]](…)`;
//!    - any other link or image is opaque: `[135](https://…/page/135)` is a
//!      page link, `[edit](…)` a section link. A link whose text is a
//!      maintenance tag is a tag when it points into `Wikipedia:` space or
//!      sits in brackets;
//!    - `[^label]` is a footnote reference;
//!    - `[1]` matching a CommonMark link reference definition that is not an
//!      entry (`[1]: https://…` outside a references section) is a link;
//!    - every other bracket goes through the shared plain-text grammar
//!      ([`markers::scan_brackets_into`]), which knows `[W]hen`,
//!      `[stereotype]`, `[u.a.]`, ORCID iDs and bracketed years.
//!
//!    Markers inside entries are uses from within the list. Link and
//!    footnote markers are certain; a lone plain `[n]` after a space inside an
//!    entry stays an external-link autonumber, as in the other families.
//!
//! Bracket matching, link destinations and titles are scanned at most once
//! per byte (a failed destination scan is remembered), so the parser runs in
//! linear time on any input and never panics.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::links::{Escapes, links_in};
use crate::model::{Directive, Document, Entry, EntryId, Group, Key, RefList};
use crate::parse::backlinks;
use crate::parse::directives;
use crate::parse::markers::{
    self, ClusterBuilder, MarkerContext, MarkerItem, MarkerKind, RawMarker,
};
use crate::parse::text::{self, is_space};
use crate::parse::{
    HeadingKind, ParseOptions, assign_list_groups, floor_char_boundary, heading_kind,
};
use crate::source::Span;

/// True when `text` shows signs of a Markdown copy of an article: links to
/// `#cite_note` or `#cite_ref` anchors, or a GFM footnote definition line.
pub fn looks_like(text: &str) -> bool {
    use memchr::memmem;
    let bytes = text.as_bytes();
    // A footnote definition: a line that starts (after spaces) with `[^` and
    // has `]:` after it. Only the `[^` in the text are looked at, not every
    // line.
    let footnote_definition = |at: usize| {
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
        let line_end = memchr::memchr(b'\n', &bytes[at..]).map_or(bytes.len(), |i| at + i);
        bytes[line_start..at].iter().all(|&b| b == b' ')
            && memmem::find(&bytes[at + 2..line_end], b"]:").is_some()
    };
    memmem::find(bytes, b"](#cite_note").is_some()
        || memmem::find(bytes, b"](#cite_ref").is_some()
        || memmem::find_iter(bytes, b"[^").any(footnote_definition)
}

/// Parses Markdown into a [`Document`]: body citations, reference lists and
/// their entries, GFM footnotes, tags and malformed markers.
pub fn parse(text: &str, options: &ParseOptions) -> Document {
    let structure = Structure::read(text);
    let lines = split_lines(text);
    let kinds = line_kinds(text, &lines, &structure);
    let mut finder = Finder::new(text, &lines);
    finder.run(&kinds, &structure.headings);
    let found = finder.finish();
    build(text, &lines, &structure, found, options)
}

// ───────────────────────────── small helpers ─────────────────────────────

fn skip_spaces(s: &str) -> usize {
    s.len() - s.trim_start_matches(is_space).len()
}

/// The smallest char boundary at or above `index`.
fn ceil_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index += 1;
    }
    index
}

fn fragment(dest: &str) -> String {
    dest.split_once('#')
        .map(|(_, f)| f.to_ascii_lowercase())
        .unwrap_or_default()
}

/// `#cite_ref-…`, `#fnref…`: the links a rendered list uses to jump back.
fn is_backlink_anchor(fragment: &str) -> bool {
    ["cite_ref", "fnref", "footnote-ref", "footnote_ref"]
        .iter()
        .any(|p| fragment.starts_with(p))
}

/// `#cite_note-…`, `#ref1`, `#fn1`, `#CITEREF…`: anchors a citation marker links to.
fn is_cite_anchor(fragment: &str) -> bool {
    !is_backlink_anchor(fragment)
        && [
            "cite_note",
            "ref",
            "fn",
            "footnote",
            "endnote",
            "bib",
            "citeref",
        ]
        .iter()
        .any(|p| fragment.starts_with(p))
}

/// Normalises a link label the way CommonMark matches them.
fn normalise_label(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Link destinations and titles: the result of scanning from the `(`.
/// `Err(stop)` says where the scan gave up.
fn parse_dest(text: &str, paren: usize, limit: usize) -> Result<(Span, usize), usize> {
    let bytes = text.as_bytes();
    let mut i = paren + 1;
    while i < limit && matches!(bytes[i], b' ' | b'\t') {
        i += 1;
    }
    let dest;
    if i < limit && bytes[i] == b'<' {
        let start = i + 1;
        let mut j = start;
        while j < limit && !matches!(bytes[j], b'>' | b'<' | b'\n' | b'\r') {
            j += 1;
        }
        if j >= limit || bytes[j] != b'>' {
            return Err(j.min(limit));
        }
        dest = Span::new(start, j);
        i = j + 1;
    } else {
        let start = i;
        let mut depth = 0u32;
        while i < limit {
            match bytes[i] {
                b'\\' => i += 1,
                b'(' => depth += 1,
                b')' if depth == 0 => break,
                b')' => depth -= 1,
                b if b <= b' ' => break,
                _ => {}
            }
            i += 1;
        }
        i = i.min(limit);
        dest = Span::new(start, i);
    }
    let before_title = i;
    while i < limit && matches!(bytes[i], b' ' | b'\t') {
        i += 1;
    }
    if i < limit && bytes[i] == b')' {
        return Ok((dest, i + 1));
    }
    if i < limit && i > before_title && matches!(bytes[i], b'"' | b'\'' | b'(') {
        let close = match bytes[i] {
            b'(' => b')',
            q => q,
        };
        let cap = limit.min(i + 1 + 300);
        let mut j = i + 1;
        while j < cap && bytes[j] != close && bytes[j] != b'\n' {
            j += 1;
        }
        if j < cap && bytes[j] == close {
            let mut k = j + 1;
            while k < limit && matches!(bytes[k], b' ' | b'\t') {
                k += 1;
            }
            if k < limit && bytes[k] == b')' {
                return Ok((dest, k + 1));
            }
            return Err(k.min(limit));
        }
        return Err(j.min(limit));
    }
    Err(i.min(limit))
}

/// A link starting at `open` on one line (for backlinks at an entry's start):
/// its destination and its end. Brackets nest; the text is at most 256 bytes.
fn simple_link(text: &str, open: usize, limit: usize) -> Option<(Span, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(open) != Some(&b'[') {
        return None;
    }
    let cap = limit.min(open + 256);
    let mut depth = 0u32;
    let mut i = open;
    let close = loop {
        if i >= cap {
            return None;
        }
        match bytes[i] {
            b'\\' => i += 1,
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    break i;
                }
            }
            b'\n' => return None,
            _ => {}
        }
        i += 1;
    };
    if bytes.get(close + 1) != Some(&b'(') || close + 1 >= limit {
        return None;
    }
    parse_dest(text, close + 1, limit).ok()
}

/// The text of a citation link without its wrappers: `[1]`, `\[1\]`,
/// `<sup>[1]</sup>`, `**1**` all give `1`. Returns the inner slice's bounds.
fn strip_link_text(text: &str, start: usize, end: usize) -> (usize, usize) {
    let (mut s, mut e) = (start, end);
    for _ in 0..8 {
        let inner = &text[s..e];
        let trimmed = inner.trim_matches(is_space);
        let lead = inner.len() - inner.trim_start_matches(is_space).len();
        s += lead;
        e = s + trimmed.len();
        let inner = &text[s..e];
        let prefix = ["<sup>", "\\[", "**", "__", "[", "*", "_"]
            .iter()
            .find(|p| inner.starts_with(**p))
            .map_or(0, |p| p.len());
        let rest = &inner[prefix..];
        let suffix = ["</sup>", "\\]", "**", "__", "]", "*", "_"]
            .iter()
            .find(|p| rest.ends_with(**p))
            .map_or(0, |p| p.len());
        if prefix == 0 && suffix == 0 {
            break;
        }
        s += prefix;
        e -= suffix;
    }
    (s, e)
}

// ───────────────────────────── structure ─────────────────────────────

/// What pulldown-cmark tells about the text.
struct Structure {
    /// Code spans, code blocks and HTML comments: never scanned. Sorted, merged.
    masked: Vec<Span>,
    /// Code blocks and HTML comment blocks: whole lines that are not prose.
    blocks: Vec<Span>,
    /// Headings: span and plain text.
    headings: Vec<(Span, String)>,
    /// Suppression comments.
    directives: Vec<Directive>,
}

impl Structure {
    fn read(text: &str) -> Self {
        let mut masked = Vec::new();
        let mut blocks = Vec::new();
        let mut headings = Vec::new();
        let mut directives = Vec::new();
        let mut heading: Option<(Span, String)> = None;
        let clean = |r: std::ops::Range<usize>| {
            let start = floor_char_boundary(text, r.start);
            Span::new(start, ceil_char_boundary(text, r.end.max(start)))
        };
        for (event, range) in Parser::new_ext(text, Options::ENABLE_FOOTNOTES).into_offset_iter() {
            match event {
                Event::Start(Tag::CodeBlock(_)) => {
                    masked.push(clean(range.clone()));
                    blocks.push(clean(range));
                }
                Event::Start(Tag::HtmlBlock) => {
                    let span = clean(range);
                    if text[span.range()].trim_start().starts_with("<!--") {
                        masked.push(span);
                        blocks.push(span);
                        directives::collect_in(text, span, &mut directives);
                    }
                }
                Event::InlineHtml(html) if html.starts_with("<!--") => {
                    let span = clean(range);
                    masked.push(span);
                    directives::collect_in(text, span, &mut directives);
                }
                Event::Code(code) => {
                    masked.push(clean(range));
                    if let Some((_, t)) = heading.as_mut() {
                        t.push_str(&code);
                    }
                }
                Event::Start(Tag::Heading { .. }) => heading = Some((clean(range), String::new())),
                Event::Text(t) => {
                    if let Some((_, h)) = heading.as_mut() {
                        h.push_str(&t);
                    }
                }
                Event::End(TagEnd::Heading(_)) => headings.extend(heading.take()),
                _ => {}
            }
        }
        Structure {
            masked: merge(masked),
            blocks: merge(blocks),
            headings,
            directives,
        }
    }
}

/// Sorts spans and merges overlapping ones.
fn merge(mut spans: Vec<Span>) -> Vec<Span> {
    spans.retain(|s| !s.is_empty());
    spans.sort_by_key(|s| (s.start, s.end));
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => out.push(span),
        }
    }
    out
}

// ───────────────────────────── lines ─────────────────────────────

struct Line {
    start: usize,
    end: usize,
    /// Bytes of leading whitespace.
    indent: usize,
    /// Columns of leading whitespace (a tab runs to the next multiple of 4).
    width: usize,
    /// The line starts with a tab.
    tab: bool,
}

fn split_lines(text: &str) -> Vec<Line> {
    text::line_spans(text)
        .map(|(start, end)| {
            let mut width = 0;
            let mut indent = 0;
            for c in text[start..end].chars() {
                match c {
                    '\t' => width = (width / 4 + 1) * 4,
                    c if is_space(c) => width += 1,
                    _ => break,
                }
                indent += c.len_utf8();
            }
            Line {
                start,
                end,
                indent,
                width,
                tab: text.as_bytes().get(start) == Some(&b'\t'),
            }
        })
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LineKind {
    Text,
    Blank,
    /// Inside a code block or an HTML comment block.
    Code,
    /// The first line of heading `n`.
    Heading(usize),
    /// A later line of a heading (a setext underline).
    HeadingPart,
}

fn line_kinds(text: &str, lines: &[Line], structure: &Structure) -> Vec<LineKind> {
    let line_of = |offset: usize| {
        lines
            .partition_point(|l| l.start <= offset)
            .saturating_sub(1)
    };
    let mut kinds: Vec<LineKind> = lines
        .iter()
        .map(|l| {
            if text[l.start..l.end].trim_matches(is_space).is_empty() {
                LineKind::Blank
            } else {
                LineKind::Text
            }
        })
        .collect();
    for block in &structure.blocks {
        for kind in &mut kinds[line_of(block.start)..=line_of(block.end - 1)] {
            *kind = LineKind::Code;
        }
    }
    for (index, (span, _)) in structure.headings.iter().enumerate() {
        let first = line_of(span.start);
        if kinds[first] == LineKind::Code {
            continue;
        }
        kinds[first] = LineKind::Heading(index);
        let last = line_of(span.end.saturating_sub(1).max(span.start));
        for kind in &mut kinds[first + 1..=last.max(first)] {
            *kind = LineKind::HeadingPart;
        }
    }
    kinds
}

/// A short line on its own that names a reference section: `References`,
/// `**Notes**`, `Works cited:`. List items are never headings.
fn pseudo_heading(content: &str) -> Option<&str> {
    let trimmed = content.trim_matches(is_space);
    if trimmed.chars().count() > 60 {
        return None;
    }
    let bytes = trimmed.as_bytes();
    let bullet = matches!(bytes.first(), Some(b'-' | b'*' | b'+' | b'>'))
        && trimmed[1..].starts_with(is_space);
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if bullet || (digits > 0 && matches!(bytes.get(digits), Some(b'.' | b')'))) {
        return None;
    }
    let cleaned = trimmed.trim_matches(|c| c == '_' || c == '*');
    heading_kind(cleaned).map(|_| cleaned)
}

// ───────────────────────────── entry starts ─────────────────────────────

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// `12.` or `12)`.
    Numbered,
    /// `a.`
    Lettered,
    /// `[12] text`.
    Bracketed,
    /// `[12]: text`.
    BracketedColon,
    /// `- text`, `* text`.
    Bullet,
    /// Nothing but backlinks: `^ text`, `[↑](#cite_ref-1) text`.
    Bare,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Label {
    Number(u32),
    Letters,
    /// A bracketed label read by the marker grammar: `[1]`, `[a]`, `[note 2]`.
    Keyed(Key, Group),
}

#[derive(Clone, Debug)]
struct EntryStart {
    form: Form,
    label: Option<(Label, Span)>,
    /// Bytes of bullet, label and the spaces after them.
    marker_len: usize,
    /// Where the entry text starts (after backlinks).
    text_start: usize,
    backlinks: Option<u32>,
}

impl EntryStart {
    fn lettered(&self) -> bool {
        matches!(
            self.label,
            Some((Label::Letters, _)) | Some((Label::Keyed(_, Group::Notes), _))
        )
    }

    fn family(&self) -> Family {
        if self.lettered() {
            Family::Lettered
        } else if self.form == Form::Bullet && self.label.is_none() && self.backlinks.is_none() {
            Family::Weak
        } else {
            Family::Strong
        }
    }
}

/// Entries of one family stay in one list; a change starts a new list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    /// Numbered, bracketed or backlinked entries.
    Strong,
    /// Lettered notes.
    Lettered,
    /// Plain bullets without backlinks.
    Weak,
}

fn is_thematic_break(content: &str) -> bool {
    let marks = content.chars().filter(|c| !is_space(*c)).count();
    marks >= 3
        && content
            .chars()
            .all(|c| is_space(c) || matches!(c, '*' | '-' | '_'))
}

/// Reads a bracketed label at `at`: `[12]`, `[a]`, `[note 2]`, `\[12\]`,
/// followed by a space, the end of the line, or `:`. Returns the label, its
/// span, the bytes consumed and whether a colon followed.
fn bracket_label(
    text: &str,
    at: usize,
    end: usize,
    ctx: &MarkerContext,
) -> Option<(Label, Span, usize, bool)> {
    let s = &text[at..end];
    let escaped = s.starts_with("\\[");
    let open_len = if escaped {
        2
    } else if s.starts_with('[') && !s.starts_with("[^") {
        1
    } else {
        return None;
    };
    let rel = s.as_bytes()[open_len..]
        .iter()
        .take(70)
        .position(|&b| b == b']' || b == b'[' || b == b'\n')?;
    let close = open_len + rel; // index of `]`
    if s.as_bytes()[close] != b']' {
        return None;
    }
    let inner_end = if escaped {
        if rel == 0 || s.as_bytes()[close - 1] != b'\\' {
            return None;
        }
        close - 1
    } else {
        close
    };
    let after = &s[close + 1..];
    let (consumed, colon) = if after.starts_with(':') {
        (close + 2, true)
    } else if after.is_empty() || after.starts_with(is_space) {
        (close + 1, false)
    } else {
        return None;
    };
    let inner = &s[open_len..inner_end];
    match markers::classify(inner, at + open_len, None, ctx) {
        MarkerKind::Cites { group, items } if items.len() == 1 && !items[0].from_range => {
            let item = &items[0];
            Some((
                Label::Keyed(item.key.clone(), group),
                item.span,
                consumed,
                colon,
            ))
        }
        _ => None,
    }
}

/// Reads backlinks at `start`: links to `#cite_ref` anchors (one use each),
/// or a plain caret with optional letters. Returns the count (None when
/// there are none) and where the entry text starts.
fn read_backlinks(text: &str, start: usize, end: usize) -> (Option<u32>, usize) {
    let s = &text[start..end];
    let is_emphasis = |c: char| c == '*' || c == '_';
    let mut pos = 0;
    let mut committed = 0;
    let mut links = 0u32;
    let mut caret = false;
    let mut jumped = false;
    loop {
        let p = pos
            + (s[pos..].len()
                - s[pos..]
                    .trim_start_matches(|c| is_space(c) || is_emphasis(c))
                    .len());
        let rest = &s[p..];
        let token_end = if let Some(after) =
            rest.strip_prefix('^').or_else(|| rest.strip_prefix('↑'))
        {
            let ok = after.is_empty()
                || after.starts_with(|c| is_space(c) || is_emphasis(c))
                || after.starts_with("Jump");
            if !ok {
                break;
            }
            caret = true;
            end - after.len()
        } else if let Some(after) = rest.strip_prefix("Jump up to:") {
            caret = true;
            end - after.len()
        } else if let Some(after) = rest.strip_prefix("Jump up") {
            caret = true;
            jumped = true;
            end - after.len()
        } else if rest.starts_with('[') {
            match simple_link(text, start + p, end) {
                Some((dest, link_end)) if is_backlink_anchor(&fragment(&text[dest.range()])) => {
                    links += 1;
                    link_end
                }
                _ => break,
            }
        } else {
            break;
        };
        let after = &text[token_end..end];
        let closing = after.len() - after.trim_start_matches(is_emphasis).len();
        pos = token_end + closing - start;
        pos += skip_spaces(&s[pos..]);
        committed = pos;
    }
    if links > 0 {
        return (Some(links), start + committed);
    }
    if !caret {
        return (None, start);
    }
    let tail = &s[committed..];
    let read = backlinks::read_after(tail, jumped);
    (Some(read.count), start + committed + read.consumed)
}

/// Reads the start of a possible list entry.
fn entry_start(text: &str, line: &Line, ctx: &MarkerContext) -> Option<EntryStart> {
    let base = line.start + line.indent;
    let content = &text[base..line.end];
    if is_thematic_break(content) {
        return None;
    }
    let bytes = content.as_bytes();
    let mut pos = 0;
    let mut form = Form::Bare;
    let mut label = None;
    if matches!(bytes.first(), Some(b'-' | b'*' | b'+')) && content[1..].starts_with(is_space) {
        form = Form::Bullet;
        pos = 1 + skip_spaces(&content[1..]);
    } else {
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        let letters = bytes.iter().take_while(|b| b.is_ascii_lowercase()).count();
        let (n, numeric) = if (1..=9).contains(&digits) {
            (digits, true)
        } else if (1..=2).contains(&letters) {
            (letters, false)
        } else {
            (0, false)
        };
        let delimited = match bytes.get(n) {
            Some(b'.') => n > 0,
            Some(b')') => n > 0 && numeric,
            _ => false,
        };
        if delimited {
            let after = &content[n + 1..];
            if after.is_empty() || after.starts_with(is_space) {
                let span = Span::new(base, base + n);
                if numeric {
                    label = Some((Label::Number(content[..n].parse().ok()?), span));
                    form = Form::Numbered;
                } else {
                    label = Some((Label::Letters, span));
                    form = Form::Lettered;
                }
                pos = n + 1 + skip_spaces(after);
            }
        }
    }
    if label.is_none()
        && let Some((read, span, consumed, colon)) = bracket_label(text, base + pos, line.end, ctx)
    {
        label = Some((read, span));
        form = if colon {
            Form::BracketedColon
        } else {
            Form::Bracketed
        };
        pos += consumed;
        pos += skip_spaces(&content[pos..]);
    }
    let (backlinks, text_start) = read_backlinks(text, base + pos, line.end);
    if label.is_none() && backlinks.is_none() && (form == Form::Bare || text_start == line.end) {
        return None;
    }
    Some(EntryStart {
        form,
        label,
        marker_len: pos,
        text_start,
        backlinks,
    })
}

/// A GFM footnote definition `[^label]: text` (indented at most 3 columns):
/// the label's span and where the text starts.
fn footnote_def(text: &str, line: &Line) -> Option<(Span, usize)> {
    if line.width > 3 {
        return None;
    }
    let base = line.start + line.indent;
    let rest = text[base..line.end].strip_prefix("[^")?;
    let close = rest
        .bytes()
        .take(200)
        .position(|b| b == b']' || b == b'[' || b.is_ascii_whitespace())?;
    if close == 0 || rest.as_bytes()[close] != b']' || rest.as_bytes().get(close + 1) != Some(&b':')
    {
        return None;
    }
    let label = Span::new(base + 2, base + 2 + close);
    let after = base + 2 + close + 2;
    Some((label, after + skip_spaces(&text[after..line.end])))
}

/// A line `[label]: …` (not a footnote): the label and what follows the colon.
fn bracket_colon(content: &str) -> Option<(&str, &str)> {
    let rest = content.strip_prefix('[')?;
    if rest.starts_with('^') {
        return None;
    }
    let close = rest
        .bytes()
        .take(1000)
        .position(|b| b == b']' || b == b'[')?;
    if rest.as_bytes()[close] != b']' || close == 0 {
        return None;
    }
    let after = rest[close + 1..].strip_prefix(':')?;
    Some((&rest[..close], after))
}

fn is_url(token: &str) -> bool {
    let lower = token.to_ascii_lowercase();
    token.starts_with('<')
        || lower.contains("://")
        || ["www.", "mailto:", "/", "./", "../", "#", "doi:"]
            .iter()
            .any(|p| lower.starts_with(p))
        || (token.contains('/') && token.contains('.'))
}

/// True when `rest` (what follows `[label]:`) makes a CommonMark link
/// reference definition: a URL and at most a quoted title.
fn is_link_definition(rest: &str) -> bool {
    let rest = rest.trim_matches(is_space);
    let (token, after) = rest.split_once(is_space).unwrap_or((rest, ""));
    if token.is_empty() || !is_url(token) {
        return false;
    }
    let after = after.trim_matches(is_space);
    after.is_empty()
        || [('"', '"'), ('\'', '\''), ('(', ')')]
            .iter()
            .any(|&(a, b)| after.len() >= 2 && after.starts_with(a) && after.ends_with(b))
}

// ───────────────────────────── finding lists ─────────────────────────────

/// The section a line sits in, from the heading above it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// No heading, or one that says nothing about references.
    Plain,
    /// References, Citations, Sources… (`References`) or Notes, Footnotes… (`Notes`).
    Refs(HeadingKind),
    /// Bibliography: labelled entries only.
    Biblio,
    /// See also, External links, Further reading…: no lists.
    Other,
}

impl Section {
    fn takes_all(self) -> bool {
        matches!(self, Section::Refs(_) | Section::Biblio)
    }

    fn kind(self) -> Option<HeadingKind> {
        match self {
            Section::Plain => None,
            Section::Refs(kind) => Some(kind),
            Section::Biblio | Section::Other => Some(HeadingKind::Other),
        }
    }
}

struct EntryBuild {
    first_line: usize,
    last_line: usize,
    start: EntryStart,
    width: usize,
    content_col: usize,
}

struct ListBuild {
    heading: Option<String>,
    section: Section,
    family: Family,
    entries: Vec<EntryBuild>,
}

impl ListBuild {
    /// Lists compete for keys within a class: notes, or everything else.
    fn notes_class(&self) -> bool {
        self.section == Section::Refs(HeadingKind::Notes)
    }
}

struct NoteBuild {
    first_line: usize,
    last_line: usize,
    label: Span,
    text_start: usize,
}

struct Found {
    lists: Vec<ListBuild>,
    footnotes: Vec<NoteBuild>,
    footnote_heading: Option<String>,
    link_labels: HashSet<String>,
    link_def_lines: Vec<Span>,
    first_end_heading: Option<usize>,
}

struct Finder<'t> {
    text: &'t str,
    lines: &'t [Line],
    label_ctx: MarkerContext,
    section: Section,
    /// The recognised heading over the current section, until a list takes it.
    unused_heading: Option<String>,
    /// The recognised heading over the current section.
    heading: Option<String>,
    lists: Vec<ListBuild>,
    open_list: Option<ListBuild>,
    footnotes: Vec<NoteBuild>,
    note_open: bool,
    footnote_heading: Option<String>,
    link_labels: HashSet<String>,
    link_def_lines: Vec<Span>,
    first_end_heading: Option<usize>,
}

impl<'t> Finder<'t> {
    fn new(text: &'t str, lines: &'t [Line]) -> Self {
        Finder {
            text,
            lines,
            label_ctx: MarkerContext::new(None),
            section: Section::Plain,
            unused_heading: None,
            heading: None,
            lists: Vec::new(),
            open_list: None,
            footnotes: Vec::new(),
            note_open: false,
            footnote_heading: None,
            link_labels: HashSet::new(),
            link_def_lines: Vec::new(),
            first_end_heading: None,
        }
    }

    fn close(&mut self) {
        self.note_open = false;
        if let Some(list) = self.open_list.take()
            && !list.entries.is_empty()
        {
            self.lists.push(list);
        }
    }

    fn enter_section(&mut self, heading: &str, offset: usize) {
        self.close();
        let kind = heading_kind(heading).filter(|_| heading.chars().count() <= 80);
        let cleaned = heading.trim();
        let cleaned = cleaned.strip_suffix("[edit]").unwrap_or(cleaned).trim();
        self.section = match kind {
            None => Section::Plain,
            Some(HeadingKind::Other) if cleaned.to_lowercase().contains("bibliograph") => {
                Section::Biblio
            }
            Some(HeadingKind::Other) => Section::Other,
            Some(kind) => Section::Refs(kind),
        };
        self.heading = kind.map(|_| cleaned.to_owned());
        self.unused_heading = self.heading.clone();
        if kind.is_some() && self.first_end_heading.is_none() {
            self.first_end_heading = Some(offset);
        }
    }

    /// Whether `start` may open a new list in the current section.
    fn opens_list(&self, start: &EntryStart, paragraph_start: bool) -> bool {
        match self.section {
            Section::Refs(_) => true,
            Section::Biblio => {
                start.backlinks.is_some() || !matches!(start.form, Form::Bullet | Form::Bare)
            }
            Section::Other => false,
            Section::Plain => {
                start.backlinks.is_some()
                    || start.form == Form::BracketedColon
                    || (start.form == Form::Bracketed
                        && paragraph_start
                        && matches!(&start.label, Some((Label::Keyed(Key::Number(1), _), _))))
            }
        }
    }

    fn entry(&self, index: usize, start: EntryStart) -> EntryBuild {
        let line = &self.lines[index];
        let base = line.start + line.indent;
        let marker_cols = self.text[base..base + start.marker_len].chars().count();
        EntryBuild {
            first_line: index,
            last_line: index,
            width: line.width,
            content_col: line.width + marker_cols,
            start,
        }
    }

    fn open(&mut self, index: usize, start: EntryStart) {
        self.close();
        let family = start.family();
        let entry = self.entry(index, start);
        self.open_list = Some(ListBuild {
            heading: self.unused_heading.take(),
            section: self.section,
            family,
            entries: vec![entry],
        });
    }

    fn run(&mut self, kinds: &[LineKind], headings: &[(Span, String)]) {
        let text = self.text;
        let lines = self.lines;
        let mut after_blank = true;
        let mut paragraph_start = true;
        for (i, line) in lines.iter().enumerate() {
            match kinds[i] {
                LineKind::Blank => {
                    after_blank = true;
                    paragraph_start = true;
                    continue;
                }
                LineKind::HeadingPart => continue,
                LineKind::Heading(h) => {
                    let (span, heading) = &headings[h];
                    self.enter_section(heading, span.start);
                    after_blank = false;
                    paragraph_start = true;
                    continue;
                }
                LineKind::Code => {
                    self.code_line(i);
                    after_blank = false;
                    paragraph_start = false;
                    continue;
                }
                LineKind::Text => {}
            }
            let content = &text[line.start + line.indent..line.end];
            if paragraph_start
                && let Some(heading) = pseudo_heading(content)
                && self.ends_paragraph(lines.get(i + 1), kinds.get(i + 1))
            {
                self.enter_section(heading, line.start + line.indent);
                after_blank = false;
                continue;
            }
            let was_blank = after_blank;
            let at_paragraph_start = paragraph_start;
            after_blank = false;
            paragraph_start = false;

            if let Some((label, text_start)) = footnote_def(text, line) {
                self.close();
                if self.footnote_heading.is_none() {
                    self.footnote_heading = self.heading.clone();
                }
                self.footnotes.push(NoteBuild {
                    first_line: i,
                    last_line: i,
                    label,
                    text_start,
                });
                self.note_open = true;
                continue;
            }
            let definition = (line.width <= 3)
                .then(|| bracket_colon(content))
                .flatten()
                .filter(|(_, rest)| is_link_definition(rest));
            let start = entry_start(text, line, &self.label_ctx)
                .filter(|_| definition.is_none() || self.section.takes_all());

            if self.note_open {
                let new_list = start
                    .as_ref()
                    .is_some_and(|s| self.opens_list(s, at_paragraph_start));
                if !new_list && (line.width >= 4 || line.tab || !was_blank) {
                    if let Some(note) = self.footnotes.last_mut() {
                        note.last_line = i;
                    }
                    continue;
                }
                self.note_open = false;
            }
            if let Some(list) = self.open_list.as_mut() {
                let last = list.entries.last().expect("open lists have entries");
                let nested = last.start.marker_len > 0 && line.width >= last.content_col;
                match start {
                    Some(_) if nested => {
                        list.entries.last_mut().expect("non-empty").last_line = i;
                        continue;
                    }
                    Some(s) if s.family() == list.family => {
                        let entry = self.entry(i, s);
                        if let Some(list) = self.open_list.as_mut() {
                            list.entries.push(entry);
                        }
                        continue;
                    }
                    None if line.width > last.width || !was_blank => {
                        list.entries.last_mut().expect("non-empty").last_line = i;
                        continue;
                    }
                    _ => self.close(),
                }
            }
            if let Some(s) = start
                && self.opens_list(&s, at_paragraph_start)
            {
                self.open(i, s);
                continue;
            }
            if let Some((label, _)) = definition {
                self.link_labels.insert(normalise_label(label));
                self.link_def_lines.push(Span::new(line.start, line.end));
            }
        }
        self.close();
    }

    /// True when `next` cannot continue a paragraph: a pseudo-heading must
    /// stand alone, followed by a blank line, a heading or a list entry.
    fn ends_paragraph(&self, next: Option<&Line>, kind: Option<&LineKind>) -> bool {
        let (Some(next), Some(kind)) = (next, kind) else {
            return true;
        };
        *kind != LineKind::Text
            || footnote_def(self.text, next).is_some()
            || entry_start(self.text, next, &self.label_ctx).is_some()
    }

    /// A line of a code block or HTML comment: part of an open entry only when
    /// indented into it.
    fn code_line(&mut self, index: usize) {
        let line = &self.lines[index];
        if self.note_open {
            if line.width >= 4 || line.tab {
                if let Some(note) = self.footnotes.last_mut() {
                    note.last_line = index;
                }
                return;
            }
            self.note_open = false;
        }
        if let Some(entry) = self.open_list.as_mut().and_then(|l| l.entries.last_mut())
            && line.width > entry.width
        {
            entry.last_line = index;
            return;
        }
        self.close();
    }

    fn finish(self) -> Found {
        Found {
            lists: self.lists,
            footnotes: self.footnotes,
            footnote_heading: self.footnote_heading,
            link_labels: self.link_labels,
            link_def_lines: self.link_def_lines,
            first_end_heading: self.first_end_heading,
        }
    }
}

/// Drops lists that are not reference lists after all: a lone `[3] text`
/// paragraph outside a references section, and plain bullets (a Sources or
/// Bibliography list of full citations) where the same class already has a
/// numbered list.
fn keep_lists(lists: Vec<ListBuild>) -> Vec<ListBuild> {
    let strong: Vec<bool> = [false, true]
        .iter()
        .map(|&notes| {
            lists
                .iter()
                .any(|l| l.notes_class() == notes && l.family != Family::Weak)
        })
        .collect();
    lists
        .into_iter()
        .filter(|l| {
            let lone_bracket = l.section == Section::Plain
                && l.entries.len() < 2
                && l.entries
                    .iter()
                    .all(|e| e.start.form == Form::Bracketed && e.start.backlinks.is_none());
            let shadowed = l.family == Family::Weak && strong[usize::from(l.notes_class())];
            !lone_bracket && !shadowed
        })
        .collect()
}

/// A list whose items all print the same number (`1.`, `1.`, `1.`) uses
/// Markdown's lazy numbering: the first number, then by position.
fn lazy_start(list: &ListBuild) -> Option<u32> {
    let mut numbers = list.entries.iter().map(|e| match &e.start.label {
        Some((Label::Number(n), _)) if e.start.form == Form::Numbered => Some(*n),
        _ => None,
    });
    let first = numbers.next()??;
    let mut count = 1;
    for n in numbers {
        if n != Some(first) {
            return None;
        }
        count += 1;
    }
    (count >= 2).then_some(first)
}

// ───────────────────────────── markers ─────────────────────────────

/// Reads markers over the raw text with masked pieces skipped.
struct Scanner<'t> {
    text: &'t str,
    ctx: MarkerContext,
    link_labels: HashSet<String>,
    /// Footnote labels, lowercased, to the spelling of their first definition.
    footnote_names: HashMap<String, String>,
    /// A link destination scan that starts before here is known to fail.
    dest_fail_until: usize,
}

enum Construct {
    /// `[^label]`.
    Footnote(Span),
    /// `[text](dest)` (or an image).
    Link {
        text_end: usize,
        dest: Span,
        end: usize,
        image: bool,
    },
    /// A reference link `[text][label]` or `[label]` to a link definition.
    Opaque(usize),
}

impl Scanner<'_> {
    /// Scans `region` minus the sorted, merged `holes`.
    fn scan(
        &mut self,
        region: Span,
        holes: &[Span],
        in_entry: Option<EntryId>,
        doc: &mut Document,
    ) {
        let mut builder = ClusterBuilder::new(self.text, in_entry);
        let mut at = region.start;
        let first = holes.partition_point(|h| h.end <= region.start);
        for hole in &holes[first..] {
            if hole.start >= region.end {
                break;
            }
            if hole.start > at {
                self.segment(Span::new(at, hole.start), &mut builder, doc);
            }
            at = at.max(hole.end);
        }
        if at < region.end {
            self.segment(Span::new(at, region.end), &mut builder, doc);
        }
        builder.flush(doc);
    }

    fn segment(&mut self, seg: Span, builder: &mut ClusterBuilder<'_>, doc: &mut Document) {
        let text = self.text;
        let bytes = text.as_bytes();
        // Pass 1: match brackets on each line (escaped brackets do not count).
        let mut opens: Vec<usize> = Vec::new();
        let mut closes: Vec<Option<usize>> = Vec::new();
        let mut stack: Vec<usize> = Vec::new();
        let mut i = seg.start;
        while i < seg.end {
            match bytes[i] {
                b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => i += 1,
                b'\n' => stack.clear(),
                b'[' => {
                    stack.push(opens.len());
                    opens.push(i);
                    closes.push(None);
                }
                b']' => {
                    if let Some(k) = stack.pop() {
                        closes[k] = Some(i);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        // Pass 2: links and footnote references; plain text in between goes
        // to the shared bracket grammar.
        let mut plain = seg.start;
        for k in 0..opens.len() {
            let open = opens[k];
            if open < plain {
                continue;
            }
            let Some(close) = closes[k] else {
                continue;
            };
            let next_close = (opens.get(k + 1) == Some(&(close + 1)))
                .then(|| closes[k + 1])
                .flatten();
            let Some(construct) = self.construct(open, close, next_close, seg) else {
                continue;
            };
            let start = match construct {
                Construct::Link { image: true, .. } => open - 1,
                _ => open,
            }
            .max(plain);
            if plain < start {
                markers::scan_brackets_into(text, Span::new(plain, start), &self.ctx, doc, builder);
            }
            plain = match construct {
                Construct::Footnote(label) => {
                    let written = &text[label.range()];
                    let name = self
                        .footnote_names
                        .get(&written.to_lowercase())
                        .cloned()
                        .unwrap_or_else(|| written.to_owned());
                    let marker = RawMarker {
                        span: Span::new(open, close + 1),
                        group: Group::Default,
                        items: vec![MarkerItem {
                            key: Key::Label(name),
                            span: label,
                            from_range: false,
                        }],
                    };
                    builder.push_certain(marker, doc);
                    close + 1
                }
                Construct::Link {
                    text_end,
                    dest,
                    end,
                    image,
                } => {
                    if !image {
                        self.link(open, text_end, dest, end, builder, doc);
                    }
                    end
                }
                Construct::Opaque(end) => end,
            };
        }
        if plain < seg.end {
            markers::scan_brackets_into(text, Span::new(plain, seg.end), &self.ctx, doc, builder);
        }
    }

    fn construct(
        &mut self,
        open: usize,
        close: usize,
        next_close: Option<usize>,
        seg: Span,
    ) -> Option<Construct> {
        let text = self.text;
        let bytes = text.as_bytes();
        let inner = &text[open + 1..close];
        if let Some(label) = inner.strip_prefix('^')
            && !label.is_empty()
            && label.len() <= 100
            && !label.contains(|c: char| c.is_whitespace() || c == '[')
        {
            return Some(Construct::Footnote(Span::new(open + 2, close)));
        }
        let next = bytes
            .get(close + 1)
            .copied()
            .filter(|_| close + 1 < seg.end);
        if next == Some(b'(') {
            let paren = close + 1;
            if paren + 1 >= self.dest_fail_until {
                match parse_dest(text, paren, seg.end) {
                    Ok((dest, end)) => {
                        return Some(Construct::Link {
                            text_end: close,
                            dest,
                            end,
                            image: open > seg.start && bytes[open - 1] == b'!',
                        });
                    }
                    Err(stop) => self.dest_fail_until = stop.max(paren + 1),
                }
            }
            return None;
        }
        if self.link_labels.is_empty() {
            return None;
        }
        if let Some(second) = next_close {
            let label = &text[close + 2..second];
            let label = if label.trim().is_empty() {
                inner
            } else {
                label
            };
            if self.link_labels.contains(&normalise_label(label)) {
                return Some(Construct::Opaque(second + 1));
            }
        }
        self.link_labels
            .contains(&normalise_label(inner))
            .then_some(Construct::Opaque(close + 1))
    }

    #[allow(clippy::too_many_arguments)]
    fn link(
        &mut self,
        open: usize,
        text_end: usize,
        dest: Span,
        end: usize,
        builder: &mut ClusterBuilder<'_>,
        doc: &mut Document,
    ) {
        let text = self.text;
        let dest_text = &text[dest.range()];
        let fragment = fragment(dest_text);
        if is_backlink_anchor(&fragment) {
            return;
        }
        let (s, e) = strip_link_text(text, open + 1, text_end);
        let next_char = text[end..].chars().next();
        let span = Span::new(open, end);
        let kind = markers::classify(&text[s..e], s, next_char, &self.ctx);
        if is_cite_anchor(&fragment) {
            match kind {
                MarkerKind::Cites { group, items } => {
                    builder.push_certain(RawMarker { span, group, items }, doc);
                }
                MarkerKind::Tag(tag) => builder.tag(tag, span, doc),
                MarkerKind::Malformed(problem) => {
                    builder.malformed(text[span.range()].to_owned(), span, problem, doc);
                }
                MarkerKind::NotCitation => {}
            }
            return;
        }
        if let MarkerKind::Tag(tag) = kind {
            let lower = dest_text.to_ascii_lowercase();
            let enclosed = text[..open].trim_end_matches(['*', '_']).ends_with('[');
            if lower.contains("wikipedia:") || lower.contains("wikipedia%3a") || enclosed {
                builder.tag(tag, span, doc);
            }
        }
    }
}

// ───────────────────────────── building the document ─────────────────────────────

struct EntryOut {
    key_label: Option<(Label, Span)>,
    lazy: Option<u32>,
    position: usize,
    group: Group,
    list: usize,
    span: Span,
    text_start: usize,
    first_line: usize,
    last_line: usize,
    backlinks: Option<u32>,
    /// The label of a footnote definition.
    footnote: Option<Span>,
}

fn build(
    text: &str,
    lines: &[Line],
    structure: &Structure,
    found: Found,
    options: &ParseOptions,
) -> Document {
    let Found {
        lists,
        footnotes,
        footnote_heading,
        link_labels,
        link_def_lines,
        first_end_heading,
    } = found;
    let lists = keep_lists(lists);
    let groups = assign_list_groups(
        &lists
            .iter()
            .map(|l| (l.section.kind(), l.entries[0].start.lettered()))
            .collect::<Vec<_>>(),
    );

    let entry_span = |first_line: usize, last_line: usize, text_start: usize| {
        let first = &lines[first_line];
        Span::new(
            first.start + first.indent,
            lines[last_line].end.max(text_start),
        )
    };
    let mut out: Vec<EntryOut> = Vec::new();
    for (list_index, (list, &group)) in lists.iter().zip(&groups).enumerate() {
        let lazy = lazy_start(list);
        for (position, e) in list.entries.iter().enumerate() {
            out.push(EntryOut {
                key_label: e.start.label.clone(),
                lazy,
                position,
                group,
                list: list_index,
                span: entry_span(e.first_line, e.last_line, e.start.text_start),
                text_start: e.start.text_start,
                first_line: e.first_line,
                last_line: e.last_line,
                backlinks: e.start.backlinks,
                footnote: None,
            });
        }
    }
    let footnote_list = lists.len();
    let mut footnote_names: HashMap<String, String> = HashMap::new();
    for note in &footnotes {
        let label = &text[note.label.range()];
        footnote_names
            .entry(label.to_lowercase())
            .or_insert_with(|| label.to_owned());
        let first = &lines[note.first_line];
        out.push(EntryOut {
            key_label: None,
            lazy: None,
            position: 0,
            group: Group::Default,
            list: footnote_list,
            span: Span::new(
                first.start + first.indent,
                lines[note.last_line].end.max(note.text_start),
            ),
            text_start: note.text_start,
            first_line: note.first_line,
            last_line: note.last_line,
            backlinks: None,
            footnote: Some(note.label),
        });
    }
    out.sort_by_key(|e| e.span.start);

    let key_number = |e: &EntryOut| match (&e.key_label, e.lazy) {
        (_, Some(first)) => Some(first.saturating_add(e.position as u32)),
        (Some((Label::Number(n), _)), None)
        | (Some((Label::Keyed(Key::Number(n), _), _)), None) => Some(*n),
        (None, None) if e.footnote.is_none() => Some(e.position as u32 + 1),
        _ => None,
    };
    let max_entry_number = out
        .iter()
        .filter(|e| e.group == Group::Default)
        .filter_map(key_number)
        .max();
    let ctx = options.marker_context(max_entry_number);
    let mut scanner = Scanner {
        text,
        ctx,
        link_labels,
        footnote_names,
        dest_fail_until: 0,
    };
    let mut doc = Document {
        directives: structure.directives.clone(),
        ..Document::default()
    };

    // The body: up to the first reference-section heading or list.
    let first_list = lists.first().map(|l| {
        let line = &lines[l.entries[0].first_line];
        line.start
    });
    let body_end = [first_end_heading, first_list]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(text.len());
    let mut holes = structure.masked.clone();
    holes.extend(out.iter().map(|e| e.span));
    holes.extend(link_def_lines);
    let holes = merge(holes);
    scanner.scan(Span::new(0, body_end), &holes, None, &mut doc);

    let notes_use_letters = doc
        .citations
        .iter()
        .any(|c| c.group == Group::Notes && matches!(c.key, Key::Label(_)));

    for (index, list) in lists.iter().enumerate() {
        let first = &list.entries[0];
        let last = list.entries.last().expect("lists are never empty");
        let span = entry_span(first.first_line, first.first_line, first.start.text_start).cover(
            entry_span(last.first_line, last.last_line, last.start.text_start),
        );
        doc.lists.push(RefList {
            group: groups[index],
            heading: list.heading.clone(),
            span,
            numbered: false, // settled below, once keys are known
        });
    }
    if !footnotes.is_empty() {
        let first = out
            .iter()
            .find(|e| e.footnote.is_some())
            .expect("footnotes exist");
        let last = out
            .iter()
            .rev()
            .find(|e| e.footnote.is_some())
            .expect("footnotes exist");
        doc.lists.push(RefList {
            group: Group::Default,
            heading: footnote_heading,
            span: first.span.cover(last.span),
            numbered: false,
        });
    }

    for e in &out {
        let (key, label_span) = if let Some(label) = e.footnote {
            let written = &text[label.range()];
            let name = scanner
                .footnote_names
                .get(&written.to_lowercase())
                .cloned()
                .unwrap_or_else(|| written.to_owned());
            (Key::Label(name), Some(label))
        } else {
            let letters_by_position = e.group == Group::Notes && notes_use_letters;
            match (&e.key_label, e.lazy) {
                (Some((Label::Number(_), _)), _) | (None, _) if letters_by_position => {
                    (Key::Label(backlinks::label(e.position)), None)
                }
                (_, Some(first)) => (Key::Number(first.saturating_add(e.position as u32)), None),
                (Some((Label::Number(n), span)), None) => (Key::Number(*n), Some(*span)),
                (Some((Label::Letters, span)), None) => {
                    (Key::Label(text[span.range()].to_owned()), Some(*span))
                }
                (Some((Label::Keyed(key, _), span)), None) => (key.clone(), Some(*span)),
                (None, None) => (Key::Number(e.position as u32 + 1), None),
            }
        };
        if label_span.is_some() && e.footnote.is_none() {
            doc.lists[e.list].numbered = true;
        }
        let first = &lines[e.first_line];
        let mut entry_text = text[e.text_start..first.end.max(e.text_start)]
            .trim_matches(is_space)
            .to_owned();
        for line in &lines[e.first_line + 1..=e.last_line] {
            let piece = text[line.start..line.end].trim_matches(is_space);
            if !piece.is_empty() {
                entry_text.push('\n');
                entry_text.push_str(piece);
            }
        }
        doc.entries.push(Entry {
            key,
            group: e.group,
            span: e.span,
            label_span,
            text: entry_text,
            text_span: Span::new(e.text_start, e.span.end),
            links: links_in(
                text,
                Span::new(e.text_start, e.span.end),
                Escapes::Markdown,
                &structure.masked,
            ),
            backlinks: e.backlinks,
            list: e.list,
        });
    }

    for id in 0..doc.entries.len() {
        let region = doc.entries[id].text_span;
        scanner.scan(region, &structure.masked, Some(id), &mut doc);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn detection_agrees_with_reading_every_line(
            text in "( |x|\\[\\^|\\]:|\\]|\\n|\\r\\n|\\r|\\]\\(#cite_note|\\]\\(#cite_ref){0,14}"
        ) {
            let definition = text.contains("](#cite_note")
                || text.contains("](#cite_ref")
                || text.lines().any(|line| {
                    line.trim_start_matches(' ')
                        .strip_prefix("[^")
                        .is_some_and(|rest| rest.contains("]:"))
                });
            proptest::prop_assert_eq!(looks_like(&text), definition, "{:?}", text);
        }
    }

    fn doc(text: &str) -> Document {
        parse(text, &ParseOptions::default())
    }

    /// Body citations as `group:key`.
    fn body(d: &Document) -> Vec<String> {
        d.citations
            .iter()
            .filter(|c| c.in_entry.is_none())
            .map(|c| format!("{}:{}", c.group, c.key))
            .collect()
    }

    fn entries(d: &Document) -> Vec<(String, Option<u32>, String)> {
        d.entries
            .iter()
            .map(|e| {
                (
                    format!("{}:{}", e.group, e.key),
                    e.backlinks,
                    e.text.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn reads_wikipedia_link_markers() {
        let text = "It had an airport.[[1]](#cite_note-1) It was shelled.[[ 2 ]](#cite_note-hrw-2)\
                    [[3]](#cite_note-3) Page.[4](https://example.org/a.html#ref4)\n";
        let d = doc(text);
        assert_eq!(
            body(&d),
            ["default:1", "default:2", "default:3", "default:4"]
        );
        assert_eq!(d.clusters.len(), 3);
        assert_eq!(d.clusters[1].markers, 2);
        assert_eq!(&text[d.citations[1].span.range()], "2");
        assert_eq!(&text[d.clusters[0].span.range()], "[[1]](#cite_note-1)");
        assert!(!d.clusters[0].space_before);
    }

    #[test]
    fn clustered_and_escaped_forms() {
        let d = doc("Claim.[[3]](#cite_note-3)[[6]](#cite_note-6) Other[\\[7\\]](#cite_note-7).\n");
        assert_eq!(body(&d), ["default:3", "default:6", "default:7"]);
        assert_eq!(d.clusters[0].markers, 2);
        assert_eq!(d.clusters[1].punctuation_after, Some('.'));
    }

    #[test]
    fn notes_markers_are_their_own_group() {
        let d = doc(
            "One.[[a]](#cite_note-5) Two.[[note 1]](#cite_note-n1) Three.[[nb 2]](#cite_note-9)\n",
        );
        assert_eq!(body(&d), ["notes:a", "notes:1", "notes:2"]);
    }

    #[test]
    fn prose_and_page_links_are_not_citations() {
        for text in [
            "See [135](https://archive.org/details/book/page/135) there.",
            "History [edit]",
            "[W]hen it began",
            "break that [stereotype].",
            "Berlin [u.a.]: Verlag",
            "Author [0000-0002-1825-0097]",
            "Published (1993) [1987].",
            "[[1]](https://example.com/outside) autonumbered external link",
            "[edit](https://en.wikipedia.org/w/index.php?title=X&action=edit&section=1)",
            "![a [3] picture](img.png)",
        ] {
            let d = doc(text);
            assert!(d.citations.is_empty(), "{text} read as {:?}", body(&d));
        }
    }

    #[test]
    fn cite_ref_backlinks_are_counted() {
        let text = "A.[[1]](#cite_note-1)[[2]](#cite_note-2)[[3]](#cite_note-x-3) B.[[3]](#cite_note-x-3)\n\n\
                    ## References\n\n\
                    1. [↑](#cite_ref-1) Smith (2004). *Title*.\n\
                    2. **[^](#cite_ref-2)** Jones (2010).\n\
                    3. ^ [***a***](#cite_ref-x_3-0) [***b***](#cite_ref-x_3-1) Brown (1999).\n";
        let d = doc(text);
        assert_eq!(
            entries(&d),
            [
                ("default:1".into(), Some(1), "Smith (2004). *Title*.".into()),
                ("default:2".into(), Some(1), "Jones (2010).".into()),
                ("default:3".into(), Some(2), "Brown (1999).".into()),
            ]
        );
        assert_eq!(d.lists.len(), 1);
        assert_eq!(d.lists[0].heading.as_deref(), Some("References"));
        assert!(d.lists[0].numbered);
        assert_eq!(d.body_citation_count(), 4);
    }

    #[test]
    fn bold_caret_link_and_bare_backlinks() {
        let d = doc(
            "A.[[1]](#cite_note-1) B.[[2]](#cite_note-2)\n\n1. [**^**](#cite_ref-1) Smith.\n2. [_Jump up to:_](#cite_ref-2) Jones.\n",
        );
        assert_eq!(
            entries(&d),
            [
                ("default:1".into(), Some(1), "Smith.".into()),
                ("default:2".into(), Some(1), "Jones.".into()),
            ]
        );
        // no heading: the backlinks make it a list
        assert_eq!(d.lists[0].heading, None);
    }

    #[test]
    fn bibliography_takes_numbered_lists_only() {
        let d = doc("A [1].\n\n## Bibliography\n\n1. Smith.\n");
        assert_eq!(d.entries.len(), 1);
        let d =
            doc("A life.\n\n## Bibliography\n\n* *First Novel* (1950)\n* *Second Novel* (1955)\n");
        assert!(d.entries.is_empty());
    }

    #[test]
    fn plain_caret_backlinks_are_read() {
        let d = doc("A.[1][1] B.[2]\n\nReferences\n\n1. ^ a b Smith.\n2. ^ Jones.\n");
        assert_eq!(
            entries(&d),
            [
                ("default:1".into(), Some(2), "Smith.".into()),
                ("default:2".into(), Some(1), "Jones.".into()),
            ]
        );
    }

    #[test]
    fn numbered_draft_has_no_backlinks() {
        let d = doc(
            "# Draft\n\nA claim [1]. Another [2, 3].\n\n## Sources\n\n1. Smith.\n2. Jones.\n   Continued.\n3) Brown.\n",
        );
        assert_eq!(body(&d), ["default:1", "default:2", "default:3"]);
        assert_eq!(
            entries(&d),
            [
                ("default:1".into(), None, "Smith.".into()),
                ("default:2".into(), None, "Jones.\nContinued.".into()),
                ("default:3".into(), None, "Brown.".into()),
            ]
        );
        assert_eq!(d.lists[0].heading.as_deref(), Some("Sources"));
    }

    #[test]
    fn bracketed_drafts() {
        let d = doc(
            "Claim [1][2].\n\nReferences\n\n[1] Smith.\n[2]: Jones.\n[3]: https://example.org/paper\n",
        );
        assert_eq!(
            entries(&d)
                .iter()
                .map(|e| (e.0.as_str(), e.2.as_str()))
                .collect::<Vec<_>>(),
            [
                ("default:1", "Smith."),
                ("default:2", "Jones."),
                ("default:3", "https://example.org/paper")
            ]
        );
        // `[1]: text` without a heading is an entry when its target is not a URL…
        let d = doc("Claim [1].\n\n[1]: Smith, J. (2004). Title.\n");
        assert_eq!(entries(&d).len(), 1);
        assert_eq!(d.lists[0].heading, None);
        // …and a link reference definition when it is: then `[1]` is a link.
        let d = doc("See the guide [1].\n\n[1]: https://example.org/guide \"Guide\"\n");
        assert!(d.citations.is_empty() && d.entries.is_empty() && d.lists.is_empty());
    }

    #[test]
    fn lone_bracket_paragraph_is_body() {
        let d = doc("Intro.\n\n[1] showed that it works.\nMore text [2].\n\nEnd.\n");
        assert!(d.lists.is_empty());
        assert_eq!(body(&d), ["default:1", "default:2"]);
    }

    #[test]
    fn gfm_footnotes() {
        let text = "First claim.[^smith] Second.[^Jones]\n\n\
                    [^smith]: Smith (2004).\n    Continued here.[^jones]\n\n\
                    Third claim.[^missing]\n\n\
                    [^jones]: Jones (2010).\n\
                    [^smith]: Smith again.\n\
                    [^unused]: Never cited.\n";
        let d = doc(text);
        assert_eq!(
            body(&d),
            ["default:smith", "default:jones", "default:missing"]
        );
        assert_eq!(
            entries(&d),
            [
                (
                    "default:smith".into(),
                    None,
                    "Smith (2004).\nContinued here.[^jones]".into()
                ),
                ("default:jones".into(), None, "Jones (2010).".into()),
                ("default:smith".into(), None, "Smith again.".into()),
                ("default:unused".into(), None, "Never cited.".into()),
            ]
        );
        assert_eq!(d.lists.len(), 1);
        assert_eq!(d.lists[0].heading, None);
        assert!(!d.lists[0].numbered);
        let inner: Vec<_> = d
            .citations
            .iter()
            .filter(|c| c.in_entry.is_some())
            .collect();
        assert_eq!(inner.len(), 1);
        assert_eq!(inner[0].in_entry, Some(0));
        assert_eq!(&text[d.entries[0].label_span.unwrap().range()], "smith");
    }

    #[test]
    fn footnote_continuation_by_tab_and_lazy_line() {
        let d = doc(
            "X.[^a]\n\n[^a]: First line\nlazy line\n\n\tTabbed [^b].\n\nBody again.[^b]\n\n[^b]: B.\n",
        );
        assert_eq!(d.entries[0].text, "First line\nlazy line\nTabbed [^b].");
        assert_eq!(body(&d), ["default:a", "default:b"]);
        assert_eq!(
            d.citations.iter().filter(|c| c.in_entry == Some(0)).count(),
            1
        );
    }

    #[test]
    fn footnotes_under_a_heading() {
        let d = doc("Claim.[^1]\n\n## Notes\n\n[^1]: Source.\n");
        assert_eq!(d.lists[0].heading.as_deref(), Some("Notes"));
        assert_eq!(d.entries[0].key, Key::Label("1".into()));
    }

    #[test]
    fn code_is_never_scanned() {
        let text = "Use `arr[3]` and ``x [4] y``.[1]\n\n```\nlet a = b[5];\n[6] not a list\n```\n\n    indented [7]\n\n<!-- hidden [8] -->\n\nReferences\n\n1. Smith.\n";
        let d = doc(text);
        assert_eq!(body(&d), ["default:1"]);
        assert_eq!(d.entries.len(), 1);
    }

    #[test]
    fn text_after_the_list_is_not_body() {
        let d = doc(
            "A.[1]\n\n## References\n\n1. Smith.\n\n## External links\n\n* [2] Example site\n* [Official site](https://example.org)\n\nNavbox [3] text\n",
        );
        assert_eq!(body(&d), ["default:1"]);
        assert_eq!(d.entries.len(), 1);
        assert!(d.citations.iter().all(|c| c.key == Key::Number(1)));
    }

    #[test]
    fn markers_inside_entries_are_uses_from_the_list() {
        let text = "A.[[a]](#cite_note-5) B.[[1]](#cite_note-1)\n\n## Notes\n\n\
                    1. [^](#cite_ref-5) A note citing another source [[2]](#cite_note-2).\n\n\
                    ## References\n\n\
                    1. [^](#cite_ref-1) Smith.\n\
                    2. [^](#cite_ref-2) Jones.\n";
        let d = doc(text);
        assert_eq!(d.lists.len(), 2);
        assert_eq!(d.lists[0].group, Group::Notes);
        assert_eq!(d.entries[0].key, Key::Label("a".into()));
        assert_eq!(d.entries[0].label_span, None);
        let inner: Vec<_> = d
            .citations
            .iter()
            .filter(|c| c.in_entry.is_some())
            .map(|c| (c.key.to_string(), c.in_entry))
            .collect();
        assert_eq!(inner, [("2".to_owned(), Some(0))]);
    }

    #[test]
    fn lettered_notes_list() {
        let d = doc(
            "A.[a] B.[1]\n\n## Notes\n\na. A note.\nb. Another.\n\n## References\n\n1. Smith.\n",
        );
        assert_eq!(d.lists[0].group, Group::Notes);
        assert_eq!(d.entries[1].key, Key::Label("b".into()));
        assert_eq!(d.lists[1].group, Group::Default);
    }

    #[test]
    fn bullets_are_numbered_by_position_unless_a_numbered_list_exists() {
        let d = doc("A.[1] B.[2]\n\n## References\n\n- Smith.\n- Jones.\n");
        assert_eq!(
            d.entries.iter().map(|e| e.key.clone()).collect::<Vec<_>>(),
            [Key::Number(1), Key::Number(2)]
        );
        assert!(!d.lists[0].numbered);
        let d = doc(
            "A.[1]\n\n## References\n\n1. ^ Smith 2004, p. 3.\n\n### Sources\n\n* Smith, J. (2004). Book.\n",
        );
        assert_eq!(d.entries.len(), 1);
    }

    #[test]
    fn lazy_numbering_counts_by_position() {
        let d = doc("A.[1][2][3]\n\n## References\n\n1. One.\n1. Two.\n1. Three.\n");
        assert_eq!(
            d.entries.iter().map(|e| e.key.clone()).collect::<Vec<_>>(),
            [Key::Number(1), Key::Number(2), Key::Number(3)]
        );
    }

    #[test]
    fn crlf_and_nbsp() {
        let text = "A claim.[1]\r\nAnother.[[2]](#cite_note-2)\r\n\r\n## References\r\n\r\n1.\u{a0}Smith.\r\n2. ^\u{a0}a\u{a0}b Jones.\r\n";
        let d = doc(text);
        assert_eq!(body(&d), ["default:1", "default:2"]);
        assert_eq!(d.entries[0].text, "Smith.");
        assert_eq!(d.entries[1].backlinks, Some(2));
        assert_eq!(d.entries[1].text, "Jones.");
    }

    #[test]
    fn maintenance_tags() {
        let d = doc(
            "Claim.[*[citation needed](https://en.wikipedia.org/wiki/Wikipedia:Citation_needed)*] Other[dead link].\n",
        );
        let tags: Vec<_> = d.tags.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(tags, ["citation needed", "dead link"]);
        assert!(d.citations.is_empty());
    }

    #[test]
    fn never_panics_and_stays_linear() {
        let samples = [
            "[",
            "]",
            "[^",
            "[^]:",
            "[1](",
            "[[1]](#cite_note",
            "1. [",
            "1. ^",
            "\\",
            "[\\",
            "\u{a0}[1]\u{a0}",
            "é[1]é",
            "[^é]: é",
            "[é](#cite_note-é)",
            "```\n[1]",
            "- \n-",
            "* * *\n[1]: x",
            "\r\r\n[1]\r",
        ];
        for s in samples {
            let _ = doc(s);
        }
        let big = [
            "[a](".repeat(40_000),
            "[[[[".repeat(40_000),
            "[a](<x ".repeat(40_000),
            "[a](x \"".repeat(40_000),
            "[1][".repeat(40_000),
            "1. ^ [a](#cite_ref-".repeat(20_000),
        ];
        for s in &big {
            let started = std::time::Instant::now();
            let _ = doc(s);
            assert!(started.elapsed().as_secs() < 10, "slow on {}", &s[..20]);
        }
    }

    #[test]
    fn spans_are_on_char_boundaries() {
        let text = "Ünïcode claim.[[1]](#cite_note-1)\u{a0}[^ü]\n\n[^ü]: Fußnote [2].\n\n## References\n\n1. [↑](#cite_ref-1) Müller.\n";
        let d = doc(text);
        for c in &d.citations {
            assert!(text.is_char_boundary(c.span.start) && text.is_char_boundary(c.span.end));
        }
        for e in &d.entries {
            let _ = &text[e.span.range()];
            let _ = &text[e.text_span.range()];
        }
        assert_eq!(d.entries.len(), 2);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]
            #[test]
            fn any_text_parses(text in "(\\[|\\]|\\(|\\)|\\^|#cite_note-|#cite_ref-|`|```|\\n|\\r\\n|  |1\\. |- |\\*|é|\u{a0}|a|1|:|References\\n|<!--|-->|\\\\){0,80}") {
                let d = doc(&text);
                for c in &d.citations {
                    prop_assert!(text.is_char_boundary(c.span.start) && text.is_char_boundary(c.span.end));
                    prop_assert!(c.span.start <= c.span.end && c.span.end <= text.len());
                }
                for e in &d.entries {
                    prop_assert!(text.get(e.span.range()).is_some());
                    prop_assert!(text.get(e.text_span.range()).is_some());
                }
            }
        }
    }
}
