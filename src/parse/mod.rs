//! Input formats: detection and dispatch.
//!
//! Each family has its own parser; all of them return the same
//! [`Document`]. Heuristics (where the list starts, what is not a citation)
//! live in the parsers, never in the rules.

pub mod backlinks;
mod directives;
pub mod html;
pub mod markdown;
pub mod markers;
pub mod paper;
mod text;
pub mod wikipedia_text;
pub mod wikitext;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::Serialize;

use crate::model::{Document, Group};
use crate::source::SourceFile;
use markers::MarkerContext;

/// An input family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Plain text copied from a rendered Wikipedia page (`N. ^ a b text` lists).
    WikipediaText,
    /// Markdown copies of articles and Markdown drafts, GFM footnotes.
    Markdown,
    /// HTML of a rendered page.
    Html,
    /// Academic papers in plain text: `[1]`, `[2, 5]`, `[3–7]`, a References list.
    Paper,
    /// Wikitext source: `<ref>` tags, named reuse, `{{reflist}}`.
    Wikitext,
}

impl Format {
    /// Every format, in the order `--input-format` lists them.
    pub const ALL: [Format; 5] = [
        Format::WikipediaText,
        Format::Markdown,
        Format::Html,
        Format::Paper,
        Format::Wikitext,
    ];

    /// The kebab-case name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Format::WikipediaText => "wikipedia-text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Paper => "paper",
            Format::Wikitext => "wikitext",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Format::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown input format `{s}` (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// Picks a format from the file name and, for plain text, from the content.
pub fn detect(path: &str, text: &str) -> Format {
    let lower = path.to_ascii_lowercase();
    let extension = lower.rsplit_once('.').map(|(_, ext)| ext).unwrap_or("");
    match extension {
        "md" | "markdown" | "mdown" | "mkd" => Format::Markdown,
        "html" | "htm" | "xhtml" => Format::Html,
        // A `.wiki` file is wikitext, unless it holds a rendered copy
        // (a caret list and no `<ref>` tags).
        "wiki" | "wikitext" | "mediawiki"
            if !wikitext::looks_like(text) && wikipedia_text::looks_like(text) =>
        {
            Format::WikipediaText
        }
        "wiki" | "wikitext" | "mediawiki" => Format::Wikitext,
        _ => detect_from_content(text),
    }
}

fn detect_from_content(text: &str) -> Format {
    let head = &text[..floor_char_boundary(text, 4096)];
    let head_lower = head.trim_start().to_ascii_lowercase();
    if head_lower.starts_with("<!doctype html")
        || head_lower.starts_with("<html")
        || head.contains("<sup class=\"reference\"")
    {
        return Format::Html;
    }
    // Links to `#cite_note`/`#cite_ref` anchors are Markdown even when the
    // list also shows `1. ^ …` carets.
    if markdown::looks_like(text) {
        return Format::Markdown;
    }
    if wikipedia_text::looks_like(text) {
        return Format::WikipediaText;
    }
    if wikitext::looks_like(text) {
        return Format::Wikitext;
    }
    if text.contains("[^") {
        return Format::Markdown;
    }
    Format::Paper
}

fn has_lone_cr(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n'))
}

fn lone_cr_to_lf(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    // Swapping one ASCII byte for another keeps the text valid UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The largest char boundary at or below `index`.
pub(crate) fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// Options every parser takes.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// Maintenance tags to recognise, lowercased (`None`: the built-in
    /// list). Shared by every file the settings govern.
    pub tags: Option<Arc<[String]>>,
}

impl ParseOptions {
    pub(crate) fn marker_context(&self, max_entry_number: Option<u32>) -> MarkerContext {
        let mut ctx = MarkerContext::new(max_entry_number);
        if let Some(tags) = &self.tags {
            ctx.tags = Arc::clone(tags);
        }
        ctx
    }
}

/// Parses `source` as `format`.
pub fn parse(source: &SourceFile, format: Format, options: &ParseOptions) -> Document {
    // Old Mac line ends (a lone CR) become LF, byte for byte, so that every
    // parser sees lines and every span still points at the same bytes.
    let normalised;
    let mut text = source.text();
    if has_lone_cr(text) {
        normalised = lone_cr_to_lf(text);
        text = &normalised;
    }
    match format {
        Format::WikipediaText => wikipedia_text::parse(text, options),
        Format::Markdown => markdown::parse(text, options),
        Format::Html => html::parse(text, options),
        Format::Paper => paper::parse(text, options),
        Format::Wikitext => wikitext::parse(text, options),
    }
}

/// What a heading line says about the list below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeadingKind {
    /// References, Citations, Sources, Works cited…: the numbered list.
    References,
    /// Notes, Explanatory notes, Footnotes: possibly a separate notes list.
    Notes,
    /// Bibliography, Further reading, External links, See also…: not a
    /// numbered list, and the end of the body.
    Other,
}

/// Recognises section headings that introduce (or follow) a reference list.
/// `line` is the heading text without markup.
pub fn heading_kind(line: &str) -> Option<HeadingKind> {
    let trimmed = line.trim();
    let trimmed = trimmed.strip_suffix("[edit]").unwrap_or(trimmed);
    let cleaned =
        trimmed.trim_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '#' | '=' | '*'));
    // Called on every line: prose is far longer than any heading below
    // (22 bytes, plus a section number), so skip lowercasing it.
    if cleaned.len() > 48 {
        return None;
    }
    let cleaned = cleaned.to_lowercase();
    let cleaned = cleaned.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
    match cleaned {
        "references"
        | "reference"
        | "citations"
        | "sources"
        | "works cited"
        | "cited works"
        | "references and notes"
        | "notes and references"
        | "literature cited"
        | "reference list"
        | "literature"
        | "endnotes"
        | "bibliography and notes" => Some(HeadingKind::References),
        "notes"
        | "explanatory notes"
        | "footnotes"
        | "note"
        | "informational notes"
        | "general notes"
        | "annotations" => Some(HeadingKind::Notes),
        "bibliography"
        | "further reading"
        | "external links"
        | "see also"
        | "general references"
        | "sources cited"
        | "selected bibliography"
        | "appendix"
        | "acknowledgements"
        | "acknowledgments" => Some(HeadingKind::Other),
        _ => None,
    }
}

/// Decides the group of each list from its heading, its key style and the
/// other lists: a lettered list is always notes; a Notes-headed list is notes
/// when another list can be the references (one not headed Notes, wherever
/// it stands), or, when every list is headed Notes, when another follows it.
pub(crate) fn assign_list_groups(headings: &[(Option<HeadingKind>, bool)]) -> Vec<Group> {
    let count = headings.len();
    let other_list_for_references = |i: usize| {
        headings
            .iter()
            .enumerate()
            .any(|(j, &(kind, lettered))| j != i && !lettered && kind != Some(HeadingKind::Notes))
    };
    headings
        .iter()
        .enumerate()
        .map(|(i, &(kind, lettered))| {
            let notes_heading = kind == Some(HeadingKind::Notes);
            if lettered
                || (notes_heading && (other_list_for_references(i) || (count > 1 && i + 1 < count)))
            {
                Group::Notes
            } else {
                Group::Default
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_extension_then_content() {
        assert_eq!(detect("a.md", ""), Format::Markdown);
        assert_eq!(detect("a.HTML", ""), Format::Html);
        assert_eq!(detect("a.txt", "<!DOCTYPE html><p>x</p>"), Format::Html);
        assert_eq!(
            detect("a.txt", "Body.[1]\n\n  1. ^ a b Source.\n  2. ^ Other.\n"),
            Format::WikipediaText
        );
        assert_eq!(
            detect("a.txt", "Body [1].\n\nReferences\n[1] A. Author."),
            Format::Paper
        );
        assert_eq!(
            detect(
                "a.txt",
                "Claim.[[1]](#cite_note-1)\n\n1. ^ [a](#cite_ref-x_1-0) [b](#cite_ref-x_1-1) Src.\n2. ^ [a](#cite_ref-y_2-0) Two.\n"
            ),
            Format::Markdown
        );
        assert_eq!(
            detect("a.txt", "Claim.[^n]\n\n[^n]: Source.\n"),
            Format::Markdown
        );
    }

    #[test]
    fn notes_lists_are_found_before_or_after_the_references() {
        use HeadingKind::{Notes, References};
        let groups = |h: &[(Option<HeadingKind>, bool)]| assign_list_groups(h);
        assert_eq!(groups(&[(Some(Notes), false)]), [Group::Default]);
        assert_eq!(
            groups(&[(Some(Notes), false), (Some(References), false)]),
            [Group::Notes, Group::Default]
        );
        assert_eq!(
            groups(&[(Some(References), false), (Some(Notes), false)]),
            [Group::Default, Group::Notes]
        );
        assert_eq!(
            groups(&[(Some(Notes), false), (Some(Notes), false)]),
            [Group::Notes, Group::Default]
        );
        assert_eq!(
            groups(&[(None, true), (None, false)]),
            [Group::Notes, Group::Default]
        );
    }

    #[test]
    fn lone_carriage_returns_parse_like_line_feeds() {
        let text = "Claim.[1][2]\r\r  1. ^ One.\r  2. ^ Two.\r";
        let lf = parse(
            &SourceFile::from_text("a.txt", text.replace('\r', "\n")),
            Format::WikipediaText,
            &ParseOptions::default(),
        );
        let cr = parse(
            &SourceFile::from_text("a.txt", text),
            Format::WikipediaText,
            &ParseOptions::default(),
        );
        assert_eq!(lf, cr);
        assert_eq!(detect("a.txt", text), Format::WikipediaText);
    }

    #[test]
    fn headings_are_recognised() {
        assert_eq!(
            heading_kind("References[edit]"),
            Some(HeadingKind::References)
        );
        assert_eq!(heading_kind("## Notes"), Some(HeadingKind::Notes));
        assert_eq!(heading_kind("See also"), Some(HeadingKind::Other));
        assert_eq!(heading_kind("7. References"), Some(HeadingKind::References));
        assert_eq!(heading_kind("The references were many"), None);
    }
}
