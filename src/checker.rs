//! The checker: builds the citation ↔ entry index once, runs the enabled rules
//! and resolves positions.

use std::collections::HashMap;

/// Keys come from one file; a fast non-cryptographic hasher suffices.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

use crate::diagnostic::Diagnostic;
use crate::model::{Document, EntryId, Group, Key};
use crate::rules::{self, Context, RULES};
use crate::settings::RuleSet;
use crate::source::SourceFile;
use crate::suppression;

/// Entries and uses of one key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyUses {
    /// Entries that carry the key (more than one is a duplicate number).
    pub entries: Vec<EntryId>,
    /// Indices into [`Document::citations`] of every use, in source order.
    pub uses: Vec<usize>,
}

/// Keys to entries and uses, per group. Built in one pass over the document.
#[derive(Clone, Debug, Default)]
pub struct CitationIndex {
    keys: FastMap<(Group, Key), KeyUses>,
    /// Keys in order of first appearance (first use, or entry if never used).
    order: Vec<(Group, Key)>,
    lists_per_group: FastMap<Group, usize>,
}

impl CitationIndex {
    /// Indexes `doc`.
    pub fn new(doc: &Document) -> Self {
        let mut index = CitationIndex::default();
        for (i, citation) in doc.citations.iter().enumerate() {
            index.slot(citation.group, &citation.key).uses.push(i);
        }
        for (id, entry) in doc.entries.iter().enumerate() {
            index.slot(entry.group, &entry.key).entries.push(id);
        }
        for list in &doc.lists {
            *index.lists_per_group.entry(list.group).or_default() += 1;
        }
        index
    }

    fn slot(&mut self, group: Group, key: &Key) -> &mut KeyUses {
        let lookup = (group, key.clone());
        if !self.keys.contains_key(&lookup) {
            self.order.push(lookup.clone());
        }
        self.keys.entry(lookup).or_default()
    }

    /// Entries and uses of `key` in `group`.
    pub fn get(&self, group: Group, key: &Key) -> Option<&KeyUses> {
        self.keys.get(&(group, key.clone()))
    }

    /// Every key with its entries and uses, in order of first appearance.
    pub fn iter(&self) -> impl Iterator<Item = (Group, &Key, &KeyUses)> {
        self.order
            .iter()
            .map(|(group, key)| (*group, key, &self.keys[&(*group, key.clone())]))
    }

    /// Whether `group` has at least one reference list.
    pub fn has_list(&self, group: Group) -> bool {
        self.lists_per_group.get(&group).copied().unwrap_or(0) > 0
    }
}

/// Runs the enabled rules over a parsed document and returns the findings with
/// positions resolved, sorted by position.
pub fn check(
    source: &SourceFile,
    doc: &Document,
    rule_set: &RuleSet,
    options: &rules::RuleOptions,
) -> Vec<Diagnostic> {
    let index = CitationIndex::new(doc);
    let ctx = Context {
        doc,
        text: source.text(),
        index: &index,
        options,
        decode_notes: source.decode_notes(),
        links: std::sync::OnceLock::new(),
    };
    let mut diagnostics = Vec::new();
    for (position, rule) in RULES.iter().enumerate() {
        let Some(severity) = rule_set.severity_at(position) else {
            continue;
        };
        let before = diagnostics.len();
        (rule.check)(&ctx, &mut diagnostics);
        if let Some(forced) = severity.forced() {
            for diagnostic in &mut diagnostics[before..] {
                diagnostic.severity = forced;
            }
        }
    }
    diagnostics.sort_by(by_position);
    resolve_positions(source, &mut diagnostics);
    if !doc.directives.is_empty() {
        let mut unused = suppression::apply(
            &doc.directives,
            source.line_index(),
            rule_set,
            &mut diagnostics,
        );
        if !unused.is_empty() {
            resolve_positions(source, &mut unused);
            diagnostics.append(&mut unused);
            diagnostics.sort_by(by_position);
        }
    }
    for d in &mut diagnostics {
        make_printable(d);
    }
    assign_fingerprints(source.text(), &mut diagnostics);
    diagnostics
}

/// Replaces control characters (an ESC in a footnote label, say) in a
/// finding's texts with U+FFFD: messages quote the article, and an article
/// must never be able to drive the terminal or break a CI log line.
/// Newlines and tabs stay. The raw key is still in `key`.
fn make_printable(d: &mut Diagnostic) {
    fn clean(text: &mut String) {
        let bad = |c: char| c.is_control() && c != '\n' && c != '\t';
        if text.contains(bad) {
            *text = text
                .chars()
                .map(|c| if bad(c) { '\u{fffd}' } else { c })
                .collect();
        }
    }
    clean(&mut d.message);
    if let Some(help) = &mut d.help {
        clean(help);
    }
    for related in &mut d.related {
        clean(&mut related.message);
    }
}

/// Adds findings made after [`check`] (the online pass) to a file's sorted,
/// fingerprinted findings: positions are resolved, the whole list is sorted
/// again (stably, so earlier findings keep their order and fingerprints)
/// and fingerprints are assigned afresh.
pub fn add_findings(
    source: &SourceFile,
    directives: &[crate::model::Directive],
    diagnostics: &mut Vec<Diagnostic>,
    mut extra: Vec<Diagnostic>,
) {
    if extra.is_empty() {
        return;
    }
    resolve_positions(source, &mut extra);
    // Suppression comments apply to these findings too.
    extra.sort_by(by_position);
    suppression::hide(directives, source.line_index(), &mut extra);
    diagnostics.append(&mut extra);
    diagnostics.sort_by(by_position);
    assign_fingerprints(source.text(), diagnostics);
}

/// The order of findings in a file: by primary position, then rule.
fn by_position(a: &Diagnostic, b: &Diagnostic) -> std::cmp::Ordering {
    (a.span.start, a.code, a.span.end).cmp(&(b.span.start, b.code, b.span.end))
}

/// Bytes of context before the primary span that go into a fingerprint: the
/// end of the claim a marker supports, enough to tell two uses of one key
/// apart. Text after the span stays out, so a sentence added after a
/// marker (Wikipedia paragraphs are single long lines) changes nothing.
const FINGERPRINT_CONTEXT: usize = 32;
/// Most bytes of the span itself that go into a fingerprint (entry-level
/// findings span a whole entry).
const FINGERPRINT_SPAN: usize = 96;

/// Gives every diagnostic a fingerprint that survives edits elsewhere in the
/// file: a hash of the rule, the key(s) and the whitespace-normalised text of
/// the primary span and a few words before it on its line. Line numbers never go in. When
/// two findings would share one, later ones hash in their occurrence number
/// so fingerprints are unique within the file.
pub fn assign_fingerprints(text: &str, diagnostics: &mut [Diagnostic]) {
    let mut seen: FastMap<u64, u32> = FastMap::default();
    for d in diagnostics.iter_mut() {
        let mut material = String::with_capacity(160);
        material.push_str(d.code);
        material.push('\0');
        material.push_str(d.group.map_or("", |g| g.as_str()));
        material.push('\0');
        material.push_str(d.key.as_deref().unwrap_or(""));
        for key in &d.keys {
            material.push('\0');
            material.push_str(key);
        }
        material.push('\0');
        push_normalised(&mut material, context(text, d.span.start, d.span.end));
        let base = xxhash_rust::xxh3::xxh3_64(material.as_bytes());
        let occurrence = seen.entry(base).or_insert(0);
        let hash = if *occurrence == 0 {
            base
        } else {
            material.push_str(&format!("\0#{occurrence}"));
            xxhash_rust::xxh3::xxh3_64(material.as_bytes())
        };
        *occurrence += 1;
        d.fingerprint = hex16(hash);
    }
}

/// `hash` as 16 lowercase hex digits (what `{:016x}` gives, without the
/// formatting machinery: this runs for every finding).
fn hex16(hash: u64) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    (0..16)
        .rev()
        .map(|i| char::from(DIGITS[((hash >> (i * 4)) & 0xf) as usize]))
        .collect()
}

/// The text of `start..end` and a few words before it, on its own line.
fn context(text: &str, start: usize, end: usize) -> &str {
    use crate::parse::floor_char_boundary;
    let start = floor_char_boundary(text, start.min(text.len()));
    let end = floor_char_boundary(text, end.clamp(start, text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let end = floor_char_boundary(text, end.min(line_end).min(start + FINGERPRINT_SPAN));
    let from = floor_char_boundary(
        text,
        start.saturating_sub(FINGERPRINT_CONTEXT).max(line_start),
    );
    &text[from..end]
}

/// Appends `s` lower-cased with runs of white space collapsed to one space.
fn push_normalised(out: &mut String, s: &str) {
    let mut space = false;
    for c in s.trim().chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
}

fn resolve_positions(source: &SourceFile, diagnostics: &mut [Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let mut offsets = Vec::new();
    for d in diagnostics.iter() {
        offsets.push(d.span.start);
        offsets.push(d.span.end);
        for related in &d.related {
            offsets.push(related.span.start);
            offsets.push(related.span.end);
        }
    }
    let positions = source.line_index().positions(source.text(), &offsets);
    let mut next = positions.into_iter();
    for d in diagnostics.iter_mut() {
        d.start = next.next().unwrap_or_default();
        d.end = next.next().unwrap_or_default();
        for related in &mut d.related {
            related.start = next.next().unwrap_or_default();
            related.end = next.next().unwrap_or_default();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    fn fingerprints(text: &str) -> Vec<(&'static str, String)> {
        let source = SourceFile::from_text("a.txt", text);
        crate::lint(&source, &Settings::default())
            .diagnostics
            .into_iter()
            .map(|d| (d.code, d.fingerprint))
            .collect()
    }

    #[test]
    fn fingerprints_survive_edits_elsewhere_and_are_unique() {
        let before = "Intro line.\nIt had an airport.[1] It was shelled.[2]\nAgain.[2]\n\n\
                      References\n  1. ^ a b Smith (2004).\n";
        let after = "A new first paragraph.\n\nIntro line, reworded.\nIt had an airport.[1] It was shelled.[2]\nAgain.[2]\n\n\
                     References\n  1. ^ a b Smith (2004).\n";
        let a = fingerprints(before);
        let b = fingerprints(after);
        assert!(!a.is_empty());
        assert_eq!(a, b, "line moves must not change fingerprints");
        let mut unique: Vec<_> = a.iter().map(|(_, f)| f.clone()).collect();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), a.len());
        assert!(a.iter().all(|(_, f)| f.len() == 16));
    }

    #[test]
    fn messages_carry_no_control_characters() {
        let text = "Claim.[^a\u{1}b]\n\n## Notes\n\n[^x]: X.\n";
        let source = SourceFile::from_text("a.md", text);
        let report = crate::lint(&source, &Settings::default());
        let missing = report.diagnostics.iter().find(|d| d.code == "CIT001");
        let missing = missing.expect("the label with a control character is cited");
        assert!(
            missing.message.contains("a\u{fffd}b"),
            "{:?}",
            missing.message
        );
        assert_eq!(missing.key.as_deref(), Some("a\u{1}b"), "the key stays raw");
    }

    #[test]
    fn hex16_matches_format() {
        for hash in [0, 1, 0xdead_beef, u64::MAX, 0x0123_4567_89ab_cdef] {
            assert_eq!(hex16(hash), format!("{hash:016x}"));
        }
    }

    #[test]
    fn fingerprints_change_with_the_key() {
        let one = fingerprints("Text.[2]\n\nReferences\n  1. ^ A.\n");
        let other = fingerprints("Text.[3]\n\nReferences\n  1. ^ A.\n");
        let missing = |v: &[(&str, String)]| {
            v.iter()
                .find(|(c, _)| *c == "CIT001")
                .map(|(_, f)| f.clone())
        };
        assert_ne!(missing(&one), missing(&other));
    }
}
