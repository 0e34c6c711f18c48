//! Baselines: accept the findings a legacy article already has, report only
//! new ones.
//!
//! `citelint check --write-baseline citelint-baseline.json` records every
//! current finding by path, rule and [fingerprint](crate::Diagnostic::fingerprint);
//! `citelint check --baseline citelint-baseline.json` hides those and reports
//! the rest. Fingerprints hash the rule, the key and the text around the
//! finding, never line numbers, so edits elsewhere in the file keep a
//! finding hidden; fixing it and breaking it again elsewhere does not.

use std::collections::HashMap;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::FileReport;

/// The current baseline format.
pub const VERSION: u32 = 1;

/// One accepted finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    /// The file, relative to the baseline file's directory, `/`-separated.
    pub path: String,
    /// The rule's code.
    pub code: String,
    /// The finding's fingerprint.
    pub fingerprint: String,
    /// The message when it was recorded, for people reading the file.
    pub message: String,
}

/// A set of accepted findings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// The accepted findings, sorted.
    pub findings: Vec<Accepted>,
    /// Path → fingerprint → code, for lookups that allocate nothing (a
    /// fingerprint is unique within a file).
    #[serde(skip)]
    index: HashMap<String, HashMap<String, String>>,
    /// Paths are stored relative to this directory (the baseline file's), so
    /// a run from another directory, or with other spellings of the same
    /// paths, matches the same findings.
    #[serde(skip)]
    root: std::path::PathBuf,
}

/// A baseline file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file cannot be read.
    #[error("{path}: cannot read the baseline: {source}")]
    Read {
        /// The baseline file.
        path: String,
        /// Why.
        source: io::Error,
    },
    /// The file is not a baseline.
    #[error("{path}: not a citelint baseline: {source}")]
    Parse {
        /// The baseline file.
        path: String,
        /// Why.
        source: serde_json::Error,
    },
    /// A baseline from a newer citelint.
    #[error(
        "{path}: baseline version {found} is not supported (this citelint reads version {VERSION})"
    )]
    Version {
        /// The baseline file.
        path: String,
        /// The version in the file.
        found: u32,
    },
}

/// The directory a baseline file's paths are relative to.
fn root_of(baseline_file: &Path) -> std::path::PathBuf {
    crate::config::absolute_path(baseline_file.parent().unwrap_or(Path::new("")))
}

impl Baseline {
    /// An empty baseline to be written to `file`.
    pub fn new(file: &Path) -> Self {
        Baseline {
            version: VERSION,
            root: root_of(file),
            ..Baseline::default()
        }
    }

    /// How a linted file is named in the baseline: relative to the baseline
    /// file's directory, `/`-separated, `.` and `..` resolved; absolute when
    /// outside it.
    pub fn key(&self, path: &str) -> String {
        let absolute = crate::config::absolute_path(Path::new(path));
        match absolute.strip_prefix(&self.root) {
            Ok(relative) => relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            Err(_) => absolute.to_string_lossy().replace('\\', "/"),
        }
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Self, BaselineError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: name.clone(),
            source,
        })?;
        Baseline::parse(&name, &text)
    }

    /// Parses baseline `text` read from the file `name`.
    pub fn parse(name: &str, text: &str) -> Result<Self, BaselineError> {
        let mut baseline: Baseline =
            serde_json::from_str(text).map_err(|source| BaselineError::Parse {
                path: name.to_owned(),
                source,
            })?;
        if baseline.version != VERSION {
            return Err(BaselineError::Version {
                path: name.to_owned(),
                found: baseline.version,
            });
        }
        baseline.root = root_of(Path::new(name));
        for accepted in &baseline.findings {
            baseline
                .index
                .entry(accepted.path.clone())
                .or_default()
                .insert(accepted.fingerprint.clone(), accepted.code.clone());
        }
        Ok(baseline)
    }

    /// Accepts every finding of `report`.
    pub fn record(&mut self, report: &FileReport) {
        let path = self.key(&report.path);
        for d in &report.diagnostics {
            self.findings.push(Accepted {
                path: path.clone(),
                code: d.code.to_owned(),
                fingerprint: d.fingerprint.clone(),
                message: d.message.clone(),
            });
        }
    }

    /// Removes the accepted findings from `report`; returns how many.
    pub fn filter(&self, report: &mut FileReport) -> usize {
        if self.index.is_empty() || report.diagnostics.is_empty() {
            return 0;
        }
        let Some(accepted) = self.index.get(&self.key(&report.path)) else {
            return 0;
        };
        let before = report.diagnostics.len();
        report.diagnostics.retain(|d| {
            accepted
                .get(&d.fingerprint)
                .is_none_or(|code| code != d.code)
        });
        before - report.diagnostics.len()
    }

    /// The baseline as pretty JSON, findings sorted (stable diffs).
    pub fn to_json(&self) -> String {
        let mut sorted = self.clone();
        sorted.findings.sort();
        let mut text = serde_json::to_string_pretty(&sorted).unwrap_or_default();
        text.push('\n');
        text
    }

    /// Number of accepted findings.
    pub fn len(&self) -> usize {
        self.findings.len()
    }

    /// Whether nothing is accepted.
    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Settings, SourceFile};

    fn report(path: &str, text: &str) -> FileReport {
        crate::lint(&SourceFile::from_text(path, text), &Settings::default())
    }

    #[test]
    fn hides_recorded_findings_after_unrelated_edits() {
        let before = "Claim.[2]\n\nReferences\n  1. ^ A.\n";
        let mut baseline = Baseline::new(Path::new("b.json"));
        baseline.record(&report("./a.txt", before));
        assert!(!baseline.is_empty());
        let baseline = Baseline::parse("b.json", &baseline.to_json()).unwrap();

        let edited =
            "A new opening line.\n\nClaim.[2] Another claim.[3]\n\nReferences\n  1. ^ A.\n";
        let mut later = report("a.txt", edited);
        let hidden = baseline.filter(&mut later);
        assert!(hidden >= 1);
        let keys: Vec<_> = later
            .diagnostics
            .iter()
            .map(|d| (d.code, d.key.clone()))
            .collect();
        assert_eq!(
            keys,
            [("CIT001", Some("3".to_owned()))],
            "only the new finding"
        );
    }

    #[test]
    fn rejects_other_versions_and_garbage() {
        assert!(matches!(
            Baseline::parse("b", r#"{"version": 9, "findings": []}"#),
            Err(BaselineError::Version { found: 9, .. })
        ));
        assert!(matches!(
            Baseline::parse("b", "not json"),
            Err(BaselineError::Parse { .. })
        ));
    }
}
