//! CIT004 `duplicate-source`.

use std::collections::HashMap;

/// A hash map with a fast, non-cryptographic hasher: keys come from one file.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

use aho_corasick::{AhoCorasick, AhoCorasickKind};

use crate::diagnostic::{Diagnostic, Severity};
use crate::identifiers::{self, SourceFacts};
use crate::model::{Entry, Group};
use crate::rules::{Context, Rule};

/// Distinct entries for the same source.
pub const RULE: Rule = Rule {
    code: "CIT004",
    name: "duplicate-source",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "The same source is listed under several numbers",
    doc: r#"## What it does
Groups reference entries that describe the same source: the same URL (scheme,
`www.`, trailing slash and fragment ignored; an archive URL counts as the page
it archives), the same DOI, the same ISBN (ISBN-10 and ISBN-13 compare equal),
the same quoted title (at least 12 characters and two words; a long title is
also found inside an entry that does not quote it), or identical text. One
finding per group, naming every entry in it, and saying which kind it is:

- the same source listed twice (warning);
- the same work cited at different pages (info): a hint to cite it once and
  use short citations for the pages;
- the same identifier but different titles (warning): one ISBN or DOI is
  probably wrong.

## Why it matters
Readers see several numbers for one source and cannot tell that the claims
rest on a single work. Duplicates also drift apart when one copy is corrected
and the other is not.

## Example
```text
  3. ^ de Waal, Thomas (2004). Black Garden. p. 172. ISBN 0-8147-1945-7.
 30. ^ de Waal, Thomas (2004). Black Garden. p. 171. ISBN 978-0-8147-1945-9.
```
The same book at different pages under two numbers.
"#,
    check,
};

/// Titles this long (and with this many words) are also looked for inside
/// other entries' text, where they may be written without quotes.
const CONTAINED_TITLE_MIN_LEN: usize = 20;
const CONTAINED_TITLE_MIN_WORDS: usize = 4;
const TEXT_MIN_LEN: usize = 12;

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            // The earlier entry stays the root so groups report in list order.
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// Why the members of a group are the same source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Link {
    Doi,
    Isbn,
    Url,
    Title,
    Text,
}

impl Link {
    fn describe(self) -> &'static str {
        match self {
            Link::Doi => "the same DOI",
            Link::Isbn => "the same ISBN",
            Link::Url => "the same URL",
            Link::Title => "the same title",
            Link::Text => "identical text",
        }
    }
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let entries: Vec<&Entry> = ctx
        .doc
        .entries
        .iter()
        .filter(|e| e.group == Group::Default)
        .collect();
    if entries.len() < 2 {
        return;
    }
    let facts: Vec<SourceFacts> = entries
        .iter()
        .map(|e| identifiers::facts(&e.text))
        .collect();
    let mut sets = UnionFind((0..entries.len()).collect());

    let mut first_holder: FastMap<(Link, &str), usize> = FastMap::default();
    for (i, f) in facts.iter().enumerate() {
        let values = f
            .dois
            .iter()
            .map(|v| (Link::Doi, v))
            .chain(f.isbns.iter().map(|v| (Link::Isbn, v)))
            .chain(f.urls.iter().map(|v| (Link::Url, v)))
            .chain(f.titles.iter().map(|v| (Link::Title, v)));
        for (link, value) in values {
            let holder = *first_holder.entry((link, value.as_str())).or_insert(i);
            sets.union(holder, i);
        }
    }
    // Each entry's normalised text: long titles are looked for inside it,
    // and equal texts are found by its hash.
    let texts: Vec<String> = entries
        .iter()
        .map(|e| identifiers::normalise_words(&e.text))
        .collect();
    let titles = contained_title_candidates(&facts);
    if !titles.is_empty() {
        link_contained_titles(&texts, &titles, &mut sets);
    }
    let text_keys: Vec<(u64, usize)> = texts
        .iter()
        .map(|t| {
            use std::hash::BuildHasher;
            (
                foldhash::fast::FixedState::with_seed(0).hash_one(t),
                t.len(),
            )
        })
        .collect();
    let mut same_text: FastMap<(u64, usize), usize> = FastMap::default();
    for (i, &key) in text_keys.iter().enumerate() {
        if key.1 < TEXT_MIN_LEN || is_ibid(&entries[i].text) {
            continue;
        }
        let holder = *same_text.entry(key).or_insert(i);
        // Equal keys are checked word for word before they count.
        if holder != i && texts[holder] == texts[i] {
            sets.union(holder, i);
        }
    }

    // Roots are entry indices, so a vector indexed by root finds each group.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut group_of_root: Vec<Option<usize>> = vec![None; entries.len()];
    for i in 0..entries.len() {
        let root = sets.find(i);
        let slot = *group_of_root[root].get_or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[slot].push(i);
    }
    for members in groups.iter().filter(|g| g.len() > 1) {
        // Entries that share a number are duplicate-number's finding.
        let first_key = &entries[members[0]].key;
        if members.iter().all(|&m| entries[m].key == *first_key) {
            continue;
        }
        out.push(report(ctx, &entries, &facts, members));
    }
}

/// `Ibid.`, `Op. cit.`, `Id.` entries repeat the previous source on purpose.
fn is_ibid(text: &str) -> bool {
    // Each form starts with an `i` or an `o`: most entries are ruled out by
    // their first letter without normalising anything.
    let first_letter = text.chars().find(|c| c.is_alphanumeric());
    if !first_letter.is_some_and(|c| matches!(c, 'i' | 'I' | 'o' | 'O')) {
        return false;
    }
    let head = identifiers::normalise_words(&text[..crate::parse::floor_char_boundary(text, 12)]);
    head.starts_with("ibid")
        || head.starts_with("op cit")
        || head == "id"
        || head.starts_with("id ")
}

/// Above this many long titles in one file, an automaton finds contained
/// titles; below, a first-word index is quicker to build and search.
const AUTOMATON_FROM: usize = 64;

/// Long quoted titles, each with the entry that quotes it: these are also
/// looked for inside other entries, where they may stand unquoted.
fn contained_title_candidates(facts: &[SourceFacts]) -> Vec<(&str, usize)> {
    let mut titles = Vec::new();
    for (i, f) in facts.iter().enumerate() {
        for title in &f.titles {
            if title.len() >= CONTAINED_TITLE_MIN_LEN
                && title.matches(' ').count() + 1 >= CONTAINED_TITLE_MIN_WORDS
            {
                titles.push((title.as_str(), i));
            }
        }
    }
    titles
}

/// A long quoted title found (at word boundaries) in another entry's
/// normalised text links the two.
fn link_contained_titles(texts: &[String], titles: &[(&str, usize)], sets: &mut UnionFind) {
    if titles.len() > AUTOMATON_FROM {
        link_with_automaton(texts, titles, sets);
    } else {
        link_with_first_words(texts, titles, sets);
    }
}

/// For a few titles: each word of each text is looked up among the titles'
/// first words; at most [`AUTOMATON_FROM`] candidates are compared per word.
fn link_with_first_words(texts: &[String], titles: &[(&str, usize)], sets: &mut UnionFind) {
    let mut by_first_word: FastMap<&str, Vec<(&str, usize)>> = FastMap::default();
    for &(title, owner) in titles {
        let first = title.split(' ').next().unwrap_or(title);
        by_first_word.entry(first).or_default().push((title, owner));
    }
    for (i, text) in texts.iter().enumerate() {
        let mut at = 0;
        while at < text.len() {
            let word_end = text[at..].find(' ').map_or(text.len(), |n| at + n);
            if let Some(candidates) = by_first_word.get(&text[at..word_end]) {
                let rest = &text[at..];
                for &(title, owner) in candidates {
                    let ends_at_word = rest.as_bytes().get(title.len()).is_none_or(|&b| b == b' ');
                    if owner != i && ends_at_word && rest.starts_with(title) {
                        sets.union(owner, i);
                    }
                }
            }
            at = word_end + 1;
        }
    }
}

/// For many titles: one automaton over all of them, one pass over each text.
fn link_with_automaton(texts: &[String], titles: &[(&str, usize)], sets: &mut UnionFind) {
    let patterns: Vec<String> = titles.iter().map(|(t, _)| format!(" {t} ")).collect();
    let Ok(matcher) = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .build(&patterns)
    else {
        return;
    };
    let mut haystack = String::new();
    for (i, text) in texts.iter().enumerate() {
        haystack.clear();
        haystack.push(' ');
        haystack.push_str(text);
        haystack.push(' ');
        for found in matcher.find_overlapping_iter(&haystack) {
            let owner = titles[found.pattern().as_usize()].1;
            if owner != i {
                sets.union(owner, i);
            }
        }
    }
}

fn report(
    ctx: &Context<'_>,
    entries: &[&Entry],
    facts: &[SourceFacts],
    members: &[usize],
) -> Diagnostic {
    let keys: Vec<String> = members
        .iter()
        .map(|&m| entries[m].key.to_string())
        .collect();
    let shown: Vec<String> = members
        .iter()
        .map(|&m| entries[m].key.entry_name())
        .collect();
    let named = name_list(&shown);
    let link = strongest_link(entries, facts, members);
    let conflict = identifier_conflict(entries, facts, members);
    let pinpoints: Vec<Vec<String>> = members
        .iter()
        .map(|&m| identifiers::pinpoints(&entries[m].text))
        .collect();
    let pinpoints_differ = pinpoints.windows(2).any(|w| w[0] != w[1]);

    let first = entries[members[0]];
    let related_label = match conflict {
        Some((kind, _)) => format!("the same {kind} here"),
        None => "the same source again".to_owned(),
    };
    let (message, help, severity) = if let Some((kind, value)) = conflict {
        (
            format!("entries {named} share {kind} {value} but have different titles"),
            format!("one {kind} is probably wrong: check each against the work it names"),
            Severity::Warning,
        )
    } else if pinpoints_differ {
        let pages: Vec<String> = members
            .iter()
            .zip(&pinpoints)
            .map(|(&m, pages)| match pages.as_slice() {
                [] => format!("{}: no page", entries[m].key),
                pages => format!("{}: p. {}", entries[m].key, pages.join(", ")),
            })
            .collect();
        (
            format!(
                "entries {named} cite the same work at different pages ({}; {})",
                link.describe(),
                pages.join("; ")
            ),
            "cite the work once in full and give the pages in short citations (e.g. {{sfn}}, or \"Author 2004, p. 12\")".to_owned(),
            Severity::Info,
        )
    } else {
        (
            format!("entries {named} cite the same source ({})", link.describe()),
            "keep one entry and point every marker at it".to_owned(),
            Severity::Warning,
        )
    };
    let mut diagnostic = RULE
        .diagnostic(ctx.entry_head(first), message)
        .with_severity(severity)
        .with_keys(keys, Group::Default)
        .with_help(help);
    for &m in &members[1..] {
        diagnostic = diagnostic.with_related(ctx.entry_head(entries[m]), related_label.clone());
    }
    diagnostic
}

fn name_list(keys: &[String]) -> String {
    match keys {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn strongest_link(entries: &[&Entry], facts: &[SourceFacts], members: &[usize]) -> Link {
    let shared = |values: &dyn Fn(&SourceFacts) -> &Vec<String>| {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for &m in members {
            for v in values(&facts[m]) {
                *counts.entry(v.as_str()).or_default() += 1;
            }
        }
        counts.values().any(|&c| c > 1)
    };
    if shared(&|f| &f.dois) {
        Link::Doi
    } else if shared(&|f| &f.isbns) {
        Link::Isbn
    } else if shared(&|f| &f.urls) {
        Link::Url
    } else if members.iter().all(|&m| {
        identifiers::normalise_words(&entries[m].text)
            == identifiers::normalise_words(&entries[members[0]].text)
    }) {
        Link::Text
    } else {
        Link::Title
    }
}

/// Two members that share an ISBN or DOI but whose quoted titles have little
/// in common. Each member is compared with the first and with its
/// predecessor, which keeps large groups linear.
fn identifier_conflict(
    entries: &[&Entry],
    facts: &[SourceFacts],
    members: &[usize],
) -> Option<(&'static str, String)> {
    for (pos, &b) in members.iter().enumerate().skip(1) {
        for a in [members[0], members[pos - 1]] {
            let (fa, fb) = (&facts[a], &facts[b]);
            let shared = fa
                .isbns
                .iter()
                .find(|v| fb.isbns.contains(v))
                .map(|v| ("ISBN", v))
                .or_else(|| {
                    fa.dois
                        .iter()
                        .find(|v| fb.dois.contains(v))
                        .map(|v| ("DOI", v))
                });
            let Some((kind, value)) = shared else {
                continue;
            };
            if let (Some(ta), Some(tb)) = (work_title(fa, entries[a]), work_title(fb, entries[b]))
                && titles_differ(&ta, &tb)
            {
                return Some((kind, value.clone()));
            }
        }
    }
    None
}

/// The title to compare when two entries share an identifier: the first
/// quoted (or `|title=`) title, else the title after an author-year.
fn work_title(facts: &SourceFacts, entry: &Entry) -> Option<String> {
    facts
        .titles
        .first()
        .cloned()
        .or_else(|| identifiers::unquoted_title(&entry.text))
}

fn titles_differ(a: &str, b: &str) -> bool {
    if a.contains(b) || b.contains(a) {
        return false;
    }
    let words_a: std::collections::HashSet<&str> = a.split(' ').collect();
    let words_b: std::collections::HashSet<&str> = b.split(' ').collect();
    let common = words_a.intersection(&words_b).count();
    let union = words_a.union(&words_b).count();
    common * 2 < union
}
