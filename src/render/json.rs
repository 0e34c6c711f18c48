//! The stable JSON report, `version: 1`. Lines and columns are 1-based;
//! columns count Unicode scalar values.

use std::io::{self, Write};

use serde::Serialize;

use super::Summary;
use crate::FileReport;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Group;

/// One file of the report (the tests' definition of [`write_file`]).
#[cfg(test)]
#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    format: &'static str,
    citations: usize,
    references: usize,
    diagnostics: Vec<JsonDiagnostic<'a>>,
}

#[derive(Serialize)]
pub(super) struct JsonDiagnostic<'a> {
    code: &'static str,
    rule: &'static str,
    severity: Severity,
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    byte_start: usize,
    byte_end: usize,
    key: Option<&'a str>,
    group: Option<Group>,
    keys: &'a [String],
    related: Vec<JsonRelated<'a>>,
    help: Option<&'a str>,
    fingerprint: &'a str,
    /// `url`, `status`, `verdict`, `suggestion`: online findings only.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    online: Option<&'a crate::diagnostic::OnlineFinding>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    line: usize,
    column: usize,
    message: &'a str,
}

pub(super) fn diagnostic(d: &Diagnostic) -> JsonDiagnostic<'_> {
    JsonDiagnostic {
        code: d.code,
        rule: d.rule,
        severity: d.severity,
        message: &d.message,
        line: d.start.line,
        column: d.start.column,
        end_line: d.end.line,
        end_column: d.end.column,
        byte_start: d.span.start,
        byte_end: d.span.end,
        key: d.key.as_deref(),
        group: d.group,
        keys: &d.keys,
        related: d
            .related
            .iter()
            .map(|r| JsonRelated {
                line: r.start.line,
                column: r.start.column,
                message: &r.message,
            })
            .collect(),
        help: d.help.as_deref(),
        fingerprint: &d.fingerprint,
        online: d.online.as_deref(),
    }
}

/// The document is written piece by piece but comes out exactly as
/// `serde_json`'s pretty printer would write it whole.
pub(super) fn begin(out: &mut dyn Write) -> io::Result<()> {
    write!(
        out,
        "{{\n  \"version\": 1,\n  \"tool\": {{\n    \"name\": {},\n    \"version\": {}\n  }},\n  \"files\": [",
        serde_json::to_string(env!("CARGO_PKG_NAME"))?,
        serde_json::to_string(env!("CARGO_PKG_VERSION"))?
    )
}

pub(super) fn file(report: &FileReport, first: bool, out: &mut dyn Write) -> io::Result<()> {
    let mut buf = Vec::with_capacity(512 + 768 * report.diagnostics.len());
    buf.extend_from_slice(if first { b"\n" } else { b",\n" });
    write_file(report, &mut buf);
    out.write_all(&buf)
}

/// The serde view of one file, kept as the definition [`write_file`] is
/// tested against.
#[cfg(test)]
fn serde_file(report: &FileReport) -> File<'_> {
    File {
        path: &report.path,
        format: report.format.name(),
        citations: report.citations,
        references: report.references,
        diagnostics: report.diagnostics.iter().map(diagnostic).collect(),
    }
}

/// Writes one file's object, indented for its place in `files`, byte for
/// byte as `serde_json`'s pretty printer writes [`File`] (the tests compare
/// the two). By hand because this is the hot path of a large run: serde's
/// pretty printer, a string per file and a second pass to indent it cost
/// several times the bytes written.
fn write_file(report: &FileReport, out: &mut Vec<u8>) {
    spaces(out, 4);
    let mut object = Object::open(out, 4);
    object.string("path", &report.path);
    object.string("format", report.format.name());
    object.number("citations", report.citations);
    object.number("references", report.references);
    object.key("diagnostics");
    let diagnostics = &report.diagnostics;
    array(object.out, 6, diagnostics, |out, d| {
        let mut o = Object::open(out, 8);
        o.string("code", d.code);
        o.string("rule", d.rule);
        o.string("severity", d.severity.as_str());
        o.string("message", &d.message);
        o.number("line", d.start.line);
        o.number("column", d.start.column);
        o.number("end_line", d.end.line);
        o.number("end_column", d.end.column);
        o.number("byte_start", d.span.start);
        o.number("byte_end", d.span.end);
        o.optional_string("key", d.key.as_deref());
        o.optional_string("group", d.group.map(Group::as_str));
        o.key("keys");
        array(o.out, 10, &d.keys, |out, key| escaped(out, key));
        o.key("related");
        array(o.out, 10, &d.related, |out, r| {
            let mut related = Object::open(out, 12);
            related.number("line", r.start.line);
            related.number("column", r.start.column);
            related.string("message", &r.message);
            related.close();
        });
        o.optional_string("help", d.help.as_deref());
        o.string("fingerprint", &d.fingerprint);
        if let Some(online) = &d.online {
            o.string("url", &online.url);
            o.string("status", &online.status);
            o.string("verdict", online.verdict.as_str());
            o.optional_string("suggestion", online.suggestion.as_deref());
        }
        o.close();
    });
    object.close();
}

/// A pretty-printed object being written: `{`, then `"key": value` members
/// one per line at `indent + 2` spaces, then `}` at `indent` (its line's
/// indent; the `{` itself is written where the caller stands).
struct Object<'o> {
    out: &'o mut Vec<u8>,
    indent: usize,
    members: usize,
}

impl<'o> Object<'o> {
    fn open(out: &'o mut Vec<u8>, indent: usize) -> Self {
        out.push(b'{');
        Object {
            out,
            indent,
            members: 0,
        }
    }

    /// Starts a member: the separator, the indent and `"name": `.
    fn key(&mut self, name: &str) {
        self.out
            .extend_from_slice(if self.members == 0 { b"\n" } else { b",\n" });
        spaces(self.out, self.indent + 2);
        // Member names are this module's own plain ASCII: nothing to escape.
        debug_assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        self.out.push(b'"');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"\": ");
        self.members += 1;
    }

    fn string(&mut self, name: &str, value: &str) {
        self.key(name);
        escaped(self.out, value);
    }

    fn optional_string(&mut self, name: &str, value: Option<&str>) {
        self.key(name);
        match value {
            Some(value) => escaped(self.out, value),
            None => self.out.extend_from_slice(b"null"),
        }
    }

    fn number(&mut self, name: &str, value: usize) {
        self.key(name);
        self.out
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }

    fn close(self) {
        if self.members == 0 {
            self.out.push(b'}');
            return;
        }
        self.out.push(b'\n');
        spaces(self.out, self.indent);
        self.out.push(b'}');
    }
}

/// A pretty-printed array whose line is indented by `indent`: `[]` when
/// empty, else one element per line at `indent + 2`.
fn array<T>(
    out: &mut Vec<u8>,
    indent: usize,
    items: &[T],
    mut write: impl FnMut(&mut Vec<u8>, &T),
) {
    if items.is_empty() {
        out.extend_from_slice(b"[]");
        return;
    }
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        spaces(out, indent + 2);
        write(out, item);
    }
    out.push(b'\n');
    spaces(out, indent);
    out.push(b']');
}

fn spaces(out: &mut Vec<u8>, n: usize) {
    out.resize(out.len() + n, b' ');
}

/// A JSON string as `serde_json` writes it: `"` and `\\` escaped, the
/// control characters as `\n`-style or `\u00xx` escapes, everything else
/// (non-ASCII included) as it is.
fn escaped(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    // Runs that need no escape are copied whole.
    while let Some(offset) = bytes[start..]
        .iter()
        .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
    {
        let at = start + offset;
        out.extend_from_slice(&bytes[start..at]);
        let b = bytes[at];
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
            }
        }
        start = at + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

pub(super) fn finish(summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    if summary.files > 0 {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"],\n  \"summary\": ")?;
    let summary = serde_json::to_string_pretty(summary)?;
    let mut lines = summary.lines();
    if let Some(first) = lines.next() {
        out.write_all(first.as_bytes())?;
    }
    for line in lines {
        write!(out, "\n  {line}")?;
    }
    out.write_all(b"\n}\n")
}

/// A pretty-printed JSON document with one array written element by element,
/// coming out exactly as `serde_json`'s pretty printer would write it whole.
/// Made from a skeleton of the document in which that array is empty and is
/// the last empty array (SARIF's `results`, rdjson's `diagnostics`, GitLab's
/// top-level array).
#[derive(Debug)]
pub(super) struct StreamedArray {
    /// The document up to and including the array's `[`.
    head: String,
    /// From the array's `]` to the end, with a final line break.
    tail: String,
    /// The indent of the line holding the `[`.
    indent: String,
    /// The indent of the elements.
    item_indent: String,
    /// Elements written so far.
    len: usize,
}

impl StreamedArray {
    /// Splits the pretty-printed `skeleton` at its last `marker` (`"key": []`
    /// or `[]`).
    pub(super) fn new(skeleton: &impl Serialize, marker: &str) -> io::Result<Self> {
        let text = serde_json::to_string_pretty(skeleton)?;
        let at = text
            .rfind(marker)
            .ok_or_else(|| io::Error::other("the skeleton has no empty array to stream into"))?;
        let close = at + marker.len() - 1;
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let indent = text[line_start..]
            .bytes()
            .take_while(|&b| b == b' ')
            .count();
        Ok(StreamedArray {
            head: text[..close].to_owned(),
            tail: format!("{}\n", &text[close..]),
            indent: " ".repeat(indent),
            item_indent: " ".repeat(indent + 2),
            len: 0,
        })
    }

    pub(super) fn begin(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(self.head.as_bytes())
    }

    /// Writes one element.
    pub(super) fn push(&mut self, value: &impl Serialize, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.len == 0 { b"\n" } else { b",\n" })?;
        write_indented(
            &serde_json::to_string_pretty(value)?,
            &self.item_indent,
            out,
        )?;
        self.len += 1;
        Ok(())
    }

    /// Writes each element of `values`.
    pub(super) fn extend<T: Serialize>(
        &mut self,
        values: impl IntoIterator<Item = T>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        for value in values {
            self.push(&value, out)?;
        }
        Ok(())
    }

    pub(super) fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        if self.len > 0 {
            write!(out, "\n{}", self.indent)?;
        }
        out.write_all(self.tail.as_bytes())
    }
}

/// Writes `text` with every line indented (the first included). Pretty JSON
/// escapes line breaks inside strings, so every `\n` ends a line; copying
/// the bytes between them is much cheaper than formatting line by line.
fn write_indented(text: &str, indent: &str, out: &mut dyn Write) -> io::Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    let mut rest = text.as_bytes();
    out.write_all(indent.as_bytes())?;
    while let Some(n) = memchr::memchr(b'\n', rest) {
        out.write_all(&rest[..=n])?;
        out.write_all(indent.as_bytes())?;
        rest = &rest[n + 1..];
    }
    out.write_all(rest)
}

#[cfg(test)]
mod tests {
    use crate::render::{OutputFormat, RenderOptions, render};
    use crate::{Settings, SourceFile, lint};

    fn streamed(texts: &[&str]) -> String {
        let reports: Vec<_> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                lint(
                    &SourceFile::from_text(format!("f{i}.txt"), *t),
                    &Settings::default(),
                )
            })
            .collect();
        let mut out = Vec::new();
        render(
            OutputFormat::Json,
            &reports,
            &RenderOptions::default(),
            &mut out,
        )
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    /// What [`super::write_file`] must write: serde's pretty print of the
    /// file, indented for its place in the report.
    fn by_serde(report: &crate::FileReport) -> Vec<u8> {
        let mut out = Vec::new();
        let pretty = serde_json::to_string_pretty(&super::serde_file(report)).unwrap();
        super::write_indented(&pretty, "    ", &mut out).unwrap();
        out
    }

    fn by_hand(report: &crate::FileReport) -> Vec<u8> {
        let mut out = Vec::new();
        super::write_file(report, &mut out);
        out
    }

    #[test]
    fn the_hand_written_file_object_is_serdes_byte_for_byte_on_every_fixture() {
        let mut checked = 0;
        for entry in ignore::WalkBuilder::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures"))
            .build()
            .flatten()
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        {
            let bytes = std::fs::read(entry.path()).unwrap();
            let source = SourceFile::from_vec(entry.path().display().to_string(), bytes);
            let report = lint(&source, &Settings::default());
            assert_eq!(
                String::from_utf8(by_hand(&report)).unwrap(),
                String::from_utf8(by_serde(&report)).unwrap(),
                "{}",
                entry.path().display()
            );
            checked += 1;
        }
        assert!(checked > 40, "only {checked} fixtures");
    }

    #[test]
    fn every_optional_field_and_escape_is_written_as_serde_writes_it() {
        use crate::diagnostic::{Diagnostic, OnlineFinding, Severity};
        use crate::online::Verdict;
        let mut report = lint(
            &SourceFile::from_text("a \"b\"\\c.txt", "Claim.[1][2]\n\n  1. ^ One.\n"),
            &Settings::default(),
        );
        let mut bare = Diagnostic::new(
            "CIT030",
            "dead-link",
            Severity::Warning,
            crate::source::Span::new(0, 1),
            "tab\there, nul\u{0}, bell\u{7}, \u{8}\u{c}\r\n, del\u{7f}, «ü» 😀",
        );
        bare.online = Some(Box::new(OnlineFinding {
            url: "https://example.org/\"x\"".into(),
            status: "404".into(),
            verdict: Verdict::Dead,
            suggestion: None,
        }));
        let mut suggested = bare.clone();
        suggested.keys = vec!["1".into(), "2".into()];
        suggested.help = Some("use \\ the archive".into());
        suggested.online.as_mut().unwrap().suggestion = Some("https://web.archive.org/x".into());
        report.diagnostics.extend([bare, suggested]);
        assert_eq!(
            String::from_utf8(by_hand(&report)).unwrap(),
            String::from_utf8(by_serde(&report)).unwrap()
        );
        report.diagnostics.clear();
        assert_eq!(by_hand(&report), by_serde(&report));
    }

    proptest::proptest! {
        #[test]
        fn strings_are_escaped_as_serde_escapes_them(text in "(\\PC|[\\x00-\\x1f\\x7f\"\\\\])*") {
            let mut ours = Vec::new();
            super::escaped(&mut ours, &text);
            proptest::prop_assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(&text).unwrap());
        }
    }

    #[test]
    fn streamed_output_matches_a_whole_pretty_print() {
        for texts in [
            &[][..],
            &["Claim.[1][2]\n\n  1. ^ One.\n  2. ^ a b Two.\n"][..],
            &["A.[3]\n\n  1. ^ X.\n  2. ^ Y.\n", "", "B [1].\n"][..],
        ] {
            let text = streamed(texts);
            let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            let whole = serde_json::to_string_pretty(&value).unwrap() + "\n";
            assert_eq!(text, whole);
        }
    }
}
