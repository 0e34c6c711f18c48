//! `path:line:col: CODE [severity] message`, one finding per line.

use std::io::{self, Write};

use crate::FileReport;

pub(super) fn render(reports: &[FileReport], out: &mut dyn Write) -> io::Result<()> {
    for report in reports {
        for d in &report.diagnostics {
            writeln!(
                out,
                "{}:{}:{}: {} [{}] {}",
                report.path, d.start.line, d.start.column, d.code, d.severity, d.message
            )?;
        }
    }
    Ok(())
}
