//! Suppression comments: `<!-- citelint-disable CIT002, unused-reference -->`.
//!
//! The parsers of formats with HTML comments (Markdown, HTML, wikitext) hand
//! every comment they meet to [`from_comment`]; what the directives mean is
//! decided later, in [`crate::suppression`].

use crate::model::{Directive, DirectiveKind};
use crate::source::Span;

/// Reads a suppression directive from a comment. `span` covers the whole
/// comment of `text`, from `<!--` to `-->` (or to the end of the file when
/// the comment is never closed).
pub(crate) fn from_comment(text: &str, span: Span) -> Option<Directive> {
    let comment = text.get(span.range())?;
    let open = comment.find("<!--")? + 4;
    let body_start = span.start + open;
    let body = &comment[open..];
    let body = body.strip_suffix("-->").unwrap_or(body);
    let leading = body.len() - body.trim_start().len();
    let rest = body.trim_start().strip_prefix("citelint-")?;
    // Longest spellings first: `disable-next-line` before `disable`.
    let (kind, word) = [
        (DirectiveKind::DisableNextLine, "disable-next-line"),
        (DirectiveKind::DisableLine, "disable-line"),
        (DirectiveKind::DisableFile, "disable-file"),
        (DirectiveKind::Disable, "disable"),
        (DirectiveKind::Enable, "enable"),
    ]
    .into_iter()
    .find(|(_, word)| {
        rest.strip_prefix(word)
            .is_some_and(|after| after.is_empty() || after.starts_with(char::is_whitespace))
    })?;
    let list_start = body_start + leading + "citelint-".len() + word.len();
    let list = &text[list_start..span.start + open + body.len()];
    // Rules are separated by commas and/or white space; `--` starts a reason.
    let list = list.split("--").next().unwrap_or("");
    let mut rules = Vec::new();
    let mut piece_start = None;
    let separator = |c: char| c == ',' || c.is_whitespace();
    for (i, c) in list
        .char_indices()
        .chain(std::iter::once((list.len(), ' ')))
    {
        match (piece_start, separator(c)) {
            (None, false) => piece_start = Some(i),
            (Some(start), true) => {
                rules.push((
                    list[start..i].to_owned(),
                    Span::new(list_start + start, list_start + i),
                ));
                piece_start = None;
            }
            _ => {}
        }
    }
    Some(Directive { kind, rules, span })
}

/// Appends the directives of the comments inside `region` (an HTML block may
/// hold several) to `out`. Cheap when the region mentions no `citelint-`.
pub(crate) fn collect_in(text: &str, region: Span, out: &mut Vec<Directive>) {
    let Some(block) = text.get(region.range()) else {
        return;
    };
    if memchr::memmem::find(block.as_bytes(), b"citelint-").is_none() {
        return;
    }
    let mut at = 0;
    while let Some(open) = block[at..].find("<!--") {
        let start = at + open;
        let end = block[start + 4..]
            .find("-->")
            .map_or(block.len(), |i| start + 4 + i + 3);
        out.extend(from_comment(
            text,
            Span::new(region.start + start, region.start + end),
        ));
        at = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(comment: &str) -> Option<(DirectiveKind, Vec<String>)> {
        let text = format!("x {comment} y");
        let span = Span::new(2, 2 + comment.len());
        from_comment(&text, span).map(|d| {
            for (rule, rule_span) in &d.rules {
                assert_eq!(&text[rule_span.range()], rule);
            }
            (d.kind, d.rules.into_iter().map(|(r, _)| r).collect())
        })
    }

    #[test]
    fn kinds_and_rule_lists() {
        assert_eq!(
            read("<!-- citelint-disable CIT002 -->"),
            Some((DirectiveKind::Disable, vec!["CIT002".into()]))
        );
        assert_eq!(
            read("<!--citelint-disable-next-line CIT001, unused-reference-->"),
            Some((
                DirectiveKind::DisableNextLine,
                vec!["CIT001".into(), "unused-reference".into()]
            ))
        );
        assert_eq!(
            read("<!-- citelint-enable -->"),
            Some((DirectiveKind::Enable, vec![]))
        );
        assert_eq!(
            read("<!-- citelint-disable-file -- legacy article, see #12 -->"),
            Some((DirectiveKind::DisableFile, vec![]))
        );
        assert_eq!(
            read("<!-- citelint-disable\u{a0}CIT001,\u{a0}é -->"),
            Some((DirectiveKind::Disable, vec!["CIT001".into(), "é".into()]))
        );
        assert_eq!(
            read("<!-- citelint-disable-line CIT006 -->"),
            Some((DirectiveKind::DisableLine, vec!["CIT006".into()]))
        );
    }

    #[test]
    fn other_comments_are_not_directives() {
        assert_eq!(read("<!-- a note -->"), None);
        assert_eq!(read("<!-- citelint-disabled -->"), None);
        assert_eq!(read("<!-- see citelint-disable -->"), None);
    }
}
