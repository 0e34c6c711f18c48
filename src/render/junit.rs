//! JUnit XML through [quick-junit](https://docs.rs/quick-junit), for Jenkins,
//! GitLab's test reports and any CI that shows test results. One
//! `<testsuite>` per file with findings, named by its path; one failing
//! `<testcase>` per finding, named `CODE rule (line:column)` with the path as
//! its class name, the failure's `type` the severity and its text the
//! finding in the concise form plus its help. Columns count Unicode scalar
//! values. A clean run is one suite, `citelint`, with one passing case.

use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::{Summary, message_with_help};
use crate::FileReport;

pub(super) fn render(
    reports: &[FileReport],
    summary: &Summary,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut report = Report::new("citelint");
    for file in reports {
        let mut suite = TestSuite::new(file.path.as_str());
        for d in &file.diagnostics {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            let description = format!(
                "{}:{}:{}: {} [{}] {}",
                file.path,
                d.start.line,
                d.start.column,
                d.code,
                d.severity,
                message_with_help(d)
            );
            status
                .set_message(d.message.as_str())
                .set_type(d.severity.as_str())
                .set_description(description);
            let name = format!(
                "{} {} ({}:{})",
                d.code, d.rule, d.start.line, d.start.column
            );
            let mut case = TestCase::new(name, status);
            case.set_classname(file.path.as_str());
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    if reports.is_empty() {
        let mut suite = TestSuite::new("citelint");
        let name = format!("no findings in {}", summary.files_phrase());
        let mut case = TestCase::new(name, TestCaseStatus::success());
        case.set_classname("citelint");
        suite.add_test_case(case);
        report.add_test_suite(suite);
    }
    report.serialize(&mut *out).map_err(io::Error::other)
}
