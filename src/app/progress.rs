//! A progress bar on standard error for long runs: drawn only on a terminal, only
//! once a run has taken a second, and never under `--quiet`. It shows the bytes of
//! the data files read and the values taken, then that the cards are being written.

use std::io::{self, IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use kpi::pipeline::Counts;

/// Counters shared with the run, and the thread that draws them.
pub struct Progress {
    pub bytes: Arc<AtomicU64>,
    /// Values taken, and whether the reading is over (the bar then says the cards
    /// are being made and written).
    pub counts: Arc<Counts>,
    done: Arc<AtomicBool>,
    /// The bar, once drawn: lines for the user are printed above it, not through it.
    bar: Arc<OnceLock<indicatif::ProgressBar>>,
    drawing: Option<JoinHandle<()>>,
}

/// How long a run goes before a bar is drawn.
const QUIET_FOR: Duration = Duration::from_secs(1);
const TICK: Duration = Duration::from_millis(100);

impl Progress {
    /// Starts watching `bytes`; `total` is the size of the data files, when known.
    pub fn start(quiet: bool, total: Option<u64>, bytes: Arc<AtomicU64>) -> Progress {
        let mut progress = Progress {
            bytes,
            counts: Arc::new(Counts::default()),
            done: Arc::new(AtomicBool::new(false)),
            bar: Arc::new(OnceLock::new()),
            drawing: None,
        };
        if quiet || !io::stderr().is_terminal() {
            return progress;
        }
        let (bytes, counts) = (progress.bytes.clone(), progress.counts.clone());
        let done = progress.done.clone();
        let shared = progress.bar.clone();
        progress.drawing = Some(std::thread::spawn(move || {
            let start = Instant::now();
            while start.elapsed() < QUIET_FOR {
                if done.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(TICK);
            }
            let bar = match total {
                Some(total) => indicatif::ProgressBar::new(total),
                None => indicatif::ProgressBar::no_length(),
            };
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            let style = if total.is_some() {
                "{bar:20} {bytes}/{total_bytes} {msg} {elapsed}"
            } else {
                "{spinner} {bytes} {msg} {elapsed}"
            };
            if let Ok(style) = indicatif::ProgressStyle::with_template(style) {
                bar.set_style(style);
            }
            let _ = shared.set(bar.clone());
            while !done.load(Ordering::Relaxed) {
                bar.set_position(bytes.load(Ordering::Relaxed));
                let values = counts.rows.load(Ordering::Relaxed);
                bar.set_message(if counts.read.load(Ordering::Relaxed) {
                    format!("{values} values; writing")
                } else {
                    format!("{values} values")
                });
                std::thread::sleep(TICK);
            }
            bar.finish_and_clear();
        }));
        progress
    }

    /// Prints a line on standard error while the run goes on, with the bar (if one is
    /// drawn) taken away and drawn again below it. A line that cannot be written is
    /// not worth failing the run for.
    pub fn note(&self, line: &str) {
        let print = || {
            let _ = writeln!(io::stderr().lock(), "{line}");
        };
        match self.bar.get() {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }
}

impl Drop for Progress {
    /// The run is over, however it ended: the bar is cleared.
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(drawing) = self.drawing.take() {
            let _ = drawing.join();
        }
    }
}

/// A reader that counts the bytes it passes on.
pub struct Counted<R> {
    pub inner: R,
    pub bytes: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
