//! Scenarios written from SEN2 for every council load and run, and the
//! back-test command writes its documented file.

use assert_cmd::Command;
use ehcsim::experiment::{self, RunConfig};
use ehcsim::scenario::load_str;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// Every council in the extract gets a scenario that loads, and a short run
/// of each (4 weeks, one replication) finishes.
#[test]
fn every_council_gets_a_scenario_that_loads_and_runs() {
    let sen2 = ehcsim::sen2::embedded().expect("the extract parses");
    let names = sen2.la_names();
    assert!(names.len() > 150, "{} councils", names.len());
    let mut scenarios = Vec::new();
    for name in names {
        let la = sen2.lookup(name).expect("a listed name is found");
        let text = ehcsim::sen2::scenario::scenario_toml(&sen2.scenario_figures(la));
        let file = format!("{name}.toml");
        let mut s = load_str(&text, Path::new(&file))
            .unwrap_or_else(|e| panic!("{name}: {e}\n{text}"))
            .into_inner();
        s.calendar.days = 28;
        scenarios.push(s.validate().expect("still valid"));
    }
    let config = RunConfig {
        master_seed: 3,
        replications: 1,
        threads: None,
    };
    let run = experiment::run(&scenarios, &config, &|_| {}, &AtomicBool::new(false))
        .expect("every council runs");
    assert_eq!(run.scenarios.len(), scenarios.len());
}

#[test]
fn an_unknown_council_is_bad_input_with_the_closest_names() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = Command::cargo_bin("ehcsim")
        .expect("the binary")
        .args(["init", "--from-sen2", "Devn"])
        .arg(dir.path().join("x.toml"))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Devon"), "{err}");
    assert!(!dir.path().join("x.toml").exists());
}

#[test]
fn init_from_sen2_writes_a_scenario_that_checks() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("devon.toml");
    let mut cmd = Command::cargo_bin("ehcsim").expect("the binary");
    cmd.args(["init", "--from-sen2", "devon"]).arg(&file);
    cmd.assert().success();
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(text.contains("per_year = 2265"), "{text}");
    assert!(text.contains("[E]"), "{text}");
    let mut check = Command::cargo_bin("ehcsim").expect("the binary");
    check.arg("check").arg(&file).assert().success();
}

#[test]
fn backtest_writes_its_csv_with_the_documented_columns() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut cmd = Command::cargo_bin("ehcsim").expect("the binary");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["backtest", "--reps", "2", "--out"])
        .arg(dir.path());
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = std::fs::read_to_string(dir.path().join("backtest.csv")).expect("written");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("la,year,kpi,published,p10,p50,p90"));
    // Three councils, three years, five figures.
    assert_eq!(lines.count(), 3 * 3 * 5);
    assert!(
        csv.contains("Devon,2022,compliance_20_weeks,0.118,"),
        "{csv}"
    );
}
