//! CIT016 `input-problem`.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule};
use crate::source::{DecodeNote, Span};

/// The file could not be read cleanly.
pub const RULE: Rule = Rule {
    code: "CIT016",
    name: "input-problem",
    default_severity: Severity::Warning,
    default_enabled: true,
    summary: "The file is not clean text: invalid UTF-8, mojibake, or content the parser could not read",
    doc: r#"## What it does
Reports bytes that are not valid UTF-8 (they are replaced by `�` and linting
goes on), text that looks double-encoded (mojibake such as `Ã©` for `é` or
`â€“` for `–`), and anything the parser had to skip.

## Why it matters
Damaged text can hide or invent markers, and mojibake in titles defeats
duplicate detection and the archive-link checks.

## Example
```text
The townâ€™s airport.[1]
```
"#,
    check,
};

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for note in ctx.decode_notes {
        let (offset, message, help) = match *note {
            DecodeNote::InvalidUtf8 {
                first_offset,
                replacements,
            } => (
                first_offset,
                format!(
                    "the file is not valid UTF-8: {replacements} invalid byte sequence(s) were replaced by U+FFFD"
                ),
                "re-save the file as UTF-8",
            ),
            DecodeNote::Mojibake { first_offset } => (
                first_offset,
                "the text looks double-encoded (UTF-8 read as Windows-1252)".to_owned(),
                "re-copy the text, or convert it back with a tool such as ftfy",
            ),
        };
        let end = ctx.text[offset..]
            .chars()
            .next()
            .map_or(offset, |c| offset + c.len_utf8());
        out.push(
            RULE.diagnostic(Span::new(offset, end), message)
                .with_help(help),
        );
    }
    for note in &ctx.doc.notes {
        out.push(RULE.diagnostic(note.span, note.message.clone()));
    }
}
