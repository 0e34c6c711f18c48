//! Wikitext source (`.wiki`): `<ref>` tags and the lists they fill.
//!
//! In wikitext a reference is defined where it is first cited,
//! `<ref name="smith">{{cite book …}}</ref>`, and reused by name,
//! `<ref name="smith" />`. Definitions may also sit inside the list
//! (`{{reflist|refs=…}}` or `<references>…</references>`, "list-defined
//! references"); those are entries, not uses. So:
//!
//! - every `<ref>` in the body is a use; one with content also defines an entry;
//! - a named reuse with no definition anywhere is a missing reference;
//! - a list-defined reference nobody reuses is unused;
//! - one name defined twice with different content is a duplicate.
//!
//! `group="…"` refs and `{{efn|…}}` notes form the notes group, listed by
//! `<references group="…"/>` and `{{notelist}}`. Maintenance templates
//! (`{{citation needed}}`, `{{cn}}`, `{{dead link}}`…) are tags. Comments,
//! `<nowiki>`, `<pre>`, `<syntaxhighlight>`, `<source>` and `<math>` are never
//! scanned. Single brackets are external links in wikitext, never citations.

use std::collections::HashMap;

use crate::links::{Escapes, links_in};
use crate::model::{Document, Entry, Group, Key, MaintenanceTag, RefList};
use crate::parse::ParseOptions;
use crate::parse::directives;
use crate::parse::markers::{ClusterBuilder, MarkerItem, RawMarker};
use crate::source::Span;

/// True when the text looks like wikitext with `<ref>` tags.
pub fn looks_like(text: &str) -> bool {
    let head = &text[..super::floor_char_boundary(text, 64 * 1024)];
    (head.contains("</ref>") || head.contains("<ref name"))
        && (head.contains("{{") || head.contains("=="))
}

/// Templates that mark a problem, and the tag each stands for.
const MAINTENANCE_TEMPLATES: &[(&str, &str)] = &[
    ("citation needed", "citation needed"),
    ("cn", "citation needed"),
    ("fact", "citation needed"),
    ("cite needed", "citation needed"),
    ("clarify", "clarification needed"),
    ("clarification needed", "clarification needed"),
    ("which", "which?"),
    ("who", "who?"),
    ("when", "when?"),
    ("by whom", "by whom?"),
    ("according to whom", "according to whom?"),
    ("update", "update"),
    ("update inline", "update"),
    ("dead link", "dead link"),
    ("deadlink", "dead link"),
    ("failed verification", "failed verification"),
    ("verification failed", "failed verification"),
    ("better source needed", "better source needed"),
    ("better source", "better source needed"),
    ("page needed", "page needed"),
    ("pn", "page needed"),
    ("full citation needed", "full citation needed"),
    ("vague", "vague"),
    ("dubious", "dubious"),
    ("original research inline", "original research?"),
    ("or", "original research?"),
    ("unreliable source?", "unreliable source?"),
    ("self-published inline", "self-published source"),
    ("third-party inline", "third-party source needed"),
    ("further explanation needed", "further explanation needed"),
];

/// Byte ranges never scanned: comments and verbatim elements.
fn masked_ranges(text: &str) -> Vec<Span> {
    let lower = text.to_ascii_lowercase();
    let mut ranges = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find('<') {
        let start = at + found;
        let rest = &lower[start..];
        let close = if rest.starts_with("<!--") {
            Some("-->")
        } else if rest.starts_with("<nowiki") {
            Some("</nowiki>")
        } else if rest.starts_with("<pre") {
            Some("</pre>")
        } else if rest.starts_with("<syntaxhighlight") {
            Some("</syntaxhighlight>")
        } else if rest.starts_with("<source") {
            Some("</source>")
        } else if rest.starts_with("<math") {
            Some("</math>")
        } else {
            None
        };
        match close {
            Some(close) => {
                // A comment ends at `-->`; an element after its opening tag,
                // and a self-closing `<nowiki />` masks nothing.
                let tag_end = if close == "-->" {
                    start + 4
                } else {
                    rest.find('>').map_or(text.len(), |i| start + i + 1)
                };
                if close != "-->" && lower[start..tag_end].ends_with("/>") {
                    at = tag_end;
                    continue;
                }
                let end = lower[tag_end..]
                    .find(close)
                    .map_or(text.len(), |i| tag_end + i + close.len());
                ranges.push(Span::new(start, end));
                at = end;
            }
            None => at = start + 1,
        }
    }
    ranges
}

fn is_masked(masks: &[Span], offset: usize) -> bool {
    let i = masks.partition_point(|m| m.end <= offset);
    masks.get(i).is_some_and(|m| m.start <= offset)
}

/// Where each template `{{…}}` ends, found in one pass with a stack:
/// `(start, end)` pairs sorted by start. An unclosed `{{` has no pair.
fn template_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut open = Vec::new();
    let mut spans = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'{', b'{') => {
                open.push(i);
                i += 2;
            }
            (b'}', b'}') => {
                if let Some(start) = open.pop() {
                    spans.push((start, i + 2));
                }
                i += 2;
            }
            _ => i += 1,
        }
    }
    spans.sort_unstable();
    spans
}

/// The end of the template that opens at `start`, nested templates
/// included; `None` when it never closes.
fn template_end(templates: &[(usize, usize)], start: usize) -> Option<usize> {
    templates
        .binary_search_by_key(&start, |&(s, _)| s)
        .ok()
        .map(|i| templates[i].1)
}

/// A `<ref …>` tag read from the text.
struct RefTag {
    /// The whole element: opening tag to closing tag.
    element: Span,
    /// The opening tag alone.
    open: Span,
    /// Content between the tags, `None` for `<ref … />`.
    content: Option<Span>,
    name: Option<(String, Span)>,
    group: Option<String>,
}

/// Reads attributes `name="x"`, `name='x'` or `name=x` from an opening tag.
fn attribute(tag: &str, tag_start: usize, wanted: &str) -> Option<(String, Span)> {
    let lower = tag.to_ascii_lowercase();
    let mut search = 0;
    while let Some(found) = lower[search..].find(wanted) {
        let at = search + found;
        search = at + wanted.len();
        let before_ok = at > 0 && lower.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = lower[at + wanted.len()..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value_start_rel = tag.len() - tag[at + wanted.len()..].trim_start().len() + 1;
        let value = tag[value_start_rel..].trim_start();
        let value_start = tag.len() - value.len();
        let (raw, offset) = match value.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let inner = &value[1..];
                let end = inner.find(q).unwrap_or(inner.len());
                (&inner[..end], value_start + 1)
            }
            _ => {
                let end = value
                    .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
                    .unwrap_or(value.len());
                (&value[..end], value_start)
            }
        };
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return None;
        }
        let lead = raw.len() - raw.trim_start().len();
        let start = tag_start + offset + lead;
        return Some((trimmed.to_owned(), Span::new(start, start + trimmed.len())));
    }
    None
}

/// Finds every `<ref>` tag outside masked ranges, in order.
fn ref_tags(text: &str, masks: &[Span]) -> Vec<RefTag> {
    let lower = text.to_ascii_lowercase();
    let mut tags = Vec::new();
    let mut at = 0;
    // Once no `</ref` follows some point, none follows any later point.
    let mut no_close_after = usize::MAX;
    while let Some(found) = lower[at..].find("<ref") {
        let start = at + found;
        at = start + 4;
        let after = lower.as_bytes().get(start + 4).copied();
        if !matches!(after, Some(b' ' | b'>' | b'/' | b'\t' | b'\n')) || is_masked(masks, start) {
            continue; // `<references>` or masked
        }
        let Some(close_rel) = lower[start..].find('>') else {
            break;
        };
        let open_end = start + close_rel + 1;
        let open = Span::new(start, open_end);
        let tag_text = &text[start..open_end];
        let name = attribute(tag_text, start, "name");
        let group = attribute(tag_text, start, "group").map(|(g, _)| g);
        let (element, content) = if tag_text.ends_with("/>") {
            (open, None)
        } else {
            let close = if open_end >= no_close_after {
                None
            } else {
                lower[open_end..].find("</ref")
            };
            if close.is_none() {
                no_close_after = no_close_after.min(open_end);
            }
            match close {
                Some(i) => {
                    let close_start = open_end + i;
                    let close_end = lower[close_start..]
                        .find('>')
                        .map_or(text.len(), |j| close_start + j + 1);
                    (
                        Span::new(start, close_end),
                        Some(Span::new(open_end, close_start)),
                    )
                }
                None => (open, None),
            }
        };
        at = element.end;
        tags.push(RefTag {
            element,
            open,
            content,
            name,
            group,
        });
    }
    tags
}

/// A list: `<references/>`, `<references>…</references>`, `{{reflist…}}`,
/// `{{notelist…}}`. Its span covers any list-defined references inside it.
fn find_lists(
    text: &str,
    masks: &[Span],
    templates: &[(usize, usize)],
) -> Vec<(Group, Span, String)> {
    let lower = text.to_ascii_lowercase();
    let mut lists = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find("<references") {
        let start = at + found;
        at = start + 11;
        if is_masked(masks, start) {
            continue;
        }
        let tag_end = lower[start..]
            .find('>')
            .map_or(text.len(), |i| start + i + 1);
        let tag = &text[start..tag_end];
        let group = if attribute(tag, start, "group").is_some() {
            Group::Notes
        } else {
            Group::Default
        };
        let end = if tag.ends_with("/>") {
            tag_end
        } else {
            lower[tag_end..]
                .find("</references>")
                .map_or(tag_end, |i| tag_end + i + "</references>".len())
        };
        lists.push((group, Span::new(start, end), "references".to_owned()));
        at = end;
    }
    at = 0;
    while let Some(found) = lower[at..].find("{{") {
        let start = at + found;
        at = start + 2;
        if is_masked(masks, start) {
            continue;
        }
        let name_end = lower[start + 2..]
            .find(['|', '}'])
            .map_or(text.len(), |i| start + 2 + i);
        let name = lower[start + 2..name_end].trim();
        let group = match name {
            "references" | "reference list" | "refs" => Group::Default,
            n if n.starts_with("reflist") => Group::Default,
            // {{notelist}}, {{notelist-la}}, {{notelist-ua}}, {{efn list}}…
            "notes" | "efn list" => Group::Notes,
            n if n.starts_with("notelist") => Group::Notes,
            _ => continue,
        };
        let end = template_end(templates, start).unwrap_or(name_end);
        let group = if group == Group::Default && lower[start..end].contains("group=") {
            Group::Notes
        } else {
            group
        };
        lists.push((group, Span::new(start, end), name.to_owned()));
        at = end;
    }
    lists.sort_by_key(|l| l.1.start);
    lists
}

/// A citation found anywhere: a `<ref>` tag or an `{{efn}}` template.
struct Found {
    element: Span,
    marker: Span,
    group: Group,
    name: Option<(String, Span)>,
    content: Option<Span>,
}

/// `{{efn|…}}` notes: `name=` reuses, the rest is the note's text.
fn efn_templates(text: &str, masks: &[Span], templates: &[(usize, usize)]) -> Vec<Found> {
    let lower = text.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(i) = lower[at..].find("{{efn") {
        let start = at + i;
        at = start + 5;
        let next = lower.as_bytes().get(start + 5).copied();
        if !matches!(next, Some(b'|' | b'}' | b' ' | b'-')) || is_masked(masks, start) {
            continue;
        }
        let Some(end) = template_end(templates, start) else {
            continue;
        };
        let inner_start = lower[start..end]
            .find('|')
            .map_or(end - 2, |p| start + p + 1);
        let inner = &text[inner_start..end - 2];
        let mut name = None;
        let mut content = None;
        let mut offset = inner_start;
        for piece in inner.split('|') {
            let trimmed = piece.trim();
            if let Some(value) = trimmed.strip_prefix("name").map(str::trim_start)
                && let Some(value) = value.strip_prefix('=')
            {
                let value = value.trim().trim_matches('"');
                let value_start = offset + piece.find(value).unwrap_or(0);
                name = Some((
                    value.to_owned(),
                    Span::new(value_start, value_start + value.len()),
                ));
            } else if !trimmed.is_empty() {
                let body_start = offset + (piece.len() - piece.trim_start().len());
                content = Some(Span::new(body_start, body_start + trimmed.len()));
            }
            offset += piece.len() + 1;
        }
        found.push(Found {
            element: Span::new(start, end),
            marker: Span::new(start, inner_start.min(end)),
            group: Group::Notes,
            name,
            content,
        });
        at = end;
    }
    found
}

fn maintenance_tags(text: &str, masks: &[Span], templates: &[(usize, usize)], doc: &mut Document) {
    let lower = text.to_ascii_lowercase();
    let mut at = 0;
    while let Some(i) = lower[at..].find("{{") {
        let start = at + i;
        at = start + 2;
        if is_masked(masks, start) {
            continue;
        }
        let name_end = lower[start + 2..]
            .find(['|', '}'])
            .map_or(text.len(), |j| start + 2 + j);
        let name = lower[start + 2..name_end].trim();
        if let Some((_, tag)) = MAINTENANCE_TEMPLATES.iter().find(|(t, _)| *t == name) {
            let end = template_end(templates, start).unwrap_or(name_end);
            doc.tags.push(MaintenanceTag {
                text: (*tag).to_owned(),
                span: Span::new(start, end),
                in_entry: None,
            });
            at = end;
        }
    }
}

/// Parses wikitext into a [`Document`].
pub fn parse(text: &str, _options: &ParseOptions) -> Document {
    let masks = masked_ranges(text);
    let templates = template_spans(text);
    let lists = find_lists(text, &masks, &templates);
    let mut doc = Document::default();
    for mask in &masks {
        if text[mask.range()].starts_with("<!--") {
            directives::collect_in(text, *mask, &mut doc.directives);
        }
    }
    for (group, span, name) in &lists {
        doc.lists.push(RefList {
            group: *group,
            heading: Some(name.clone()),
            span: *span,
            numbered: false,
        });
    }

    let mut found: Vec<Found> = ref_tags(text, &masks)
        .into_iter()
        .map(|tag| Found {
            element: tag.element,
            marker: tag.open,
            group: if tag.group.is_some() {
                Group::Notes
            } else {
                Group::Default
            },
            name: tag.name,
            // `<ref name="x"></ref>` is a reuse, like `<ref name="x"/>`.
            content: tag.content.filter(|c| !text[c.range()].trim().is_empty()),
        })
        .collect();
    found.extend(efn_templates(text, &masks, &templates));
    found.sort_by_key(|f| f.element.start);

    // Definitions first, so a reuse before its definition still finds it.
    let mut defined: HashMap<(Group, String), (usize, String)> = HashMap::new();
    // Anonymous refs are called by the number the rendered page shows them
    // under: distinct refs counted in order of first use in the body.
    let mut shown_count: HashMap<Group, u32> = HashMap::new();
    let mut numbered_names: std::collections::HashSet<(Group, &str)> = Default::default();
    let mut keys = Vec::with_capacity(found.len());
    for f in &found {
        let in_body = list_containing(f.element.start, &lists).is_none();
        let key = match &f.name {
            Some((name, _)) => {
                if in_body && numbered_names.insert((f.group, name.as_str())) {
                    *shown_count.entry(f.group).or_default() += 1;
                }
                Key::Label(name.clone())
            }
            None => {
                let n = shown_count.entry(f.group).or_default();
                *n += 1;
                Key::Number(*n)
            }
        };
        keys.push(key.clone());
        let Some(content) = f.content else {
            if f.name.is_none() {
                // `<ref></ref>` or `<ref/>`: an entry with no text.
                doc.entries
                    .push(entry(text, &masks, f, key, f.element, list_for(f, &lists)));
            }
            continue;
        };
        let body = text[content.range()].trim().to_owned();
        if let Key::Label(name) = &key {
            match defined.get(&(f.group, name.clone())) {
                Some((_, existing)) if *existing == body => continue, // identical redefinition is fine
                _ => {
                    defined.insert((f.group, name.clone()), (doc.entries.len(), body.clone()));
                }
            }
        }
        doc.entries
            .push(entry(text, &masks, f, key, content, list_for(f, &lists)));
    }

    let mut body = ClusterBuilder::new(text, None);
    for (f, key) in found.iter().zip(keys) {
        if list_containing(f.element.start, &lists).is_some() {
            continue; // a list-defined reference is not a use
        }
        body.push(
            RawMarker {
                span: f.element,
                group: f.group,
                items: vec![MarkerItem {
                    key,
                    span: f.marker,
                    from_range: false,
                }],
            },
            &mut doc,
        );
    }
    body.flush(&mut doc);
    maintenance_tags(text, &masks, &templates, &mut doc);
    doc
}

fn list_containing(offset: usize, lists: &[(Group, Span, String)]) -> Option<usize> {
    lists
        .iter()
        .position(|(_, span, _)| span.start <= offset && offset < span.end)
}

/// The list an entry belongs to: the one it is defined in, else the first
/// list of its group.
fn list_for(f: &Found, lists: &[(Group, Span, String)]) -> usize {
    list_containing(f.element.start, lists)
        .or_else(|| lists.iter().position(|(g, _, _)| *g == f.group))
        .unwrap_or(0)
}

fn entry(text: &str, masks: &[Span], f: &Found, key: Key, content: Span, list: usize) -> Entry {
    Entry {
        key,
        group: f.group,
        span: f.element,
        label_span: f.name.as_ref().map(|(_, span)| *span),
        text: text[content.range()].trim().to_owned(),
        text_span: content,
        backlinks: None,
        list,
        links: links_in(text, content, Escapes::Entities, masks),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        parse(text, &ParseOptions::default())
    }

    #[test]
    fn definitions_and_reuses() {
        let d = doc(
            "A.<ref name=\"a\">Smith.</ref> B.<ref name=a /> C.<ref>Jones.</ref>\n\n{{reflist}}\n",
        );
        assert_eq!(d.entries.len(), 2);
        assert_eq!(d.citations.len(), 3);
        assert_eq!(d.lists.len(), 1);
        assert_eq!(d.entries[0].key, Key::Label("a".into()));
        // The page shows the anonymous ref as [2]: "a" was [1].
        assert_eq!(d.entries[1].key, Key::Number(2));
    }

    #[test]
    fn list_defined_references_are_not_uses() {
        let d = doc(
            "A.<ref name=\"a\"/>\n{{reflist|refs=\n<ref name=\"a\">Smith.</ref>\n<ref name=\"b\">Unused.</ref>\n}}\n",
        );
        assert_eq!(d.citations.len(), 1);
        assert_eq!(d.entries.len(), 2);
    }

    #[test]
    fn adjacent_refs_form_one_cluster_and_comments_are_skipped() {
        let d = doc(
            "A.<ref>X.</ref><ref>Y.</ref> <!-- <ref>Z.</ref> --> B.<nowiki><ref>W</ref></nowiki>\n<references />",
        );
        assert_eq!(d.citations.len(), 2);
        assert_eq!(d.clusters.len(), 1);
    }

    #[test]
    fn notes_and_tags() {
        let d = doc(
            "A.{{efn|A note.}} B.<ref group=\"n\">Other.</ref>{{cn|date=May 2020}}\n{{notelist}}\n{{reflist}}",
        );
        assert!(d.citations.iter().all(|c| c.group == Group::Notes));
        assert_eq!(d.tags.len(), 1);
        assert_eq!(d.tags[0].text, "citation needed");
    }

    #[test]
    fn attributes_in_every_quoting_style() {
        assert_eq!(attribute("<ref name='x y'>", 0, "name").unwrap().0, "x y");
        assert_eq!(attribute("<ref name=abc/>", 0, "name").unwrap().0, "abc");
        assert_eq!(
            attribute("<ref group=n name = \"q\" >", 0, "name")
                .unwrap()
                .0,
            "q"
        );
        assert!(attribute("<ref>", 0, "name").is_none());
    }
}
