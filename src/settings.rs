//! Settings for one run: which rules, at what severity, with which options.

use crate::diagnostic::Severity;
use crate::parse::{Format, ParseOptions};
use crate::rules::{self, RULES, Rule, RuleOptions};

/// An enabled rule's severity: its default, or one the user forced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuleSeverity {
    /// Whatever the rule reports (some rules report milder sub-cases).
    Default,
    /// Every finding of the rule at this severity.
    Forced(Severity),
}

impl RuleSeverity {
    /// The forced severity, if any.
    pub fn forced(self) -> Option<Severity> {
        match self {
            RuleSeverity::Default => None,
            RuleSeverity::Forced(severity) => Some(severity),
        }
    }
}

/// The enabled rules and their severities, indexed like [`RULES`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSet {
    enabled: Vec<Option<RuleSeverity>>,
}

impl Default for RuleSet {
    /// The rules that are on by default.
    fn default() -> Self {
        RuleSet {
            enabled: RULES
                .iter()
                .map(|r| r.default_enabled.then_some(RuleSeverity::Default))
                .collect(),
        }
    }
}

/// A rule selection as written by the user (`--select`, `--ignore`, …).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Replaces the default rule set when given.
    pub select: Option<Vec<String>>,
    /// Adds to the selected set.
    pub extend_select: Vec<String>,
    /// Removes from the selected set.
    pub ignore: Vec<String>,
    /// Per-rule severity: `None` turns the rule off.
    pub severity: Vec<(String, Option<Severity>)>,
}

/// A selector that names no rule.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule `{0}` (run `citelint rules` to list them; `ALL` selects every rule)")]
pub struct UnknownRule(pub String);

/// The rules a selector names: a code (`CIT001`), a name
/// (`missing-reference`), a code prefix (`CIT00`) or `ALL`.
pub fn resolve_selector(selector: &str) -> Result<Vec<&'static Rule>, UnknownRule> {
    let selector = selector.trim();
    if selector.eq_ignore_ascii_case("all") {
        return Ok(RULES.to_vec());
    }
    if let Some(rule) = rules::find(selector) {
        return Ok(vec![rule]);
    }
    let upper = selector.to_ascii_uppercase();
    let matched: Vec<_> = RULES
        .iter()
        .copied()
        .filter(|r| upper.len() >= 3 && r.code.starts_with(&upper))
        .collect();
    if matched.is_empty() {
        Err(UnknownRule(selector.to_owned()))
    } else {
        Ok(matched)
    }
}

impl RuleSet {
    /// Applies a selection on top of the defaults.
    pub fn from_selection(selection: &Selection) -> Result<Self, UnknownRule> {
        let mut set = match &selection.select {
            Some(selectors) => {
                let mut set = RuleSet {
                    enabled: vec![None; RULES.len()],
                };
                set.enable(selectors)?;
                set
            }
            None => RuleSet::default(),
        };
        set.enable(&selection.extend_select)?;
        for selector in &selection.ignore {
            for rule in resolve_selector(selector)? {
                set.enabled[rules::position(rule)] = None;
            }
        }
        for (selector, severity) in &selection.severity {
            for rule in resolve_selector(selector)? {
                set.enabled[rules::position(rule)] = severity.map(RuleSeverity::Forced);
            }
        }
        Ok(set)
    }

    fn enable(&mut self, selectors: &[String]) -> Result<(), UnknownRule> {
        for selector in selectors {
            for rule in resolve_selector(selector)? {
                let slot = &mut self.enabled[rules::position(rule)];
                if slot.is_none() {
                    *slot = Some(RuleSeverity::Default);
                }
            }
        }
        Ok(())
    }

    /// The severity of the rule at `position` in [`RULES`], `None` when off.
    pub fn severity_at(&self, position: usize) -> Option<RuleSeverity> {
        self.enabled.get(position).copied().flatten()
    }

    /// Whether `rule` runs.
    pub fn is_enabled(&self, rule: &Rule) -> bool {
        self.severity_at(rules::position(rule)).is_some()
    }
}

/// Everything [`crate::lint`] needs besides the file.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Enabled rules.
    pub rules: RuleSet,
    /// Rule options.
    pub rule_options: RuleOptions,
    /// Parser options.
    pub parse: ParseOptions,
    /// Forces an input format instead of detecting one.
    pub input_format: Option<Format>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enabled(selection: Selection) -> Vec<&'static str> {
        let set = RuleSet::from_selection(&selection).unwrap();
        RULES
            .iter()
            .filter(|r| set.is_enabled(r))
            .map(|r| r.code)
            .collect()
    }

    #[test]
    fn select_replaces_and_extend_adds() {
        let only = enabled(Selection {
            select: Some(vec!["CIT001".into(), "unused-reference".into()]),
            ..Selection::default()
        });
        assert_eq!(only, ["CIT001", "CIT002"]);
        let extended = enabled(Selection {
            extend_select: vec!["CIT008".into()],
            ignore: vec!["CIT001".into()],
            ..Selection::default()
        });
        assert!(extended.contains(&"CIT008") && !extended.contains(&"CIT001"));
        assert!(enabled(Selection::default()).contains(&"CIT001"));
        assert!(!enabled(Selection::default()).contains(&"CIT008"));
    }

    #[test]
    fn prefixes_and_all() {
        assert_eq!(resolve_selector("CIT00").unwrap().len(), 9);
        assert_eq!(resolve_selector("ALL").unwrap().len(), RULES.len());
        assert!(resolve_selector("CIT999").is_err());
        assert!(resolve_selector("C").is_err());
    }
}
