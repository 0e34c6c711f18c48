//! Findings: what a rule reports, where, and how bad it is.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::model::Group;
use crate::source::{Position, Span};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run by default.
    Info,
    /// Probably wrong; fails a run only with `--deny warnings`.
    Warning,
    /// Certainly wrong; fails the run.
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad` honours width and alignment (`{:<8}` in tables).
        f.pad(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "info" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!(
                "unknown severity `{other}` (expected info, warning or error)"
            )),
        }
    }
}

/// A secondary location attached to a finding ("also cited here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// Where.
    pub span: Span,
    /// Resolved start of `span` (filled in by the checker).
    pub start: Position,
    /// Resolved end of `span` (filled in by the checker).
    pub end: Position,
    /// What this location is.
    pub message: String,
}

/// One finding of one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's code, e.g. `CIT001`.
    pub code: &'static str,
    /// The rule's kebab-case name, e.g. `missing-reference`.
    pub rule: &'static str,
    /// Severity after configuration.
    pub severity: Severity,
    /// One sentence saying what is wrong.
    pub message: String,
    /// The primary location.
    pub span: Span,
    /// Resolved start of `span` (filled in by the checker).
    pub start: Position,
    /// Resolved end of `span` (filled in by the checker).
    pub end: Position,
    /// The entry number or label the finding is about.
    pub key: Option<String>,
    /// The group of `key`/`keys`.
    pub group: Option<Group>,
    /// All keys of a finding about several entries (duplicate sources).
    pub keys: Vec<String>,
    /// Other locations that explain the finding.
    pub related: Vec<Related>,
    /// What to do about it.
    pub help: Option<String>,
    /// Identifies the finding across edits elsewhere in the file: a hash of
    /// the rule, the key(s) and the normalised text around the primary span,
    /// never of line numbers. Unique within one file (filled in by the
    /// checker; see [`crate::checker`]).
    pub fingerprint: String,
    /// What the online pass found about a link; set only on online findings
    /// (CIT030–034).
    pub online: Option<Box<OnlineFinding>>,
}

/// The link facts of an online finding, written to JSON as four keys.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OnlineFinding {
    /// The URL checked.
    pub url: String,
    /// The HTTP status (`"404"`) or the kind of failure (`"timeout"`).
    pub status: String,
    /// `alive`, `dead` or `unknown`.
    pub verdict: crate::online::Verdict,
    /// The archive URL to use instead, when there is one.
    pub suggestion: Option<String>,
}

impl Diagnostic {
    /// A finding of `code`/`rule` at `span`; positions are resolved later.
    pub fn new(
        code: &'static str,
        rule: &'static str,
        severity: Severity,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            rule,
            severity,
            message: message.into(),
            span,
            start: Position::default(),
            end: Position::default(),
            key: None,
            group: None,
            keys: Vec::new(),
            related: Vec::new(),
            help: None,
            fingerprint: String::new(),
            online: None,
        }
    }

    /// Sets the key and group the finding is about.
    pub fn with_key(mut self, key: impl ToString, group: Group) -> Self {
        self.key = Some(key.to_string());
        self.group = Some(group);
        self
    }

    /// Sets the keys of a finding about several entries.
    pub fn with_keys(mut self, keys: Vec<String>, group: Group) -> Self {
        self.keys = keys;
        self.group = Some(group);
        self
    }

    /// Adds a related location.
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            start: Position::default(),
            end: Position::default(),
            message: message.into(),
        });
        self
    }

    /// Sets the help text.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Attaches the link facts of an online finding.
    pub fn with_online(mut self, online: OnlineFinding) -> Self {
        self.online = Some(Box::new(online));
        self
    }

    /// Overrides the severity (some rules report milder sub-cases).
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}
