//! Academic papers in plain text.
//!
//! The body cites with the shared bracket grammar (`[1]`, `[2, 5]`, `[3–7]`,
//! `[8,21,26–31]`, `[1]–[3]`, see [`markers`](crate::parse::markers)). The
//! reference list sits near the end. This parser decides, line by line and in
//! linear time, where that list is and what its entries are.
//!
//! # Heuristics
//!
//! 1. **Headings split the text into sections.** A heading is a short line
//!    (at most 60 characters) that names a known section, in any case and
//!    optionally numbered (`REFERENCES`, `7. References`, `VII. References`,
//!    `References:`). Four kinds matter:
//!    - *References* (References, Works cited, Literature cited, Sources,
//!      Citations…, see [`heading_kind`]): the list's usual home;
//!    - *Notes* (Notes, Footnotes…): explanatory notes, or the list itself
//!      when nothing else is;
//!    - *Bibliography* (Bibliography, Selected bibliography…): the list only
//!      when its entries print numbers;
//!    - *End* (Appendix, Appendix A, Supplementary material,
//!      Acknowledgements, Funding, Further reading…): ends any list and is
//!      never body text once a list has started.
//! 2. **Entries.** The first item line under a heading fixes the section's
//!    style: `[1] Author…`, `1. Author…` / `1) Author…`, `1 Author…` (bare
//!    numbers: only when the first is 1 and each next one follows within
//!    three, so wrapped lines that start with a year or volume are not read
//!    as entries), `- [1] …`, unnumbered bullets `- Author…` / `• Author…`
//!    (numbered by position), or lettered notes `a. …` / `[a] …`. Later
//!    lines start a new entry only in that same style.
//! 3. **Continuation lines.** A line right under an entry line continues it;
//!    after a blank line, a line indented deeper than the entries (hanging
//!    indent) continues it too. An unindented paragraph after a blank line is
//!    joined to the entry above only if another entry follows; otherwise it
//!    is trailing text and the list ends before it. Page numbers, `Page 3 of
//!    9` footers and rules (`-----`) are skipped.
//! 4. **Which sections are lists.** Lettered sections (when the body writes
//!    `[a]`) and numbered Notes sections (when the body writes `[note 1]`)
//!    are notes lists (groups come from `assign_list_groups`). A notes
//!    section whose markers are missing from the body lost them in the copy:
//!    it is read as prose, so its notes do not all look unused. Of the
//!    numbered References/Bibliography sections one is the reference list:
//!    a References heading beats a Bibliography heading, a later section
//!    beats an earlier one. A numbered Notes section is the list when nothing
//!    else is. An unnumbered bullet list counts only under a References
//!    heading, only when no numbered list exists and the body has numeric
//!    markers; an unnumbered Bibliography of general works is never the list.
//! 5. **No heading.** When no heading introduces a list, a run of at least
//!    two `[n] …` lines that reaches the end of the document is the list
//!    (whatever heading, if any, stands above it: the list often follows the
//!    Acknowledgements directly).
//! 6. **The body** is everything before the first list, except unnumbered
//!    bibliography-like sections that were not taken as the list. Nothing
//!    after the lists (appendices) is body text.
//! 7. Markers inside entries are scanned with `in_entry` set; the shared
//!    cluster rules drop external-link autonumbers (`Some site [1]`), and
//!    plain numbers (volumes, `pp. 5–7`) are never markers.
//!
//! Papers show no backlinks, so every entry has `backlinks: None`.

use crate::links::{Escapes, links_in};
use crate::model::{Document, Entry, Group, Key, ParseNote, RefList};
use crate::parse::backlinks;
use crate::parse::markers::{MarkerContext, scan_brackets};
use crate::parse::text::{Line, is_space, join_entry_lines, split_lines};
use crate::parse::{HeadingKind, ParseOptions, assign_list_groups, heading_kind};
use crate::source::Span;

/// Bullet characters that may start an unnumbered entry.
fn is_bullet(c: char) -> bool {
    matches!(c, '-' | '•' | '*' | '–' | '·' | '▪' | '◦' | '‣' | '∙')
}

/// What a heading line means for the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Heading {
    /// References, Works cited, Sources…
    References,
    /// Notes, Footnotes…
    Notes,
    /// Bibliography and kin: a list only when numbered.
    Bibliography,
    /// Appendix, Acknowledgements, Further reading…: ends a list.
    End,
}

impl Heading {
    fn kind(self) -> HeadingKind {
        match self {
            Heading::References => HeadingKind::References,
            Heading::Notes => HeadingKind::Notes,
            Heading::Bibliography | Heading::End => HeadingKind::Other,
        }
    }
}

/// Headings of general works: a list only when their entries print numbers.
const BIBLIOGRAPHY_HEADINGS: &[&str] = &[
    "bibliography",
    "selected bibliography",
    "general bibliography",
    "general references",
    "sources cited",
];

/// Reference-list headings papers use beyond the shared ones.
const EXTRA_REFERENCE_HEADINGS: &[&str] = &[
    "references cited",
    "list of references",
    "bibliographic references",
    "cited literature",
    "literature references",
    "reference",
];

/// Openings of headings that end a list (matched as whole words).
const END_PREFIXES: &[&str] = &[
    "appendix",
    "appendices",
    "supplementary",
    "supplemental",
    "supporting information",
    "acknowledgement",
    "acknowledgment",
    "acknowledgements",
    "acknowledgments",
    "funding",
    "author contributions",
    "authors' contributions",
    "conflict of interest",
    "conflicts of interest",
    "competing interests",
    "declaration of competing interest",
    "data availability",
    "code availability",
    "ethics statement",
    "about the author",
    "about the authors",
    "author biographies",
    "biographies",
    "abbreviations",
    "glossary",
    "further reading",
    "external links",
    "see also",
];

/// Removes a leading section number: `7.`, `7.1`, `VII.`, `A.`, `A:`.
fn strip_section_number(text: &str) -> &str {
    let digits = text
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.')
        .trim_start_matches(is_space);
    if digits.len() != text.len() {
        return digits;
    }
    let roman = text.trim_start_matches(['I', 'V', 'X', 'L', 'C']);
    let single_letter = text
        .chars()
        .next()
        .filter(char::is_ascii_uppercase)
        .map(|c| &text[c.len_utf8()..]);
    for rest in [Some(roman), single_letter].into_iter().flatten() {
        if rest.len() == text.len() {
            continue;
        }
        if let Some(after) = rest.strip_prefix(['.', ')', ':'])
            && after.starts_with(is_space)
        {
            return after.trim_start_matches(is_space);
        }
    }
    text
}

/// Classifies a line (without indentation) as a heading, if it is one.
fn classify_heading(content: &str) -> Option<Heading> {
    let trimmed = content.trim_matches(|c: char| c.is_whitespace() || is_space(c));
    if trimmed.is_empty() || trimmed.len() > 240 || trimmed.chars().count() > 60 {
        return None;
    }
    let stripped = strip_section_number(trimmed);
    let shared = heading_kind(trimmed).or_else(|| heading_kind(stripped));
    let cleaned = stripped
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '#' | '=' | '*'))
        .to_lowercase();
    let cleaned = cleaned.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
    match shared {
        Some(HeadingKind::References) => return Some(Heading::References),
        Some(HeadingKind::Notes) => return Some(Heading::Notes),
        Some(HeadingKind::Other) if BIBLIOGRAPHY_HEADINGS.contains(&cleaned) => {
            return Some(Heading::Bibliography);
        }
        Some(HeadingKind::Other) => return Some(Heading::End),
        None => {}
    }
    if EXTRA_REFERENCE_HEADINGS.contains(&cleaned) {
        return Some(Heading::References);
    }
    if BIBLIOGRAPHY_HEADINGS.contains(&cleaned) {
        return Some(Heading::Bibliography);
    }
    // `Appendix A: Proofs`, `Supplementary material`: a few words, no
    // sentence ending (an entry such as `Appendix to the report, 2003.` is
    // not a heading).
    if trimmed.ends_with(['.', ',', ';']) || cleaned.split_whitespace().count() > 8 {
        return None;
    }
    let ends_here = END_PREFIXES.iter().any(|prefix| {
        cleaned.strip_prefix(prefix).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with([' ', ':', '.', '-', '–', '\u{a0}'])
        })
    });
    ends_here.then_some(Heading::End)
}

/// Page furniture: a bare page number, `Page 3`, `Page 3 of 9`, `3 / 9`,
/// `- 3 -`, or a rule such as `-----` or `=====`.
fn is_noise(content: &str) -> bool {
    let trimmed = content.trim_matches(|c: char| c.is_whitespace() || is_space(c));
    if trimmed.len() >= 3
        && trimmed
            .chars()
            .all(|c| matches!(c, '-' | '=' | '_' | '~' | '*'))
    {
        return true;
    }
    let inner = trimmed
        .trim_matches(|c: char| matches!(c, '-' | '–' | '—') || c.is_whitespace())
        .to_ascii_lowercase();
    let inner = inner
        .strip_prefix("page")
        .map_or(inner.as_str(), |rest| rest.trim_start());
    let mut parts = inner.splitn(2, |c: char| c == '/' || c.is_whitespace());
    let first = parts.next().unwrap_or("");
    let is_number =
        |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    if !is_number(first) {
        return false;
    }
    match parts.next().map(str::trim) {
        None => true,
        Some(rest) => {
            let rest = rest.strip_prefix("of").unwrap_or(rest).trim();
            let rest = rest.strip_prefix('/').unwrap_or(rest).trim();
            is_number(rest)
        }
    }
}

/// How the entries of a section are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    /// `[1] Author…`
    Bracket,
    /// `1. Author…` or `1) Author…`
    Dotted,
    /// `1 Author…`
    Bare,
    /// `- [1] Author…`
    BulletBracket,
    /// `- Author…`, `• Author…`
    Bullet,
    /// `a. Note…`, `[a] Note…`, `a) Note…`
    Lettered,
}

impl Style {
    fn prints_numbers(self) -> bool {
        !matches!(self, Style::Bullet | Style::Lettered)
    }
}

/// The start of an entry line, offsets relative to the line's content.
#[derive(Clone, Copy, Debug)]
struct ItemStart {
    style: Style,
    number: Option<u32>,
    /// The printed number or letters.
    label: Option<(usize, usize)>,
    /// Where the entry proper starts: after the bullet and label.
    entry_offset: usize,
    /// Where the entry's text starts.
    text_offset: usize,
}

fn parse_number(digits: &str) -> Option<u32> {
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// After a label: white space (or the end of the line) then the text.
fn text_after(content: &str, at: usize) -> Option<usize> {
    let rest = content.get(at..)?;
    if rest.is_empty() {
        return Some(at);
    }
    if !rest.starts_with(is_space) {
        return None;
    }
    Some(content.len() - rest.trim_start_matches(is_space).len())
}

/// `[12]` or `[a]` at the start of `content`, with the text after it.
fn bracket_label(content: &str, base: usize) -> Option<ItemStart> {
    let inner_len = content.get(1..)?.find(']')?;
    if !content.starts_with('[') || inner_len == 0 || inner_len > 6 {
        return None;
    }
    let inner = &content[1..1 + inner_len];
    let close = 1 + inner_len + 1;
    let label = Some((base + 1, base + 1 + inner_len));
    if let Some(n) = parse_number(inner) {
        // `[3] Author` or `[3]Author`, but not `[3]–[5] show…` or `[3],`.
        let rest = &content[close..];
        let text_offset = match text_after(content, close) {
            Some(t) => t,
            None if rest.starts_with(char::is_alphabetic) => close,
            None => return None,
        };
        return Some(ItemStart {
            style: Style::Bracket,
            number: Some(n),
            label,
            entry_offset: base,
            text_offset: base + text_offset,
        });
    }
    if inner_len <= 2 && inner.bytes().all(|b| b.is_ascii_lowercase()) {
        let text_offset = text_after(content, close)?;
        return Some(ItemStart {
            style: Style::Lettered,
            number: None,
            label,
            entry_offset: base,
            text_offset: base + text_offset,
        });
    }
    None
}

/// Reads the start of an entry line in any style. Bare numbers are offered
/// too; the caller decides whether they are plausible.
fn item_start(content: &str) -> Option<ItemStart> {
    let first = content.chars().next()?;
    if is_bullet(first) {
        let after = first.len_utf8();
        let text_offset = text_after(content, after)?;
        if text_offset == content.len() {
            return None; // a lone dash
        }
        if let Some(mut inner) = bracket_label(&content[text_offset..], text_offset)
            && inner.style == Style::Bracket
        {
            inner.style = Style::BulletBracket;
            return Some(inner);
        }
        return Some(ItemStart {
            style: Style::Bullet,
            number: None,
            label: None,
            entry_offset: text_offset,
            text_offset,
        });
    }
    if first == '[' {
        return bracket_label(content, 0);
    }
    let digits = content.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        let n = parse_number(&content[..digits])?;
        let next = content[digits..].chars().next();
        if matches!(next, Some('.' | ')')) {
            let text_offset = text_after(content, digits + 1)?;
            if text_offset == content.len() {
                return None; // `12.` alone is more likely a page number
            }
            return Some(ItemStart {
                style: Style::Dotted,
                number: Some(n),
                label: Some((0, digits)),
                entry_offset: 0,
                text_offset,
            });
        }
        let text_offset = text_after(content, digits)?;
        let starts_word = content[text_offset..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || matches!(c, '"' | '“' | '‘' | '\''));
        if text_offset > digits && starts_word {
            return Some(ItemStart {
                style: Style::Bare,
                number: Some(n),
                label: Some((0, digits)),
                entry_offset: 0,
                text_offset,
            });
        }
        return None;
    }
    // `a. Note` or `a) Note`: one letter, or a doubled one (`aa.`).
    let letters = content.bytes().take_while(u8::is_ascii_lowercase).count();
    let bytes = content.as_bytes();
    let lettered = letters == 1 || (letters == 2 && bytes[0] == bytes[1]);
    if lettered && matches!(bytes.get(letters), Some(b'.' | b')')) {
        let text_offset = text_after(content, letters + 1)?;
        if text_offset == content.len() {
            return None;
        }
        return Some(ItemStart {
            style: Style::Lettered,
            number: None,
            label: Some((0, letters)),
            entry_offset: 0,
            text_offset,
        });
    }
    None
}

/// One entry being built: its line range and how it starts.
#[derive(Clone, Copy, Debug)]
struct ItemBuild {
    first_line: usize,
    last_line: usize,
    start: ItemStart,
}

/// The entries found in one section (or in a heading-less trailing run).
#[derive(Clone, Debug)]
struct ListBuild {
    style: Style,
    items: Vec<ItemBuild>,
    /// Unjoined text follows the last entry.
    trailing_text: bool,
}

/// Whether `start` begins a new entry in a list of `style` whose entries are
/// indented by `first_indent` and whose highest number so far is `highest`.
fn continues_style(
    start: &ItemStart,
    style: Style,
    indent: usize,
    first_indent: usize,
    highest: u32,
) -> bool {
    let shallow = indent <= first_indent + 1;
    match (style, start.style, start.number) {
        (Style::Bracket, Style::Bracket, _) => indent <= first_indent + 2,
        (Style::BulletBracket, Style::BulletBracket, _) => shallow,
        (Style::Bullet, Style::Bullet, _) => shallow,
        (Style::Lettered, Style::Lettered, _) => shallow,
        // `3. Aufl.` or a year opening a wrapped line is not entry 3 or 2019.
        (Style::Dotted, Style::Dotted, Some(n)) => {
            shallow && n.saturating_add(2) >= highest && n <= highest.saturating_add(20)
        }
        (Style::Bare, Style::Bare, Some(n)) => {
            shallow && n > highest && n <= highest.saturating_add(3)
        }
        _ => false,
    }
}

/// Reads the entries of `lines[range]`. The first entry line fixes the style;
/// lines before it are skipped. `None` when no entry is found.
fn read_items(text: &str, lines: &[Line], range: std::ops::Range<usize>) -> Option<ListBuild> {
    let mut list: Option<ListBuild> = None;
    let mut first_indent = 0;
    let mut highest = 0;
    let mut after_blank = false;
    let mut loose: Option<usize> = None;
    for i in range {
        let line = &lines[i];
        let content = line.content(text);
        if content
            .trim_matches(|c: char| c.is_whitespace() || is_space(c))
            .is_empty()
        {
            after_blank = true;
            continue;
        }
        if is_noise(content) {
            continue;
        }
        let start = item_start(content);
        let Some(build) = list.as_mut() else {
            if let Some(start) = start.filter(|s| s.style != Style::Bare || s.number == Some(1)) {
                first_indent = line.indent;
                highest = start.number.unwrap_or(0);
                list = Some(ListBuild {
                    style: start.style,
                    items: vec![ItemBuild {
                        first_line: i,
                        last_line: i,
                        start,
                    }],
                    trailing_text: false,
                });
            }
            after_blank = false;
            continue;
        };
        if let Some(start) =
            start.filter(|s| continues_style(s, build.style, line.indent, first_indent, highest))
        {
            if let (Some(loose_line), Some(last)) = (loose.take(), build.items.last_mut()) {
                last.last_line = loose_line; // a paragraph between entries belongs above
            }
            highest = highest.max(start.number.unwrap_or(0));
            build.items.push(ItemBuild {
                first_line: i,
                last_line: i,
                start,
            });
        } else if loose.is_none() && (!after_blank || line.indent > first_indent) {
            if let Some(last) = build.items.last_mut() {
                last.last_line = i;
            }
        } else {
            loose = Some(i);
        }
        after_blank = false;
    }
    list.map(|mut l| {
        l.trailing_text = loose.is_some();
        l
    })
}

/// A section: an optional heading line and the lines up to the next heading.
#[derive(Clone, Debug)]
struct Section {
    heading: Option<(Heading, usize)>,
    body: std::ops::Range<usize>,
}

fn find_sections(text: &str, lines: &[Line]) -> Vec<Section> {
    let mut sections = vec![Section {
        heading: None,
        body: 0..lines.len(),
    }];
    for (i, line) in lines.iter().enumerate() {
        if let Some(kind) = classify_heading(line.content(text)) {
            if let Some(open) = sections.last_mut() {
                open.body.end = i;
            }
            sections.push(Section {
                heading: Some((kind, i)),
                body: i + 1..lines.len(),
            });
        }
    }
    sections
}

/// A run of `[n] …` entries that reaches the end of the document.
fn trailing_run(text: &str, lines: &[Line], range: std::ops::Range<usize>) -> Option<ListBuild> {
    let mut run: Option<(usize, usize)> = None; // first line, indent
    let mut after_blank = false;
    for i in range.clone() {
        let line = &lines[i];
        let content = line.content(text);
        if content
            .trim_matches(|c: char| c.is_whitespace() || is_space(c))
            .is_empty()
        {
            after_blank = true;
            continue;
        }
        if is_noise(content) {
            continue;
        }
        let is_entry = item_start(content).is_some_and(|s| s.style == Style::Bracket);
        match run {
            None if is_entry => run = Some((i, line.indent)),
            Some((_, indent)) if !is_entry && after_blank && line.indent <= indent => run = None,
            _ => {}
        }
        after_blank = false;
    }
    let (first, _) = run?;
    let list = read_items(text, lines, first..range.end)?;
    (list.style == Style::Bracket && list.items.len() >= 2 && !list.trailing_text).then_some(list)
}

/// A list chosen for the document.
struct Chosen {
    heading: Option<(Heading, usize)>,
    list: ListBuild,
    notes: bool,
}

/// What the body's markers look like, for choosing lists.
#[derive(Clone, Copy, Debug, Default)]
struct BodyMarkers {
    numeric: bool,
    note_numbers: bool,
    note_letters: bool,
}

fn body_markers(text: &str, end: usize, options: &ParseOptions) -> BodyMarkers {
    let mut scratch = Document::default();
    scan_brackets(
        text,
        Span::new(0, end),
        None,
        &options.marker_context(None),
        &mut scratch,
    );
    let mut found = BodyMarkers::default();
    for citation in &scratch.citations {
        match (citation.group, &citation.key) {
            (Group::Default, _) => found.numeric = true,
            (Group::Notes, Key::Number(_)) => found.note_numbers = true,
            (Group::Notes, Key::Label(_)) => found.note_letters = true,
        }
    }
    found
}

/// Picks the lists among the sections' candidates; see the module docs.
fn choose_lists(
    candidates: Vec<(Option<(Heading, usize)>, ListBuild)>,
    markers: BodyMarkers,
) -> (Vec<Chosen>, Vec<(Option<Heading>, ListBuild)>) {
    let numbered_refs = |heading: Option<(Heading, usize)>, list: &ListBuild| {
        list.style.prints_numbers()
            && matches!(
                heading.map(|h| h.0),
                Some(Heading::References | Heading::Bibliography)
            )
    };
    // The reference list proper: References beats Bibliography, later beats earlier.
    let mut default = candidates
        .iter()
        .enumerate()
        .filter(|(_, (h, l))| numbered_refs(*h, l))
        .max_by_key(|(i, (h, _))| (h.map(|h| h.0) == Some(Heading::References), *i))
        .map(|(i, _)| i);
    let notes_numbered = |h: Option<(Heading, usize)>, l: &ListBuild| {
        h.map(|h| h.0) == Some(Heading::Notes) && l.style.prints_numbers()
    };
    if default.is_none() && !markers.note_numbers {
        default = candidates.iter().rposition(|(h, l)| notes_numbered(*h, l));
    }
    if default.is_none() && markers.numeric {
        default = candidates.iter().position(|(h, l)| {
            l.style == Style::Bullet && h.map(|h| h.0) == Some(Heading::References)
        });
    }
    let mut chosen = Vec::new();
    let mut rejected = Vec::new();
    for (i, (heading, list)) in candidates.into_iter().enumerate() {
        let kind = heading.map(|h| h.0);
        // A notes list needs note markers in the body; without them its
        // markers were lost (superscripts) and every note would look unused.
        let notes = Some(i) != default
            && match list.style {
                Style::Lettered => markers.note_letters,
                Style::Bullet => kind == Some(Heading::Notes) && markers.note_letters,
                _ => notes_numbered(heading, &list) && markers.note_numbers,
            };
        if Some(i) == default || notes {
            chosen.push(Chosen {
                heading,
                list,
                notes,
            });
        } else {
            rejected.push((kind, list));
        }
    }
    (chosen, rejected)
}

/// Parses a plain-text paper into a [`Document`].
pub fn parse(text: &str, options: &ParseOptions) -> Document {
    let lines = split_lines(text);
    let sections = find_sections(text, &lines);
    let mut doc = Document::default();

    let mut candidates = Vec::new();
    let mut references_heading: Option<usize> = None; // last References heading with content
    for section in &sections {
        let Some((kind, heading_line)) = section.heading else {
            continue;
        };
        if kind == Heading::End {
            continue;
        }
        let has_content = section.body.clone().any(|i| {
            let content = lines[i].content(text);
            !content.trim().is_empty() && !is_noise(content)
        });
        if kind == Heading::References && has_content {
            references_heading = Some(heading_line);
        }
        if let Some(list) = read_items(text, &lines, section.body.clone()) {
            candidates.push((section.heading, list));
        }
    }
    let provisional_end = candidates
        .first()
        .map_or(text.len(), |(h, l)| list_start(&lines, *h, l));
    let markers = body_markers(text, provisional_end, options);
    let (mut chosen, rejected) = choose_lists(candidates, markers);
    if chosen.is_empty()
        && let Some(last) = sections.last()
        && let Some(list) = trailing_run(text, &lines, last.body.clone())
    {
        chosen.push(Chosen {
            heading: None,
            list,
            notes: false,
        });
    }

    let groups = assign_list_groups(
        &chosen
            .iter()
            .map(|c| (c.heading.map(|h| h.0.kind()), c.notes))
            .collect::<Vec<_>>(),
    );
    let max_entry_number = chosen
        .iter()
        .zip(&groups)
        .filter(|(_, g)| **g == Group::Default)
        .flat_map(|(c, _)| {
            c.list
                .items
                .iter()
                .enumerate()
                .map(|(pos, item)| item.start.number.unwrap_or(pos as u32 + 1))
        })
        .max();
    let ctx: MarkerContext = options.marker_context(max_entry_number);

    // The body: everything before the first list, minus bibliography-like
    // lists that were not taken.
    let body_end = chosen
        .iter()
        .map(|c| list_start(&lines, c.heading, &c.list))
        .min()
        .or_else(|| references_heading.map(|h| lines[h].start))
        .unwrap_or(text.len());
    // Notes lists that were not taken are prose that may cite: scan them.
    let mut skipped: Vec<Span> = rejected
        .iter()
        .filter(|(kind, _)| *kind != Some(Heading::Notes))
        .map(|(_, l)| list_span(&lines, l))
        .filter(|s| s.start < body_end)
        .collect();
    skipped.sort_by_key(|s| s.start);
    let mut at = 0;
    for skip in skipped {
        if skip.start > at {
            scan_brackets(text, Span::new(at, skip.start), None, &ctx, &mut doc);
        }
        at = at.max(skip.end.min(body_end));
    }
    if at < body_end {
        scan_brackets(text, Span::new(at, body_end), None, &ctx, &mut doc);
    }

    if chosen.is_empty()
        && let Some(heading) = references_heading
        && doc.citations.iter().any(|c| c.group == Group::Default)
    {
        let line = &lines[heading];
        doc.notes.push(ParseNote {
            span: Span::new(line.start + line.indent, line.end),
            message: format!(
                "no numbered entries could be read under `{}`; write them as `[1] Author…` or `1. Author…`",
                line.content(text).trim()
            ),
        });
    }

    let notes_use_letters = doc
        .citations
        .iter()
        .any(|c| c.group == Group::Notes && matches!(c.key, Key::Label(_)));
    let mut entry_regions = Vec::new();
    for (list_index, (chosen, group)) in chosen.iter().zip(groups).enumerate() {
        let list = &chosen.list;
        doc.lists.push(RefList {
            group,
            heading: chosen
                .heading
                .map(|(_, line)| lines[line].content(text).trim().to_owned()),
            span: list_span(&lines, list),
            numbered: list.style.prints_numbers() || list.style == Style::Lettered,
        });
        for (position, item) in list.items.iter().enumerate() {
            let first_line = &lines[item.first_line];
            let content_start = first_line.start + first_line.indent;
            let key = match (item.start.number, item.start.label) {
                (Some(n), _) => Key::Number(n),
                (None, Some((s, e))) => {
                    Key::Label(text[content_start + s..content_start + e].to_owned())
                }
                (None, None) if group == Group::Notes && notes_use_letters => {
                    Key::Label(backlinks::label(position))
                }
                (None, None) => Key::Number(position as u32 + 1),
            };
            let label_span = item
                .start
                .label
                .map(|(s, e)| Span::new(content_start + s, content_start + e));
            let text_start = content_start + item.start.text_offset;
            let end = lines[item.last_line].end.max(text_start);
            let entry_text = join_entry_lines(
                text,
                &text[text_start..first_line.end],
                &lines[item.first_line + 1..=item.last_line],
                |piece| !is_noise(piece),
            );
            entry_regions.push(Span::new(text_start, end));
            doc.entries.push(Entry {
                key,
                group,
                span: Span::new(content_start + item.start.entry_offset, end),
                label_span,
                text: entry_text,
                text_span: Span::new(text_start, end),
                links: links_in(text, Span::new(text_start, end), Escapes::None, &[]),
                backlinks: None,
                list: list_index,
            });
        }
    }
    for (id, region) in entry_regions.into_iter().enumerate() {
        scan_brackets(text, region, Some(id), &ctx, &mut doc);
    }
    doc
}

/// Where a list begins: its heading line, or its first entry.
fn list_start(lines: &[Line], heading: Option<(Heading, usize)>, list: &ListBuild) -> usize {
    match heading {
        Some((_, line)) => lines[line].start,
        None => list
            .items
            .first()
            .map_or(usize::MAX, |i| lines[i.first_line].start),
    }
}

/// From the first entry to the end of the last.
fn list_span(lines: &[Line], list: &ListBuild) -> Span {
    match (list.items.first(), list.items.last()) {
        (Some(first), Some(last)) => {
            let start = lines[first.first_line].start + lines[first.first_line].indent;
            Span::new(start, lines[last.last_line].end.max(start))
        }
        _ => Span::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        parse(text, &ParseOptions::default())
    }

    fn body_keys(d: &Document) -> Vec<String> {
        d.citations
            .iter()
            .filter(|c| c.in_entry.is_none())
            .map(|c| c.key.to_string())
            .collect()
    }

    fn entry_keys(d: &Document) -> Vec<String> {
        d.entries.iter().map(|e| e.key.to_string()).collect()
    }

    #[test]
    fn body_marker_forms() {
        let d = doc(
            "A [1]. B [2, 5]. C [3–7]. D [3-4]. E [8,21,26–28]. F [1]–[3].\n\n\
             References\n[1] A.\n",
        );
        assert_eq!(
            body_keys(&d),
            [
                "1", "2", "5", "3", "4", "5", "6", "7", "3", "4", "8", "21", "26", "27", "28", "1",
                "2", "3"
            ]
        );
        assert_eq!(d.clusters.len(), 6);
        assert_eq!(d.clusters[5].markers, 2);
    }

    #[test]
    fn bracket_list_under_a_caps_heading_with_wrapped_entries() {
        let text = "Shown before [1], [2].\n\nREFERENCES\n\n[1] A. Author, \"A title,\" J. Things,\n    vol. 3, pp. 5–7, 2001.\n\n[2] B. Writer, Book. City: Press, 1999.\n";
        let d = doc(text);
        assert_eq!(entry_keys(&d), ["1", "2"]);
        assert_eq!(
            d.entries[0].text,
            "A. Author, \"A title,\" J. Things,\nvol. 3, pp. 5–7, 2001."
        );
        assert_eq!(d.lists[0].heading.as_deref(), Some("REFERENCES"));
        assert!(d.lists[0].numbered);
        let label = d.entries[1].label_span.unwrap();
        assert_eq!(&text[label.range()], "2");
        assert_eq!(d.entries[0].backlinks, None);
        assert_eq!(d.body_citation_count(), 2);
    }

    #[test]
    fn numbered_headings_and_dotted_entries() {
        for heading in [
            "7. References",
            "VII. REFERENCES",
            "References:",
            "Works Cited",
        ] {
            let text = format!(
                "Claim [1].\n\n{heading}\n1. Smith J. Title. 2001.\n2. Doe A. Other. 2002.\n"
            );
            let d = doc(&text);
            assert_eq!(entry_keys(&d), ["1", "2"], "{heading}");
        }
    }

    #[test]
    fn unindented_wrapped_lines_and_years_do_not_start_entries() {
        let text = "X [1][2].\n\nReferences\n1. Smith J, Doe A. A long title that wraps\n2019. Journal 12:5–7.\n2. Roe B. Short.\n";
        let d = doc(text);
        assert_eq!(entry_keys(&d), ["1", "2"]);
        assert!(d.entries[0].text.ends_with("Journal 12:5–7."));
    }

    #[test]
    fn bare_numbers_only_when_unambiguous() {
        let text = "X [1][2][3].\n\nReferences\n1 Smith J. Title. Journal\n12 pages, 2019.\n2 Doe A. Other.\n3 Roe B. Third.\n";
        let d = doc(text);
        assert_eq!(entry_keys(&d), ["1", "2", "3"]);
        assert!(d.entries[0].text.contains("12 pages"));
    }

    #[test]
    fn bullet_bracket_entries_are_numbered() {
        let d = doc("X [1][2].\n\nReferences\n- [1] Smith.\n- [2] Doe.\n");
        assert_eq!(entry_keys(&d), ["1", "2"]);
        assert!(d.lists[0].numbered);
    }

    #[test]
    fn unnumbered_bullets_are_numbered_by_position() {
        let text = "X [1][2].\n\nReferences\n- Smith J. Title.\n• Doe A. Other\n  continued.\n";
        let d = doc(text);
        assert_eq!(entry_keys(&d), ["1", "2"]);
        assert!(!d.lists[0].numbered);
        assert_eq!(d.entries[1].text, "Doe A. Other\ncontinued.");
        assert_eq!(&text[d.entries[0].span.range()], "Smith J. Title.");
    }

    #[test]
    fn general_bibliography_is_not_the_list() {
        let text = "X [1][2].\n\nReferences\n[1] Smith.\n[2] Doe.\n\nBibliography\n- General work one.\n- General work two.\n- General work three.\n";
        let d = doc(text);
        assert_eq!(entry_keys(&d), ["1", "2"]);
        assert_eq!(d.lists.len(), 1);
        // Without a numbered list, an unnumbered Bibliography is still not it.
        let d = doc("X [1].\n\nBibliography\n- General work.\n");
        assert!(d.lists.is_empty());
        // But a numbered Bibliography is.
        let d = doc("X [1].\n\nBibliography\n1. Numbered work.\n");
        assert_eq!(entry_keys(&d), ["1"]);
    }

    #[test]
    fn bullets_under_references_yield_to_a_numbered_list() {
        let text = "X [1].\n\nReferences\n- Loose one.\n- Loose two.\n\nNotes and references\n[1] Numbered.\n";
        let d = doc(text);
        assert_eq!(d.lists.len(), 1);
        assert_eq!(d.entries[0].text, "Numbered.");
    }

    #[test]
    fn appendix_ends_the_list_and_holds_no_citations() {
        let text = "X [1].\n\nReferences\n[1] Smith.\n\nAppendix A: Proofs\nAs shown in [9], the bound holds.\n";
        let d = doc(text);
        assert_eq!(entry_keys(&d), ["1"]);
        assert_eq!(d.entries[0].text, "Smith.");
        assert_eq!(body_keys(&d), ["1"]);
        for heading in [
            "APPENDIX",
            "Supplementary material",
            "Acknowledgements",
            "8. Appendix B",
        ] {
            let text = format!("X [1].\n\nReferences\n[1] Smith.\n{heading}\nMore [4].\n");
            let d = doc(&text);
            assert_eq!(d.entries[0].text, "Smith.", "{heading}");
            assert_eq!(d.citations.len(), 1, "{heading}");
        }
    }

    #[test]
    fn trailing_text_after_a_blank_line_ends_the_list() {
        let text = "X [1][2].\n\nReferences\n[1] Smith.\n\nloose middle\n\n[2] Doe.\n\nReceived 2020; accepted [3].\n";
        let d = doc(text);
        assert_eq!(d.entries[0].text, "Smith.\nloose middle");
        assert_eq!(d.entries[1].text, "Doe.");
        assert_eq!(d.citations.len(), 2);
    }

    #[test]
    fn page_noise_is_skipped() {
        let text = "X [1][2].\n\nReferences\n[1] Smith.\n\n12\n\nPage 3 of 9\n[2] Doe.\n";
        let d = doc(text);
        assert_eq!(d.entries[0].text, "Smith.");
        assert_eq!(d.entries[1].text, "Doe.");
    }

    #[test]
    fn headless_trailing_run_is_the_list() {
        let text =
            "Prior work [1] and [2] agree.\n\n[1] Smith, Title, 2001.\n[2] Doe, Other, 2002.\n";
        let d = doc(text);
        assert_eq!(entry_keys(&d), ["1", "2"]);
        assert_eq!(d.lists[0].heading, None);
        assert_eq!(d.body_citation_count(), 2);
        // A paragraph that merely starts with a marker is not a list.
        let d = doc("[1] showed it.\n\nThen we agreed.\n");
        assert!(d.lists.is_empty());
        assert_eq!(d.body_citation_count(), 1);
    }

    #[test]
    fn numbers_inside_entries_are_not_body_citations() {
        let text = "X [1][2].\n\nReferences\n[1] Project site [1]. Vol. 5, pp. 5–7.\n[2] Doe, see also[1].\n";
        let d = doc(text);
        assert_eq!(d.body_citation_count(), 2);
        let inner: Vec<_> = d.citations.iter().filter_map(|c| c.in_entry).collect();
        assert_eq!(inner, [1]);
    }

    #[test]
    fn notes_sections_form_the_notes_group() {
        let text = "Claim [a] and [1].\n\nNotes\na. An aside citing [1].\nb. Another.\n\nReferences\n[1] Smith.\n";
        let d = doc(text);
        assert_eq!(d.lists.len(), 2);
        assert_eq!(d.lists[0].group, Group::Notes);
        assert_eq!(d.lists[1].group, Group::Default);
        assert_eq!(entry_keys(&d), ["a", "b", "1"]);
        let d = doc("Claim [a].\n\nNotes\n[a] Bracketed note.\n\nReferences\n[1] Smith.\n");
        assert_eq!(d.entries[0].key, Key::Label("a".into()));
        assert_eq!(d.entries[0].group, Group::Notes);
        // `[note 1]` markers with a numbered Notes list, after References.
        let text = "Claim [1].[note 1]\n\nReferences\n[1] Smith.\n\nNotes\n1. The note.\n";
        let d = doc(text);
        assert_eq!(d.lists.len(), 2);
        let notes: Vec<_> = d.entries.iter().map(|e| (e.group, e.key.clone())).collect();
        assert_eq!(
            notes,
            [
                (Group::Default, Key::Number(1)),
                (Group::Notes, Key::Number(1))
            ]
        );
    }

    #[test]
    fn notes_without_note_markers_are_not_a_list() {
        // The superscripts were lost: the notes would all look unused.
        let text = "Claim [1].\n\nNotes\na. An aside citing [1].\n\nReferences\n[1] Smith.\n";
        let d = doc(text);
        assert_eq!(d.lists.len(), 1);
        assert_eq!(d.lists[0].group, Group::Default);
        // …and its text is prose, so its markers are still uses.
        assert_eq!(d.body_citation_count(), 2);
        let text = "Claim [1].\n\nReferences\n[1] Smith.\n\nNotes\n1. Lost note.\n2. Another.\n";
        assert_eq!(doc(text).lists.len(), 1);
    }

    #[test]
    fn numbered_notes_alone_are_the_list() {
        let d = doc("Claim [1].\n\nNotes\n1. Smith, Title.\n");
        assert_eq!(d.lists[0].group, Group::Default);
    }

    #[test]
    fn crlf_and_no_break_spaces() {
        let text =
            "A\u{a0}[1] and [2].\r\n\r\nReferences\r\n[1]\u{a0}Smith,\r\n   Title.\r\n[2] Doe.\r\n";
        let d = doc(text);
        assert_eq!(entry_keys(&d), ["1", "2"]);
        assert_eq!(d.entries[0].text, "Smith,\nTitle.");
        for e in &d.entries {
            assert!(!text[e.span.range()].ends_with('\r'));
        }
    }

    #[test]
    fn a_references_heading_without_entries_is_noted() {
        let d = doc("X [1].\n\nReferences\nSmith, J. (2001). Title.\n");
        assert!(d.lists.is_empty());
        assert_eq!(d.notes.len(), 1);
        assert_eq!(d.body_citation_count(), 1);
    }

    #[test]
    fn heading_classification() {
        assert_eq!(classify_heading("REFERENCES"), Some(Heading::References));
        assert_eq!(
            classify_heading("VII. References"),
            Some(Heading::References)
        );
        assert_eq!(
            classify_heading("Literature Cited"),
            Some(Heading::References)
        );
        assert_eq!(
            classify_heading("Bibliography"),
            Some(Heading::Bibliography)
        );
        assert_eq!(classify_heading("Appendix A: Proof"), Some(Heading::End));
        assert_eq!(classify_heading("Acknowledgments"), Some(Heading::End));
        assert_eq!(classify_heading("Appendix to the report, 2003."), None);
        assert_eq!(classify_heading("Appendixes of doom are many"), None);
        assert_eq!(classify_heading("The references were many"), None);
    }

    #[test]
    fn never_panics_and_spans_fall_on_char_boundaries() {
        let samples = [
            "",
            "\n",
            "\r",
            "[",
            "[1",
            "References",
            "References\n[",
            "References\n[1]",
            "References\n- ",
            "References\n1.",
            "References\n1 é",
            "é[1]é\nRéférences\n[1]é\n• ü\n",
            "References\n[12345678901] x\n[1]\u{a0}\n",
            "\u{feff}References\r\n\r\n[1] x\r",
            "Notes\na.\u{a0}ü\n[ü] x\n",
        ];
        for text in samples {
            let d = doc(text);
            for span in d
                .entries
                .iter()
                .flat_map(|e| [e.span, e.text_span])
                .chain(d.citations.iter().map(|c| c.span))
                .chain(d.lists.iter().map(|l| l.span))
            {
                assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
                assert!(span.start <= span.end && span.end <= text.len());
            }
        }
    }
    fn assert_spans_ok(text: &str, d: &Document) {
        for span in d
            .entries
            .iter()
            .flat_map(|e| [e.span, e.text_span])
            .chain(d.entries.iter().filter_map(|e| e.label_span))
            .chain(d.citations.iter().map(|c| c.span))
            .chain(d.clusters.iter().map(|c| c.span))
            .chain(d.lists.iter().map(|l| l.span))
            .chain(d.notes.iter().map(|n| n.span))
        {
            assert!(span.start <= span.end && span.end <= text.len());
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
    }

    const FRAGMENTS: &[&str] = &[
        "[",
        "]",
        "[1]",
        "[2, 5]",
        "[3–7]",
        "–",
        "-",
        " ",
        "\u{a0}",
        "\n",
        "\r\n",
        "\r",
        "\n\n",
        "References",
        "REFERENCES",
        "Notes",
        "Bibliography",
        "Appendix A",
        "1. ",
        "12 ",
        "a. ",
        "- ",
        "• ",
        "[a]",
        "[note 1]",
        "é",
        "Smith",
        "2019.",
        "Page 3 of 9",
        "    ",
    ];

    proptest::proptest! {
        #[test]
        fn arbitrary_fragments_never_panic(
            parts in proptest::collection::vec(proptest::sample::select(FRAGMENTS), 0..60)
        ) {
            let text = parts.concat();
            assert_spans_ok(&text, &doc(&text));
        }

        #[test]
        fn arbitrary_text_never_panics(text in "[\\[\\]0-9a-z .,;\\-–•\n\r\u{a0}é]{0,300}") {
            assert_spans_ok(&text, &doc(&text));
        }
    }

    #[test]
    fn large_input_stays_linear() {
        let mut text = String::new();
        for n in 1..=20_000 {
            text.push_str(&format!("Claim {n} holds [{n}].\n"));
        }
        text.push_str("\nReferences\n\n");
        for n in 1..=20_000 {
            text.push_str(&format!("[{n}] Author {n}, Title {n},\n    vol. {n}.\n\n"));
        }
        let started = std::time::Instant::now();
        let d = doc(&text);
        assert_eq!(d.entries.len(), 20_000);
        assert_eq!(d.body_citation_count(), 20_000);
        assert!(started.elapsed().as_secs() < 20);
    }
}
