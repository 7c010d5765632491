//! `--all-accounts` runs this program once per account of the file, `jobs` at a time. Each run gets its share of the
//! request cap (so all runs together never have more than `max_requests` requests in flight to onOffice) and its
//! time limit (a hanging account is stopped and reported; it never holds up the others beyond its own time). The
//! runs are handed back in the file's order, each as soon as it and every account before it are done, so the first
//! lines appear while later accounts still run. A run's output waits in a temporary file, never in memory.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::accounts::AccountLine;

/// How many accounts at once, how many requests in flight across all of them, and how long one account may take.
#[derive(Clone, Debug)]
pub struct Limits {
    pub jobs: usize,
    pub max_requests: usize,
    pub account_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            jobs: 4,
            max_requests: 8,
            account_timeout: Duration::from_secs(900),
        }
    }
}

impl Limits {
    /// The requests one run may have in flight: the cap shared by the runs that go at once (at least one each).
    pub fn per_account(&self, accounts: usize) -> usize {
        (self.max_requests / self.at_once(accounts)).max(1)
    }

    /// The runs at once, so that each still gets one request in flight within the cap.
    pub fn at_once(&self, accounts: usize) -> usize {
        self.jobs.min(self.max_requests).min(accounts).max(1)
    }
}

/// How one account's run ended. Its output stays in `stdout` until the run is dropped.
pub struct Run {
    pub name: String,
    pub code: i32,
    /// The file holding what the run printed.
    pub stdout: PathBuf,
    /// What it said on stderr (progress and errors; small).
    pub stderr: String,
    /// Stopped at its time limit.
    pub timed_out: bool,
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.stdout);
    }
}

/// A run on its way.
struct Going {
    index: usize,
    child: Child,
    started: Instant,
    stdout: PathBuf,
    stderr: PathBuf,
}

/// Runs `oo-check` once per account with `args(line)` plus `--account NAME` and its share of the cap, `limits.jobs`
/// at a time, and hands each run to `done` in the file's order. A line `refused` gives a message is not run: its
/// run failed with that message.
pub fn run_all(
    lines: &[AccountLine],
    args: impl Fn(&AccountLine) -> Vec<OsString>,
    refused: impl Fn(usize) -> Option<String>,
    limits: &Limits,
    mut done: impl FnMut(Run),
) {
    let dir = std::env::temp_dir().join(format!("oo-check-runs-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let share = limits.per_account(lines.len()).to_string();
    let at_once = limits.at_once(lines.len());
    let (mut next, mut handed) = (0, 0);
    let mut going: Vec<Going> = Vec::new();
    let mut ended: BTreeMap<usize, Run> = BTreeMap::new();
    while handed < lines.len() {
        while going.len() < at_once && next < lines.len() {
            let mut all = args(&lines[next]);
            all.extend(["--max-in-flight".into(), OsString::from(&share)]);
            let started = match refused(next) {
                Some(why) => Err(not_run(&dir, next, &lines[next], why)),
                None => start(&dir, next, &lines[next], &all),
            };
            match started {
                Ok(g) => going.push(g),
                Err(run) => {
                    ended.insert(next, run);
                }
            }
            next += 1;
        }
        let before = ended.len();
        going.retain_mut(
            |g| match finished(g, &lines[g.index], limits.account_timeout) {
                Some(run) => {
                    ended.insert(g.index, run);
                    false
                }
                None => true,
            },
        );
        while let Some(run) = ended.remove(&handed) {
            done(run);
            handed += 1;
        }
        if ended.len() == before && handed < lines.len() {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn not_run(dir: &Path, index: usize, line: &AccountLine, why: String) -> Run {
    Run {
        name: line.name.clone(),
        code: 1,
        stdout: dir.join(format!("{index}.out")),
        stderr: format!("Fehler / error: {why}\n"),
        timed_out: false,
    }
}

fn start(dir: &Path, index: usize, line: &AccountLine, args: &[OsString]) -> Result<Going, Run> {
    let stdout = dir.join(format!("{index}.out"));
    let stderr = dir.join(format!("{index}.err"));
    let not_started = |e: std::io::Error| Run {
        name: line.name.clone(),
        code: 1,
        stdout: stdout.clone(),
        stderr: format!("nicht gestartet / not started: {e}"),
        timed_out: false,
    };
    let me = std::env::current_exe().map_err(not_started)?;
    let out = File::create(&stdout).map_err(not_started)?;
    let err = File::create(&stderr).map_err(not_started)?;
    let child = Command::new(me)
        .args(args)
        .arg("--account")
        .arg(&line.name)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(not_started)?;
    Ok(Going {
        index,
        child,
        started: Instant::now(),
        stdout,
        stderr,
    })
}

/// The run, once it has ended or has been stopped at its time limit.
fn finished(g: &mut Going, line: &AccountLine, limit: Duration) -> Option<Run> {
    let (code, timed_out) = match g.child.try_wait() {
        Ok(Some(status)) => (status.code().unwrap_or(1), false),
        Ok(None) if g.started.elapsed() < limit => return None,
        Ok(None) | Err(_) => {
            let _ = g.child.kill();
            let _ = g.child.wait();
            (1, true)
        }
    };
    let mut stderr = std::fs::read_to_string(&g.stderr).unwrap_or_default();
    let _ = std::fs::remove_file(&g.stderr);
    if timed_out {
        stderr.push_str(&format!(
            "\nFehler / error: nach {} s abgebrochen / stopped after {} s\n",
            limit.as_secs(),
            limit.as_secs()
        ));
    }
    Some(Run {
        name: line.name.clone(),
        code,
        stdout: g.stdout.clone(),
        stderr,
        timed_out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_is_shared_by_the_runs_that_go_at_once() {
        let l = Limits {
            jobs: 4,
            max_requests: 8,
            account_timeout: Duration::from_secs(1),
        };
        assert_eq!(l.per_account(200), 2);
        assert_eq!(l.at_once(200), 4);
        assert_eq!(l.per_account(1), 8, "one account gets the whole cap");
        assert_eq!(l.at_once(1), 1);
        assert_eq!(l.per_account(3), 2, "8 / 3 rounded down");
        let tight = Limits {
            jobs: 10,
            max_requests: 3,
            ..l.clone()
        };
        assert_eq!(
            tight.at_once(200),
            3,
            "never more runs than requests allowed"
        );
        assert_eq!(tight.per_account(200), 1);
        assert!(tight.at_once(200) * tight.per_account(200) <= tight.max_requests);
        for jobs in 1..20 {
            for cap in 1..40 {
                for n in 1..30 {
                    let l = Limits {
                        jobs,
                        max_requests: cap,
                        ..l.clone()
                    };
                    assert!(l.at_once(n) * l.per_account(n) <= cap, "{jobs} {cap} {n}");
                }
            }
        }
    }
}
