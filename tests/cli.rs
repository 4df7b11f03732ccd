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
