//! Plain text copied from a rendered Wikipedia page.
//!
//! The body carries `[n]` markers; the reference list is a run of lines such as
//! `  12. ^ a b Author (2004). Title.`, `01. ^ …` (zero-padded), `^ text`
//! (unnumbered: numbered by position), `Jump up ^ text` or
//! `^ Jump up to: a b c text` (older skins). Entries may continue over
//! indented lines. The list may sit under References, Notes… or under no
//! heading at all; text after it (navboxes, "From … perspective" lines) holds
//! no body citations.

use crate::links::{Escapes, links_in};
use crate::model::{Document, Entry, Group, Key, RefList};
use crate::parse::backlinks;
use crate::parse::markers::{MarkerContext, scan_brackets};
use crate::parse::text::{Line, is_space, join_entry_lines, split_lines};
use crate::parse::{HeadingKind, ParseOptions, assign_list_groups, heading_kind};
use crate::source::Span;

/// True when `text` has a reference list with carets: one numbered line
/// (`1. ^ …`, distinctive enough alone), two caret lines of any form, or one
/// `^ …` line in a text that cites `[1]`.
pub fn looks_like(text: &str) -> bool {
    // Every entry form has a caret or "Jump up"; most other files have neither.
    if memchr::memchr(b'^', text.as_bytes()).is_none() && !text.contains("Jump up") {
        return false;
    }
    // Only lines with a `^` or a `J` (of "Jump up") can start an entry: jump
    // from one such line to the next instead of splitting the whole text.
    let bytes = text.as_bytes();
    let mut caret_lines = 0;
    let mut from = 0;
    while let Some(hit) = memchr::memchr2(b'^', b'J', &bytes[from..]).map(|i| from + i) {
        let line_start =
            memchr::memrchr2(b'\n', b'\r', &bytes[from..hit]).map_or(from, |i| from + i + 1);
        let line_end =
            memchr::memchr2(b'\n', b'\r', &bytes[hit..]).map_or(bytes.len(), |i| hit + i);
        if let Some(start) = entry_start(text[line_start..line_end].trim_start_matches(is_space)) {
            caret_lines += 1;
            if caret_lines >= 2 || matches!(start.label, Some((Label::Number(_), _, _))) {
                return true;
            }
        }
        from = line_end;
    }
    // A stub with one unnumbered entry: the caret and a `[1]` marker.
    caret_lines == 1 && text.contains("[1]")
}

/// The printed label of an entry line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    Number(u32),
    Letters,
}

#[derive(Clone, Copy, Debug)]
struct EntryStart {
    label: Option<(Label, usize, usize)>, // kind, start, end within the content
    text_offset: usize,                   // where the entry text starts within the content
    backlinks: u32,
}

/// Reads the start of an entry line (`content` has its indentation removed).
fn entry_start(content: &str) -> Option<EntryStart> {
    let mut rest = content;
    let mut label = None;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let letters = rest.bytes().take_while(u8::is_ascii_lowercase).count();
    let label_len = if digits > 0 && digits <= 6 {
        digits
    } else if (1..=2).contains(&letters) {
        letters
    } else {
        0
    };
    if label_len > 0 && rest.as_bytes().get(label_len) == Some(&b'.') {
        let after = rest[label_len + 1..].trim_start_matches(is_space);
        if after.starts_with('^') || after.starts_with("Jump up") {
            let kind = if digits > 0 {
                Label::Number(rest[..digits].parse().ok()?)
            } else {
                Label::Letters
            };
            label = Some((kind, 0, label_len));
            rest = after;
        }
    }
    let mut jumped = false;
    if let Some(after) = rest.strip_prefix('^') {
        if !(after.is_empty() || after.starts_with(is_space) || after.starts_with("Jump")) {
            return None;
        }
        rest = after.trim_start_matches(is_space);
    } else if rest.starts_with("Jump up") {
        jumped = true;
    } else {
        return None;
    }
    if let Some(after) = rest.strip_prefix("Jump up to:") {
        rest = after.trim_start_matches(is_space);
    } else if let Some(after) = rest.strip_prefix("Jump up") {
        rest = after.trim_start_matches(is_space);
        if let Some(after) = rest.strip_prefix('^') {
            rest = after.trim_start_matches(is_space);
        }
        jumped = true;
    }
    let read = backlinks::read_after(rest, jumped);
    rest = &rest[read.consumed..];
    Some(EntryStart {
        label,
        text_offset: content.len() - rest.len(),
        backlinks: read.count,
    })
}

struct EntryBuild {
    first_line: usize,
    last_line: usize,
    start: EntryStart,
}

struct ListBuild {
    heading: Option<(HeadingKind, String)>,
    entries: Vec<EntryBuild>,
    lettered: bool,
}

/// Finds the lists: runs of entry lines, split by headings and by a change
/// between lettered and numbered labels.
fn find_lists(text: &str, lines: &[Line]) -> Vec<ListBuild> {
    let mut lists: Vec<ListBuild> = Vec::new();
    let mut open = false;
    let mut last_heading: Option<(HeadingKind, String)> = None;
    let mut pending_loose: Option<usize> = None; // last unindented line inside the list
    for (i, line) in lines.iter().enumerate() {
        let content = &text[line.start + line.indent..line.end];
        if content.trim_matches(is_space).is_empty() {
            continue;
        }
        if let Some(start) = entry_start(content) {
            let lettered = matches!(start.label, Some((Label::Letters, _, _)));
            let switch = open
                && lists
                    .last()
                    .is_some_and(|l| l.lettered != lettered && !l.entries.is_empty());
            if !open || switch {
                lists.push(ListBuild {
                    heading: last_heading.take(),
                    entries: Vec::new(),
                    lettered,
                });
                open = true;
            } else if let (Some(loose), Some(entry)) = (
                pending_loose,
                lists.last_mut().and_then(|l| l.entries.last_mut()),
            ) {
                entry.last_line = loose; // loose lines between entries belong to the entry above
            }
            pending_loose = None;
            lists
                .last_mut()
                .expect("a list is open")
                .entries
                .push(EntryBuild {
                    first_line: i,
                    last_line: i,
                    start,
                });
            continue;
        }
        let heading = heading_kind(content).filter(|_| content.chars().count() <= 60);
        if open {
            let entry_indent = lists
                .last()
                .and_then(|l| l.entries.last())
                .map_or(0, |e| lines[e.first_line].indent);
            if let Some(kind) = heading.filter(|_| line.indent <= entry_indent) {
                open = false;
                pending_loose = None;
                last_heading = Some((kind, content.trim().to_owned()));
            } else if line.indent > entry_indent && pending_loose.is_none() {
                if let Some(entry) = lists.last_mut().and_then(|l| l.entries.last_mut()) {
                    entry.last_line = i;
                }
            } else {
                pending_loose = Some(i);
            }
        } else if let Some(kind) = heading {
            last_heading = Some((kind, content.trim().to_owned()));
        }
    }
    lists
}

/// Parses copied Wikipedia plain text into a [`Document`].
pub fn parse(text: &str, options: &ParseOptions) -> Document {
    let lines = split_lines(text);
    let lists = find_lists(text, &lines);
    let mut doc = Document::default();

    let groups = assign_list_groups(
        &lists
            .iter()
            .map(|l| (l.heading.as_ref().map(|h| h.0), l.lettered))
            .collect::<Vec<_>>(),
    );
    let max_entry_number = lists
        .iter()
        .zip(&groups)
        .filter(|(_, g)| **g == Group::Default)
        .flat_map(|(l, _)| {
            l.entries
                .iter()
                .enumerate()
                .map(|(pos, e)| match e.start.label {
                    Some((Label::Number(n), _, _)) => n,
                    _ => pos as u32 + 1,
                })
        })
        .max();
    let ctx: MarkerContext = options.marker_context(max_entry_number);

    // The body ends where the first list begins.
    let body_end = lists
        .first()
        .and_then(|l| l.entries.first())
        .map_or(text.len(), |e| lines[e.first_line].start);
    scan_brackets(text, Span::new(0, body_end), None, &ctx, &mut doc);

    let notes_use = |letters: bool| {
        doc.citations
            .iter()
            .any(|c| c.group == Group::Notes && matches!(c.key, Key::Label(_)) == letters)
    };
    // Browsers copy a lettered notes list (CSS lower-alpha) with digits or no
    // labels at all; the body's `[a]` markers say which it was.
    let notes_by_letter = notes_use(true) && !notes_use(false);

    let mut entry_regions = Vec::new();
    for (list_index, (list, group)) in lists.iter().zip(groups).enumerate() {
        let first = &list.entries[0];
        let last = list.entries.last().expect("lists are never empty");
        let list_span = Span::new(
            lines[first.first_line].start + lines[first.first_line].indent,
            lines[last.last_line].end,
        );
        doc.lists.push(RefList {
            group,
            heading: list.heading.as_ref().map(|h| h.1.clone()),
            span: list_span,
            numbered: list.entries.iter().any(|e| e.start.label.is_some()),
        });
        for (position, entry) in list.entries.iter().enumerate() {
            let first_line = &lines[entry.first_line];
            let content_start = first_line.start + first_line.indent;
            let key = match entry.start.label {
                Some((Label::Number(_), _, _)) if group == Group::Notes && notes_by_letter => {
                    Key::Label(backlinks::label(position))
                }
                Some((Label::Number(n), _, _)) => Key::Number(n),
                Some((Label::Letters, s, e)) => {
                    Key::Label(text[content_start + s..content_start + e].to_owned())
                }
                None if group == Group::Notes && notes_by_letter => {
                    Key::Label(backlinks::label(position))
                }
                None => Key::Number(position as u32 + 1),
            };
            let label_span = entry
                .start
                .label
                .map(|(_, s, e)| Span::new(content_start + s, content_start + e));
            let text_start = content_start + entry.start.text_offset;
            let end = lines[entry.last_line].end.max(text_start);
            let entry_text = join_entry_lines(
                text,
                &text[text_start..first_line.end],
                &lines[entry.first_line + 1..=entry.last_line],
                |_| true,
            );
            entry_regions.push(Span::new(text_start, end));
            doc.entries.push(Entry {
                key,
                group,
                span: Span::new(content_start, end),
                label_span,
                text: entry_text,
                text_span: Span::new(text_start, end),
                links: links_in(text, Span::new(text_start, end), Escapes::None, &[]),
                backlinks: Some(entry.start.backlinks),
                list: list_index,
            });
        }
    }
    for (id, region) in entry_regions.into_iter().enumerate() {
        scan_brackets(text, region, Some(id), &ctx, &mut doc);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        parse(text, &ParseOptions::default())
    }

    /// What [`looks_like`] decides, line by line over the whole text.
    fn looks_like_slowly(text: &str) -> bool {
        let mut caret_lines = 0;
        for line in text.split(['\n', '\r']) {
            if let Some(start) = entry_start(line.trim_start_matches(is_space)) {
                caret_lines += 1;
                if caret_lines >= 2 || matches!(start.label, Some((Label::Number(_), _, _))) {
                    return true;
                }
            }
        }
        caret_lines == 1 && text.contains("[1]")
    }

    proptest::proptest! {
        #[test]
        fn detection_agrees_with_reading_every_line(
            lines in proptest::collection::vec(
                "( {0,2}([0-9]{1,2}|[a-b])\\. )?(\\^|Jump up( to:)?|J|x)( [a-c]){0,3} [A-Za-z ]{0,8}(\\[1\\])?",
                0..6,
            ),
            crlf in proptest::bool::ANY,
        ) {
            let text = lines.join(if crlf { "\r\n" } else { "\n" });
            proptest::prop_assert_eq!(looks_like(&text), looks_like_slowly(&text), "{:?}", text);
        }
    }

    #[test]
    fn reads_a_numbered_list_with_backlinks() {
        let d =
            doc("Claim.[1][2] More.[1]\n\nReferences\n  1. ^ a b Smith. Title.\n  2. ^ Jones.\n");
        assert_eq!(d.entries.len(), 2);
        assert_eq!(d.entries[0].backlinks, Some(2));
        assert_eq!(d.entries[0].text, "Smith. Title.");
        assert_eq!(d.lists[0].heading.as_deref(), Some("References"));
        assert_eq!(d.body_citation_count(), 3);
    }

    #[test]
    fn zero_padded_and_unnumbered_variants() {
        let d = doc("A.[1]\n01. ^ One.\n02. ^ Two.\n");
        assert_eq!(d.entries[1].key, Key::Number(2));
        let d = doc("A.[2]\n^ One.\n^ a b Two.\nJump up ^ Three.\n^ Jump up to: a b c Four.\n");
        let keys: Vec<_> = d
            .entries
            .iter()
            .map(|e| (e.key.to_string(), e.backlinks.unwrap()))
            .collect();
        assert_eq!(
            keys,
            [
                ("1".into(), 1),
                ("2".into(), 2),
                ("3".into(), 1),
                ("4".into(), 3)
            ]
        );
        assert_eq!(d.entries[3].text, "Four.");
    }

    #[test]
    fn continuation_lines_join_the_entry_and_trailing_text_does_not() {
        let d = doc(
            "A.[1][2]\n\n  1. ^ Book.\n\n    A quoted note.[3]\n\n  2. ^ Two.\n\nFrom somewhere\n",
        );
        assert_eq!(d.entries[0].text, "Book.\nA quoted note.[3]");
        assert_eq!(d.entries[1].text, "Two.");
        // [3] sits inside entry 1: a use from within the list
        let inner: Vec<_> = d
            .citations
            .iter()
            .filter(|c| c.in_entry.is_some())
            .collect();
        assert_eq!(inner.len(), 1);
    }

    #[test]
    fn notes_list_is_its_own_group() {
        let text =
            "Claim.[a] Other.[1]\n\nNotes\n  a. ^ A note.[1]\n\nReferences\n  1. ^ a b Source.\n";
        let d = doc(text);
        assert_eq!(d.lists.len(), 2);
        assert_eq!(d.lists[0].group, Group::Notes);
        assert_eq!(d.lists[1].group, Group::Default);
        assert_eq!(d.entries[0].key, Key::Label("a".into()));
    }

    #[test]
    fn a_lettered_notes_list_copied_with_digits_keys_by_letter() {
        let text = "Claim.[a] More.[1] Else.[b]\n\nNotes\n  1. ^ First note.\n  2. ^ Second.\n\nReferences\n  1. ^ Source.\n";
        let d = doc(text);
        let keys: Vec<_> = d
            .entries
            .iter()
            .map(|e| (e.group, e.key.to_string()))
            .collect();
        assert_eq!(
            keys,
            [
                (Group::Notes, "a".into()),
                (Group::Notes, "b".into()),
                (Group::Default, "1".into())
            ]
        );
    }

    #[test]
    fn a_stub_with_one_reference_is_detected() {
        assert!(looks_like("A stub.[1]\n\nSee also\n\n^ The only source.\n"));
        assert!(looks_like("A stub.[1]\n\n  1. ^ The only source.\n"));
        assert!(!looks_like("x ^ y\n"));
    }
}
