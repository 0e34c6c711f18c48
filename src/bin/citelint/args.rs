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
    Check(Box<CheckArgs>),
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
    /// Inspect or empty the online pass's cache.
    Cache {
        #[command(subcommand)]
        action: CacheAction,
        /// The cache file.
        #[arg(long, global = true, value_name = "PATH", default_value = citelint::online::DEFAULT_CACHE_PATH)]
        cache_path: PathBuf,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Subcommand)]
pub enum CacheAction {
    /// Count what the cache holds.
    Stats,
    /// Drop alive results and look-ups older than --max-age days, and old failure history.
    Prune {
        /// Days after which an alive result is dropped.
        #[arg(long, value_name = "DAYS", default_value_t = 7)]
        max_age: u32,
    },
    /// Remove everything.
    Clear,
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

    /// Treat warnings as failures: `--deny warnings` (never less strict than
    /// the config's fail-on).
    #[arg(long, value_enum)]
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

    #[command(flatten)]
    pub online: OnlineArgs,
}

/// The online pass (`--online`).
#[derive(Debug, Args)]
#[command(next_help_heading = "Online pass")]
pub struct OnlineArgs {
    /// Check the reference entries' links over the network (CIT030-034).
    #[arg(long)]
    pub online: bool,

    /// Do not read or write the cache.
    #[arg(long)]
    pub no_cache: bool,

    /// The cache file [default: .citelint/cache.sqlite].
    #[arg(long, value_name = "PATH")]
    pub cache_path: Option<PathBuf>,

    /// Total time one request may take, in seconds [default: 20].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,

    /// Time to connect, in seconds [default: 10].
    #[arg(long, value_name = "SECONDS")]
    pub connect_timeout: Option<f64>,

    /// Requests in flight at once over all hosts [default: 64].
    #[arg(long, value_name = "N")]
    pub max_concurrency: Option<usize>,

    /// Requests in flight at once to one host [default: 2].
    #[arg(long, value_name = "N")]
    pub host_concurrency: Option<usize>,

    /// Requests per second to one host [default: 10].
    #[arg(long, value_name = "PER_SECOND")]
    pub host_rate: Option<f64>,

    /// Requests per second to an archive's replay host [default: 8].
    #[arg(long, value_name = "PER_SECOND")]
    pub archive_rate: Option<f64>,

    /// Requests per second to the CDX and availability APIs [default: 0.8].
    #[arg(long, value_name = "PER_SECOND")]
    pub cdx_rate: Option<f64>,

    /// Retries after a 429, a 5xx, a timeout or a reset [default: 3].
    #[arg(long, value_name = "N")]
    pub retries: Option<u32>,

    /// First backoff delay in seconds, doubled per retry [default: 1].
    #[arg(long, value_name = "SECONDS")]
    pub retry_delay: Option<f64>,

    /// Check links on private, loopback, link-local and multicast addresses.
    #[arg(long)]
    pub allow_private: bool,

    /// Report a dead link as confirmed only after 3 failed checks at least
    /// 3 days apart (the default).
    #[arg(long, overrides_with = "no_confirm_dead")]
    pub confirm_dead: bool,

    /// Report a dead link as confirmed at its first failed check.
    #[arg(long, overrides_with = "confirm_dead")]
    pub no_confirm_dead: bool,

    /// Days an alive result is trusted before checking again [default: 7].
    #[arg(long, value_name = "DAYS")]
    pub max_age: Option<u32>,

    /// Wayback replay base; captures are <base>/web/<timestamp>/<url>.
    #[arg(long, value_name = "URL")]
    pub wayback_url: Option<String>,

    /// Wayback CDX endpoint.
    #[arg(long, value_name = "URL")]
    pub cdx_url: Option<String>,

    /// Wayback availability endpoint (a fallback when CDX fails); `` turns it off.
    #[arg(long, value_name = "URL")]
    pub availability_url: Option<String>,

    /// No progress bar (it is shown only on a terminal, and never in CI).
    #[arg(long)]
    pub no_progress: bool,
}

impl OnlineArgs {
    /// Applies the flags given over `settings` (from defaults or a config file).
    pub fn apply(&self, settings: &mut citelint::online::OnlineSettings) {
        settings.enabled |= self.online;
        if self.no_cache {
            settings.cache = false;
        }
        macro_rules! set {
            ($($field:ident),*) => {
                $(if let Some(value) = self.$field.clone() {
                    settings.$field = value;
                })*
            };
        }
        set!(
            cache_path,
            timeout,
            connect_timeout,
            max_concurrency,
            host_concurrency,
            host_rate,
            archive_rate,
            cdx_rate,
            retries,
            max_age,
            wayback_url,
            cdx_url,
            availability_url
        );
        if let Some(delay) = self.retry_delay {
            settings.retry_base_delay = delay;
        }
        settings.allow_private |= self.allow_private;
        if self.no_confirm_dead {
            settings.confirm_dead = false;
        } else if self.confirm_dead {
            settings.confirm_dead = true;
        }
    }
}
