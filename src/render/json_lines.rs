//! JSON Lines: one compact JSON object per finding per line, written as soon
//! as each file is done. Each object is the JSON format's diagnostic with the
//! file's `path` first; columns count Unicode scalar values. A clean run
//! writes nothing.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{JsonDiagnostic, diagnostic};
use crate::FileReport;

#[derive(Serialize)]
struct Line<'a> {
    path: &'a str,
    #[serde(flatten)]
    diagnostic: JsonDiagnostic<'a>,
}

pub(super) fn file(report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        let line = Line {
            path: &report.path,
            diagnostic: diagnostic(d),
        };
        serde_json::to_writer(&mut *out, &line)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
