//! The `citelint` binary: arguments in, rendered reports and an exit code out.
//! Everything that decides anything lives in the library.

mod args;
mod files;
mod generate;
mod online;

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use rayon::prelude::*;

use args::{
    CheckArgs, Cli, ColorChoice, Command, ConfigArgs, ConfigChoice, Deny, FailOnLevel, RuleFlags,
};
use citelint::baseline::Baseline;
use citelint::config::{self, ConfigError, Discovery, FailOn, Overrides, Resolver};
use citelint::render::{OutputFormat, RenderOptions, Renderer};
use citelint::rules::{self, RULES};
use citelint::settings::RuleSeverity;
use citelint::{FileReport, Format, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme};

// Linting allocates many small, short-lived strings per file; mimalloc
// handles that pattern markedly faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// No error-level findings.
const EXIT_OK: u8 = 0;
/// Error-level findings (or warnings under `--deny warnings`).
const EXIT_FINDINGS: u8 = 1;
/// A usage error, or a path that could not be read.
const EXIT_TROUBLE: u8 = 2;

/// Report output buffer: a large run writes hundreds of megabytes of JSON,
/// and 8 KiB writes cost a system call each.
const OUTPUT_BUFFER: usize = 64 * 1024;

/// Files linted (in parallel) before their reports are written out.
const BATCH_SIZE: usize = 256;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(*args),
        Command::Rules { json } => list_rules(json),
        Command::Rule { rule } => explain_rule(&rule),
        Command::Cache { action, cache_path } => online::cache_command(action, &cache_path),
        Command::Config(args) => show_config(args),
        Command::Completions { shell } => generate::completions(shell).map(|()| EXIT_OK),
        Command::Man { output } => generate::man(output.as_deref()).map(|()| EXIT_OK),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // A closed pipe (`citelint check | head`) is not an error.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(EXIT_OK),
        Err(err) => {
            eprintln!("citelint: error: {err}");
            ExitCode::from(EXIT_TROUBLE)
        }
    }
}

fn usage_error(message: impl std::fmt::Display) -> io::Result<u8> {
    eprintln!("citelint: error: {message}");
    Ok(EXIT_TROUBLE)
}

/// Command-line rule flags as config overrides.
fn overrides(flags: &RuleFlags, deny: Option<Deny>) -> Result<Overrides, String> {
    let input_format = match flags.input_format.as_deref().map(str::parse::<Format>) {
        None => None,
        Some(Ok(format)) => Some(format),
        Some(Err(message)) => return Err(message),
    };
    let fail_on = flags.fail_on.map(|level| match level {
        FailOnLevel::Error => FailOn::Error,
        FailOnLevel::Warning => FailOn::Warning,
        FailOnLevel::Info => FailOn::Info,
    });
    Ok(Overrides {
        select: flags.select.clone(),
        extend_select: flags.extend_select.clone(),
        ignore: flags.ignore.clone(),
        input_format,
        overkill_max: flags.overkill_max,
        fail_on,
        deny_warnings: deny == Some(Deny::Warnings),
    })
}

fn discovery(choice: &ConfigChoice) -> Discovery {
    match (&choice.config, choice.isolated) {
        (Some(path), _) => Discovery::File(path.clone()),
        (None, true) => Discovery::Isolated,
        (None, false) => Discovery::Closest,
    }
}

/// Prints config-file errors as miette diagnostics pointing into the TOML.
fn report_config_errors(errors: &[Arc<ConfigError>]) {
    let theme = if io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(terminal_width());
    for err in errors {
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, err.as_ref()).is_err() {
            rendered = err.to_string();
        }
        eprintln!("{rendered}");
    }
}

/// The outcome of linting one input.
enum Linted {
    /// A report, and the least severe finding that fails the run for it.
    Report(FileReport, Severity),
    /// Nothing to report (a binary file met in a walk).
    Skipped,
    /// Not linted: its config file is broken (reported once, at the end).
    BadConfig,
    /// With `--online`: held until the online pass has run.
    Held(Box<online::Held>),
}

fn check(args: CheckArgs) -> io::Result<u8> {
    let format: OutputFormat = match args.format.parse() {
        Ok(format) => format,
        Err(message) => return usage_error(message),
    };
    let overrides = match overrides(&args.rules, args.deny) {
        Ok(overrides) => overrides,
        Err(message) => return usage_error(message),
    };
    let resolver = match Resolver::new(discovery(&args.config), overrides) {
        Ok(resolver) => resolver,
        Err(err) => return usage_error(err),
    };
    let baseline = match &args.baseline {
        None => None,
        Some(path) => match Baseline::load(path) {
            Ok(baseline) => Some(baseline),
            Err(err) => return usage_error(err),
        },
    };
    let mut recorded = args.write_baseline.as_deref().map(Baseline::new);
    // The online pass is one for the whole run: it takes the `[online]`
    // table of the config that applies to the working directory (a broken
    // config is reported with its files), then the flags.
    let mut online_settings = resolver
        .config_for(Path::new("article"))
        .map(|config| config.online.clone())
        .unwrap_or_default();
    args.online.apply(&mut online_settings);
    if let Err(message) = online_settings.validate() {
        return usage_error(message);
    }
    let online = online_settings.enabled;

    // Which files to lint: each file's config decides by its include and
    // exclude globs (a file under a broken config is kept, then skipped).
    let wanted = |path: &Path, explicit: bool| match resolver.config_for(path) {
        Ok(config) => {
            !config.excludes(path)
                && (explicit || config.includes(path, || files::has_default_extension(path)))
        }
        Err(_) => explicit || files::has_default_extension(path),
    };
    let (inputs, mut problems) = files::collect(&args.paths, &wanted);
    // Broken config files are reported before the findings; their files
    // are not linted, the others are.
    let early_config_errors = resolver.errors();
    report_config_errors(&early_config_errors);
    if inputs.is_empty() && problems.is_empty() && early_config_errors.is_empty() {
        eprintln!(
            "citelint: warning: no files to lint (directories are searched for {})",
            files::DEFAULT_EXTENSIONS
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    let keep_text = format.needs_source();
    let stdout = io::stdout();
    let to_terminal = args.output_file.is_none() && stdout.is_terminal();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let options = RenderOptions {
        color,
        graphics: std::env::var_os("NO_GRAPHICS").is_none(),
        width: terminal_width(),
    };
    let root = std::env::current_dir().ok();
    let renderer_for = |format| {
        let renderer = Renderer::new(format, options);
        match &root {
            Some(root) => renderer.with_root(root.clone()),
            None => renderer,
        }
    };
    let mut renderer = renderer_for(format);
    // Under GitHub Actions the annotations are capped, so the github format
    // also appends the Markdown report to the job summary.
    let step_summary = match format {
        OutputFormat::Github => std::env::var_os("GITHUB_STEP_SUMMARY")
            .filter(|path| !path.is_empty())
            .map(PathBuf::from),
        _ => None,
    };
    let mut job_summary = step_summary
        .as_ref()
        .map(|_| (renderer_for(OutputFormat::Markdown), Vec::new()));
    let mut output = Output::open(args.output_file.as_deref())?;
    let out = output.writer();
    renderer.begin(out)?;
    let stdin_path = PathBuf::from(args.stdin_filename.as_deref().unwrap_or("-"));
    // Files are linted in parallel a batch at a time and written in path
    // order. A lint thread works on the next batch while this one writes the
    // last; at most two batches wait, so memory does not grow with the
    // number of files.
    let lint_batch = |batch: &[files::Input]| -> Vec<Result<Linted, files::FileError>> {
        batch
            .par_iter()
            .map(|input| {
                let path = match input {
                    files::Input::Path { path, .. } => path,
                    files::Input::Stdin => &stdin_path,
                };
                let Ok(config) = resolver.config_for(path) else {
                    return Ok(Linted::BadConfig);
                };
                // Standard input named as an excluded file (editors and
                // hooks pass the name) is not linted either.
                if matches!(input, files::Input::Stdin)
                    && args.stdin_filename.is_some()
                    && config.excludes(path)
                {
                    return Ok(Linted::Skipped);
                }
                let Some(source) =
                    files::read(input, args.stdin_filename.as_deref(), args.max_file_size)?
                else {
                    return Ok(Linted::Skipped);
                };
                let settings = config.settings_for(path);
                if online {
                    // With `--online`, files are held (with the source of
                    // those that have links) until the online pass has run
                    // over the links of all of them.
                    let (mut report, mut doc) = citelint::lint_document(&source, &settings);
                    let entries = online::cited_entries(
                        &doc,
                        source.text(),
                        &online_settings.wayback_url,
                        &settings.rule_options.archive_hosts,
                    );
                    if keep_text {
                        report.text = Some(source.text().into());
                    }
                    let links = (!entries.is_empty()).then_some((source, entries));
                    return Ok(Linted::Held(Box::new(online::Held {
                        report,
                        fail_on: config.fail_on,
                        rules: settings.rules.clone(),
                        links,
                        directives: std::mem::take(&mut doc.directives),
                    })));
                }
                let mut report = citelint::lint(&source, &settings);
                if keep_text {
                    report.text = Some(source.into_text().into());
                }
                Ok(Linted::Report(report, config.fail_on))
            })
            .collect()
    };
    let mut failing = false;
    let mut hidden = 0;
    // Every report passes here before it is written: recorded for
    // --write-baseline, filtered by --baseline, and weighed for the exit code.
    let mut admit = |report: &mut FileReport, fail_on: Severity| {
        if let Some(recorded) = recorded.as_mut() {
            recorded.record(report);
        }
        if let Some(baseline) = &baseline {
            hidden += baseline.filter(report);
        }
        failing |= report.diagnostics.iter().any(|d| d.severity >= fail_on);
    };
    let mut held: Vec<online::Held> = Vec::new();
    let written: io::Result<()> = std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel(2);
        scope.spawn(move || {
            for batch in inputs.chunks(BATCH_SIZE) {
                // A closed channel means the writer stopped (a broken pipe).
                if sender.send(lint_batch(batch)).is_err() {
                    break;
                }
            }
        });
        for results in receiver {
            let mut reports = Vec::with_capacity(results.len());
            for result in results {
                match result {
                    Ok(Linted::Report(mut report, fail_on)) => {
                        admit(&mut report, fail_on);
                        reports.push(report);
                    }
                    Ok(Linted::Held(linted)) => held.push(*linted),
                    Ok(Linted::Skipped | Linted::BadConfig) => {}
                    Err(problem) => problems.push(problem),
                }
            }
            renderer.files(&reports, out)?;
            if let Some((markdown, text)) = &mut job_summary {
                markdown.files(&reports, text)?;
            }
        }
        Ok(())
    });
    written?;
    // The online pass never costs the offline findings: a cache that cannot
    // be used is a warning (the pass runs without it, see `run_pass`), and
    // a pass that cannot run at all is an error (exit 2) after the reports.
    let mut online_failed = false;
    if online {
        let show_progress = !args.online.no_progress;
        if let Err(message) = online::run_pass(&mut held, online_settings, show_progress) {
            eprintln!("citelint: error: online pass: {message}");
            online_failed = true;
        }
        let mut reports = Vec::with_capacity(held.len());
        for h in held {
            let mut report = h.report;
            admit(&mut report, h.fail_on);
            reports.push(report);
        }
        renderer.files(&reports, out)?;
        if let Some((markdown, text)) = &mut job_summary {
            markdown.files(&reports, text)?;
        }
    }
    renderer.finish(out)?;
    output.commit()?;
    if let (Some(path), Some((markdown, mut text))) = (&step_summary, job_summary) {
        markdown.finish(&mut text)?;
        if let Err(err) = append(path, &text) {
            eprintln!(
                "citelint: warning: could not write the job summary to {}: {err}",
                path.display()
            );
        }
    }

    if let (Some(path), Some(baseline), true) = (&args.baseline, &baseline, hidden > 0) {
        eprintln!(
            "citelint: {hidden} finding{} hidden by the baseline {} ({} recorded)",
            if hidden == 1 { "" } else { "s" },
            path.display(),
            baseline.len()
        );
    }
    let config_errors = resolver.errors();
    let late: Vec<_> = config_errors
        .iter()
        .filter(|e| !early_config_errors.iter().any(|x| Arc::ptr_eq(x, e)))
        .cloned()
        .collect();
    report_config_errors(&late);
    for problem in &problems {
        eprintln!("citelint: error: {problem}");
    }
    if let (Some(path), Some(recorded)) = (&args.write_baseline, &recorded) {
        let written = Output::open(Some(path)).and_then(|mut file| {
            file.writer().write_all(recorded.to_json().as_bytes())?;
            file.commit()
        });
        if let Err(err) = written {
            eprintln!(
                "citelint: error: {}: cannot write the baseline: {err}",
                path.display()
            );
            return Ok(EXIT_TROUBLE);
        }
        eprintln!(
            "citelint: recorded {} finding{} in {}",
            recorded.len(),
            if recorded.len() == 1 { "" } else { "s" },
            path.display()
        );
    }
    if !problems.is_empty() || !config_errors.is_empty() || online_failed {
        return Ok(EXIT_TROUBLE);
    }
    // Writing a baseline accepts what was found.
    Ok(
        if failing && !args.exit_zero && args.write_baseline.is_none() {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        },
    )
}

/// `citelint config`: the resolved settings for a file, or the schema.
fn show_config(args: ConfigArgs) -> io::Result<u8> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.schema || args.show.is_none() {
        if !args.schema {
            return usage_error(
                "say what to show: `citelint config --show [PATH]` or `citelint config --schema`",
            );
        }
        out.write_all(config::json_schema().as_bytes())?;
        out.flush()?;
        return Ok(EXIT_OK);
    }
    let target = args.show.unwrap_or_else(|| PathBuf::from("."));
    let overrides = match overrides(&args.rules, None) {
        Ok(overrides) => overrides,
        Err(message) => return usage_error(message),
    };
    let resolver = match Resolver::new(discovery(&args.config), overrides) {
        Ok(resolver) => resolver,
        Err(err) => return usage_error(err),
    };
    // For a directory, show what applies to a file directly inside it.
    let probe = if target.is_dir() {
        target.join("article.txt")
    } else {
        target.clone()
    };
    let config = match resolver.config_for(&probe) {
        Ok(config) => config,
        Err(err) => {
            report_config_errors(&[err]);
            return Ok(EXIT_TROUBLE);
        }
    };
    let settings = config.settings_for(&probe);
    let list = |items: Option<&[String]>| match items {
        None => "(not set)".to_owned(),
        Some(items) => format!("{items:?}"),
    };
    writeln!(out, "file: {}", target.display())?;
    match &config.path {
        Some(path) => writeln!(out, "config file: {}", path.display())?,
        None => writeln!(out, "config file: none (built-in defaults)")?,
    }
    writeln!(out, "fail-on: {}", config.fail_on)?;
    match settings.input_format {
        Some(format) => writeln!(out, "input-format: {}", format.name())?,
        None => writeln!(out, "input-format: detected from each file")?,
    }
    let (include, exclude) = config.include_exclude();
    writeln!(out, "include: {}", list(include))?;
    writeln!(out, "exclude: {}", list(exclude))?;
    if !target.is_dir() {
        writeln!(out, "excluded: {}", config.excludes(&target))?;
    }
    for (pattern, rules) in config.matching_ignores(&probe) {
        writeln!(out, "per-file-ignores: {pattern:?} = {rules:?} (matches)")?;
    }
    writeln!(
        out,
        "citation-overkill.max: {}",
        settings.rule_options.overkill_max
    )?;
    match &settings.parse.tags {
        Some(tags) => writeln!(out, "maintenance-tag.tags: {tags:?}")?,
        None => writeln!(out, "maintenance-tag.tags: (built-in list)")?,
    }
    writeln!(out, "rules:")?;
    for (position, rule) in RULES.iter().enumerate() {
        let state = match settings.rules.severity_at(position) {
            None => "off".to_owned(),
            Some(RuleSeverity::Default) => rule.default_severity.to_string(),
            Some(RuleSeverity::Forced(severity)) => format!("{severity} (configured)"),
        };
        writeln!(out, "  {}  {:<24} {state}", rule.code, rule.name)?;
    }
    out.flush()?;
    Ok(EXIT_OK)
}

/// Where the report goes: standard output, or a temporary file beside the
/// `--output-file` that replaces it only once the report is complete.
enum Output {
    Stdout(io::BufWriter<io::StdoutLock<'static>>),
    File {
        file: io::BufWriter<tempfile::NamedTempFile>,
        path: PathBuf,
    },
}

impl Output {
    fn open(path: Option<&Path>) -> io::Result<Self> {
        let Some(path) = path else {
            return Ok(Output::Stdout(io::BufWriter::with_capacity(
                OUTPUT_BUFFER,
                io::stdout().lock(),
            )));
        };
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".citelint-").suffix(".tmp");
        // A report is an ordinary file: the umask decides, not tempfile's 0600.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let file = builder.tempfile_in(dir).map_err(|err| {
            io::Error::new(
                err.kind(),
                format!("cannot write {}: {err}", path.display()),
            )
        })?;
        Ok(Output::File {
            file: io::BufWriter::with_capacity(OUTPUT_BUFFER, file),
            path: path.to_owned(),
        })
    }

    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Output::Stdout(out) => out,
            Output::File { file, .. } => file,
        }
    }

    /// Flushes the report; a file is renamed over the target.
    fn commit(self) -> io::Result<()> {
        match self {
            Output::Stdout(mut out) => out.flush(),
            Output::File { file, path } => {
                let file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
                file.persist(&path).map_err(|err| {
                    io::Error::new(
                        err.error.kind(),
                        format!("cannot write {}: {}", path.display(), err.error),
                    )
                })?;
                Ok(())
            }
        }
    }
}

/// Appends `text` to the file at `path`, creating it.
fn append(path: &Path, text: &[u8]) -> io::Result<()> {
    let mut file = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text)
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100)
}

fn list_rules(json: bool) -> io::Result<u8> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    if json {
        let rules: Vec<_> = RULES
            .iter()
            .map(|r| {
                serde_json::json!({
                    "code": r.code,
                    "name": r.name,
                    "severity": r.default_severity,
                    "enabled": r.default_enabled,
                    "summary": r.summary,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &rules)?;
        writeln!(out)?;
    } else {
        for r in RULES {
            let on = if r.default_enabled {
                ""
            } else {
                " (off by default)"
            };
            writeln!(
                out,
                "{}  {:<24} {:<8} {}{on}",
                r.code, r.name, r.default_severity, r.summary
            )?;
        }
    }
    out.flush()?;
    Ok(EXIT_OK)
}

fn explain_rule(name: &str) -> io::Result<u8> {
    let Some(rule) = rules::find(name) else {
        return usage_error(format!(
            "unknown rule `{name}` (run `citelint rules` to list them)"
        ));
    };
    let mut out = io::stdout().lock();
    let default = if rule.default_enabled {
        "on by default"
    } else {
        "off by default"
    };
    writeln!(
        out,
        "# {} ({})\n\nDefault severity: {} ({default})\n\n{}",
        rule.name, rule.code, rule.default_severity, rule.doc
    )?;
    Ok(EXIT_OK)
}
