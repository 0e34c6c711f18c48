//! Strict mirrors of the JSON report's diagnostic objects, shared by the
//! tests of the `json` and `json-lines` formats.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonDiagnostic {
    pub code: String,
    pub rule: String,
    pub severity: String,
    pub message: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub key: Option<String>,
    pub group: Option<String>,
    pub keys: Vec<String>,
    pub related: Vec<JsonRelated>,
    pub help: Option<String>,
    pub fingerprint: String,
    /// Online findings only (CIT030-034): see [`ONLINE_KEYS`].
    #[serde(default)]
    #[allow(dead_code)]
    pub url: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub status: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub verdict: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    pub suggestion: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonRelated {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Every key of a diagnostic object. `Option` fields would deserialize from a
/// missing key, so presence is checked on the raw value as well.
pub const DIAGNOSTIC_KEYS: &[&str] = &[
    "code",
    "rule",
    "severity",
    "message",
    "line",
    "column",
    "end_line",
    "end_column",
    "byte_start",
    "byte_end",
    "key",
    "group",
    "keys",
    "related",
    "help",
    "fingerprint",
];

/// The keys online findings (CIT030-034) carry besides [`DIAGNOSTIC_KEYS`].
#[allow(dead_code)]
pub const ONLINE_KEYS: &[&str] = &["url", "status", "verdict", "suggestion"];
