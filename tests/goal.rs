//! Goal-seek on a case with an answer from hours arithmetic: a backlog team
//! that only clears overdue reviews, with nobody else able to help. N
//! reviews of h hours each, b FTE at H hours a year: the last of the N - 1
//! reviews the team can reach closes on day (N - 1) h / (b H / 365).

#[path = "theory/support.rs"]
#[allow(dead_code)]
mod support;

use ehcsim::engine::Dist;
use ehcsim::experiment::RunConfig;
use ehcsim::goal::{self, GoalSpec, Target};
use ehcsim::scenario::{Scenario, StaffGroup};
use support::{group, BACKLOG_HOURS as H};

/// The theory check's backlog (tests/theory/backlog.rs) with reviews of
/// H / 600 hours: every plan overdue at the start, no new reviews, no
/// requests; one review stays stuck with the caseworkers, which the
/// threshold of 1 allows.
fn backlog() -> Scenario {
    support::backlog(Dist::Fixed(H / 600.0), 1.0, 100)
}

/// `replications` replications with seed 1 on one thread.
fn one_thread(replications: u64) -> RunConfig {
    RunConfig {
        master_seed: 1,
        replications,
        threads: Some(1),
    }
}

#[test]
fn goal_seek_finds_the_backlog_team_that_hours_arithmetic_gives() {
    let s = backlog();
    // Cleared by day 440: (N - 1) h 365 / (b H) = 1599 x 365 / (600 b) =
    // 972.7 / b days <= 440 needs b >= 2.21, so on a grid of 0.5 FTE the
    // answer is 2.5 (clearing about day 389) and 2.0 (day 486.7, the
    // theory check's 16 months) is the step below that fails. Work is
    // fixed, so every replication agrees and two suffice.
    let date = s.calendar.start + chrono::Duration::days(440);
    let spec = GoalSpec {
        vary: "backlog".into(),
        target: Target::ClearedBy(date),
        confidence: 0.8,
        step: 0.5,
        max_fte: 20.0,
        from: None,
    };
    let config = one_thread(2);
    let r = goal::seek(&s, &spec, &config, &|_| {}, &Default::default()).expect("seeks");
    let answer = r.answer.expect("an answer");
    assert_eq!(answer.fte, 2.5);
    assert_eq!(answer.met, 2);
    let below = r.step_below.expect("the step below");
    assert_eq!(below.fte, 2.0);
    assert_eq!(below.met, 0);
    assert!(r.non_monotone.is_empty());
    // Every candidate on the way agrees with the arithmetic.
    for c in &r.candidates {
        let clears = c.fte > 0.0 && 972.7 / c.fte <= 440.0;
        assert_eq!(c.met == 2, clears, "{} FTE", c.fte);
    }
}

#[test]
fn a_group_that_does_not_exist_is_named_with_the_ones_that_do() {
    let spec = GoalSpec {
        vary: "nobody".into(),
        target: Target::ClearedBy(chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
        confidence: 0.8,
        step: 0.5,
        max_fte: 2.0,
        from: None,
    };
    let config = one_thread(1);
    let err = goal::seek(&backlog(), &spec, &config, &|_| {}, &Default::default()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("`stuck`, `backlog`"), "{text}");
    let spec = GoalSpec {
        vary: "psychologists".into(),
        from: chrono::NaiveDate::from_ymd_opt(2026, 9, 1),
        ..spec
    };
    let err = goal::seek(&backlog(), &spec, &config, &|_| {}, &Default::default()).unwrap_err();
    assert!(err.to_string().contains("--from does not apply"), "{err}");
}

#[test]
fn the_goal_command_answers_and_refuses_bad_targets_with_exit_2() {
    use assert_cmd::Command;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("county.toml");
    std::fs::write(
        &file,
        "name = \"county\"\n[calendar]\nhorizon_weeks = 40\n[[backlog_team]]\nname = \"team\"\nfte = 1\n",
    )
    .unwrap();
    let run = |target: &str| {
        Command::cargo_bin("ehcsim")
            .unwrap()
            .arg("goal")
            .arg(&file)
            .args([
                "--vary", "team", "--target", target, "-n", "4", "--max", "8",
            ])
            .output()
            .unwrap()
    };
    let out = run("backlog_clearance_date<=2026-12-31");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("Answer:") || stdout.contains("No answer"),
        "{stdout}"
    );
    assert!(stdout.contains("Searched"), "{stdout}");
    for (target, message) in [
        ("nonsense>=1", "no KPI is called `nonsense`"),
        ("compliance_20_weeks>=0.5", "say which year with --period"),
        ("compliance_20_weeks=0.5", "write KPI>=VALUE"),
    ] {
        let out = run(target);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(message), "{stderr}");
    }
}

#[test]
fn two_groups_give_the_cheapest_combination() {
    // Two backlog groups at the same cost per FTE, one working a third of
    // the hours: a slow FTE adds a third of a fast one, so b_fast +
    // b_slow / 3 >= 2.21 is needed and the cheapest pair is 2.5 fast FTE
    // with no slow ones (every other pair on the grid costs more FTE).
    let mut s = backlog();
    s.backlog_team = vec![
        StaffGroup {
            hours_per_fte_year: Some(H / 3.0),
            ..group("slow", 1.0)
        },
        StaffGroup {
            hours_per_fte_year: Some(H),
            ..group("fast", 1.0)
        },
    ];
    let date = s.calendar.start + chrono::Duration::days(440);
    let spec = GoalSpec {
        vary: "slow".into(),
        target: Target::ClearedBy(date),
        confidence: 0.8,
        step: 0.5,
        max_fte: 20.0,
        from: None,
    };
    let config = one_thread(2);
    let r =
        goal::seek_pair(&s, &spec, "fast", &config, &|_| {}, &Default::default()).expect("seeks");
    let (slow, fast) = r.cheapest.expect("a combination");
    assert_eq!((slow, fast.fte), (0.0, 2.5), "{:?}", r.combinations);
    // Slow alone needs 3 x 2.21 = 6.6, so 7 FTE on the grid bounds the
    // search, and with 7 slow FTE no fast one is needed.
    let last = r.combinations.last().expect("combinations");
    assert_eq!(last.0, 7.0);
    assert_eq!(last.1.as_ref().map(|c| c.fte), Some(0.0));
}

#[test]
fn goal_out_writes_every_candidate_and_a_chart_identical_on_a_rerun() {
    use assert_cmd::Command;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("county.toml");
    std::fs::write(
        &file,
        "name = \"county\"\n[calendar]\nhorizon_weeks = 40\n[[backlog_team]]\nname = \"team\"\nfte = 1\n",
    )
    .unwrap();
    let run = |out: &std::path::Path| {
        Command::cargo_bin("ehcsim")
            .unwrap()
            .arg("goal")
            .arg(&file)
            .args([
                "--vary",
                "team",
                "--target",
                "backlog_clearance_date<=2026-12-31",
                "-n",
                "4",
                "--max",
                "8",
                "-j",
                "2",
                "-o",
            ])
            .arg(out)
            .output()
            .unwrap()
    };
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    for d in [&a, &b] {
        let out = run(d);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let csv = std::fs::read_to_string(a.join("goal.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        ehcsim::output::goal::GOAL_HEADER.join(",")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty(), "{csv}");
    assert!(rows.iter().all(|r| r.starts_with("team,")), "{csv}");
    // At most one answer, and only a candidate meeting 80% can be it.
    assert!(rows.iter().filter(|r| r.ends_with(",yes")).count() <= 1);
    for name in ["goal.csv", "charts/goal-seek.svg", "charts/goal-seek.png"] {
        assert_eq!(
            std::fs::read(a.join(name)).unwrap(),
            std::fs::read(b.join(name)).unwrap(),
            "{name} differs between two runs with the same seed"
        );
    }
    let svg = std::fs::read_to_string(a.join("charts/goal-seek.svg")).unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("80% asked"),
        "{svg}"
    );
    let png = std::fs::read(a.join("charts/goal-seek.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
}

/// With no psychologists EP advice leaves the pathway, so 0 FTE would meet
/// any target that EP advice slows: it is tried (every cost is reckoned
/// against it) but never given as the answer.
#[test]
fn no_psychologists_is_never_the_answer() {
    let mut s = Scenario::default();
    s.calendar.days = 20 * 7;
    let spec = GoalSpec {
        vary: "psychologists".into(),
        // Met by every replication whatever the staffing.
        target: Target::Kpi {
            kpi: ehcsim::results::Kpi::DelayCost,
            period: ehcsim::results::Period::Horizon,
            at_least: false,
            value: 1.0,
        },
        confidence: 0.8,
        step: 0.5,
        max_fte: 2.0,
        from: None,
    };
    let config = one_thread(2);
    let r = goal::seek(&s, &spec, &config, &|_| {}, &Default::default()).unwrap();
    assert_eq!(r.candidates[0].fte, 0.0);
    assert_eq!(r.candidates[0].met, 2, "0 FTE meets it, and is tried");
    assert_eq!(r.answer.map(|c| c.fte), Some(0.5));
}
