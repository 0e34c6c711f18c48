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
    resolve_positions(source, &mut diagnostics);
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.code, a.span.end).cmp(&(b.span.start, b.code, b.span.end))
    });
    diagnostics
}

fn resolve_positions(source: &SourceFile, diagnostics: &mut [Diagnostic]) {
    if diagnostics.is_empty() {
        return;
    }
    let mut offsets = Vec::new();
    for d in diagnostics.iter() {
        offsets.push(d.span.start);
        offsets.push(d.span.end);
        offsets.extend(d.related.iter().map(|r| r.span.start));
    }
    let positions = source.line_index().positions(source.text(), &offsets);
    let mut next = positions.into_iter();
    for d in diagnostics.iter_mut() {
        d.start = next.next().unwrap_or_default();
        d.end = next.next().unwrap_or_default();
        for related in &mut d.related {
            related.start = next.next().unwrap_or_default();
        }
    }
}
