//! The real binary with a baseline: `ehcsim run BASE OPTION --baseline
//! BASE` writes comparison.csv and costs.csv and prints the answer for each
//! option; bad baselines are refused with exit 2.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

fn ehcsim() -> Command {
    Command::cargo_bin("ehcsim").expect("binary built")
}

/// A year of the built-in county as a scenario file, with `extra` appended.
fn scenario(dir: &Path, name: &str, extra: &str) -> PathBuf {
    let path = dir.join(format!("{name}.toml"));
    fs::write(
        &path,
        format!("name = \"{name}\"\n{extra}\n[calendar]\nhorizon_weeks = 52\nbacklog_target = 2027-03-31\n"),
    )
    .unwrap();
    path
}

const BACKLOG_TEAM: &str = "[[backlog_team]]\nfte = 4\nstart = 2026-06-01\n";

fn run(args: &[&std::ffi::OsStr]) -> std::process::Output {
    ehcsim().arg("run").args(args).output().unwrap()
}

#[test]
fn a_baseline_run_writes_the_comparison_and_answers_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let base = scenario(dir.path(), "base", "");
    let option = scenario(dir.path(), "team", BACKLOG_TEAM);
    let out_dir = dir.path().join("out");
    let out = run(&[
        base.as_os_str(),
        option.as_os_str(),
        "--baseline".as_ref(),
        "base".as_ref(),
        "-n".as_ref(),
        "4".as_ref(),
        "-q".as_ref(),
        "--no-report".as_ref(),
        "-o".as_ref(),
        out_dir.as_os_str(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The answer is wrapped for the terminal; read it as words.
    let stdout = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(stdout.contains("Against the baseline `base`"), "{stdout}");
    assert!(
        stdout.contains("Option `team` (+4 FTE backlog team from Jun 2026)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Probability the backlog is cleared by 31 March 2027"),
        "{stdout}"
    );
    let comparison = fs::read_to_string(out_dir.join("comparison.csv")).unwrap();
    assert!(comparison.starts_with(
        "scenario,baseline,kpi,period,pairs,mean,p10,p50,p90,probability_better,probability_worse\n"
    ));
    assert!(comparison.contains("\nteam,base,overdue_reviews_at_year_end,FY2026-27,4,"));
    let costs = fs::read_to_string(out_dir.join("costs.csv")).unwrap();
    assert!(costs.starts_with("scenario,baseline,period,measure,mean,p10,p50,p90,note\n"));
    assert!(costs.contains("\nteam,base,FY2026-27,extra_cost,"));
    // The team's own cost: four FTE from 1 June 2026 to the run's last day,
    // 30 March 2027 (52 weeks from 1 April: 303 days in post) at £45,000 a year, the same in every replication (backlog staff
    // do not leave). The whole extra cost is more: freed caseworkers send
    // more requests to the psychologists, and some advice is commissioned.
    let row = comparison
        .lines()
        .find(|l| l.starts_with("team,base,backlog_team_cost,FY2026-27,"))
        .expect("backlog team cost row");
    let cells: Vec<&str> = row.split(',').collect();
    let expected = 4.0 * 45_000.0 * 303.0 / 365.0;
    for cell in &cells[5..9] {
        let v: f64 = cell.parse().unwrap();
        assert!((v - expected).abs() < 0.01, "{row}: {v} vs {expected}");
    }
    let manifest = fs::read_to_string(out_dir.join("manifest.json")).unwrap();
    assert!(manifest.contains("comparison.csv") && manifest.contains("costs.csv"));
    assert_eq!(
        ehcsim()
            .arg("verify")
            .arg(&out_dir)
            .output()
            .unwrap()
            .status
            .code(),
        Some(0)
    );

    // The same folder without a baseline: the old comparison goes, since
    // it would describe other results.
    let out = run(&[
        base.as_os_str(),
        "-n".as_ref(),
        "2".as_ref(),
        "-q".as_ref(),
        "--no-report".as_ref(),
        "-o".as_ref(),
        out_dir.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!out_dir.join("comparison.csv").exists());
    assert!(!out_dir.join("costs.csv").exists());
}

#[test]
fn a_baseline_marked_in_its_file_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let base = scenario(dir.path(), "base", "baseline = true");
    let option = scenario(dir.path(), "team", BACKLOG_TEAM);
    let out_dir = dir.path().join("out");
    let out = run(&[
        option.as_os_str(),
        base.as_os_str(),
        "-n".as_ref(),
        "2".as_ref(),
        "-q".as_ref(),
        "--no-report".as_ref(),
        "-o".as_ref(),
        out_dir.as_os_str(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let comparison = fs::read_to_string(out_dir.join("comparison.csv")).unwrap();
    assert!(comparison.contains("\nteam,base,"));
}

#[test]
fn bad_baselines_are_refused_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let base = scenario(dir.path(), "base", "baseline = true");
    let other = scenario(dir.path(), "other", "baseline = true");
    let longer = dir.path().join("longer.toml");
    fs::write(
        &longer,
        "name = \"longer\"\n[calendar]\nhorizon_weeks = 60\n",
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let cases: Vec<(Vec<&std::ffi::OsStr>, &str)> = vec![
        (
            vec![base.as_os_str(), "--baseline".as_ref(), "nope".as_ref()],
            "--baseline nope: no scenario of this run has that name or file; the scenarios are `base`",
        ),
        (
            vec![base.as_os_str(), "--baseline".as_ref(), "base".as_ref()],
            "the baseline `base` is the only scenario",
        ),
        (
            vec![base.as_os_str(), other.as_os_str()],
            "`base` and `other` all set `baseline = true`",
        ),
        (
            vec![base.as_os_str(), longer.as_os_str(), "--baseline".as_ref(), "base".as_ref()],
            "give every option the baseline's calendar.start and length",
        ),
    ];
    for (args, message) in cases {
        let mut all = args.clone();
        all.extend([
            "-n".as_ref(),
            "1".as_ref(),
            "-o".as_ref(),
            out_dir.as_os_str(),
        ]);
        let out = run(&all);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(message), "{stderr}");
        assert!(!out_dir.join("summary.csv").exists(), "nothing runs");
    }
}

#[test]
fn what_differs_pairs_parameters_by_key_when_one_scenario_leaves_a_key_unset() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.toml");
    fs::write(&base, "name = \"base\"\n[calendar]\nhorizon_weeks = 10\n").unwrap();
    let option = dir.path().join("option.toml");
    fs::write(
        &option,
        "name = \"option\"\n[calendar]\nhorizon_weeks = 10\nbacklog_target = 2026-05-31\n",
    )
    .unwrap();
    let out_dir = dir.path().join("out");
    let out = run(&[
        base.as_os_str(),
        option.as_os_str(),
        "-n".as_ref(),
        "1".as_ref(),
        "-q".as_ref(),
        "-o".as_ref(),
        out_dir.as_os_str(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = fs::read_to_string(out_dir.join("report.md")).unwrap();
    let section = md
        .split("## What differs between the scenarios")
        .nth(1)
        .expect("the section")
        .split("\n## ")
        .next()
        .unwrap();
    let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| ")).collect();
    // The header, its rule, and the one key that differs.
    assert_eq!(rows.len(), 2, "{section}");
    assert!(
        rows[1].contains("calendar.backlog_target") && rows[1].contains("2026-05-31"),
        "{section}"
    );
}

#[test]
fn the_report_shows_the_comparison_with_a_chart_of_cost_against_plans_on_time() {
    let dir = tempfile::tempdir().unwrap();
    let base = scenario(dir.path(), "base", "");
    let option = scenario(dir.path(), "team", BACKLOG_TEAM);
    let out_dir = dir.path().join("out");
    let out = run(&[
        base.as_os_str(),
        option.as_os_str(),
        "--baseline".as_ref(),
        "base".as_ref(),
        "-n".as_ref(),
        "4".as_ref(),
        "-q".as_ref(),
        "--charts".as_ref(),
        "-o".as_ref(),
        out_dir.as_os_str(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = fs::read_to_string(out_dir.join("report.html")).unwrap();
    let section = html
        .split("<h2>Compared with the baseline, base</h2>")
        .nth(1)
        .expect("the comparison section")
        .split("<h2>")
        .next()
        .unwrap();
    assert!(
        section.contains("What each option costs and what it buys"),
        "the chart sits in the comparison section"
    );
    // Once in the report, not again among the other charts.
    assert_eq!(
        html.matches("What each option costs and what it buys")
            .count(),
        1
    );
    let svg = fs::read_to_string(out_dir.join("charts/cost-benefit.svg")).unwrap();
    assert!(svg.contains("team") && svg.contains("Extra cost over the run"));
    assert!(fs::read(out_dir.join("charts/cost-benefit.png"))
        .unwrap()
        .starts_with(b"\x89PNG"));
}
