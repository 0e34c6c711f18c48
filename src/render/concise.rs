//! `path:line:col: CODE [severity] message`, one finding per line.

use std::io::{self, Write};

use crate::FileReport;

pub(super) fn file(report: &FileReport, out: &mut dyn Write) -> io::Result<()> {
    for d in &report.diagnostics {
        writeln!(
            out,
            "{}:{}:{}: {} [{}] {}",
            report.path, d.start.line, d.start.column, d.code, d.severity, d.message
        )?;
    }
    Ok(())
}
