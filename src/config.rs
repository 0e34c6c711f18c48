//! The configuration file: `citelint.toml` or `.citelint.toml`.
//!
//! Each linted file takes the closest config file found by searching upward
//! from its directory, stopping at the repository root (a directory holding
//! `.git`). Globs in a config file are relative to the directory it sits in.
//! Command-line flags override the file ([`Overrides`]).
//!
//! ```toml
//! extend-select = ["first-use-order"]
//! ignore = ["citation-spacing"]
//! fail-on = "warning"
//! exclude = ["drafts/**"]
//!
//! [severity]
//! unused-reference = "error"
//! CIT012 = "off"
//!
//! [per-file-ignores]
//! "legacy/**" = ["list-numbering", "CIT005"]
//!
//! [input-format]
//! "papers/**/*.txt" = "paper"
//!
//! [citation-overkill]
//! max = 5
//!
//! [maintenance-tag]
//! extend-tags = ["needs copy edit"]
//! ```
//!
//! Every error points into the file at the offending key or value
//! ([`ConfigError`] is a [`miette::Diagnostic`]).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobMatcher, GlobSet, GlobSetBuilder};
use miette::{NamedSource, SourceSpan};
use schemars::JsonSchema;
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::parse::Format;
use crate::settings::{RuleSet, Selection, Settings, resolve_selector};

/// The names config files may have, in order of preference within one directory.
pub const FILE_NAMES: [&str; 2] = ["citelint.toml", ".citelint.toml"];

/// A severity in the `[severity]` table, or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The rule does not run.
    Off,
    /// Every finding of the rule is an info.
    Info,
    /// Every finding of the rule is a warning.
    Warning,
    /// Every finding of the rule is an error.
    Error,
}

impl Level {
    fn severity(self) -> Option<Severity> {
        match self {
            Level::Off => None,
            Level::Info => Some(Severity::Info),
            Level::Warning => Some(Severity::Warning),
            Level::Error => Some(Severity::Error),
        }
    }
}

/// The least severe finding that fails a run (exit code 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Any finding fails the run.
    Info,
    /// Warnings and errors fail the run.
    Warning,
    /// Only errors fail the run (the default).
    Error,
}

impl FailOn {
    /// The least severe failing severity.
    pub fn severity(self) -> Severity {
        match self {
            FailOn::Info => Severity::Info,
            FailOn::Warning => Severity::Warning,
            FailOn::Error => Severity::Error,
        }
    }
}

/// An input format name in the `[input-format]` table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FormatName {
    /// Plain text copied from a rendered Wikipedia page.
    WikipediaText,
    /// Markdown (copies and drafts, GFM footnotes).
    Markdown,
    /// HTML of a rendered page.
    Html,
    /// An academic paper.
    Paper,
    /// MediaWiki source.
    Wikitext,
}

impl From<FormatName> for Format {
    fn from(name: FormatName) -> Self {
        match name {
            FormatName::WikipediaText => Format::WikipediaText,
            FormatName::Markdown => Format::Markdown,
            FormatName::Html => Format::Html,
            FormatName::Paper => Format::Paper,
            FormatName::Wikitext => Format::Wikitext,
        }
    }
}

/// Options of rule `citation-overkill` (CIT013).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct OverkillOptions {
    /// The most citations one claim may carry before the rule reports it (default 3).
    #[schemars(range(min = 1))]
    pub max: Option<usize>,
}

/// Options of rule `maintenance-tag` (CIT012).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MaintenanceTagOptions {
    /// The bracketed tags to report, replacing the built-in list
    /// (`citation needed`, `dead link`, …). Case does not matter.
    pub tags: Option<Vec<String>>,
    /// Tags to report in addition to the built-in list (or to `tags`).
    pub extend_tags: Option<Vec<String>>,
}

/// The contents of a config file, as written. Unknown keys are errors.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[schemars(
    title = "citelint configuration",
    description = "citelint.toml / .citelint.toml: rule selection, severities, per-file settings and rule options."
)]
pub struct ConfigFile {
    /// Rules to run instead of the default set: codes (`CIT001`), names
    /// (`missing-reference`), code prefixes (`CIT00`) or `ALL`.
    #[schemars(with = "Option<Vec<String>>")]
    pub select: Option<Vec<Spanned<String>>>,
    /// Rules to run in addition to the selected ones.
    #[schemars(with = "Option<Vec<String>>")]
    pub extend_select: Option<Vec<Spanned<String>>>,
    /// Rules not to run.
    #[schemars(with = "Option<Vec<String>>")]
    pub ignore: Option<Vec<Spanned<String>>>,
    /// Severity per rule (code, name or prefix): `off`, `info`, `warning` or
    /// `error`. `off` turns the rule off; anything else also turns it on.
    #[schemars(with = "Option<BTreeMap<String, Level>>")]
    pub severity: Option<BTreeMap<String, Spanned<Level>>>,
    /// Rules to ignore in files matching a glob: `"legacy/**" = ["CIT006"]`.
    #[schemars(with = "Option<BTreeMap<String, Vec<String>>>")]
    pub per_file_ignores: Option<BTreeMap<String, Spanned<Vec<Spanned<String>>>>>,
    /// Globs of files to lint when walking directories, replacing the default
    /// extensions (`*.txt`, `*.md`, `*.markdown`, `*.html`, `*.htm`, `*.wiki`).
    #[schemars(with = "Option<Vec<String>>")]
    pub include: Option<Vec<Spanned<String>>>,
    /// Globs of files never to lint, even when named on the command line.
    #[schemars(with = "Option<Vec<String>>")]
    pub exclude: Option<Vec<Spanned<String>>>,
    /// The input format of files matching a glob, instead of detecting it.
    #[schemars(with = "Option<BTreeMap<String, FormatName>>")]
    pub input_format: Option<BTreeMap<String, Spanned<FormatName>>>,
    /// The least severe finding that fails the run: `error` (default),
    /// `warning` or `info`.
    pub fail_on: Option<FailOn>,
    /// Options of `citation-overkill` (CIT013).
    pub citation_overkill: Option<OverkillOptions>,
    /// Options of `maintenance-tag` (CIT012).
    pub maintenance_tag: Option<MaintenanceTagOptions>,
    /// Hosts whose links are archive captures, not originals, replacing the
    /// built-in list (Wayback, archive.today and mirrors, WebCite, …). An
    /// entry is a host (`perma.cc`, which covers its subdomains) or a host and
    /// path prefix (`webarchive.example.org/wayback`).
    pub archive_hosts: Option<Vec<String>>,
    /// Archive hosts in addition to the built-in list (or to `archive-hosts`).
    pub extend_archive_hosts: Option<Vec<String>>,
    /// The online pass (`check --online`): `enabled = true` turns it on;
    /// limits, timeouts, cache and endpoints. Read from the config that
    /// applies to the working directory; flags override it.
    #[schemars(with = "Option<crate::online::OnlineSettings>")]
    pub online: Option<Spanned<crate::online::OnlineSettings>>,
}

/// The JSON Schema of [`ConfigFile`], pretty-printed (`citelint config --schema`;
/// checked in as `citelint.schema.json`).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(ConfigFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// Command-line settings that override the config file.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--select`: replaces the file's `select`.
    pub select: Option<Vec<String>>,
    /// `--extend-select`: added to the file's.
    pub extend_select: Vec<String>,
    /// `--ignore`: added to the file's.
    pub ignore: Vec<String>,
    /// `--input-format`: wins over the file's globs.
    pub input_format: Option<Format>,
    /// `--overkill-max`.
    pub overkill_max: Option<usize>,
    /// `--fail-on`: replaces the file's `fail-on`.
    pub fail_on: Option<FailOn>,
    /// `--deny warnings`: warnings fail the run too, whatever else does.
    pub deny_warnings: bool,
}

impl Overrides {
    /// The run's `fail-on` given the file's: `--fail-on` replaces it;
    /// `--deny warnings` only ever makes it stricter.
    fn fail_on(&self, file: Option<FailOn>) -> Severity {
        let level = self.fail_on.or(file).unwrap_or(FailOn::Error).severity();
        if self.deny_warnings {
            level.min(Severity::Warning)
        } else {
            level
        }
    }
}

/// A config file that cannot be used, pointing at the offending text.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(citelint::config))]
pub struct ConfigError {
    /// What is wrong.
    pub message: String,
    /// The config file.
    #[source_code]
    pub source_code: NamedSource<String>,
    /// Where in it.
    #[label("{label}")]
    pub span: Option<SourceSpan>,
    /// The label under the span.
    pub label: String,
    /// How to fix it.
    #[help]
    pub help: Option<String>,
}

impl ConfigError {
    fn at(
        file: &Loading<'_>,
        span: std::ops::Range<usize>,
        message: String,
        label: &str,
    ) -> Box<Self> {
        Box::new(ConfigError {
            message: format!("{}: {message}", file.path.display()),
            source_code: NamedSource::new(file.path.display().to_string(), file.text.to_owned()),
            span: Some(span.into()),
            label: label.to_owned(),
            help: None,
        })
    }

    /// An error about the file as a whole (it cannot be read), or about
    /// the command line, with nothing to point at.
    fn plain(path: &Path, message: String) -> Box<Self> {
        Box::new(ConfigError {
            message,
            source_code: NamedSource::new(path.display().to_string(), String::new()),
            span: None,
            label: String::new(),
            help: None,
        })
    }

    fn with_help(mut self: Box<Self>, help: impl Into<String>) -> Box<Self> {
        self.help = Some(help.into());
        self
    }
}

struct Loading<'a> {
    path: &'a Path,
    text: &'a str,
}

/// A rule-ignore glob of `per-file-ignores`.
#[derive(Clone, Debug)]
struct PerFileIgnore {
    pattern: String,
    matcher: GlobMatcher,
    rules: Vec<String>,
}

/// A config file resolved against the command line: ready to give each file
/// its settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file it was read from; `None` when no config file applies.
    pub path: Option<PathBuf>,
    /// The directory globs are relative to (absolute).
    pub root: PathBuf,
    /// The least severe finding that fails the run.
    pub fail_on: Severity,
    /// The `[online]` table, or the defaults.
    pub online: crate::online::OnlineSettings,
    selection: Selection,
    settings: Settings,
    per_file_ignores: Vec<PerFileIgnore>,
    input_formats: Vec<(String, GlobMatcher, Format)>,
    include: Option<(Vec<String>, GlobSet)>,
    exclude: Option<(Vec<String>, GlobSet)>,
}

impl Config {
    /// The settings when no config file applies: the defaults plus the
    /// command line. Fails only on an unknown rule on the command line.
    pub fn without_file(
        root: PathBuf,
        overrides: &Overrides,
    ) -> Result<Config, crate::settings::UnknownRule> {
        let selection = Selection {
            select: overrides.select.clone(),
            extend_select: overrides.extend_select.clone(),
            ignore: overrides.ignore.clone(),
            severity: Vec::new(),
        };
        let mut settings = Settings {
            rules: RuleSet::from_selection(&selection)?,
            input_format: overrides.input_format,
            ..Settings::default()
        };
        if let Some(max) = overrides.overkill_max {
            settings.rule_options.overkill_max = max;
        }
        Ok(Config {
            path: None,
            root,
            fail_on: overrides.fail_on(None),
            online: crate::online::OnlineSettings::default(),
            selection,
            settings,
            per_file_ignores: Vec::new(),
            input_formats: Vec::new(),
            include: None,
            exclude: None,
        })
    }

    /// Reads and resolves the config file at `path`.
    pub fn load(path: &Path, overrides: &Overrides) -> Result<Config, Box<ConfigError>> {
        let text = std::fs::read_to_string(path).map_err(|err| {
            ConfigError::plain(
                path,
                format!("{}: cannot read the config file: {err}", path.display()),
            )
        })?;
        Config::from_text(path, &text, overrides)
    }

    /// Resolves config-file `text` as if read from `path`.
    pub fn from_text(
        path: &Path,
        text: &str,
        overrides: &Overrides,
    ) -> Result<Config, Box<ConfigError>> {
        let file = Loading { path, text };
        let parsed: ConfigFile = toml::from_str(text).map_err(|err| {
            let span = err.span().unwrap_or(0..0);
            ConfigError::at(&file, span, err.message().trim().to_owned(), "here").with_help(
                "see `citelint config --schema` or the README for every key and its type",
            )
        })?;
        let root = absolute_path(path.parent().unwrap_or(Path::new("")));

        let selectors =
            |list: &Option<Vec<Spanned<String>>>| -> Result<Vec<String>, Box<ConfigError>> {
                let mut out = Vec::new();
                for item in list.iter().flatten() {
                    check_selector(&file, item.get_ref(), item.span())?;
                    out.push(item.get_ref().clone());
                }
                Ok(out)
            };
        let mut selection = Selection {
            select: match &parsed.select {
                Some(_) => Some(selectors(&parsed.select)?),
                None => None,
            },
            extend_select: selectors(&parsed.extend_select)?,
            ignore: selectors(&parsed.ignore)?,
            severity: Vec::new(),
        };
        for (rule, level) in parsed.severity.iter().flatten() {
            let key_span = key_span(text, rule, level.span().start);
            check_selector(&file, rule, key_span)?;
            selection
                .severity
                .push((rule.clone(), level.get_ref().severity()));
        }
        // The command line wins: `--select` replaces, the others add.
        if overrides.select.is_some() {
            selection.select = overrides.select.clone();
        }
        selection
            .extend_select
            .extend(overrides.extend_select.iter().cloned());
        selection.ignore.extend(overrides.ignore.iter().cloned());
        let rules = RuleSet::from_selection(&selection)
            .map_err(|err| ConfigError::plain(path, format!("on the command line: {err}")))?;

        let mut per_file_ignores = Vec::new();
        for (pattern, list) in parsed.per_file_ignores.iter().flatten() {
            let matcher = glob(&file, pattern, key_span(text, pattern, list.span().start))?;
            let mut rules = Vec::new();
            for item in list.get_ref() {
                check_selector(&file, item.get_ref(), item.span())?;
                rules.push(item.get_ref().clone());
            }
            per_file_ignores.push(PerFileIgnore {
                pattern: pattern.clone(),
                matcher: matcher.compile_matcher(),
                rules,
            });
        }
        let mut input_formats = Vec::new();
        for (pattern, format) in parsed.input_format.iter().flatten() {
            let matcher = glob(&file, pattern, key_span(text, pattern, format.span().start))?;
            input_formats.push((
                pattern.clone(),
                matcher.compile_matcher(),
                Format::from(*format.get_ref()),
            ));
        }
        let glob_set = |list: &Option<Vec<Spanned<String>>>| -> Result<_, Box<ConfigError>> {
            let Some(list) = list else {
                return Ok(None);
            };
            let mut builder = GlobSetBuilder::new();
            let mut patterns = Vec::new();
            for item in list {
                builder.add(glob(&file, item.get_ref(), item.span())?);
                patterns.push(item.get_ref().clone());
            }
            let set = builder
                .build()
                .map_err(|err| ConfigError::at(&file, 0..0, err.to_string(), "here"))?;
            Ok(Some((patterns, set)))
        };
        let include = glob_set(&parsed.include)?;
        let exclude = glob_set(&parsed.exclude)?;

        let mut settings = Settings {
            rules,
            input_format: overrides.input_format,
            ..Settings::default()
        };
        if let Some(max) = parsed.citation_overkill.as_ref().and_then(|o| o.max) {
            if max == 0 {
                let span = value_span(text, "max").unwrap_or(0..0);
                return Err(ConfigError::at(
                    &file,
                    span,
                    "`citation-overkill.max` must be at least 1".into(),
                    "must be 1 or more",
                ));
            }
            settings.rule_options.overkill_max = max;
        }
        if let Some(max) = overrides.overkill_max {
            settings.rule_options.overkill_max = max;
        }
        if let Some(hosts) = &parsed.archive_hosts {
            settings.rule_options.archive_hosts = hosts.clone();
        }
        if let Some(hosts) = &parsed.extend_archive_hosts {
            settings
                .rule_options
                .archive_hosts
                .extend(hosts.iter().cloned());
        }
        if let Some(options) = &parsed.maintenance_tag {
            let mut tags: Vec<String> = match &options.tags {
                Some(tags) => tags.clone(),
                None => crate::parse::markers::DEFAULT_TAGS
                    .iter()
                    .map(|t| t.to_string())
                    .collect(),
            };
            tags.extend(options.extend_tags.iter().flatten().cloned());
            // Lowercased once here, not per document.
            settings.parse.tags = Some(tags.iter().map(|t| t.to_lowercase()).collect());
        }
        let online = match parsed.online {
            None => crate::online::OnlineSettings::default(),
            Some(table) => {
                let span = table.span();
                let online = table.into_inner();
                if let Err(message) = online.validate() {
                    return Err(ConfigError::at(
                        &file,
                        key_span(text, "online", span.start).start..span.end.min(span.start + 8),
                        format!("[online]: {message}"),
                        "in this table",
                    ));
                }
                online
            }
        };
        Ok(Config {
            online,
            path: Some(path.to_path_buf()),
            root,
            fail_on: overrides.fail_on(parsed.fail_on),
            selection,
            settings,
            per_file_ignores,
            input_formats,
            include,
            exclude,
        })
    }

    /// `path` relative to the config's directory, for glob matching.
    fn relative<'p>(&self, path: &'p Path) -> Cow<'p, Path> {
        let absolute = absolute_path(path);
        match absolute.strip_prefix(&self.root) {
            Ok(relative) => Cow::Owned(relative.to_path_buf()),
            Err(_) => Cow::Owned(absolute),
        }
    }

    /// Whether `exclude` matches `path` or a directory above it (as in
    /// `.gitignore`, `exclude = ["drafts"]` excludes everything in `drafts/`).
    pub fn excludes(&self, path: &Path) -> bool {
        let Some((_, set)) = &self.exclude else {
            return false;
        };
        let relative = self.relative(path);
        relative
            .ancestors()
            .take_while(|a| !a.as_os_str().is_empty() && *a != Path::new("/"))
            .any(|a| set.is_match(a))
    }

    /// Whether a directory walk should lint `path`: by `include` when the
    /// file sets it, otherwise by `default` (the default extensions).
    pub fn includes(&self, path: &Path, default: impl FnOnce() -> bool) -> bool {
        match &self.include {
            Some((_, set)) => set.is_match(self.relative(path)),
            None => default(),
        }
    }

    /// The settings for one file: the config's, with any matching
    /// `per-file-ignores` and `input-format` globs applied.
    pub fn settings_for(&self, path: &Path) -> Cow<'_, Settings> {
        if self.per_file_ignores.is_empty() && self.input_formats.is_empty() {
            return Cow::Borrowed(&self.settings);
        }
        let relative = self.relative(path);
        let ignores: Vec<&PerFileIgnore> = self
            .per_file_ignores
            .iter()
            .filter(|p| p.matcher.is_match(&relative))
            .collect();
        let format = match self.settings.input_format {
            Some(_) => None,
            None => self
                .input_formats
                .iter()
                .find(|(_, matcher, _)| matcher.is_match(&relative))
                .map(|(_, _, format)| *format),
        };
        if ignores.is_empty() && format.is_none() {
            return Cow::Borrowed(&self.settings);
        }
        let mut settings = self.settings.clone();
        if !ignores.is_empty() {
            let mut selection = self.selection.clone();
            selection
                .ignore
                .extend(ignores.iter().flat_map(|p| p.rules.iter().cloned()));
            // Every selector was checked when the file was loaded.
            if let Ok(rules) = RuleSet::from_selection(&selection) {
                settings.rules = rules;
            }
        }
        if format.is_some() {
            settings.input_format = format;
        }
        Cow::Owned(settings)
    }

    /// The `per-file-ignores` patterns that match `path`, with their rules.
    pub fn matching_ignores(&self, path: &Path) -> Vec<(&str, &[String])> {
        let relative = self.relative(path);
        self.per_file_ignores
            .iter()
            .filter(|p| p.matcher.is_match(&relative))
            .map(|p| (p.pattern.as_str(), p.rules.as_slice()))
            .collect()
    }

    /// `include` and `exclude` as written.
    pub fn include_exclude(&self) -> (Option<&[String]>, Option<&[String]>) {
        (
            self.include.as_ref().map(|(p, _)| p.as_slice()),
            self.exclude.as_ref().map(|(p, _)| p.as_slice()),
        )
    }
}

/// `path` made absolute against the working directory, with `.` and `..`
/// resolved lexically (no symlinks are followed, nothing need exist):
/// `sub/../a.txt` and `./a.txt` are one path.
pub fn absolute_path(path: &Path) -> PathBuf {
    // `std::path::absolute("")` is an error; the empty path is the parent
    // of a bare file name, so it means the working directory.
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    lexically_clean(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// `path` with `.` dropped and `..` taking off the component before it,
/// without asking the file system (a `..` with nothing before it stays).
pub fn lexically_clean(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut clean = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(clean.components().next_back(), Some(Component::Normal(_))) =>
            {
                clean.pop();
            }
            Component::ParentDir if clean.has_root() => {}
            other => clean.push(other),
        }
    }
    clean
}

/// The closest config file at or above `dir`, stopping at the repository
/// root (the first directory that holds `.git`).
pub fn find_config_file(dir: &Path) -> Option<PathBuf> {
    let mut dir = absolute_path(dir);
    loop {
        if let Some(file) = config_file_in(&dir) {
            return Some(file);
        }
        if dir.join(".git").exists() || !dir.pop() {
            return None;
        }
    }
}

/// The config file in `dir` itself, if any.
fn config_file_in(dir: &Path) -> Option<PathBuf> {
    FILE_NAMES
        .iter()
        .map(|name| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Checks that `selector` names a rule.
fn check_selector(
    file: &Loading<'_>,
    selector: &str,
    span: std::ops::Range<usize>,
) -> Result<(), Box<ConfigError>> {
    resolve_selector(selector).map(|_| ()).map_err(|err| {
        ConfigError::at(file, span, err.to_string(), "not a rule")
            .with_help("run `citelint rules` for every code and name")
    })
}

/// A glob as written in a config file: patterns without `/` match at any
/// depth, like `.gitignore`; `*` never crosses a `/`.
fn glob(
    file: &Loading<'_>,
    pattern: &str,
    span: std::ops::Range<usize>,
) -> Result<Glob, Box<ConfigError>> {
    let anchored = pattern.trim_start_matches("./");
    let full = if anchored.contains('/') {
        anchored.trim_start_matches('/').to_owned()
    } else {
        format!("**/{anchored}")
    };
    globset::GlobBuilder::new(&full)
        .literal_separator(true)
        .build()
        .map_err(|err| ConfigError::at(file, span, format!("bad glob: {err}"), "this glob"))
}

/// The span of table key `key` written before `value_start` on its line
/// (TOML keys may be quoted), or the value's own start when not found.
fn key_span(text: &str, key: &str, value_start: usize) -> std::ops::Range<usize> {
    let value_start = value_start.min(text.len());
    let line_start = text[..value_start].rfind('\n').map_or(0, |i| i + 1);
    match text[line_start..value_start].find(key) {
        Some(i) => line_start + i..line_start + i + key.len(),
        None => value_start..value_start,
    }
}

/// The span of the first value of `key = value` in `text`.
fn value_span(text: &str, key: &str) -> Option<std::ops::Range<usize>> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(value) = trimmed
            .strip_prefix(key)
            .and_then(|rest| rest.trim_start().strip_prefix('='))
        {
            let start = at + line.len() - value.trim_start().len();
            let end = at + line.trim_end().len();
            return Some(start..end.max(start));
        }
        at += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Config, Box<ConfigError>> {
        Config::from_text(
            Path::new("/repo/citelint.toml"),
            text,
            &Overrides::default(),
        )
    }

    fn error_at(text: &str) -> (String, String) {
        let err = load(text).expect_err("invalid config");
        let span = err.span.expect("points into the file");
        let start = span.offset();
        (err.message, text[start..start + span.len()].to_owned())
    }

    #[test]
    fn unknown_keys_and_rules_point_at_the_text() {
        let (message, at) = error_at("selct = [\"CIT001\"]\n");
        assert!(message.contains("unknown field `selct`"), "{message}");
        assert_eq!(at, "selct");
        let (message, at) = error_at("ignore = [\"CIT001\", \"no-such-rule\"]\n");
        assert!(message.contains("unknown rule `no-such-rule`"), "{message}");
        assert_eq!(at, "\"no-such-rule\"");
        let (_, at) = error_at("[severity]\nmissing-refrence = \"error\"\n");
        assert_eq!(at, "missing-refrence");
        let (message, _) = error_at("[severity]\nCIT001 = \"loud\"\n");
        assert!(message.contains("unknown variant `loud`"), "{message}");
        let (_, at) = error_at("[per-file-ignores]\n\"a/[b\" = [\"CIT001\"]\n");
        assert_eq!(at, "a/[b");
        let (_, at) = error_at("[citation-overkill]\nmax = 0\n");
        assert_eq!(at, "0");
    }

    #[test]
    fn per_file_settings_and_globs() {
        let config = load(
            "ignore = [\"CIT002\"]\nexclude = [\"drafts/**\", \"*.bak.md\"]\n\
             [per-file-ignores]\n\"legacy/*.txt\" = [\"list-numbering\"]\n\
             [input-format]\n\"*.txt\" = \"paper\"\n",
        )
        .unwrap();
        let legacy = config.settings_for(Path::new("/repo/legacy/a.txt"));
        let list_numbering = crate::rules::find("CIT006").unwrap();
        assert!(!legacy.rules.is_enabled(list_numbering));
        assert_eq!(legacy.input_format, Some(Format::Paper));
        let other = config.settings_for(Path::new("/repo/b.md"));
        assert!(other.rules.is_enabled(list_numbering));
        assert!(
            !other
                .rules
                .is_enabled(crate::rules::find("CIT002").unwrap())
        );
        assert_eq!(other.input_format, None);
        // `*` does not cross directories; a bare pattern matches at any depth.
        let deeper = config.settings_for(Path::new("/repo/legacy/sub/a.txt"));
        assert!(deeper.rules.is_enabled(list_numbering));
        assert!(config.excludes(Path::new("/repo/drafts/x/y.md")));
        assert!(config.excludes(Path::new("/repo/a/b/notes.bak.md")));
        assert!(!config.excludes(Path::new("/repo/notes.md")));
    }

    #[test]
    fn command_line_overrides_the_file() {
        let overrides = Overrides {
            select: Some(vec!["CIT001".into()]),
            fail_on: Some(FailOn::Info),
            ..Overrides::default()
        };
        let config = Config::from_text(
            Path::new("/repo/citelint.toml"),
            "select = [\"ALL\"]\nfail-on = \"warning\"\n",
            &overrides,
        )
        .unwrap();
        assert_eq!(config.fail_on, Severity::Info);
        let settings = config.settings_for(Path::new("/repo/a.txt"));
        let enabled: Vec<_> = crate::rules::RULES
            .iter()
            .filter(|r| settings.rules.is_enabled(r))
            .map(|r| r.code)
            .collect();
        assert_eq!(enabled, ["CIT001"]);
    }

    #[test]
    fn rule_options() {
        let config = load(
            "[citation-overkill]\nmax = 5\n[maintenance-tag]\nextend-tags = [\"needs copy edit\"]\n",
        )
        .unwrap();
        let settings = config.settings_for(Path::new("/repo/a.txt"));
        assert_eq!(settings.rule_options.overkill_max, 5);
        let tags = settings.parse.tags.as_ref().unwrap();
        assert!(tags.iter().any(|t| t == "citation needed"));
        assert!(tags.iter().any(|t| t == "needs copy edit"));
    }
}

/// A loaded config, or why it could not be loaded (shared by every file it governs).
type Loaded = Result<Arc<Config>, Arc<ConfigError>>;

/// Finds and loads the config that applies to each file, once per directory
/// and once per config file. Safe to share between threads.
#[derive(Debug)]
pub struct Resolver {
    overrides: Overrides,
    /// `--config PATH` (applies to every file) or the config of `--isolated`.
    fixed: Option<Loaded>,
    /// Used when no config file is found.
    default: Arc<Config>,
    /// Directory as given → the config that governs it.
    dirs: Mutex<HashMap<PathBuf, Loaded>>,
    /// Absolute directory → its config file: shared by sibling directories,
    /// so the search upward asks the file system once per directory.
    absolute_dirs: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Config file → the loaded config.
    loaded: Mutex<HashMap<PathBuf, Loaded>>,
}

/// How the config is chosen.
#[derive(Clone, Debug, Default)]
pub enum Discovery {
    /// The closest config file above each linted file.
    #[default]
    Closest,
    /// This file for every linted file (`--config PATH`).
    File(PathBuf),
    /// No config file at all (`--isolated`).
    Isolated,
}

impl Resolver {
    /// A resolver; fails only on an unknown rule on the command line.
    pub fn new(
        discovery: Discovery,
        overrides: Overrides,
    ) -> Result<Resolver, crate::settings::UnknownRule> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let default = Arc::new(Config::without_file(cwd, &overrides)?);
        let fixed = match discovery {
            Discovery::Closest => None,
            Discovery::Isolated => Some(Ok(default.clone())),
            Discovery::File(path) => Some(
                Config::load(&path, &overrides)
                    .map(Arc::new)
                    .map_err(Arc::from),
            ),
        };
        Ok(Resolver {
            overrides,
            fixed,
            default,
            dirs: Mutex::default(),
            absolute_dirs: Mutex::default(),
            loaded: Mutex::default(),
        })
    }

    /// The config for a file at `path` (for standard input, pass a path in
    /// the working directory).
    pub fn config_for(&self, path: &Path) -> Result<Arc<Config>, Arc<ConfigError>> {
        if let Some(fixed) = &self.fixed {
            return fixed.clone();
        }
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        // Most files share a directory with the previous one: one lookup,
        // no allocation; the file system is searched once per directory.
        if let Some(known) = self.dirs.lock().unwrap_or_else(|e| e.into_inner()).get(dir) {
            return known.clone();
        }
        let resolved = match self.search(dir) {
            None => Ok(self.default.clone()),
            Some(file) => self
                .loaded
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(file.clone())
                .or_insert_with(|| {
                    Config::load(&file, &self.overrides)
                        .map(Arc::new)
                        .map_err(Arc::from)
                })
                .clone(),
        };
        self.dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(dir.to_path_buf())
            .or_insert(resolved)
            .clone()
    }

    /// [`find_config_file`], remembering every directory on the way up.
    fn search(&self, dir: &Path) -> Option<PathBuf> {
        let start = absolute_path(dir);
        let mut pending = Vec::new();
        let mut at = start.as_path();
        let found = loop {
            if let Some(known) = self
                .absolute_dirs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .get(at)
            {
                break known.clone();
            }
            if let Some(file) = config_file_in(at) {
                break Some(file);
            }
            pending.push(at.to_path_buf());
            match at.parent() {
                Some(parent) if !at.join(".git").exists() => at = parent,
                _ => break None,
            }
        };
        let mut known = self.absolute_dirs.lock().unwrap_or_else(|e| e.into_inner());
        for dir in pending {
            known.insert(dir, found.clone());
        }
        found
    }

    /// Every config file that failed to load so far, each once.
    pub fn errors(&self) -> Vec<Arc<ConfigError>> {
        let mut errors: Vec<Arc<ConfigError>> = Vec::new();
        if let Some(Err(err)) = &self.fixed {
            errors.push(err.clone());
        }
        let loaded = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        let mut failed: Vec<_> = loaded
            .iter()
            .filter_map(|(path, result)| result.as_ref().err().map(|e| (path, e.clone())))
            .collect();
        failed.sort_by(|a, b| a.0.cmp(b.0));
        errors.extend(failed.into_iter().map(|(_, e)| e));
        errors
    }
}
