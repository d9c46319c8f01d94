//! Where output goes: standard output, or `--output PATH` written atomically (a
//! temporary file beside PATH, renamed over it only when the run succeeds). The
//! temporary file is removed on failure, and on Ctrl-C too.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context;

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
                .with_context(|| format!("cannot write {}", path.display()))?;
            return Ok(Output::Direct(BufWriter::with_capacity(WRITE_BUFFER, file)));
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let temp = tempfile::Builder::new()
            .prefix(".kpi-")
            .tempfile_in(dir)
            .with_context(|| format!("cannot write {}", path.display()))?;
        if let Ok(mut pending) = PENDING.lock() {
            pending.push(temp.path().to_path_buf());
        }
        Ok(Output::Atomic {
            temp: BufWriter::with_capacity(WRITE_BUFFER, temp),
            path: path.to_path_buf(),
        })
    }

    /// The output is complete: put it where it belongs.
    pub fn finish(self) -> anyhow::Result<()> {
        match self {
            Output::Stdout(mut out) => Ok(out.flush()?),
            Output::Direct(mut out) => Ok(out.flush()?),
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
                result.with_context(|| format!("cannot write {}", path.display()))
            }
        }
    }

    /// The run failed: nothing it wrote to a file may remain.
    pub fn abandon(self) {
        if let Output::Atomic { temp, .. } = self {
            let (temp, _unwritten) = temp.into_parts();
            let path = temp.path().to_path_buf();
            drop(temp); // removes the file
            let _ = std::fs::remove_file(&path);
            forget(&path);
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(out) => out.write(buf),
            Output::Atomic { temp, .. } => temp.write(buf),
            Output::Direct(out) => out.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(out) => out.write_all(buf),
            Output::Atomic { temp, .. } => temp.write_all(buf),
            Output::Direct(out) => out.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(out) => out.flush(),
            Output::Atomic { temp, .. } => temp.flush(),
            Output::Direct(out) => out.flush(),
        }
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
