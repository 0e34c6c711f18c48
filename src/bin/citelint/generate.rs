//! Shell completion scripts (clap_complete) and man pages (clap_mangen),
//! both generated from the same clap definition as the parser, so they never
//! drift from the options the binary accepts.

use std::io::{self, Write};
use std::path::Path;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::args::Cli;

/// Writes the completion script for `shell` to standard output.
pub fn completions(shell: Shell) -> io::Result<()> {
    let mut command = Cli::command();
    let name = command.get_name().to_owned();
    let mut out = io::BufWriter::new(io::stdout().lock());
    clap_complete::generate(shell, &mut command, name, &mut out);
    out.flush()
}

/// Writes citelint(1) to standard output, or, given a directory, citelint.1
/// and one page per subcommand (`citelint-check.1`, …) into it.
pub fn man(output: Option<&Path>) -> io::Result<()> {
    // As clap_mangen::generate_to prepares it: no `help` subcommand page.
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    match output {
        None => {
            let mut out = io::BufWriter::new(io::stdout().lock());
            page(command).render(&mut out)?;
            out.flush()
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            write_pages(command, dir)
        }
    }
}

/// The page of `command`, with the package's version in the footer (clap
/// gives subcommands none of their own).
fn page(command: clap::Command) -> clap_mangen::Man {
    clap_mangen::Man::new(command).source(concat!("citelint ", env!("CARGO_PKG_VERSION")))
}

fn write_pages(command: clap::Command, dir: &Path) -> io::Result<()> {
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub.clone(), dir)?;
    }
    page(command).generate_to(dir).map(drop)
}
