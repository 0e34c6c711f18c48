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

    /// Output format: full, concise or json.
    #[arg(long, env = "CITELINT_OUTPUT_FORMAT", default_value = "full")]
    pub format: String,

    /// Run only these rules (codes, names, code prefixes or ALL; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,

    /// Run these rules in addition to the selected ones.
    #[arg(long, value_delimiter = ',')]
    pub extend_select: Vec<String>,

    /// Do not run these rules.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Exit 0 even when errors are found (unreadable paths still exit 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// Treat warnings as failures: `--deny warnings`.
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,

    /// Force the input format instead of detecting it:
    /// wikipedia-text, markdown, html, paper or wikitext.
    #[arg(long)]
    pub input_format: Option<String>,

    /// The file name to report (and detect the format from) for standard input.
    #[arg(long)]
    pub stdin_filename: Option<String>,

    /// When to use colours.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Most citations one claim may carry before citation-overkill reports it.
    #[arg(long, value_name = "N")]
    pub overkill_max: Option<usize>,

    /// Skip files larger than this many bytes (reported, exit 2).
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    pub max_file_size: u64,
}
