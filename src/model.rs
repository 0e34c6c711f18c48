//! The format-neutral document model.
//!
//! Every parser, whatever its input family, produces a [`Document`]. Rules look
//! only at this model, never at the input format.

use std::fmt;

use serde::Serialize;

use crate::source::Span;

/// Which citation family a key belongs to. Each group is checked on its own.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// Ordinary references: `[3]`, `[^note]`, `<sup>[3]</sup>`.
    #[default]
    Default,
    /// Explanatory notes with their own list: `[a]`, `[note 1]`, `[nb 2]`.
    Notes,
}

impl Group {
    /// The name used in output: `default` or `notes`.
    pub fn as_str(self) -> &'static str {
        match self {
            Group::Default => "default",
            Group::Notes => "notes",
        }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The key that ties citations to an entry: a number (`[3]`) or a label
/// (`[^smith]`, `[a]`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// A numbered reference.
    Number(u32),
    /// A labelled reference (footnote label, note letter, wikitext ref name).
    Label(String),
}

impl Key {
    /// The number, if this is a numbered key.
    pub fn number(&self) -> Option<u32> {
        match self {
            Key::Number(n) => Some(*n),
            Key::Label(_) => None,
        }
    }
}

impl Key {
    /// The key as a marker in messages: `[10]` for numbers, `"smith"` for labels.
    pub fn marker(&self) -> String {
        match self {
            Key::Number(n) => format!("[{n}]"),
            Key::Label(label) => format!("\"{label}\""),
        }
    }

    /// The key after "entry" in messages: `10`, or `"smith"` for labels.
    pub fn entry_name(&self) -> String {
        match self {
            Key::Number(n) => n.to_string(),
            Key::Label(label) if label.len() <= 2 => label.clone(),
            Key::Label(label) => format!("\"{label}\""),
        }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Number(n) => write!(f, "{n}"),
            Key::Label(label) => f.write_str(label),
        }
    }
}

/// Index of an entry in [`Document::entries`].
pub type EntryId = usize;

/// Index of a cluster in [`Document::clusters`].
pub type ClusterId = usize;

/// One use of a key: a marker, or one number of a marker that lists several
/// (`[2, 5]` yields two citations; `[3–5]` yields three).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    /// The key cited.
    pub key: Key,
    /// The group the key belongs to.
    pub group: Group,
    /// Where the use is written: the number itself where it can be told apart,
    /// otherwise the whole marker.
    pub span: Span,
    /// The cluster (adjacent markers) this use belongs to.
    pub cluster: ClusterId,
    /// Set when the marker sits inside a reference entry (a note that bundles
    /// several citations) rather than in the body.
    pub in_entry: Option<EntryId>,
    /// True when the use comes from expanding a range such as `[3–5]`.
    pub from_range: bool,
}

/// Markers written next to each other with nothing but separators between
/// them: `.[3][6][7]` or `[2, 5]`. One cluster supports one claim.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cluster {
    /// From the first marker's opening to the last marker's close.
    pub span: Span,
    /// Indices into [`Document::citations`] of the uses in this cluster, in order.
    pub citations: Vec<usize>,
    /// Number of separate markers written (`[3][6]` is 2, `[3, 6]` is 1).
    pub markers: usize,
    /// Whitespace sits between the preceding word and the first marker.
    pub space_before: bool,
    /// Punctuation that directly follows the cluster (`claim[3].`).
    pub punctuation_after: Option<char>,
    /// Set when the cluster sits inside a reference entry.
    pub in_entry: Option<EntryId>,
}

/// One entry of a reference list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key the entry answers to (its printed number, or its position).
    pub key: Key,
    /// The group of the list this entry belongs to.
    pub group: Group,
    /// The whole entry including its number, backlinks and continuation lines.
    pub span: Span,
    /// The printed number or label, when there is one.
    pub label_span: Option<Span>,
    /// The entry's text without number and backlinks, continuation lines joined.
    pub text: String,
    /// Where the text starts.
    pub text_span: Span,
    /// How many uses the list's backlinks claim, when the format shows them
    /// (`^` = 1, `^ a b c` = 3, three `#cite_ref` links = 3).
    pub backlinks: Option<u32>,
    /// The list this entry belongs to.
    pub list: usize,
    /// Every web address written in the entry, in source order: bare URLs,
    /// link targets, `href`s, citation-template URL parameters. Empty (and
    /// unallocated) for most entries. [`crate::links`] classifies them.
    pub links: Vec<Link>,
}

/// A web address written in a reference entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The URL with character references (and Markdown escapes) decoded; a
    /// bare `www.…` address gets `http://` in front.
    pub url: String,
    /// Where the URL is written: the URL text itself, or for HTML the value
    /// of the `href` attribute.
    pub span: Span,
}

/// A reference (or notes) list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefList {
    /// The group the list serves.
    pub group: Group,
    /// The heading above the list, if any.
    pub heading: Option<String>,
    /// From the first entry to the end of the last.
    pub span: Span,
    /// Whether entries print their own numbers (and so can skip or repeat).
    pub numbered: bool,
}

/// A maintenance tag left in the text: `[citation needed]`, `[dead link]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaintenanceTag {
    /// The tag's text without brackets, e.g. `citation needed`.
    pub text: String,
    /// The bracketed tag.
    pub span: Span,
    /// Set when the tag sits inside a reference entry.
    pub in_entry: Option<EntryId>,
}

/// A marker that looks like a citation but cannot be read as one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MalformedMarker {
    /// The marker as written.
    pub text: String,
    /// Where it is.
    pub span: Span,
    /// What is wrong, for the diagnostic message.
    pub problem: String,
}

/// Something the parser could not make sense of, reported as a diagnostic
/// instead of being dropped silently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseNote {
    /// Where.
    pub span: Span,
    /// What.
    pub message: String,
}

/// What a suppression comment does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DirectiveKind {
    /// `<!-- citelint-disable … -->`: off from here until an `enable`.
    Disable,
    /// `<!-- citelint-enable … -->`: back on from here.
    Enable,
    /// `<!-- citelint-disable-line … -->`: off on the comment's own line.
    DisableLine,
    /// `<!-- citelint-disable-next-line … -->`: off on the line after the comment.
    DisableNextLine,
    /// `<!-- citelint-disable-file … -->`: off in the whole file.
    DisableFile,
}

impl DirectiveKind {
    /// The directive as written after `citelint-`.
    pub fn as_str(self) -> &'static str {
        match self {
            DirectiveKind::Disable => "disable",
            DirectiveKind::Enable => "enable",
            DirectiveKind::DisableLine => "disable-line",
            DirectiveKind::DisableNextLine => "disable-next-line",
            DirectiveKind::DisableFile => "disable-file",
        }
    }
}

/// A suppression comment in a format that has comments (Markdown, HTML,
/// wikitext): `<!-- citelint-disable CIT002 -->`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// What it does.
    pub kind: DirectiveKind,
    /// The rules it names, as written (codes or names), each with its span.
    /// Empty means every rule.
    pub rules: Vec<(String, Span)>,
    /// The whole comment.
    pub span: Span,
}

/// A parsed article: body citations, lists and their entries, tags.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    /// Every citation use, in source order.
    pub citations: Vec<Citation>,
    /// Clusters of adjacent markers, in source order.
    pub clusters: Vec<Cluster>,
    /// Every reference entry, in source order.
    pub entries: Vec<Entry>,
    /// The lists the entries belong to.
    pub lists: Vec<RefList>,
    /// Maintenance tags in body and lists.
    pub tags: Vec<MaintenanceTag>,
    /// Markers that could not be read.
    pub malformed: Vec<MalformedMarker>,
    /// Parser notes.
    pub notes: Vec<ParseNote>,
    /// Suppression comments, in source order.
    pub directives: Vec<Directive>,
}

impl Document {
    /// Number of citation uses in the body (not inside reference entries).
    pub fn body_citation_count(&self) -> usize {
        self.citations
            .iter()
            .filter(|c| c.in_entry.is_none())
            .count()
    }

    /// Number of entries in the default group.
    pub fn default_entry_count(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| e.group == Group::Default)
            .count()
    }
}
