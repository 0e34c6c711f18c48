//! The rule registry.
//!
//! One rule per file. Each file defines a `pub const RULE: Rule` with its code,
//! kebab-case name, default severity, whether it is on by default, a doc text
//! (What it does / Why it matters / Example) and its check function. A rule
//! sees the [`Context`] — the document model, the citation index and the
//! options — and never the input format.

use std::sync::OnceLock;

use crate::checker::CitationIndex;
use crate::diagnostic::{Diagnostic, Severity};
use crate::links::{self, EntryLinks};
use crate::model::{Document, Entry};
use crate::source::{DecodeNote, Span};

pub(crate) mod archive_available;
pub(crate) mod archive_date_mismatch;
pub(crate) mod archive_not_exact;
mod archive_target_mismatch;
mod archived_without_link;
mod backlink_mismatch;
pub(crate) mod broken_archive;
mod citation_overkill;
mod citation_spacing;
pub(crate) mod dead_link;
mod duplicate_number;
mod duplicate_source;
mod empty_reference;
mod first_use_order;
mod input_problem;
mod invalid_date;
pub(crate) mod link_unknown;
mod list_numbering;
mod maintenance_tag;
mod malformed_archive_url;
mod malformed_citation;
mod missing_reference;
mod missing_reference_list;
pub mod repeated_citation;
mod unsorted_cluster;
mod unused_reference;
pub(crate) mod unused_suppression;

/// Options some rules take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleOptions {
    /// `citation-overkill`: the most citations one claim may carry.
    pub overkill_max: usize,
    /// Hosts (or `host/path` prefixes) whose URLs are archived copies, not
    /// sources; [`links::DEFAULT_ARCHIVE_HOSTS`] unless configured.
    pub archive_hosts: Vec<String>,
    /// Today's date, for "archived in the future"; the system clock (UTC)
    /// when `None`. Tests pin it.
    pub today: Option<jiff::civil::Date>,
}

impl Default for RuleOptions {
    fn default() -> Self {
        RuleOptions {
            overkill_max: 3,
            archive_hosts: links::default_archive_hosts(),
            today: None,
        }
    }
}

impl RuleOptions {
    /// [`RuleOptions::today`], or the system clock's date in UTC.
    pub fn today(&self) -> jiff::civil::Date {
        self.today.unwrap_or_else(|| {
            jiff::tz::Offset::UTC
                .to_datetime(jiff::Timestamp::now())
                .date()
        })
    }
}

/// What a rule gets to look at.
pub struct Context<'a> {
    /// The parsed document.
    pub doc: &'a Document,
    /// The file's text, for quoting.
    pub text: &'a str,
    /// Keys to entries and uses, built once per file.
    pub index: &'a CitationIndex,
    /// Rule options.
    pub options: &'a RuleOptions,
    /// Problems met while decoding the file.
    pub decode_notes: &'a [DecodeNote],
    /// Every entry's links and stated dates, read on first use.
    pub(crate) links: OnceLock<Vec<EntryLinks>>,
}

impl Context<'_> {
    /// The links and stated dates of every entry, indexed by entry, read
    /// once per file by whichever rule asks first.
    pub fn entry_links(&self) -> &[EntryLinks] {
        self.links
            .get_or_init(|| links::document_links(self.doc, self.text, &self.options.archive_hosts))
    }

    /// A short primary span for findings about an entry: its printed number,
    /// or its first word when the list prints none. The snippet still shows
    /// the whole line.
    pub fn entry_head(&self, entry: &Entry) -> Span {
        if let Some(label) = entry.label_span {
            return label;
        }
        let start = entry.span.start;
        let end = self.text[start..entry.span.end]
            .find(char::is_whitespace)
            .map_or(entry.span.end, |i| start + i);
        Span::new(start, end.max(start))
    }

    /// How an entry is named in messages: `entry 12`, `note a`.
    pub fn entry_name(&self, entry: &Entry) -> String {
        match entry.group {
            crate::model::Group::Default => format!("entry {}", entry.key.entry_name()),
            crate::model::Group::Notes => format!("note {}", entry.key.entry_name()),
        }
    }
}

/// A lint rule.
#[derive(Debug)]
pub struct Rule {
    /// Stable code, e.g. `CIT001`.
    pub code: &'static str,
    /// Kebab-case name, e.g. `missing-reference`.
    pub name: &'static str,
    /// Severity unless configured otherwise.
    pub default_severity: Severity,
    /// Whether the rule runs without being selected.
    pub default_enabled: bool,
    /// One line saying what the rule finds.
    pub summary: &'static str,
    /// The full doc text: What it does / Why it matters / Example.
    pub doc: &'static str,
    /// Appends the rule's findings to `out`.
    pub check: fn(&Context<'_>, &mut Vec<Diagnostic>),
}

impl Rule {
    /// A new finding of this rule at its default severity.
    pub fn diagnostic(&'static self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.code, self.name, self.default_severity, span, message)
    }
}

/// Every rule, ordered by code.
pub static RULES: &[&Rule] = &[
    &missing_reference::RULE,
    &unused_reference::RULE,
    &duplicate_number::RULE,
    &duplicate_source::RULE,
    &backlink_mismatch::RULE,
    &list_numbering::RULE,
    &repeated_citation::RULE,
    &unsorted_cluster::RULE,
    &first_use_order::RULE,
    &citation_spacing::RULE,
    &empty_reference::RULE,
    &maintenance_tag::RULE,
    &citation_overkill::RULE,
    &malformed_citation::RULE,
    &missing_reference_list::RULE,
    &input_problem::RULE,
    &unused_suppression::RULE,
    &archive_date_mismatch::RULE,
    &malformed_archive_url::RULE,
    &archive_target_mismatch::RULE,
    &archived_without_link::RULE,
    &invalid_date::RULE,
    &dead_link::RULE,
    &broken_archive::RULE,
    &archive_not_exact::RULE,
    &archive_available::RULE,
    &link_unknown::RULE,
];

/// The rules whose findings come from the online pass (`check --online`),
/// not from a document.
pub static ONLINE_RULES: &[&Rule] = &[
    &dead_link::RULE,
    &broken_archive::RULE,
    &archive_not_exact::RULE,
    &archive_available::RULE,
    &link_unknown::RULE,
];

/// The check of the online rules: they find nothing in a document.
pub(crate) fn online_pass_only(_: &Context<'_>, _: &mut Vec<Diagnostic>) {}

/// Whether `rule` is produced by the online pass only.
pub fn is_online(rule: &Rule) -> bool {
    ONLINE_RULES.iter().any(|r| r.code == rule.code)
}

/// Finds a rule by code (`CIT001`, case-insensitive) or name (`missing-reference`).
pub fn find(code_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// Position of a rule in [`RULES`].
pub fn position(rule: &Rule) -> usize {
    RULES
        .iter()
        .position(|r| r.code == rule.code)
        .expect("every rule is registered")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_docs_complete() {
        let mut codes = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for rule in RULES {
            assert!(codes.insert(rule.code), "duplicate code {}", rule.code);
            assert!(names.insert(rule.name), "duplicate name {}", rule.name);
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-')
            );
            for section in ["## What it does", "## Why it matters", "## Example"] {
                assert!(rule.doc.contains(section), "{} lacks {section}", rule.code);
            }
        }
        let mut sorted: Vec<_> = RULES.iter().map(|r| r.code).collect();
        sorted.sort();
        assert_eq!(sorted, RULES.iter().map(|r| r.code).collect::<Vec<_>>());
    }

    #[test]
    fn find_by_code_or_name() {
        assert_eq!(find("cit001").map(|r| r.name), Some("missing-reference"));
        assert_eq!(find("unused-reference").map(|r| r.code), Some("CIT002"));
        assert!(find("nope").is_none());
    }
}
