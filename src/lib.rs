//! citelint checks that an article's inline citations and its reference list
//! agree, and says exactly where they do not.
//!
//! The library decides and returns data; the `citelint` binary prints. Data
//! flows one way:
//!
//! ```text
//! bytes ─► SourceFile ─► parse::detect ─► parser ─► Document ─► checker (rules) ─► FileReport ─► render
//! ```
//!
//! # Example
//!
//! ```
//! use citelint::{lint, Settings, SourceFile};
//!
//! let article = "It had an airport.[1] It was shelled.[2][3]\n\n\
//!                References\n  1. ^ Smith (2004).\n  2. ^ Jones (2010).\n";
//! let source = SourceFile::from_text("town.txt", article);
//! let report = lint(&source, &Settings::default());
//!
//! assert_eq!(report.citations, 3);
//! let codes: Vec<_> = report.diagnostics.iter().map(|d| d.code).collect();
//! assert_eq!(codes, ["CIT001"]); // [3] has no entry
//! assert_eq!(report.diagnostics[0].start.line, 1);
//! ```
#![warn(missing_docs)]
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod baseline;
pub mod checker;
pub mod config;
pub mod diagnostic;
pub mod identifiers;
pub mod links;
pub mod model;
pub mod online;
pub mod parse;
pub mod render;
pub mod rules;
pub mod settings;
pub mod source;
pub mod suppression;

pub use diagnostic::{Diagnostic, Severity};
pub use model::Document;
pub use parse::Format;
pub use settings::Settings;
pub use source::SourceFile;

use std::sync::Arc;

/// The result of linting one file.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The path as given.
    pub path: String,
    /// The input format used.
    pub format: Format,
    /// Citation uses found in the body (`[3][6]` is 2, `[3–5]` is 3).
    pub citations: usize,
    /// Entries in the default group's lists.
    pub references: usize,
    /// Findings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text, kept only when a renderer needs to quote it.
    pub text: Option<Arc<str>>,
}

impl FileReport {
    /// Number of findings at `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Parses and checks one file.
pub fn lint(source: &SourceFile, settings: &Settings) -> FileReport {
    lint_document(source, settings).0
}

/// Parses and checks one file, and returns the parsed document too (the
/// online pass reads the reference entries' links from it).
pub fn lint_document(source: &SourceFile, settings: &Settings) -> (FileReport, Document) {
    let format = settings
        .input_format
        .unwrap_or_else(|| parse::detect(source.path(), source.text()));
    let document = parse::parse(source, format, &settings.parse);
    let diagnostics = checker::check(source, &document, &settings.rules, &settings.rule_options);
    let report = FileReport {
        path: source.path().to_owned(),
        format,
        citations: document.body_citation_count(),
        references: document.default_entry_count(),
        diagnostics,
        text: None,
    };
    (report, document)
}
