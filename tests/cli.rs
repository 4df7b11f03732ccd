//! The real binary: commands, exit codes, output files, bad input and
//! interrupted runs.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

fn ehcsim() -> Command {
    Command::cargo_bin("ehcsim").expect("binary built")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A short version of the built-in county, written as a scenario file.
fn short_scenario(dir: &Path, weeks: u32) -> PathBuf {
    let path = dir.join("short.toml");
    fs::write(
        &path,
        format!("name = \"short\"\n[calendar]\nhorizon_weeks = {weeks}\n"),
    )
    .unwrap();
    path
}

#[test]
fn run_without_a_scenario_runs_the_built_in_county_and_writes_four_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = ehcsim()
        .args(["run", "--reps", "2", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("medium-county"), "{stdout}");
    assert!(stderr_of(&out).contains("built-in medium county"));
    assert!(stderr_of(&out).contains("events per second"));
    for f in [
        "weekly.csv",
        "summary.csv",
        "replications.csv",
        "manifest.json",
    ] {
        assert!(dir.path().join(f).is_file(), "{f} missing");
    }
    let weekly = fs::read_to_string(dir.path().join("weekly.csv")).unwrap();
    assert!(weekly.starts_with("scenario,week,week_start,metric,mean,p10,p50,p90\n"));
    for metric in [
        "requests_received",
        "decisions_made",
        "decisions_within_6_weeks",
        "plans_issued",
        "plans_issued_within_20_weeks",
        "open_requests",
        "open_requests_over_20_weeks",
        "plans_in_force",
        "reviews_completed",
        "overdue_reviews",
        "caseworker_fte",
        "caseload_per_caseworker",
        "unallocated_cases",
        "psychologist_queue",
    ] {
        assert!(weekly.contains(&format!(",{metric},")), "{metric} missing");
    }
    assert!(!weekly.contains("NaN") && !weekly.contains("inf"));
}

#[test]
fn output_files_are_identical_with_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = short_scenario(dir.path(), 30);
    for threads in ["1", "2"] {
        let out = dir.path().join(threads);
        ehcsim()
            .args([
                "run",
                "--quiet",
                "--reps",
                "5",
                "--seed",
                "77",
                "--threads",
                threads,
                "--out",
            ])
            .arg(&out)
            .arg(&scenario)
            .assert()
            .success();
    }
    for f in ["weekly.csv", "summary.csv", "replications.csv"] {
        let a = fs::read(dir.path().join("1").join(f)).unwrap();
        let b = fs::read(dir.path().join("2").join(f)).unwrap();
        assert!(a == b, "{f} differs between thread counts");
    }
}

#[test]
fn every_shipped_scenario_passes_check_and_runs() {
    let mut files: Vec<PathBuf> = fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 5);
    ehcsim().arg("check").args(&files).assert().success();
    let dir = tempfile::tempdir().unwrap();
    let out = ehcsim()
        .args(["run", "--quiet", "--reps", "2", "--out"])
        .arg(dir.path())
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
}

/// The key paths a bad fixture's first line says its problem must name.
fn expected_keys(path: &Path) -> Vec<String> {
    let bytes = fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let first = text.lines().next().unwrap_or("");
    first.strip_prefix("# expect:").map_or(Vec::new(), |k| {
        k.split(',').map(|s| s.trim().to_string()).collect()
    })
}

#[test]
fn every_bad_scenario_exits_2_naming_file_line_and_key() {
    let dir = root().join("tests/fixtures/bad");
    let mut checked = 0;
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let out = ehcsim().arg("check").arg(&path).output().unwrap();
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains(&name),
            "{name}: message does not name the file: {err}"
        );
        // `file.toml:LINE:COLUMN:` with a line of at least 1 (for an
        // `extends` cycle the line is in whichever file closes the cycle).
        let located = err.lines().any(|l| {
            l.split(".toml:").skip(1).any(|rest| {
                rest.split(':')
                    .next()
                    .and_then(|n| n.parse::<u32>().ok())
                    .is_some_and(|n| n >= 1)
            })
        });
        assert!(located, "{name}: no line number: {err}");
        if name == "not-utf8.toml" {
            // No key: the file cannot be read as text at all.
            assert!(err.contains("not valid UTF-8"), "{err}");
            checked += 1;
            continue;
        }
        for key in expected_keys(&path) {
            assert!(
                err.contains(&format!(": {key}: ")),
                "{name}: key {key} not named: {err}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} bad fixtures");
}

#[test]
fn several_errors_are_all_listed_at_once() {
    let path = root().join("tests/fixtures/bad/several-errors.toml");
    let out = ehcsim().arg("check").arg(&path).output().unwrap();
    let keys = expected_keys(&path);
    assert!(keys.len() >= 3);
    let err = stderr_of(&out);
    for key in keys {
        assert!(err.contains(&format!(": {key}: ")), "{key}: {err}");
    }
}

#[test]
fn a_directory_or_missing_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    for target in [dir.path().to_path_buf(), dir.path().join("missing.toml")] {
        let out = ehcsim().arg("check").arg(&target).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr_of(&out).contains(&target.display().to_string()));
    }
}

#[test]
fn an_unwritable_output_folder_fails_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    fs::write(&file, "x").unwrap();
    let started = std::time::Instant::now();
    // A 10,000-replication run would take minutes; failing first takes none.
    let out = ehcsim()
        .args(["run", "--reps", "10000", "--out"])
        .arg(file.join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("a-file"));
    assert!(started.elapsed().as_secs() < 30);
}

/// Runs a short scenario into `out` and returns every file's bytes.
fn run_into(dir: &Path, out: &Path) -> Vec<(String, Vec<u8>)> {
    let scenario = short_scenario(dir, 8);
    let o = ehcsim()
        .args(["run", "--quiet", "--reps", "2", "--out"])
        .arg(out)
        .arg(&scenario)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    listing(out)
}

/// Every entry of a folder with its bytes, sorted by name.
fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = fs::read(e.path()).unwrap_or_default();
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_folder_at_a_final_name_fails_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir_all(out.join("summary.csv")).unwrap();
    let started = std::time::Instant::now();
    let o = ehcsim()
        .args(["run", "--reps", "10000", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
    let err = stderr_of(&o);
    assert!(
        err.contains("summary.csv") && err.contains("is a folder"),
        "{err}"
    );
    assert!(started.elapsed().as_secs() < 30);
    assert_eq!(listing(&out).len(), 1, "something was written");
}

#[cfg(unix)]
#[test]
fn dangling_links_are_reported_as_such() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    // At a final name inside the output folder.
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    symlink(dir.path().join("gone.csv"), out.join("weekly.csv")).unwrap();
    let o = ehcsim()
        .args(["run", "--reps", "10000", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
    let err = stderr_of(&o);
    assert!(
        err.contains("weekly.csv is a symbolic link to") && err.contains("does not exist"),
        "{err}"
    );
    // The output folder itself: was `File exists (os error 17)`.
    let link = dir.path().join("results");
    symlink(dir.path().join("nowhere"), &link).unwrap();
    let o = ehcsim()
        .args(["run", "--reps", "10000", "--out"])
        .arg(&link)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
    let err = stderr_of(&o);
    assert!(
        err.contains("symbolic link") && err.contains("nowhere"),
        "{err}"
    );
    assert!(!err.contains("os error 17"), "{err}");
}

/// Makes a folder unwritable even for root (immutable with `chattr +i`
/// where the file system allows, else read-only permissions) and undoes it
/// when dropped.
#[cfg(unix)]
struct ReadOnly(PathBuf, bool);

#[cfg(unix)]
impl ReadOnly {
    fn new(dir: &Path) -> Option<Self> {
        use std::os::unix::fs::PermissionsExt;
        let immutable = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !immutable {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o555)).unwrap();
        }
        let guard = ReadOnly(dir.to_path_buf(), immutable);
        // Root ignores permissions: then the test cannot be made.
        if fs::write(dir.join("probe"), "x").is_ok() {
            let _ = fs::remove_file(dir.join("probe"));
            return None;
        }
        Some(guard)
    }
}

#[cfg(unix)]
impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.1 {
            let _ = std::process::Command::new("chattr")
                .arg("-i")
                .arg(&self.0)
                .status();
        }
        let _ = fs::set_permissions(&self.0, fs::Permissions::from_mode(0o755));
    }
}

#[cfg(unix)]
#[test]
fn a_read_only_output_folder_fails_before_the_run_and_keeps_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let before = run_into(dir.path(), &out);
    let Some(_guard) = ReadOnly::new(&out) else {
        eprintln!("skipped: cannot make a folder read-only here");
        return;
    };
    let o = ehcsim()
        .args(["run", "--reps", "10000", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
    assert!(stderr_of(&o).contains("not writable"), "{}", stderr_of(&o));
    assert_eq!(listing(&out), before);
}

#[test]
fn an_absurd_run_is_refused_for_memory_before_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.toml");
    fs::write(&long, "name = \"long\"\n[calendar]\nhorizon_weeks = 2600\n").unwrap();
    let started = std::time::Instant::now();
    let o = ehcsim()
        .args(["run", "--reps", "100000", "--out"])
        .arg(dir.path().join("out"))
        .arg(&long)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
    let err = stderr_of(&o);
    for words in [
        "GiB of memory",
        "fewer replications",
        "--reps",
        "horizon",
        "fewer scenarios",
    ] {
        assert!(err.contains(words), "{words}: {err}");
    }
    assert!(started.elapsed().as_secs() < 30);
    assert!(!dir.path().join("out").exists(), "output folder created");
}

#[test]
fn verify_accepts_a_run_and_rejects_a_changed_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_into(dir.path(), &out);
    let o = ehcsim().arg("verify").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("complete set"));
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(out.join("replications.csv"))
        .unwrap();
    std::io::Write::write_all(&mut f, b"x\n").unwrap();
    let o = ehcsim().arg("verify").arg(&out).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr_of(&o).contains("replications.csv"),
        "{}",
        stderr_of(&o)
    );
    let o = ehcsim()
        .arg("verify")
        .arg(dir.path().join("missing"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr_of(&o));
}

#[cfg(unix)]
#[test]
fn init_refuses_a_dangling_link_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("mine.toml");
    std::os::unix::fs::symlink(dir.path().join("elsewhere.toml"), &link).unwrap();
    let o = ehcsim().arg("init").arg(&link).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr_of(&o).contains("symbolic link"), "{}", stderr_of(&o));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    ehcsim()
        .arg("init")
        .arg("--force")
        .arg(&link)
        .assert()
        .success();
    ehcsim().arg("check").arg(&link).assert().success();
}

#[cfg(unix)]
#[test]
fn failed_writes_to_standard_output_say_so_and_closed_pipes_are_quiet() {
    use std::process::{Command as Std, Stdio};
    let bin = assert_cmd::cargo::cargo_bin("ehcsim");
    // The reader stops after one byte: no panic, no message, exit 0.
    let o = Std::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' init - | head -c1 >/dev/null; exit ${{PIPESTATUS[0]}}",
            bin.display()
        ))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    assert!(stderr_of(&o).is_empty(), "{}", stderr_of(&o));
    // The reader is gone before anything is written: a broken pipe.
    let mut child = Std::new(&bin)
        .args(["init", "-"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr_of(&o));
    assert!(!stderr_of(&o).contains("panicked"), "{}", stderr_of(&o));
    // A full device: the message names standard output.
    if Path::new("/dev/full").exists() {
        let o = Std::new(&bin)
            .args(["init", "-"])
            .stdout(fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1));
        let err = stderr_of(&o);
        assert!(err.contains("could not write to standard output"), "{err}");
    }
    // `init -` writes the template itself.
    let o = Std::new(&bin).args(["init", "-"]).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("[initial]"));
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    ehcsim().arg("frobnicate").assert().code(2);
    ehcsim().args(["run", "--reps", "0"]).assert().code(2);
    ehcsim().arg("--help").assert().code(0);
    ehcsim().arg("--version").assert().code(0);
}

#[test]
fn init_writes_a_template_that_checks_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mine.toml");
    ehcsim().arg("init").arg(&path).assert().success();
    ehcsim().arg("check").arg(&path).assert().success();
    let before = fs::read(&path).unwrap();
    ehcsim().arg("init").arg(&path).assert().code(2);
    assert_eq!(fs::read(&path).unwrap(), before);
}

#[cfg(unix)]
mod interrupted {
    use super::*;
    use std::process::{Command as Std, Stdio};
    use std::time::{Duration, Instant};

    /// Writes results once, then starts a long run into the same folder and
    /// stops it with `signal` after a moment.
    fn interrupt_a_run(
        signal: &str,
    ) -> (
        tempfile::TempDir,
        Vec<(String, Vec<u8>)>,
        std::process::Output,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let scenario = short_scenario(dir.path(), 8);
        ehcsim()
            .args(["run", "--quiet", "--no-report", "--reps", "2", "--out"])
            .arg(&out)
            .arg(&scenario)
            .assert()
            .success();
        let before: Vec<(String, Vec<u8>)> = [
            "weekly.csv",
            "summary.csv",
            "replications.csv",
            "manifest.json",
        ]
        .iter()
        .map(|f| (f.to_string(), fs::read(out.join(f)).unwrap()))
        .collect();
        let child = Std::new(assert_cmd::cargo::cargo_bin("ehcsim"))
            .args(["run", "--quiet", "--reps", "100000", "--out"])
            .arg(&out)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(1500));
        let status = Std::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let started = Instant::now();
        let output = child.wait_with_output().unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "did not stop promptly"
        );
        (dir, before, output)
    }

    fn assert_untouched(dir: &Path, before: &[(String, Vec<u8>)]) {
        let out = dir.join("out");
        for (name, bytes) in before {
            assert!(
                &fs::read(out.join(name)).unwrap() == bytes,
                "{name} changed"
            );
        }
        let names: Vec<String> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), before.len(), "stray files: {names:?}");
    }

    /// Starts a run into `out` that pauses `pause_ms` after each output file
    /// is staged and after each is renamed (the hidden test switch).
    fn paused_run(dir: &Path, out: &Path, pause_ms: u64) -> std::process::Child {
        let scenario = short_scenario(dir, 8);
        Std::new(assert_cmd::cargo::cargo_bin("ehcsim"))
            .args(["run", "--quiet", "--reps", "2", "--seed", "9", "--out"])
            .arg(out)
            .arg(scenario)
            .env("EHCSIM_TEST_WRITE_PAUSE_MS", pause_ms.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// Waits until `ready` holds for the folder's listing.
    fn wait_for(out: &Path, ready: impl Fn(&[String]) -> bool) {
        let started = Instant::now();
        loop {
            let names: Vec<String> = fs::read_dir(out)
                .map(|d| {
                    d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            if ready(&names) {
                return;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "never ready: {names:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn send(signal: &str, child: &std::process::Child) {
        let status = Std::new("kill")
            .args([signal, &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    fn verify(out: &Path) -> std::process::Output {
        ehcsim().arg("verify").arg(out).output().unwrap()
    }

    /// Keeps the entries that are not temporary files.
    fn final_files(list: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
        list.into_iter()
            .filter(|(n, _)| !n.ends_with(".tmp"))
            .collect()
    }

    #[test]
    fn ctrl_c_while_files_are_written_exits_130_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let before = run_into(dir.path(), &out);
        let child = paused_run(dir.path(), &out, 2000);
        // weekly.csv is staged (a short file) and the run is pausing.
        wait_for(&out, |n| n.iter().any(|f| f.starts_with(".weekly.csv.")));
        std::thread::sleep(Duration::from_millis(300));
        send("-INT", &child);
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(130), "{}", stderr_of(&o));
        assert!(stderr_of(&o).contains("interrupted"), "{}", stderr_of(&o));
        assert_eq!(
            listing(&out),
            before,
            "files changed or temporary files left"
        );
        assert_eq!(verify(&out).status.code(), Some(0));
    }

    #[test]
    fn a_kill_between_staged_files_leaves_the_earlier_set_complete() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let before = run_into(dir.path(), &out);
        let mut child = paused_run(dir.path(), &out, 2000);
        wait_for(&out, |n| n.iter().any(|f| f.starts_with(".weekly.csv.")));
        std::thread::sleep(Duration::from_millis(300));
        send("-KILL", &child);
        child.wait().unwrap();
        // A temporary file may be left behind; the set is the earlier one.
        assert_eq!(final_files(listing(&out)), before);
        let v = verify(&out);
        assert_eq!(v.status.code(), Some(0), "{}", stderr_of(&v));
    }

    #[test]
    fn a_kill_while_files_are_replaced_is_detected_by_verify() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        run_into(dir.path(), &out);
        let mut child = paused_run(dir.path(), &out, 1500);
        // The commit has begun: the old manifest is gone.
        wait_for(&out, |n| !n.iter().any(|f| f == "manifest.json"));
        send("-KILL", &child);
        child.wait().unwrap();
        let v = verify(&out);
        assert_eq!(v.status.code(), Some(1), "torn set accepted");
        assert!(
            stderr_of(&v).contains("no manifest.json"),
            "{}",
            stderr_of(&v)
        );
        // The next run completes the folder again.
        run_into(dir.path(), &out);
        assert_eq!(verify(&out).status.code(), Some(0));
    }

    #[test]
    fn ctrl_c_while_a_large_starting_state_is_set_up_stops_promptly() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let before = run_into(dir.path(), &out);
        let big = dir.path().join("big.toml");
        fs::write(
            &big,
            "name = \"big\"\n[calendar]\nhorizon_weeks = 4\n[initial]\nplans_in_force = 2000000\n",
        )
        .unwrap();
        let child = Std::new(assert_cmd::cargo::cargo_bin("ehcsim"))
            .args(["run", "--quiet", "--reps", "1000", "--out"])
            .arg(&out)
            .arg(&big)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(1000));
        send("-INT", &child);
        let started = Instant::now();
        let o = child.wait_with_output().unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "did not stop promptly"
        );
        assert_eq!(o.status.code(), Some(130), "{}", stderr_of(&o));
        assert_eq!(listing(&out), before);
    }

    #[test]
    fn a_killed_run_leaves_earlier_results_untouched() {
        let (dir, before, output) = interrupt_a_run("-KILL");
        assert_eq!(output.status.code(), None, "killed by a signal");
        assert_untouched(dir.path(), &before);
    }

    #[test]
    fn ctrl_c_stops_promptly_with_exit_130_and_a_message() {
        let (dir, before, output) = interrupt_a_run("-INT");
        assert_eq!(output.status.code(), Some(130));
        assert!(
            stderr_of(&output).contains("interrupted"),
            "{}",
            stderr_of(&output)
        );
        assert_untouched(dir.path(), &before);
    }
}
