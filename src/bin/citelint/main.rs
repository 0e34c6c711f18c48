//! The `citelint` binary: arguments in, rendered reports and an exit code out.
//! Everything that decides anything lives in the library.

mod args;
mod files;
mod online;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use rayon::prelude::*;

use args::{CheckArgs, Cli, ColorChoice, Command, Deny};
use citelint::render::{OutputFormat, RenderOptions, Renderer};
use citelint::rules::{self, RULES};
use citelint::settings::{RuleSet, Selection};
use citelint::{FileReport, Format, Settings};

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

/// Files linted (in parallel) before their reports are written out.
const BATCH_SIZE: usize = 256;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(*args),
        Command::Rules { json } => list_rules(json),
        Command::Rule { rule } => explain_rule(&rule),
        Command::Cache { action, cache_path } => online::cache_command(action, &cache_path),
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

fn check(args: CheckArgs) -> io::Result<u8> {
    let format: OutputFormat = match args.format.parse() {
        Ok(format) => format,
        Err(message) => return usage_error(message),
    };
    let input_format = match args.input_format.as_deref().map(str::parse::<Format>) {
        None => None,
        Some(Ok(format)) => Some(format),
        Some(Err(message)) => return usage_error(message),
    };
    let selection = Selection {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        severity: Vec::new(),
    };
    let rule_set = match RuleSet::from_selection(&selection) {
        Ok(set) => set,
        Err(err) => return usage_error(err),
    };
    let mut settings = Settings {
        rules: rule_set,
        input_format,
        ..Settings::default()
    };
    if let Some(max) = args.overkill_max {
        settings.rule_options.overkill_max = max;
    }
    let mut online_settings = citelint::online::OnlineSettings::default();
    args.online.apply(&mut online_settings);
    if let Err(message) = online_settings.validate() {
        return usage_error(message);
    }
    let online = online_settings.enabled;

    let (inputs, mut problems) = files::collect(&args.paths);
    if inputs.is_empty() && problems.is_empty() {
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
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let options = RenderOptions {
        color,
        graphics: std::env::var_os("NO_GRAPHICS").is_none(),
        width: terminal_width(),
    };
    let mut out = io::BufWriter::new(stdout.lock());
    let mut renderer = Renderer::new(format, options);
    renderer.begin(&mut out)?;
    // Files are linted in parallel a batch at a time and written in path
    // order. A lint thread works on the next batch while this one writes the
    // last; at most two batches wait, so memory does not grow with the
    // number of files.
    // With `--online`, files are held (with the source of those that have
    // links) until the online pass has run over the links of all of them.
    let lint_batch =
        |batch: &[files::Input]| -> Vec<Result<Option<online::Held>, files::FileError>> {
            batch
                .par_iter()
                .map(|input| {
                    let Some(source) =
                        files::read(input, args.stdin_filename.as_deref(), args.max_file_size)?
                    else {
                        return Ok(None);
                    };
                    if online {
                        let (mut report, doc) = citelint::lint_document(&source, &settings);
                        let entries = online::cited_entries_from_model(
                            &doc,
                            source.text(),
                            &online_settings.wayback_url,
                        );
                        if keep_text {
                            report.text = Some(source.text().into());
                        }
                        let links = (!entries.is_empty()).then_some((source, entries));
                        return Ok(Some(online::Held { report, links }));
                    }
                    let mut report = citelint::lint(&source, &settings);
                    if keep_text {
                        report.text = Some(source.into_text().into());
                    }
                    Ok(Some(online::Held {
                        report,
                        links: None,
                    }))
                })
                .collect()
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
                    Ok(Some(linted)) if online => held.push(linted),
                    Ok(Some(linted)) => reports.push(linted.report),
                    Ok(None) => {}
                    Err(problem) => problems.push(problem),
                }
            }
            renderer.files(&reports, &mut out)?;
        }
        Ok(())
    });
    written?;
    if online {
        let show_progress = !args.online.no_progress;
        if let Err(message) =
            online::run_pass(&mut held, online_settings, &settings.rules, show_progress)
        {
            eprintln!("citelint: error: online pass: {message}");
            return Ok(EXIT_TROUBLE);
        }
        let reports: Vec<FileReport> = held.into_iter().map(|h| h.report).collect();
        renderer.files(&reports, &mut out)?;
    }
    let summary = renderer.finish(&mut out)?;
    out.flush()?;

    for problem in &problems {
        eprintln!("citelint: error: {problem}");
    }
    if !problems.is_empty() {
        return Ok(EXIT_TROUBLE);
    }
    let failing = summary.errors > 0 || (args.deny == Some(Deny::Warnings) && summary.warnings > 0);
    Ok(if failing && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
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
