//! `path:line:col: CODE [severity] message`, one finding per line.

use std::io::{self, Write};

use crate::FileReport;
use crate::diagnostic::Diagnostic;

pub(super) fn file(report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        line(&report.path, d, out)?;
    }
    Ok(())
}

/// One finding as one line (columns in Unicode scalar values).
pub(super) fn line(path: &str, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{}:{}:{}: {} [{}] {}",
        path, d.start.line, d.start.column, d.code, d.severity, d.message
    )
}
