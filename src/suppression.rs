//! Suppression comments: which findings they hide, and which of them hide
//! nothing (rule CIT017 `unused-suppression`).
//!
//! Formats with HTML comments (Markdown, HTML, wikitext) take:
//!
//! | comment | effect |
//! | --- | --- |
//! | `<!-- citelint-disable CIT002 -->` | off from here on, until an `enable` |
//! | `<!-- citelint-enable CIT002 -->` | back on from here |
//! | `<!-- citelint-disable-line CIT002 -->` | off on the comment's own line |
//! | `<!-- citelint-disable-next-line CIT002 -->` | off on the line after the comment |
//! | `<!-- citelint-disable-file CIT002 -->` | off in the whole file |
//!
//! Rules are named by code or kebab-case name, separated by commas or spaces;
//! no list means every rule; text after `--` is a reason and is ignored. A
//! finding is hidden when its primary location is covered.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::model::{Directive, DirectiveKind};
use crate::rules::{self, Rule, unused_suppression};
use crate::settings::RuleSet;
use crate::source::LineIndex;

/// What one name in a directive resolved to.
#[derive(Clone, Copy)]
enum Target {
    /// Every rule (the directive names none).
    All,
    /// One rule.
    Rule(&'static Rule),
    /// A name that is no rule.
    Unknown,
}

/// One (directive, target) pair and whether it hid anything.
struct Slot {
    directive: usize,
    /// Index into the directive's `rules`, `None` for an empty list.
    name: Option<usize>,
    target: Target,
    used: bool,
}

/// Removes the findings the directives hide and returns the
/// `unused-suppression` findings for directives that hid nothing (when that
/// rule is enabled). `diagnostics` must be sorted by primary offset and have
/// resolved positions.
///
/// Directives naming an online rule (CIT030–CIT034) are never reported as
/// unused: whether they hide something is known only after the online pass,
/// which applies them with [`hide`].
pub fn apply(
    directives: &[Directive],
    line_index: &LineIndex,
    rule_set: &RuleSet,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    if directives.is_empty() {
        return Vec::new();
    }
    let slots = sweep(directives, line_index, diagnostics);
    unused(directives, &slots, rule_set)
}

/// Removes the findings the directives hide, reporting nothing about the
/// directives themselves: for findings added after the offline checks (the
/// online pass). `diagnostics` must be sorted by primary offset and have
/// resolved positions.
pub fn hide(directives: &[Directive], line_index: &LineIndex, diagnostics: &mut Vec<Diagnostic>) {
    if !directives.is_empty() {
        sweep(directives, line_index, diagnostics);
    }
}

/// Drops the covered findings; returns every (directive, rule) slot with
/// whether it hid something.
fn sweep(
    directives: &[Directive],
    line_index: &LineIndex,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Slot> {
    let mut slots = Vec::new();
    for (index, directive) in directives.iter().enumerate() {
        if directive.rules.is_empty() {
            slots.push(Slot {
                directive: index,
                name: None,
                target: Target::All,
                used: false,
            });
        }
        for (name_index, (name, _)) in directive.rules.iter().enumerate() {
            slots.push(Slot {
                directive: index,
                name: Some(name_index),
                target: rules::find(name).map_or(Target::Unknown, Target::Rule),
                used: false,
            });
        }
    }

    // Line-bound and file-wide slots, looked up per finding.
    let mut by_line: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut file_wide = Vec::new();
    // Region slots (`disable`/`enable`) in source order, swept once.
    let mut region_events = Vec::new();
    for (slot_index, slot) in slots.iter().enumerate() {
        let directive = &directives[slot.directive];
        match directive.kind {
            DirectiveKind::DisableLine => by_line
                .entry(line_index.line_of(directive.span.start))
                .or_default()
                .push(slot_index),
            DirectiveKind::DisableNextLine => by_line
                .entry(line_index.line_of(directive.span.end) + 1)
                .or_default()
                .push(slot_index),
            DirectiveKind::DisableFile => file_wide.push(slot_index),
            DirectiveKind::Disable | DirectiveKind::Enable => region_events.push(slot_index),
        }
    }

    let mut regions = Regions::default();
    let mut next_event = 0;
    diagnostics.retain(|d| {
        while let Some(&slot_index) = region_events.get(next_event) {
            let slot = &slots[slot_index];
            let directive = &directives[slot.directive];
            if directive.span.start > d.span.start {
                break;
            }
            regions.apply(directive.kind, slot.target, slot_index);
            next_event += 1;
        }
        let covering = file_wide
            .iter()
            .chain(by_line.get(&(d.start.line - 1)).into_iter().flatten())
            .copied()
            .find(|&i| covers(slots[i].target, d.code))
            .or_else(|| regions.covering(d.code));
        match covering {
            Some(slot_index) => {
                slots[slot_index].used = true;
                false
            }
            None => true,
        }
    });

    slots
}

/// The `unused-suppression` findings for `slots` that hid nothing.
fn unused(directives: &[Directive], slots: &[Slot], rule_set: &RuleSet) -> Vec<Diagnostic> {
    let position = rules::position(&unused_suppression::RULE);
    let Some(severity) = rule_set.severity_at(position) else {
        return Vec::new();
    };
    let mut unused = Vec::new();
    for slot in slots {
        let directive = &directives[slot.directive];
        let (span, name) = match slot.name {
            Some(i) => (directive.rules[i].1, directive.rules[i].0.as_str()),
            None => (directive.span, ""),
        };
        let comment = format!("citelint-{}", directive.kind.as_str());
        let message = match slot.target {
            Target::Unknown => format!("`{name}` in `{comment}` is not a rule code or name"),
            // `enable` only matters as the end of a region.
            _ if directive.kind == DirectiveKind::Enable => continue,
            // Naming this rule is how one keeps a suppression on purpose.
            Target::Rule(rule) if rule.code == unused_suppression::RULE.code => continue,
            // Known only after the online pass (see `hide`).
            Target::Rule(rule) if rules::is_online(rule) => continue,
            Target::Rule(rule) if !rule_set.is_enabled(rule) => format!(
                "`{comment}` names {} ({}), which is not enabled, so it suppresses nothing",
                rule.code, rule.name
            ),
            _ if slot.used => continue,
            Target::Rule(rule) => format!(
                "`{comment}` suppresses no {} ({}) finding",
                rule.code, rule.name
            ),
            Target::All => format!("`{comment}` suppresses no finding"),
        };
        let help = match slot.target {
            Target::Unknown => {
                "run `citelint rules` for the codes and names; fix the name or delete it"
            }
            _ => {
                "the finding it was written for is gone: delete the comment (or this rule from it)"
            }
        };
        let mut diagnostic = unused_suppression::RULE
            .diagnostic(span, message)
            .with_help(help);
        if let Some(forced) = severity.forced() {
            diagnostic.severity = forced;
        }
        unused.push(diagnostic);
    }
    unused
}

fn covers(target: Target, code: &str) -> bool {
    match target {
        Target::All => true,
        Target::Rule(rule) => rule.code == code,
        Target::Unknown => false,
    }
}

/// Which `disable` regions are open at the current point of the sweep.
#[derive(Default)]
struct Regions {
    /// The slot of an open `disable` of every rule.
    all: Option<usize>,
    /// Open `disable`s of single rules: code → slot.
    rules: HashMap<&'static str, usize>,
    /// Rules enabled again while `all` is open.
    excepted: Vec<&'static str>,
}

impl Regions {
    fn apply(&mut self, kind: DirectiveKind, target: Target, slot: usize) {
        match (kind, target) {
            (DirectiveKind::Disable, Target::All) => {
                self.all = Some(slot);
                self.excepted.clear();
            }
            (DirectiveKind::Disable, Target::Rule(rule)) => {
                self.rules.insert(rule.code, slot);
                self.excepted.retain(|c| *c != rule.code);
            }
            (DirectiveKind::Enable, Target::All) => {
                self.all = None;
                self.rules.clear();
                self.excepted.clear();
            }
            (DirectiveKind::Enable, Target::Rule(rule)) => {
                self.rules.remove(rule.code);
                if self.all.is_some() && !self.excepted.contains(&rule.code) {
                    self.excepted.push(rule.code);
                }
            }
            _ => {}
        }
    }

    fn covering(&self, code: &str) -> Option<usize> {
        self.rules
            .get(code)
            .copied()
            .or_else(|| self.all.filter(|_| !self.excepted.contains(&code)))
    }
}
