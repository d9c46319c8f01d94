//! Where output goes: standard output, or `--output PATH` written atomically (a
//! temporary file beside PATH, renamed over it only when the run succeeds). The
//! temporary file is removed on failure, and on Ctrl-C too.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use kpi::pipeline::Rewind;

/// Output is written in blocks this large, not card by card.
const WRITE_BUFFER: usize = 1 << 16;

/// Temporary output files to remove should the process be interrupted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// On Ctrl-C (or SIGTERM), removes any temporary output file, then exits with 130
/// as a shell does for an interrupted command. Spill files need nothing: they have
/// no name.
pub fn remove_on_interrupt() {
    let _ = ctrlc::set_handler(|| {
        if let Ok(pending) = PENDING.lock() {
            for path in pending.iter() {
                let _ = std::fs::remove_file(path);
            }
        }
        std::process::exit(130);
    });
}

fn forget(path: &Path) {
    if let Ok(mut pending) = PENDING.lock() {
        pending.retain(|p| p != path);
    }
}

/// An output being written.
pub enum Output {
    Stdout(BufWriter<io::Stdout>),
    /// A regular file (or a new one): a temporary file beside it until the end.
    Atomic {
        temp: BufWriter<tempfile::NamedTempFile>,
        path: PathBuf,
    },
    /// Anything else (`/dev/null`, a FIFO): written directly, never replaced.
    Direct(BufWriter<File>),
    /// Standard output or a device, written so that what is written can be taken
    /// back until the end (`Undo`).
    Undoable {
        undo: Undo,
        to: Box<Output>,
    },
}

/// How an undoable output takes back what was written to it.
pub enum Undo {
    /// `/dev/null`: it keeps nothing.
    Nothing,
    /// Written first to a spool (an unnamed temporary file), copied out at the end.
    Spool(BufWriter<File>),
    /// Standard output is a regular file of its own: cut back to where it stood.
    Truncate { file: File, at: u64 },
}

impl Output {
    /// Opens `--output PATH`, or standard output without one.
    pub fn open(path: Option<&Path>) -> anyhow::Result<Output> {
        let Some(path) = path else {
            return Ok(Output::Stdout(BufWriter::with_capacity(
                WRITE_BUFFER,
                io::stdout(),
            )));
        };
        if let Ok(meta) = std::fs::metadata(path)
            && !meta.is_file()
        {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| cannot_write(path, Writing::Itself, &e))?;
            return Ok(Output::Direct(BufWriter::with_capacity(WRITE_BUFFER, file)));
        }
        let temp = tempfile::Builder::new()
            .prefix(".kpi-")
            .tempfile_in(folder_of(path).unwrap_or(Path::new(".")))
            .map_err(|e| cannot_write(path, Writing::Beside, &e))?;
        if let Ok(mut pending) = PENDING.lock() {
            pending.push(temp.path().to_path_buf());
        }
        Ok(Output::Atomic {
            temp: BufWriter::with_capacity(WRITE_BUFFER, temp),
            path: path.to_path_buf(),
        })
    }

    /// The output, made able to take back what is written to it (`Rewind`): a file is
    /// so already; standard output that is a regular file written at its end (and not
    /// also standard error's) is cut back to where it stood; other standard output, or a device, is
    /// spooled until the end, unless it is `/dev/null`, or no temporary file can be
    /// had for the spool.
    pub fn undoable(self) -> Output {
        let null = match &self {
            Output::Stdout(_) => std::fs::metadata("/dev/stdout").is_ok_and(|m| is_null(&m)),
            Output::Direct(out) => out.get_ref().metadata().is_ok_and(|m| is_null(&m)),
            Output::Atomic { .. } | Output::Undoable { .. } => return self,
        };
        let undo = if null {
            Undo::Nothing
        } else if let (Output::Stdout(_), Some((file, at))) = (&self, stdout_file()) {
            Undo::Truncate { file, at }
        } else {
            match tempfile::tempfile() {
                Ok(file) => Undo::Spool(BufWriter::with_capacity(WRITE_BUFFER, file)),
                Err(_) => return self,
            }
        };
        Output::Undoable {
            undo,
            to: Box::new(self),
        }
    }

    /// The output is complete: put it where it belongs.
    pub fn finish(self) -> anyhow::Result<()> {
        match self {
            Output::Stdout(mut out) => Ok(out.flush()?),
            Output::Direct(mut out) => Ok(out.flush()?),
            Output::Undoable { undo, mut to } => {
                unspool(undo, &mut to)?;
                to.finish()
            }
            Output::Atomic { temp, path } => {
                let temp = temp.into_inner().map_err(|e| e.into_error())?;
                let temp_path = temp.path().to_path_buf();
                let result = (|| {
                    temp.as_file().sync_all()?;
                    keep_permissions(&path, temp.as_file())?;
                    temp.persist(&path).map_err(|e| e.error)?;
                    io::Result::Ok(())
                })();
                forget(&temp_path);
                result.map_err(|e| cannot_write(&path, Writing::Beside, &e))
            }
        }
    }

    /// The run failed: nothing it wrote to a file may remain. What went to standard
    /// output (cards before the problem) stays there (SPEC §8).
    pub fn abandon(self) {
        match self {
            Output::Atomic { temp, .. } => {
                let (temp, _unwritten) = temp.into_parts();
                let path = temp.path().to_path_buf();
                drop(temp); // removes the file
                let _ = std::fs::remove_file(&path);
                forget(&path);
            }
            Output::Undoable { undo, mut to } => {
                let _ = unspool(undo, &mut to);
                to.abandon();
            }
            Output::Stdout(_) | Output::Direct(_) => {}
        }
    }
}

/// Copies what was spooled, if anything, to where it goes.
fn unspool(undo: Undo, to: &mut Output) -> io::Result<()> {
    let Undo::Spool(spool) = undo else {
        return Ok(());
    };
    let mut spool = spool.into_inner().map_err(|e| e.into_error())?;
    spool.rewind()?;
    io::copy(&mut spool, to)?;
    Ok(())
}

/// Standard output as a file of its own, and where it stands: when it is a regular
/// file that standard error does not share (what is cut back is then only output),
/// written at its end.
fn stdout_file() -> Option<(File, u64)> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        use std::os::unix::fs::MetadataExt;
        let mut file = File::from(io::stdout().as_fd().try_clone_to_owned().ok()?);
        let meta = file.metadata().ok()?;
        let shared = io::stderr()
            .as_fd()
            .try_clone_to_owned()
            .ok()
            .map(File::from)
            .and_then(|e| e.metadata().ok())
            .is_none_or(|e| (e.dev(), e.ino()) == (meta.dev(), meta.ino()));
        if !meta.is_file() || shared {
            return None;
        }
        // Writing at its end (`>`, or after what came before in the file): cut back
        // to there. Elsewhere (`>>` opens at 0 and writes at the end; `1<>` writes
        // over what is there) the spool is the safe way.
        let at = file.stream_position().ok()?;
        (at == meta.len()).then_some((file, at))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Whether `meta` is that of `/dev/null` (under any name).
fn is_null(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        std::fs::metadata("/dev/null")
            .is_ok_and(|null| meta.file_type().is_char_device() && meta.rdev() == null.rdev())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

impl Rewind for Output {
    fn can_rewind(&self) -> bool {
        matches!(self, Output::Atomic { .. } | Output::Undoable { .. })
    }

    fn rewind(&mut self) -> io::Result<()> {
        let (file, at) = match self {
            Output::Atomic { temp, .. } => {
                temp.flush()?;
                (temp.get_mut().as_file_mut(), 0)
            }
            Output::Undoable {
                undo: Undo::Spool(spool),
                ..
            } => {
                spool.flush()?;
                (spool.get_mut(), 0)
            }
            Output::Undoable {
                undo: Undo::Truncate { file, at },
                to,
            } => {
                to.flush()?;
                (file, *at)
            }
            Output::Undoable {
                undo: Undo::Nothing,
                ..
            } => return Ok(()),
            Output::Stdout(_) | Output::Direct(_) => {
                return Err(io::Error::other("output written cannot be taken back"));
            }
        };
        file.set_len(at)?;
        file.seek(io::SeekFrom::Start(at)).map(|_| ())
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(out) => out.write(buf),
            Output::Atomic { temp, .. } => temp.write(buf),
            Output::Direct(out) => out.write(buf),
            Output::Undoable {
                undo: Undo::Spool(spool),
                ..
            } => spool.write(buf),
            Output::Undoable { to, .. } => to.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(out) => out.write_all(buf),
            Output::Atomic { temp, .. } => temp.write_all(buf),
            Output::Direct(out) => out.write_all(buf),
            Output::Undoable {
                undo: Undo::Spool(spool),
                ..
            } => spool.write_all(buf),
            Output::Undoable { to, .. } => to.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(out) => out.flush(),
            Output::Atomic { temp, .. } => temp.flush(),
            Output::Direct(out) => out.flush(),
            Output::Undoable {
                undo: Undo::Spool(spool),
                ..
            } => spool.flush(),
            Output::Undoable { to, .. } => to.flush(),
        }
    }
}

/// What was being written when an error came: the file itself (a device, a FIFO),
/// or a temporary file beside it in its folder (to be renamed over it).
#[derive(Clone, Copy, Debug)]
enum Writing {
    Itself,
    Beside,
}

/// The folder `path` is in, as the user wrote it; `None` for the current folder.
fn folder_of(path: &Path) -> Option<&Path> {
    path.parent().filter(|p| !p.as_os_str().is_empty())
}

/// Why `path` cannot be written, in the user's terms: the path as given and its
/// folder, never the name of the temporary file that failed.
fn cannot_write(path: &Path, writing: Writing, error: &io::Error) -> anyhow::Error {
    let folder = match folder_of(path) {
        Some(folder) => format!("the folder {}", folder.display()),
        None => "the current folder".to_string(),
    };
    let why = match (error.kind(), writing) {
        // Only when the folder really is missing: /proc says the same of a new file.
        (io::ErrorKind::NotFound, Writing::Beside) if !folder_of(path).is_none_or(Path::is_dir) => {
            format!("{folder} does not exist")
        }
        (io::ErrorKind::NotFound, Writing::Beside) => {
            format!("{folder} does not take new files")
        }
        (io::ErrorKind::NotADirectory, Writing::Beside) => {
            format!(
                "{} is not a folder",
                folder_of(path).unwrap_or(path).display()
            )
        }
        (io::ErrorKind::PermissionDenied, Writing::Beside) => {
            format!("no permission to create files in {folder}")
        }
        (io::ErrorKind::PermissionDenied, Writing::Itself) => "no permission to write it".into(),
        (io::ErrorKind::ReadOnlyFilesystem, _) => {
            format!("{folder} is on a read-only file system")
        }
        (io::ErrorKind::IsADirectory, _) => "it is a folder; give a file name".to_string(),
        _ => underlying(error),
    };
    anyhow::anyhow!("cannot write {}: {why}", path.display())
}

/// The operating system's error without what the temporary file library adds to it,
/// ` at path "/out/.kpi-i9yBGZ"`: a name the user never gave. (Its error type is
/// private and gives no access to the error inside, so the words are cut.)
fn underlying(error: &io::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at path \"") {
        Some(end) => text[..end].to_string(),
        None => text,
    }
}

/// Writes `output` to `path` as `Output` does, all at once.
pub fn write_output(path: &Path, output: &mut dyn Read) -> anyhow::Result<()> {
    let mut out = Output::open(Some(path))?;
    match io::copy(output, &mut out) {
        Ok(_) => out.finish(),
        Err(e) => {
            out.abandon();
            Err(anyhow::Error::new(e).context(format!("cannot write {}", path.display())))
        }
    }
}

/// A replaced file keeps its permissions; a new one gets the usual 0644, not the
/// temporary file's 0600.
fn keep_permissions(path: &Path, temp: &File) -> io::Result<()> {
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::Permissions::from_mode(0o644)
            }
            #[cfg(not(unix))]
            {
                return Ok(());
            }
        }
    };
    temp.set_permissions(permissions)
}

#[cfg(test)]
mod tests {
    use super::{Writing, cannot_write};
    use std::io;
    use std::path::Path;

    fn message(path: &str, writing: Writing, kind: io::ErrorKind) -> String {
        cannot_write(Path::new(path), writing, &io::Error::from(kind)).to_string()
    }

    #[test]
    fn write_errors_name_the_path_and_folder_as_given() {
        use io::ErrorKind::*;
        assert_eq!(
            message("/nonexistent/r.xlsx", Writing::Beside, NotFound),
            "cannot write /nonexistent/r.xlsx: the folder /nonexistent does not exist"
        );
        assert_eq!(
            message("out/r.csv", Writing::Beside, PermissionDenied),
            "cannot write out/r.csv: no permission to create files in the folder out"
        );
        assert_eq!(
            message("r.csv", Writing::Beside, PermissionDenied),
            "cannot write r.csv: no permission to create files in the current folder"
        );
        assert_eq!(
            message("/dev/full", Writing::Itself, PermissionDenied),
            "cannot write /dev/full: no permission to write it"
        );
        assert_eq!(
            message("/mnt/cd/r.csv", Writing::Beside, ReadOnlyFilesystem),
            "cannot write /mnt/cd/r.csv: the folder /mnt/cd is on a read-only file system"
        );
    }

    #[test]
    fn the_temporary_file_is_never_named() {
        // What the temporary file library returns: the OS error, with its own path.
        let dir = tempfile::tempdir().expect("a folder");
        let missing = dir.path().join("missing");
        let Err(error) = tempfile::Builder::new()
            .prefix(".kpi-")
            .tempfile_in(&missing)
        else {
            panic!("a temporary file in a missing folder");
        };
        let path = missing.join("r.csv");
        let said = cannot_write(&path, Writing::Beside, &error).to_string();
        assert!(!said.contains(".kpi-"), "{said}");
        let other = io::Error::other(error);
        let said = cannot_write(&path, Writing::Beside, &other).to_string();
        assert!(!said.contains(".kpi-"), "{said}");
    }
}
