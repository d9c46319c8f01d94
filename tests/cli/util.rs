//! Running the real binary in a temporary folder, with the environment pinned.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// `kpi` with a pinned environment: English locale, no colour, no `$KPI_CONFIG`.
pub fn kpi() -> Command {
    Command::from_std(kpi_process())
}

/// `kpi` pinned as `kpi()` is, as a `std::process::Command`: for a test that hands it
/// its own standard streams (a file, `/dev/null`, a pipe it writes to) or signals it.
pub fn kpi_process() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kpi"));
    cmd.env_remove("KPI_CONFIG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .env("NO_COLOR", "1");
    cmd
}

/// A temporary working folder: no `kpi.toml` unless a test writes one.
pub struct Dir {
    dir: tempfile::TempDir,
}

impl Dir {
    pub fn new() -> Dir {
        Dir {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> &Dir {
        std::fs::write(self.join(name), contents).expect("writing a fixture");
        self
    }

    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.join(name)).expect("reading an output")
    }

    /// `kpi` run in this folder.
    pub fn kpi(&self) -> Command {
        Command::from_std(self.kpi_process())
    }

    /// `kpi_process()` run in this folder.
    pub fn kpi_process(&self) -> std::process::Command {
        let mut cmd = kpi_process();
        cmd.current_dir(self.path());
        cmd
    }
}

/// The repository's `tests/` folder.
pub fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// Held while a test runs LibreOffice: two instances at once, even with profiles of
/// their own, have made the one driven over its Python bridge die mid-call. Fails the
/// test, saying so, where LibreOffice is not installed.
pub fn libreoffice() -> std::sync::MutexGuard<'static, ()> {
    assert!(
        std::process::Command::new("soffice")
            .arg("--version")
            .output()
            .is_ok(),
        "this test needs LibreOffice: soffice is not on PATH"
    );
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
