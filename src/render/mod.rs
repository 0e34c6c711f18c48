//! Renderers: pure functions from reports to text.
//!
//! Each renderer takes the [`FileReport`]s of a run (sorted by path,
//! diagnostics sorted by position) and writes to any `io::Write`. None of them
//! prints on its own or looks at anything but its arguments. [`Renderer`]
//! takes the reports in batches so a large run never holds them all.

mod concise;
mod full;
mod json;

use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use crate::FileReport;
use crate::diagnostic::Severity;

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// rustc-style diagnostics with source snippets and help (miette).
    Full,
    /// One line per finding: `path:line:col: CODE [severity] message`.
    Concise,
    /// One JSON document, `version: 1` (see the README).
    Json,
}

impl OutputFormat {
    /// Every format, in the order `--format` lists them.
    pub const ALL: [OutputFormat; 3] = [
        OutputFormat::Full,
        OutputFormat::Concise,
        OutputFormat::Json,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Full => "full",
            OutputFormat::Concise => "concise",
            OutputFormat::Json => "json",
        }
    }

    /// Whether the renderer quotes source text (so reports must keep it).
    pub fn needs_source(self) -> bool {
        matches!(self, OutputFormat::Full)
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OutputFormat::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| format!("unknown output format `{s}` (expected full, concise or json)"))
    }
}

/// How human-facing output should look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Draw boxes and arrows; `false` gives a narrated, screen-reader friendly form.
    pub graphics: bool,
    /// Terminal width for wrapping.
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            graphics: true,
            width: 100,
        }
    }
}

/// Totals over a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Files linted.
    pub files: usize,
    /// Error-level findings.
    pub errors: usize,
    /// Warning-level findings.
    pub warnings: usize,
    /// Info-level findings.
    pub infos: usize,
}

impl Summary {
    /// Counts the findings of `reports`.
    pub fn of(reports: &[FileReport]) -> Self {
        let mut summary = Summary::default();
        for report in reports {
            summary.add(report);
        }
        summary
    }

    /// `1 error, 3 warnings and 2 infos in 4 files`.
    pub fn sentence(&self) -> String {
        let part = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
        format!(
            "{}, {} and {} in {}",
            part(self.errors, "error"),
            part(self.warnings, "warning"),
            part(self.infos, "info"),
            part(self.files, "file")
        )
    }
}

impl Summary {
    /// Adds the findings of one report.
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        for diagnostic in &report.diagnostics {
            match diagnostic.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }
}

/// Renders a run in pieces, so reports can be dropped as soon as they are
/// written: `begin`, then `files` for each batch (in path order), then
/// `finish`. Each step is a pure function of its arguments and the totals so
/// far.
#[derive(Debug)]
pub struct Renderer {
    format: OutputFormat,
    options: RenderOptions,
    summary: Summary,
}

impl Renderer {
    /// A renderer for `format`.
    pub fn new(format: OutputFormat, options: RenderOptions) -> Self {
        Renderer {
            format,
            options,
            summary: Summary::default(),
        }
    }

    /// Writes whatever comes before the first file.
    pub fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match self.format {
            OutputFormat::Json => json::begin(out),
            OutputFormat::Full | OutputFormat::Concise => Ok(()),
        }
    }

    /// Writes a batch of reports.
    pub fn files(&mut self, reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
        for report in reports {
            match self.format {
                OutputFormat::Full => full::file(report, &self.options, out)?,
                OutputFormat::Concise => concise::file(report, out)?,
                OutputFormat::Json => json::file(report, self.summary.files == 0, out)?,
            }
            self.summary.add(report);
        }
        Ok(())
    }

    /// Writes whatever comes after the last file and returns the totals.
    pub fn finish(self, out: &mut dyn Write) -> io::Result<Summary> {
        match self.format {
            OutputFormat::Full => full::finish(&self.summary, out)?,
            OutputFormat::Concise => {}
            OutputFormat::Json => json::finish(&self.summary, out)?,
        }
        Ok(self.summary)
    }
}

/// Renders `reports` in `format` in one go.
pub fn render(
    format: OutputFormat,
    reports: &[FileReport],
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<Summary> {
    let mut renderer = Renderer::new(format, *options);
    renderer.begin(out)?;
    renderer.files(reports, out)?;
    renderer.finish(out)
}
