//! Renderers: pure functions from reports to text.
//!
//! Each renderer takes the [`FileReport`]s of a run (sorted by path,
//! diagnostics sorted by position) and writes to any `io::Write`. None of them
//! prints on its own or looks at anything but its arguments (the working
//! directory, which SARIF and GitLab paths are made relative to, is passed in
//! with [`Renderer::with_root`]). [`Renderer`] takes the reports in batches so
//! a large run never holds them all: most formats stream; `github`,
//! `markdown` and `junit` must see the whole run before writing, so they hold
//! the findings (never the file texts) until [`Renderer::finish`].
//!
//! Internally every position is a byte offset; [`crate::source::LineIndex`]
//! resolves each to a line and to columns in three units, and each format
//! picks the unit its consumers count in (see [`OutputFormat::column_unit`]).

mod checkstyle;
mod concise;
mod full;
mod github;
mod gitlab;
mod json;
mod json_lines;
mod junit;
mod markdown;
mod rdjson;
mod sarif;

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
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
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…::…`): annotations.
    Github,
    /// GitLab Code Quality JSON (`artifacts: reports: codequality`).
    Gitlab,
    /// reviewdog's diagnostic format, `rdjson` (`reviewdog -f=rdjson`).
    Rdjson,
    /// JUnit XML: one suite per file, one failing case per finding.
    Junit,
    /// Checkstyle XML.
    Checkstyle,
    /// A Markdown summary table and the findings per file (job summaries,
    /// pull-request comments).
    Markdown,
    /// One JSON object per finding per line, streamed.
    JsonLines,
}

/// How a format counts columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnUnit {
    /// Unicode scalar values (what an editor calls characters).
    CodePoints,
    /// UTF-16 code units (JavaScript, Java, .NET, SARIF's default).
    Utf16,
    /// UTF-8 bytes.
    Bytes,
    /// The format has no columns.
    None,
}

impl ColumnUnit {
    /// The column of `position` in this unit (`None` when there are no columns).
    pub fn column(self, position: &crate::source::Position) -> Option<usize> {
        match self {
            ColumnUnit::CodePoints => Some(position.column),
            ColumnUnit::Utf16 => Some(position.column_utf16),
            ColumnUnit::Bytes => Some(position.column_byte),
            ColumnUnit::None => None,
        }
    }
}

impl OutputFormat {
    /// Every format, in the order `--format` lists them.
    pub const ALL: [OutputFormat; 11] = [
        OutputFormat::Full,
        OutputFormat::Concise,
        OutputFormat::Json,
        OutputFormat::Sarif,
        OutputFormat::Github,
        OutputFormat::Gitlab,
        OutputFormat::Rdjson,
        OutputFormat::Junit,
        OutputFormat::Checkstyle,
        OutputFormat::Markdown,
        OutputFormat::JsonLines,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Full => "full",
            OutputFormat::Concise => "concise",
            OutputFormat::Json => "json",
            OutputFormat::Sarif => "sarif",
            OutputFormat::Github => "github",
            OutputFormat::Gitlab => "gitlab",
            OutputFormat::Rdjson => "rdjson",
            OutputFormat::Junit => "junit",
            OutputFormat::Checkstyle => "checkstyle",
            OutputFormat::Markdown => "markdown",
            OutputFormat::JsonLines => "json-lines",
        }
    }

    /// The unit the format's columns count in; ends are exclusive in every
    /// format that has them.
    pub fn column_unit(self) -> ColumnUnit {
        match self {
            OutputFormat::Full
            | OutputFormat::Concise
            | OutputFormat::Json
            | OutputFormat::JsonLines
            | OutputFormat::Junit
            | OutputFormat::Checkstyle
            | OutputFormat::Markdown => ColumnUnit::CodePoints,
            OutputFormat::Sarif | OutputFormat::Github => ColumnUnit::Utf16,
            OutputFormat::Rdjson => ColumnUnit::Bytes,
            OutputFormat::Gitlab => ColumnUnit::None,
        }
    }

    /// Whether the renderer must see the whole run before writing, and so
    /// holds every finding until [`Renderer::finish`].
    fn holds_findings(self) -> bool {
        matches!(
            self,
            OutputFormat::Github | OutputFormat::Markdown | OutputFormat::Junit
        )
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
            .ok_or_else(|| {
                let names: Vec<&str> = OutputFormat::ALL.iter().map(|f| f.name()).collect();
                format!(
                    "unknown output format `{s}` (expected one of: {})",
                    names.join(", ")
                )
            })
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
            self.files_phrase()
        )
    }

    /// `1 file`, `4 files`.
    pub fn files_phrase(&self) -> String {
        let s = if self.files == 1 { "" } else { "s" };
        format!("{} file{s}", self.files)
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

const NOT_BEGUN: &str = "Renderer::begin opens the stream before files";

/// Renders a run in pieces, so reports can be dropped as soon as they are
/// written: `begin`, then `files` for each batch (in path order), then
/// `finish`. Each step is a pure function of its arguments and what came
/// before.
#[derive(Debug)]
pub struct Renderer {
    format: OutputFormat,
    options: RenderOptions,
    root: Option<PathBuf>,
    summary: Summary,
    /// The streamed array of the JSON-based formats (SARIF results, GitLab
    /// issues, rdjson diagnostics), opened by `begin`.
    stream: Option<json::StreamedArray>,
    /// Reports held by the formats that must see the whole run, without
    /// their texts.
    held: Vec<FileReport>,
}

impl Renderer {
    /// A renderer for `format`.
    pub fn new(format: OutputFormat, options: RenderOptions) -> Self {
        Renderer {
            format,
            options,
            root: None,
            summary: Summary::default(),
            stream: None,
            held: Vec::new(),
        }
    }

    /// Sets the directory that report paths are relative to (the working
    /// directory of the run). SARIF, GitLab, GitHub and rdjson need paths
    /// relative to the repository: an absolute path under `root` is made
    /// relative to it, and SARIF names `root` as `%SRCROOT%`. Without a root,
    /// absolute paths stay absolute.
    pub fn with_root(mut self, root: impl Into<PathBuf>) -> Self {
        self.root = Some(root.into());
        self
    }

    /// Writes whatever comes before the first file.
    pub fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let stream = match self.format {
            OutputFormat::Json => return json::begin(out),
            OutputFormat::Sarif => sarif::stream(self.root.as_deref())?,
            OutputFormat::Gitlab => gitlab::stream()?,
            OutputFormat::Rdjson => rdjson::stream()?,
            OutputFormat::Checkstyle => return checkstyle::begin(out),
            _ => return Ok(()),
        };
        stream.begin(out)?;
        self.stream = Some(stream);
        Ok(())
    }

    /// Writes a batch of reports.
    pub fn files(&mut self, reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
        let root = self.root.as_deref();
        let stream = &mut self.stream;
        for report in reports {
            match self.format {
                OutputFormat::Full => full::file(report, &self.options, out)?,
                OutputFormat::Concise => concise::file(report, out)?,
                OutputFormat::Json => json::file(report, self.summary.files == 0, out)?,
                OutputFormat::JsonLines => json_lines::file(report, out)?,
                OutputFormat::Checkstyle => checkstyle::file(report, out)?,
                OutputFormat::Sarif => {
                    let artifact = sarif::artifact_location(&report.path, root);
                    let results = report
                        .diagnostics
                        .iter()
                        .map(|d| sarif::result(d, &artifact));
                    stream.as_mut().expect(NOT_BEGUN).extend(results, out)?;
                }
                OutputFormat::Gitlab => {
                    let path = repo_path(&report.path, root);
                    let issues = report.diagnostics.iter().map(|d| gitlab::issue(d, &path));
                    stream.as_mut().expect(NOT_BEGUN).extend(issues, out)?;
                }
                OutputFormat::Rdjson => {
                    let path = repo_path(&report.path, root);
                    let items = report
                        .diagnostics
                        .iter()
                        .map(|d| rdjson::diagnostic(d, &path));
                    stream.as_mut().expect(NOT_BEGUN).extend(items, out)?;
                }
                OutputFormat::Github | OutputFormat::Markdown | OutputFormat::Junit => {
                    debug_assert!(self.format.holds_findings());
                    if !report.diagnostics.is_empty() {
                        self.held.push(FileReport {
                            text: None,
                            ..report.clone()
                        });
                    }
                }
            }
            self.summary.add(report);
        }
        Ok(())
    }

    /// Writes whatever comes after the last file and returns the totals.
    pub fn finish(mut self, out: &mut dyn Write) -> io::Result<Summary> {
        let root = self.root.as_deref();
        match self.format {
            OutputFormat::Full => full::finish(&self.summary, out)?,
            OutputFormat::Concise | OutputFormat::JsonLines => {}
            OutputFormat::Json => json::finish(&self.summary, out)?,
            OutputFormat::Checkstyle => checkstyle::finish(out)?,
            OutputFormat::Sarif | OutputFormat::Gitlab | OutputFormat::Rdjson => {
                if let Some(stream) = self.stream.take() {
                    stream.finish(out)?;
                }
            }
            OutputFormat::Github => github::render(&self.held, root, out)?,
            OutputFormat::Markdown => markdown::render(&self.held, &self.summary, out)?,
            OutputFormat::Junit => junit::render(&self.held, &self.summary, out)?,
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

/// `path` as a repository-relative path with forward slashes: `./` steps
/// dropped, and an absolute path under `root` made relative to it. Paths
/// that cannot be made relative are returned whole.
fn repo_path<'a>(path: &'a str, root: Option<&Path>) -> Cow<'a, str> {
    let as_given = Path::new(path);
    // Under a root, `../x` that leaves it is reported by its absolute path
    // (SARIF consumers cannot place a `%SRCROOT%`-relative `..`).
    let joined = root.map(|root| crate::config::lexically_clean(&root.join(as_given)));
    let relative = match (root, &joined) {
        (Some(root), Some(joined)) => match joined.strip_prefix(root) {
            Ok(relative) => Some(relative),
            Err(_) => return Cow::Owned(joined.to_string_lossy().into_owned()),
        },
        _ => None,
    };
    let Some(relative) = relative.or((!as_given.is_absolute()).then_some(as_given)) else {
        return Cow::Borrowed(path);
    };
    let parts: Vec<Cow<'_, str>> = relative
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy())
        .collect();
    let joined = parts.join("/");
    if joined == path {
        Cow::Borrowed(path)
    } else {
        Cow::Owned(joined)
    }
}

/// A finding's message, with its help text on a line of its own.
fn message_with_help(d: &crate::Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    }
}

/// The home page named in SARIF and rdjson reports.
const HOMEPAGE: &str = if env!("CARGO_PKG_HOMEPAGE").is_empty() {
    "https://crates.io/crates/citelint"
} else {
    env!("CARGO_PKG_HOMEPAGE")
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_paths_are_relative_with_forward_slashes() {
        let root = Path::new("/work/repo");
        assert_eq!(repo_path("a.txt", Some(root)), "a.txt");
        assert_eq!(repo_path("./docs/./a.txt", Some(root)), "docs/a.txt");
        assert_eq!(repo_path("/work/repo/docs/a.txt", Some(root)), "docs/a.txt");
        assert_eq!(
            repo_path("/elsewhere/a.txt", Some(root)),
            "/elsewhere/a.txt"
        );
        assert_eq!(repo_path("/work/repo/a.txt", None), "/work/repo/a.txt");
        assert_eq!(repo_path("../up/a.txt", None), "../up/a.txt");
        assert_eq!(repo_path("../up/a.txt", Some(root)), "/work/up/a.txt");
        assert_eq!(repo_path("docs/../a.txt", Some(root)), "a.txt");
    }

    #[test]
    fn unknown_format_lists_every_name() {
        let err = "xml".parse::<OutputFormat>().unwrap_err();
        for format in OutputFormat::ALL {
            assert!(err.contains(format.name()), "{err}");
        }
        for format in OutputFormat::ALL {
            assert_eq!(format.name().parse::<OutputFormat>(), Ok(format));
        }
    }
}
