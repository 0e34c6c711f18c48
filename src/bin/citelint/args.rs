//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Checks that an article's citations and its reference list agree.
#[derive(Debug, Parser)]
#[command(name = "citelint", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: the current directory).
    Check(CheckArgs),
    /// List every rule with its code, name and default severity.
    Rules {
        /// Print the list as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Explain one rule, by code (CIT001) or name (missing-reference).
    Rule {
        /// The rule's code or name.
        rule: String,
    },
    /// Print a shell completion script to standard output.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page citelint(1) to standard output, or write every page to a directory.
    Man {
        /// Write citelint.1 and one page per subcommand (citelint-check.1, ...)
        /// into this directory instead.
        #[arg(long, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Show the settings that apply to a file, or the config file's JSON Schema.
    Config(ConfigArgs),
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Print the resolved settings for PATH (default: the current directory).
    #[arg(long, value_name = "PATH", num_args = 0..=1, default_missing_value = ".", conflicts_with = "schema")]
    pub show: Option<PathBuf>,

    /// Print the JSON Schema of citelint.toml.
    #[arg(long)]
    pub schema: bool,

    #[command(flatten)]
    pub config: ConfigChoice,

    #[command(flatten)]
    pub rules: RuleFlags,
}

/// Which config file applies.
#[derive(Debug, Args)]
pub struct ConfigChoice {
    /// Use this config file for every file instead of searching for
    /// citelint.toml / .citelint.toml.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every config file.
    #[arg(long)]
    pub isolated: bool,
}

/// Rule selection flags; they override the config file.
#[derive(Debug, Args)]
pub struct RuleFlags {
    /// Run only these rules (codes, names, code prefixes or ALL; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,

    /// Run these rules in addition to the selected ones.
    #[arg(long, value_delimiter = ',')]
    pub extend_select: Vec<String>,

    /// Do not run these rules.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Force the input format instead of detecting it:
    /// wikipedia-text, markdown, html, paper or wikitext.
    #[arg(long)]
    pub input_format: Option<String>,

    /// Most citations one claim may carry before citation-overkill reports it.
    #[arg(long, value_name = "N")]
    pub overkill_max: Option<usize>,

    /// The least severe finding that fails the run (exit 1): error (default), warning or info.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOnLevel>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnLevel {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Deny {
    /// Exit 1 when any warning is found, not only errors.
    Warnings,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads standard input.
    pub paths: Vec<PathBuf>,

    /// Output format: full, concise, json, sarif, github, gitlab, rdjson,
    /// junit, checkstyle, markdown or json-lines.
    #[arg(long, env = "CITELINT_OUTPUT_FORMAT", default_value = "full")]
    pub format: String,

    /// Write the report to this file (replaced atomically) instead of
    /// standard output.
    #[arg(short = 'o', long, value_name = "PATH")]
    pub output_file: Option<PathBuf>,

    #[command(flatten)]
    pub rules: RuleFlags,

    #[command(flatten)]
    pub config: ConfigChoice,

    /// Hide the findings recorded in this baseline file; report only new ones.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in this baseline file (and exit 0).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Exit 0 even when errors are found (unreadable paths still exit 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// Treat warnings as failures: `--deny warnings` (the same as `--fail-on warning`).
    #[arg(long, value_enum, conflicts_with = "fail_on")]
    pub deny: Option<Deny>,

    /// The file name to report (and detect the format from) for standard input.
    #[arg(long)]
    pub stdin_filename: Option<String>,

    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Skip files larger than this many bytes (reported, exit 2).
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_file_size: u64,
}
