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

/// Expands the arguments into files, sorted by path. Explicit files are always
/// taken; directories are walked honouring `.gitignore`, keeping the default
/// extensions.
pub fn collect(paths: &[PathBuf]) -> (Vec<Input>, Vec<FileError>) {
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
            Ok(meta) if meta.is_dir() => walk(path, &mut files, &mut problems),
            Ok(_) => files.push((path.clone(), true)),
        }
    }
    // Sorted by path; one file named twice (`a.txt ./a.txt`, or named and
    // also found by a walk) is linted once, as named.
    files.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut seen = std::collections::HashSet::new();
    files.retain(|(path, _)| {
        seen.insert(std::fs::canonicalize(path).unwrap_or_else(|_| path.clone()))
    });
    let mut inputs: Vec<Input> = files
        .into_iter()
        .map(|(path, explicit)| Input::Path { path, explicit })
        .collect();
    if stdin {
        inputs.insert(0, Input::Stdin);
    }
    (inputs, problems)
}

fn walk(dir: &Path, files: &mut Vec<(PathBuf, bool)>, problems: &mut Vec<FileError>) {
    let walker = ignore::WalkBuilder::new(dir).require_git(false).build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                let wanted = entry.file_type().is_some_and(|t| t.is_file())
                    && path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                        DEFAULT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str())
                    });
                if wanted {
                    files.push((path.to_path_buf(), false));
                }
            }
            Err(err) => problems.push(FileError {
                path: dir.display().to_string(),
                problem: err.to_string(),
            }),
        }
    }
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
            let size = std::fs::metadata(path)
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
            let bytes = std::fs::read(path).map_err(|e| error(path, describe_io(&e)))?;
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
    Ok(Some(SourceFile::from_bytes(name, &bytes)))
}
