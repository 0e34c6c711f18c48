//! rustc-style output through miette: a header with the code, the snippet
//! with the primary and related locations, and the help text.
//!
//! Articles have paragraph-long lines, so snippets show a window of each line
//! around the marked span (cut at word breaks) rather than the whole paragraph.

use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, NarratableReportHandler,
    SourceCode, SourceSpan, SpanContents,
};

use super::{RenderOptions, Summary};
use crate::FileReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::source::LineIndex;

/// Bytes of context kept on either side of a span on a long line.
const WINDOW: usize = 60;

pub(super) fn file(
    report: &FileReport,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let excerpt = report.text.as_deref().map(|text| Excerpt {
        name: &report.path,
        text,
        index: LineIndex::new(text),
        // The narrated form states columns from the snippet's start, so it
        // must see whole lines.
        clip: options.graphics,
    });
    let mut buffer = String::new();
    for diagnostic in &report.diagnostics {
        buffer.clear();
        let view = View {
            diagnostic,
            source: excerpt.as_ref(),
        };
        let rendered = if options.graphics {
            let theme = if options.color {
                GraphicalTheme::unicode()
            } else {
                GraphicalTheme::unicode_nocolor()
            };
            GraphicalReportHandler::new_themed(theme)
                .with_width(options.width)
                .with_context_lines(0)
                .with_links(false)
                .render_report(&mut buffer, &view)
        } else {
            NarratableReportHandler::new()
                .with_context_lines(0)
                .render_report(&mut buffer, &view)
        };
        rendered.map_err(|_| io::Error::other("formatting a diagnostic failed"))?;
        if excerpt.is_none() {
            // Without the text there is no snippet to carry the location.
            let start = diagnostic.start;
            writeln!(out, "{}:{}:{}:", report.path, start.line, start.column)?;
        }
        out.write_all(buffer.as_bytes())?;
        writeln!(out)?;
    }
    Ok(())
}

pub(super) fn finish(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    if summary.errors + summary.warnings + summary.infos == 0 {
        writeln!(
            out,
            "All checks passed ({} checked).",
            plural(summary.files, "file")
        )
    } else {
        writeln!(out, "Found {}.", summary.sentence())
    }
}

fn plural(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// One diagnostic seen through miette's traits.
struct View<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<&'a Excerpt<'a>>,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("View")
            .field("diagnostic", self.diagnostic)
            .finish()
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}({})",
            self.diagnostic.code, self.diagnostic.rule
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_deref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source?;
        let d = self.diagnostic;
        let primary = LabeledSpan::new_primary_with_span(None, to_source_span(d.span));
        let related = d
            .related
            .iter()
            .map(|r| LabeledSpan::new_with_span(Some(r.message.clone()), to_source_span(r.span)));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

fn to_source_span(span: crate::source::Span) -> SourceSpan {
    // An empty span would draw nothing; mark at least one byte.
    (span.start, span.len().max(1)).into()
}

/// The file's text, read a window at a time with the real line numbers.
struct Excerpt<'a> {
    name: &'a str,
    text: &'a str,
    index: LineIndex,
    /// Show a window of long lines rather than the whole line.
    clip: bool,
}

struct Contents<'a> {
    data: &'a str,
    span: SourceSpan,
    line: usize,
    column: usize,
    line_count: usize,
    name: String,
}

impl<'a> SpanContents<'a> for Contents<'a> {
    fn data(&self) -> &'a [u8] {
        self.data.as_bytes()
    }
    fn span(&self) -> &SourceSpan {
        &self.span
    }
    fn name(&self) -> Option<&str> {
        Some(&self.name)
    }
    fn line(&self) -> usize {
        self.line
    }
    fn column(&self) -> usize {
        self.column
    }
    fn line_count(&self) -> usize {
        self.line_count
    }
}

/// Moves a window start forward to the next word, but not past `limit`.
fn word_start(text: &str, from: usize, limit: usize) -> usize {
    text[from..limit].find(' ').map_or(from, |i| from + i + 1)
}

/// Moves a window end back to the previous word break, but not before `limit`.
fn word_end(text: &str, to: usize, limit: usize) -> usize {
    text[limit..to].rfind(' ').map_or(to, |i| limit + i)
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

impl SourceCode for Excerpt<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        _context_lines_before: usize,
        _context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let text = self.text;
        let start = span.offset();
        let end = (start + span.len()).min(text.len());
        if start > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first_line = self.index.line_of(start);
        let last_line = self.index.line_of(end.saturating_sub(1).max(start));
        let line_start = self.index.line_start(first_line);
        let line_end =
            self.index.line_start(last_line) + self.index.line_text(text, last_line).len();
        let position = self.index.position(text, start);

        let clip = self.clip && first_line == last_line;
        let window_start = if clip && start - line_start > WINDOW + 10 {
            word_start(text, ceil_boundary(text, start - WINDOW), start)
        } else {
            line_start
        };
        let window_end = if clip && line_end > end + WINDOW + 10 {
            word_end(text, floor_boundary(text, end + WINDOW), end)
        } else {
            line_end
        };
        let data = &text[window_start..window_end];
        Ok(Box::new(Contents {
            span: (window_start, data.len()).into(),
            data,
            line: first_line,
            column: position.column - 1,
            line_count: last_line - first_line + 1,
            name: self.name.to_owned(),
        }))
    }
}
