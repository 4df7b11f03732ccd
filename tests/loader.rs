//! The scenario loader through the real binary: warnings printed by `check`
//! and `run`, scenarios sharing a name, names taken from file names, and
//! the committed parameter reference.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

fn ehcsim() -> Command {
    Command::cargo_bin("ehcsim").expect("binary built")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).expect("write scenario");
    p
}

const OUTSIDE: &str = "name = \"outside\"
[calendar]
horizon_weeks = 4
[[caseworkers.groups]]
fte = 41
[[caseworkers.groups]]
name = \"gone\"
fte = 3
end = 2025-01-01
";

#[test]
fn check_and_run_print_warnings_for_groups_outside_the_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(dir.path(), "outside.toml", OUTSIDE);
    let out = ehcsim().arg("check").arg(&f).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("outside.toml:9:7: caseworkers.groups[1].end: warning: group `gone`"),
        "{err}"
    );
    let out = ehcsim()
        .args(["run", "--quiet", "--reps", "1", "--out"])
        .arg(dir.path().join("out"))
        .arg(&f)
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("warning: group `gone`"), "{err}");
}

#[test]
fn scenarios_sharing_a_name_are_refused_naming_both_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "name = \"same\"\n[calendar]\nhorizon_weeks = 2\n";
    let a = write(dir.path(), "first.toml", text);
    let b = write(dir.path(), "second.toml", text);
    let out = ehcsim()
        .args(["run", "--quiet", "--reps", "1", "--out"])
        .arg(dir.path().join("out"))
        .args([&a, &b])
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("first.toml") && err.contains("second.toml") && err.contains("`same`"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn a_file_name_that_cannot_name_a_scenario_is_bad_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(dir.path(), "two\nlines\u{1b}[31m.toml", "");
    let out = ehcsim().arg("check").arg(&f).output().expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(":1:1: name: the file name cannot name the scenario"),
        "{err}"
    );
    assert!(
        !err.contains('\u{1b}'),
        "an escape reached the terminal: {err:?}"
    );
    assert_eq!(err.trim_end().lines().count(), 2, "{err}");
    // Giving a name is enough.
    fs::write(&f, "name = \"fine\"\n").expect("write");
    ehcsim().arg("check").arg(&f).assert().success();
}

#[test]
fn a_file_without_a_description_does_not_borrow_the_built_in_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = write(dir.path(), "plain.toml", "[calendar]\nhorizon_weeks = 2\n");
    let out = dir.path().join("out");
    ehcsim()
        .args(["run", "--quiet", "--reps", "1", "--out"])
        .arg(&out)
        .arg(&f)
        .assert()
        .success();
    for file in ["summary.csv", "manifest.json", "weekly.csv"] {
        let text = fs::read_to_string(out.join(file)).unwrap_or_default();
        assert!(!text.contains("Built-in medium English county"), "{file}");
    }
}

#[test]
fn the_committed_parameter_reference_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/parameters.md");
    let committed = fs::read_to_string(path).unwrap_or_default();
    assert_eq!(committed, ehcsim::scenario::parameters_reference());
}
