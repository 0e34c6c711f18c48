//! rustc-style output through miette: a header with the code, the snippet
//! with the primary and related locations, and the help text.
//!
//! Articles have paragraph-long lines, so snippets show a window of each line
//! around the marked span (cut at word breaks) rather than the whole paragraph.

use std::fmt;
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

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
        last_offset: AtomicUsize::new(0),
        last_col: AtomicUsize::new(0),
    });
    let mut buffer = String::new();
    for diagnostic in &report.diagnostics {
        buffer.clear();
        let view = View::new(diagnostic, excerpt.as_ref());
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

/// Related locations drawn per finding; the rest are counted in the help
/// (JSON lists them all).
const MAX_RELATED_SHOWN: usize = 8;
/// Labels on one line are drawn only within this many bytes of the first;
/// miette cannot draw a line wider than 65,535 columns, and nobody can read one.
const SAME_LINE_REACH: usize = 400;
/// Longest underline drawn.
const MAX_UNDERLINE: usize = 200;

/// One diagnostic seen through miette's traits, with what is drawn bounded.
struct View<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<&'a Excerpt<'a>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
}

impl<'a> View<'a> {
    fn new(diagnostic: &'a Diagnostic, source: Option<&'a Excerpt<'a>>) -> Self {
        let mut labels = Vec::new();
        let mut omitted = 0;
        if let Some(source) = source {
            let clamp = |span: crate::source::Span| {
                let mut end = span
                    .end
                    .min(span.start + MAX_UNDERLINE)
                    .min(source.text.len())
                    .max(span.start);
                while !source.text.is_char_boundary(end) {
                    end -= 1;
                }
                to_source_span(crate::source::Span::new(span.start, end))
            };
            labels.push(LabeledSpan::new_primary_with_span(
                None,
                clamp(diagnostic.span),
            ));
            // The first label drawn on each line; later ones must stay near it.
            let mut anchors: Vec<(usize, usize)> =
                vec![(diagnostic.start.line, diagnostic.span.start)];
            for related in &diagnostic.related {
                let line = related.start.line;
                let anchor = anchors.iter().find(|(l, _)| *l == line).map(|a| a.1);
                let near = anchor.is_none_or(|a| related.span.start.abs_diff(a) <= SAME_LINE_REACH);
                if !near || labels.len() > MAX_RELATED_SHOWN {
                    omitted += 1;
                    continue;
                }
                if anchor.is_none() {
                    anchors.push((line, related.span.start));
                }
                labels.push(LabeledSpan::new_with_span(
                    Some(related.message.clone()),
                    clamp(related.span),
                ));
            }
        }
        let more = match omitted {
            0 => None,
            1 => Some("1 more location is not drawn; --format json lists every one".to_owned()),
            n => Some(format!(
                "{n} more locations are not drawn; --format json lists every one"
            )),
        };
        let help = match (&diagnostic.help, more) {
            (Some(help), Some(more)) => Some(format!("{help}\n{more}")),
            (help, more) => help.clone().or(more),
        };
        View {
            diagnostic,
            source,
            labels,
            help,
        }
    }
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
        self.help
            .as_deref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source?;
        Some(Box::new(self.labels.iter().cloned()))
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
    /// The last column worked out (offset, 0-based column): findings come in
    /// order, so counting on from it keeps long lines linear.
    /// (Atomics only because miette requires `Sync`; one thread uses them.)
    last_offset: AtomicUsize,
    last_col: AtomicUsize,
}

impl Excerpt<'_> {
    /// 0-based column (in chars) of `offset`, which starts at `line_start`.
    fn column(&self, line_start: usize, offset: usize) -> usize {
        let memo_offset = self.last_offset.load(Ordering::Relaxed);
        let memo_column = self.last_col.load(Ordering::Relaxed);
        let column = if (line_start..=offset).contains(&memo_offset) {
            memo_column + self.text[memo_offset..offset].chars().count()
        } else {
            self.text[line_start..offset].chars().count()
        };
        self.last_offset.store(offset, Ordering::Relaxed);
        self.last_col.store(column, Ordering::Relaxed);
        column
    }
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
        let start = floor_boundary(text, start);
        let column = self.column(line_start, start);

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
            column,
            line_count: last_line - first_line + 1,
            name: self.name.to_owned(),
        }))
    }
}
