//! Finding and reading input files. Every failure becomes a [`FileError`]
//! naming the file; nothing here stops the run.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use citelint::SourceFile;

/// Extensions linted when walking a directory.
pub const DEFAULT_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm", "wiki"];

/// A file to lint.
#[derive(Debug, Clone)]
pub enum Input {
    /// A file, and whether the user named it (rather than a directory walk
    /// finding it).
    Path {
        path: PathBuf,
        explicit: bool,
    },
    Stdin,
}

/// A path that could not be linted, and why.
#[derive(Debug)]
pub struct FileError {
    pub path: String,
    pub problem: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.problem)
    }
}

fn error(path: &Path, problem: impl Into<String>) -> FileError {
    FileError {
        path: path.display().to_string(),
        problem: problem.into(),
    }
}

/// Whether `path` has one of [`DEFAULT_EXTENSIONS`].
pub fn has_default_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| DEFAULT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Expands the arguments into files, sorted by path. Directories are walked
/// honouring `.gitignore`; `wanted(path, explicit)` decides which files are
/// kept (the config's include/exclude globs, or the default extensions).
pub fn collect(
    paths: &[PathBuf],
    wanted: &(dyn Fn(&Path, bool) -> bool + Sync),
) -> (Vec<Input>, Vec<FileError>) {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut files: Vec<(PathBuf, bool)> = Vec::new();
    let mut stdin = false;
    let mut problems = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            stdin = true;
            continue;
        }
        match std::fs::metadata(path) {
            Err(err) => problems.push(error(path, describe_io(&err))),
            Ok(meta) if meta.is_dir() => walk(path, wanted, &mut files, &mut problems),
            Ok(_) => {
                if wanted(path, true) {
                    files.push((path.clone(), true));
                }
            }
        }
    }
    // Sorted by path; one file named twice (`a.txt ./a.txt`, or named and
    // also found by a walk) is linted once. One walk never yields a path
    // twice, so only several arguments need the check, and a lexical
    // comparison spares a system call per file.
    // One walk's paths share their root and differ only in plain names, so
    // bytes order them as `Path::cmp` does; paths from several arguments
    // (`./b.md`, `docs/./x.md`) need `Path::cmp` itself.
    if paths.len() == 1 {
        files.sort_unstable_by(|a, b| path_order(&a.0, &b.0).then(b.1.cmp(&a.1)));
    } else {
        files.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    }
    if paths.len() > 1 {
        let mut seen = std::collections::HashSet::new();
        files.retain(|(path, _)| seen.insert(lexical(path)));
    }
    let mut inputs: Vec<Input> = files
        .into_iter()
        .map(|(path, explicit)| Input::Path { path, explicit })
        .collect();
    if stdin {
        inputs.insert(0, Input::Stdin);
    }
    (inputs, problems)
}

/// The order of `Path::cmp` (component by component) for the paths one walk
/// yields (a shared root, then plain names), compared as bytes with the
/// separator below every other byte:
/// `Path::cmp` splits both paths into components on every comparison, which
/// made sorting a large tree a visible part of a run.
fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let rank = |byte: u8| {
        if std::path::is_separator(char::from(byte)) {
            0
        } else {
            u16::from(byte) + 1
        }
    };
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let common = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    match (a.get(common), b.get(common)) {
        (Some(&x), Some(&y)) => rank(x).cmp(&rank(y)),
        _ => a.len().cmp(&b.len()),
    }
}

/// A path made absolute with `.` and `..` resolved, for comparing two
/// spellings of one file (`a.txt`, `./a.txt`, `$PWD/a.txt`) without asking
/// the file system.
fn lexical(path: &Path) -> PathBuf {
    citelint::config::absolute_path(path)
}

/// Walks `dir` on several threads (the `ignore` crate's parallel walker).
fn walk(
    dir: &Path,
    wanted: &(dyn Fn(&Path, bool) -> bool + Sync),
    files: &mut Vec<(PathBuf, bool)>,
    problems: &mut Vec<FileError>,
) {
    let found = std::sync::Mutex::new((Vec::new(), Vec::new()));
    ignore::WalkBuilder::new(dir)
        .require_git(false)
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                match entry {
                    Ok(entry) => {
                        if entry.file_type().is_some_and(|t| t.is_file())
                            && wanted(entry.path(), false)
                        {
                            let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
                            found.0.push((entry.into_path(), false));
                        }
                    }
                    Err(err) => found
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .1
                        .push(FileError {
                            path: dir.display().to_string(),
                            problem: err.to_string(),
                        }),
                }
                ignore::WalkState::Continue
            })
        });
    let (mut walked, mut errors) = found.into_inner().unwrap_or_else(|e| e.into_inner());
    files.append(&mut walked);
    problems.append(&mut errors);
}

fn describe_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => err.to_string(),
    }
}

/// Reads one input. Files over `max_size` bytes are refused with a message,
/// and so are binary files (a NUL byte early on) that the user named; a
/// binary file met in a directory walk is skipped (`Ok(None)`), as ripgrep
/// does. Invalid UTF-8 is decoded lossily and reported by the checker.
pub fn read(
    input: &Input,
    stdin_name: Option<&str>,
    max_size: u64,
) -> Result<Option<SourceFile>, FileError> {
    let (name, bytes) = match input {
        Input::Stdin => {
            let name = stdin_name.unwrap_or("-").to_owned();
            let mut bytes = Vec::new();
            std::io::stdin()
                .take(max_size + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| error(Path::new(&name), describe_io(&e)))?;
            (name, bytes)
        }
        Input::Path { path, .. } => {
            let file = std::fs::File::open(path).map_err(|e| error(path, describe_io(&e)))?;
            let size = file
                .metadata()
                .map_err(|e| error(path, describe_io(&e)))?
                .len();
            if size > max_size {
                return Err(error(
                    path,
                    format!(
                        "file is {size} bytes, over the {max_size}-byte limit (raise it with --max-file-size)"
                    ),
                ));
            }
            let mut bytes = Vec::with_capacity(size as usize);
            // Through `Take`: `File::read_to_end` would ask for the size
            // again (a statx and an lseek per file), and the buffer already
            // has room for it. A file that grew since is still capped.
            file.take(max_size + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| error(path, describe_io(&e)))?;
            (path.display().to_string(), bytes)
        }
    };
    if bytes.len() as u64 > max_size {
        return Err(error(
            Path::new(&name),
            format!("input is over the {max_size}-byte limit"),
        ));
    }
    let head = &bytes[..bytes.len().min(8192)];
    if memchr::memchr(0, head).is_some() {
        if matches!(
            input,
            Input::Path {
                explicit: false,
                ..
            }
        ) {
            return Ok(None);
        }
        return Err(error(
            Path::new(&name),
            "binary file (contains NUL bytes), skipped",
        ));
    }
    Ok(Some(SourceFile::from_vec(name, bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sort_as_path_cmp_sorts_them() {
        let names = [
            "a", "a-b", "a/b", "a/b/c", "a.txt", "a/b.txt", "ab", "a b/c", "b", "a/b-c/d",
            "a/b/c-d", "a0/x", "é/x", "e/x", "d/a/x",
        ];
        let mut ours: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
        let mut std_order = ours.clone();
        ours.sort_by(|a, b| path_order(a, b));
        std_order.sort();
        assert_eq!(ours, std_order);
    }
}
