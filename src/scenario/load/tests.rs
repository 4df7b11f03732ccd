//! Tests of scenario loading: the shipped scenarios, the bad-input
//! catalogue, `extends`, and a fuzz test that loading never panics.

use super::*;
use crate::engine::Dist;
use crate::scenario::{
    OpenStage, Priority, Scenario, StaffGroup, MAX_GROUP_FTE, MAX_HORIZON_WEEKS, MAX_INITIAL_PLANS,
    MAX_REQUESTS_PER_YEAR, MAX_TOTAL_REQUESTS, TEMPLATE,
};
use chrono::NaiveDate;
use std::fs;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

fn load_ok(path: &Path) -> Scenario {
    match load(path) {
        Ok(s) => s.into_inner(),
        Err(e) => panic!("{} should load:\n{e}", path.display()),
    }
}

fn problems_of(text: &str) -> Vec<Problem> {
    match load_str(text, Path::new("test.toml")) {
        Ok(_) => panic!("should fail:\n{text}"),
        Err(e) => e.problems().to_vec(),
    }
}

fn keys(ps: &[Problem]) -> Vec<&str> {
    ps.iter().map(|p| p.key.as_str()).collect()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// What the model may rely on for any scenario that loads.
fn assert_valid(s: &Scenario) {
    assert!(!s.name.is_empty());
    assert!(s.calendar.days >= 1 && s.calendar.days <= MAX_HORIZON_WEEKS * 7);
    let r = &s.requests;
    assert!(r.per_year >= 0.0 && r.per_year <= MAX_REQUESTS_PER_YEAR);
    assert!((-0.5..=1.0).contains(&r.growth_per_year));
    let mean = r.monthly_profile.iter().sum::<f64>() / 12.0;
    assert!((mean - 1.0).abs() < 1e-9, "profile mean {mean}");
    assert!(r.monthly_profile.iter().all(|&m| m >= 0.0 && m.is_finite()));
    for sh in [
        r.refused_share,
        r.withdrawn_share,
        r.no_plan_share,
        r.exception_share,
        r.under5_share,
        s.reviews.amend_share,
        s.reviews.cease_share,
    ] {
        assert!((0.0..=1.0).contains(&sh));
    }
    assert!(r.refused_share + r.withdrawn_share <= 1.0 + 1e-9);
    assert!(s.reviews.amend_share + s.reviews.cease_share <= 1.0 + 1e-9);
    assert!(s.reviews.amendment_limit_days >= s.reviews.decision_limit_days);
    assert!(s.reviews.interval_days > 0.0 && s.reviews.under5_interval_days > 0.0);
    assert!((0.0..1.0).contains(&s.cessation.per_year));
    assert!(s.expected_requests() <= MAX_TOTAL_REQUESTS);
    let w = &s.work;
    let mut dists: Vec<&Dist> = vec![
        &w.decision,
        &w.assessment,
        &w.no_plan,
        &w.drafting,
        &w.finalisation,
        &w.review_decision,
        &w.review_amendment,
        &s.psychologists.hours_per_advice,
        &s.initial.overdue_age_days,
    ];
    let d = &s.delays;
    for x in [
        &d.health_advice,
        &d.social_care_advice,
        &d.school_advice,
        &d.family_comments,
        &d.school_consultation,
        &d.amendment_representations,
    ]
    .into_iter()
    .flatten()
    {
        dists.push(x);
    }
    for o in &s.initial.open_requests {
        dists.push(&o.age_days);
    }
    for x in dists {
        assert!(x.validate().is_ok(), "{x:?}");
    }
    assert!(s.caseworkers.cap >= 1);
    assert!(s.caseworkers.hours_per_fte_year > 0.0);
    assert!(
        f64::from(s.caseworkers.cap) * w.contact_hours_per_case_per_year
            < s.caseworkers.hours_per_fte_year
    );
    if s.requests.enabled || s.reviews.enabled {
        assert!(!s.caseworkers.groups.is_empty());
    }
    for g in s.caseworkers.groups.iter().chain(&s.backlog_team) {
        assert!(g.fte > 0.0 && g.fte <= MAX_GROUP_FTE);
        if let (Some(a), Some(b)) = (g.start, g.end) {
            assert!(a <= b);
        }
        if let Some(h) = g.hours_per_fte_year {
            assert!(h > 0.0);
        }
    }
    if s.psychologists.enabled {
        assert!(s.psychologists.fte > 0.0);
    }
    assert!(s.initial.plans_in_force <= MAX_INITIAL_PLANS);
    assert!(s.initial.overdue_reviews <= s.initial.plans_in_force);
}

// ---------------------------------------------------------------------------
// The shipped scenarios.

#[test]
fn every_shipped_scenario_loads() {
    let files = toml_files(&root().join("scenarios"));
    assert!(files.len() >= 6, "scenarios/ holds {} files", files.len());
    for f in files {
        let s = load_ok(&f);
        assert_valid(&s);
        let stem = f.file_stem().map(|s| s.to_string_lossy().into_owned());
        if f.ends_with("small-example.toml") || f.ends_with("mm1-queue.toml") {
            // No `name`: the file stem.
            assert_eq!(Some(s.name.clone()), stem);
        }
    }
}

#[test]
fn medium_county_is_the_default() {
    let s = load_ok(&root().join("scenarios/medium-county.toml"));
    assert_eq!(s, Scenario::default());
}

#[test]
fn backlog_recovery_has_the_reported_figures() {
    let s = load_ok(&root().join("scenarios/backlog-recovery-2022.toml"));
    assert_eq!(s.calendar.start, date(2022, 7, 1));
    assert_eq!(s.initial.plans_in_force, 7926);
    assert_eq!(s.initial.overdue_reviews, 1600);
    assert_eq!(s.caseworkers.cap, 500);
    let fte: Vec<f64> = s.caseworkers.groups.iter().map(|g| g.fte).collect();
    assert_eq!(fte, vec![26.5, 13.3]);
    assert!(!s.caseworkers.establishment.enabled);
    assert_eq!(s.backlog_team.len(), 1);
    // About 100 reviews a month at the scenario's own mean hours per review.
    let per_review =
        s.work.review_decision.mean() + s.reviews.amend_share * s.work.review_amendment.mean();
    let per_month = s.backlog_team[0].fte * 1450.0 / per_review / 12.0;
    assert!((95.0..=105.0).contains(&per_month), "{per_month}");
}

#[test]
fn investment_pair_differs_only_in_what_the_posts_change() {
    let with = load_ok(&root().join("scenarios/investment-2019.toml"));
    let base = load_ok(&root().join("scenarios/investment-2019-baseline.toml"));
    assert_eq!(with.caseworkers.groups.len(), 2);
    assert_eq!(base.caseworkers.groups.len(), 1);
    assert_eq!(base.name, "investment-2019-baseline");
    // No EHC caseworkers added beyond the 0-25 share of the autism posts.
    assert_eq!(with.caseworkers.groups[0].fte, 20.0);
    assert_eq!(with.caseworkers.groups[1].fte, 1.5);
    let mut b = base.clone();
    b.name = with.name.clone();
    b.description = with.description.clone();
    b.caseworkers.groups = with.caseworkers.groups.clone();
    b.delays.social_care_advice = with.delays.social_care_advice.clone();
    assert_eq!(b, with);
    // `end` = 2022-03-31 inclusive from 2019-04-01: three years, 1,096 days.
    assert_eq!(with.calendar.days, 1096);
}

#[test]
fn mm1_queue_is_a_single_queue() {
    let s = load_ok(&root().join("scenarios/mm1-queue.toml"));
    assert!(!s.panel.enabled && !s.reviews.enabled && !s.psychologists.enabled);
    assert_eq!(s.requests.refused_share, 1.0);
    assert_eq!(s.work.decision, Dist::Exponential { mean: 2.5 });
    assert!(s.delays.health_advice.is_none() && s.delays.amendment_representations.is_none());
    assert_eq!(s.initial.plans_in_force, 0);
    assert!(s.initial.open_requests.is_empty());
    assert_eq!(s.work.contact_hours_per_case_per_year, 0.0);
    assert_eq!(s.caseworkers.order, Priority::FirstComeFirstServed.order());
    let rho = s.requests.per_year * 2.5 / s.caseworkers.hours_per_fte_year;
    assert!((rho - 0.8).abs() < 1e-9);
}

// ---------------------------------------------------------------------------
// The bad-input catalogue.

fn expected_keys(path: &Path) -> Vec<String> {
    let bytes = fs::read(path).unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let first = text.lines().next().unwrap_or("");
    let Some(list) = first.strip_prefix("# expect:") else {
        panic!(
            "{}: first line must be `# expect: key.path`",
            path.display()
        );
    };
    list.split(',').map(|k| k.trim().to_string()).collect()
}

#[test]
fn every_bad_fixture_fails_naming_its_key() {
    let dir = root().join("tests/fixtures/bad");
    let files = toml_files(&dir);
    assert!(files.len() >= 21, "{} fixtures", files.len());
    for f in files {
        let want = expected_keys(&f);
        match load(&f) {
            Ok(_) => panic!("{} should fail to load", f.display()),
            Err(LoadError::NotUtf8 { line, column, .. }) => {
                assert_eq!(want, ["(not-utf8)"], "{}", f.display());
                assert_eq!((line, column), (3, 19));
            }
            Err(LoadError::Read { message, .. }) => panic!("{}: {message}", f.display()),
            Err(LoadError::Invalid(ps)) => {
                for k in &want {
                    let p = ps.iter().find(|p| &p.key == k).unwrap_or_else(|| {
                        panic!(
                            "{}: no problem for `{k}`; got:\n{}",
                            f.display(),
                            LoadError::Invalid(ps.clone())
                        )
                    });
                    assert!(p.line > 0 && p.column > 0, "{p}");
                    // A cycle is reported where it closes, in either file.
                    let here = p.file.ends_with(f.file_name().unwrap_or_default());
                    assert!(here || p.message.contains("extends cycle"), "{p}");
                }
                if want.len() == 1 {
                    assert_eq!(
                        ps.len(),
                        1,
                        "{}: one mistake, one problem:\n{ps:#?}",
                        f.display()
                    );
                }
            }
        }
    }
}

#[test]
fn several_errors_are_all_listed_in_file_order() {
    let f = root().join("tests/fixtures/bad/several-errors.toml");
    let err = match load(&f) {
        Ok(_) => panic!("should fail"),
        Err(e) => e,
    };
    let ps = err.problems();
    let want = expected_keys(&f);
    assert_eq!(keys(ps), want, "{err}");
    let lines: Vec<usize> = ps.iter().map(|p| p.line).collect();
    assert_eq!(lines, [3, 6, 9, 12, 15, 18, 21, 25]);
    let text = err.to_string();
    assert!(text.starts_with("8 problem(s) in scenario:"), "{text}");
    assert!(text.contains("did you mean \"thursday\"?"), "{text}");
    assert!(text.contains("did you mean \"gamma\"?"), "{text}");
}

#[test]
fn problem_messages_are_specific() {
    let one = |text: &str| -> String {
        let ps = problems_of(text);
        assert_eq!(ps.len(), 1, "{ps:#?}");
        ps[0].to_string()
    };
    let m = one("[requests]\nrefused_shre = 0.3\n");
    assert!(
        m.starts_with("test.toml:2:1: requests.refused_shre: unknown key"),
        "{m}"
    );
    assert!(m.contains("did you mean `refused_share`?"), "{m}");
    let m = one("per_year = 3\n");
    assert!(
        m.contains("did you mean `requests.per_year`, in [requests]?"),
        "{m}"
    );
    let m = one("[requests]\nper_year = \"2100\"\n");
    assert!(m.ends_with("; write numbers without quotes"), "{m}");
    let m = one("[requests]\nper_year = \"lots\"\n");
    assert_eq!(
        m,
        "test.toml:2:12: requests.per_year: wrong type (got string \"lots\", allowed a number from 0 to 200000)"
    );
    let m = one("[requests]\nno_plan_share = 1.5\n");
    assert!(
        m.contains("out of range (got 1.5, allowed a number from 0 to 1)"),
        "{m}"
    );
    let m = one("[calendar]\nhorizon_weeks = 26.5\n");
    assert!(m.contains("allowed a whole number from 1 to 2600"), "{m}");
    let m = one("[calendar]\nstart = 2026-02-30\n");
    assert!(m.contains("(syntax): invalid TOML: invalid date"), "{m}");
    let m = one("[calendar]\nstart = \"2026-02-30\"\n");
    assert!(m.contains("calendar.start: not a date"), "{m}");
    let m = one("[calendar]\nstart = 1066-10-14\n");
    assert!(
        m.contains("allowed a date from 1900-01-01 to 2200-12-31"),
        "{m}"
    );
    let m = one("[calendar]\nstart = \"2026-13-01\"\n");
    assert!(m.contains("not a date"), "{m}");
    let m = one("[calendar]\nstart = 2026-04-01T09:00:00\n");
    assert!(m.contains("without a time"), "{m}");
    let m = one("[caseworkers]\ncap = 4000\n");
    assert!(m.contains("leaving no time"), "{m}");
    let m = one("[panel]\nweekday = \"Funday\"\n");
    assert!(m.contains("\"monday\""), "{m}");
    let m = one("[work]\ndecision = { dist = \"gamma\", mean = 3 }\n");
    assert!(
        m.contains("work.decision.cv: missing parameter `cv`"),
        "{m}"
    );
    let m = one("[work]\ndecision = { dist = \"exponential\", mean = 3, cv = 1 }\n");
    assert!(m.contains("work.decision.cv: unknown parameter"), "{m}");
    let m = one("[work]\ndecision = { mean = 3 }\n");
    assert!(m.contains("work.decision.dist: missing `dist`"), "{m}");
    let m = one("[work]\ndecision = \"3 hours\"\n");
    assert!(m.contains("distribution such as"), "{m}");
    let m = one("[work]\ndecision = { dist = \"lognormal\", mean = 3, cv = 20 }\n");
    assert!(m.contains("cv must be at most 10"), "{m}");
    let m = one("[delays]\nschool_advice = true\n");
    assert!(m.contains("`false` to switch the step off"), "{m}");
    let m = one("[delays]\nschool_advice = 100000\n");
    assert!(m.contains("delays.school_advice"), "{m}");
    let m = one("[reviews]\ninterval_days = 36500\n");
    assert!(m.contains("reviews.interval_days: out of range"), "{m}");
    let m = one("[reviews]\ndecision_limit_days = 100\n");
    assert!(
        m.contains("amendment_limit_days >= decision_limit_days"),
        "{m}"
    );
    let m = one("[psychologists]\nfte = 0\n");
    assert!(m.contains("psychologists.fte"), "{m}");
    let m = one("requests = 5\n");
    assert!(m.contains("a table, written [requests]"), "{m}");
    let m = one("[backlog_team]\nfte = 3\n");
    assert!(
        m.contains("array of tables, each written [[backlog_team]]"),
        "{m}"
    );
    let m = one("[calendar]\nhorizon_weeks = 10\nend = 2027-01-01\n");
    assert!(
        m.contains("calendar.end: both `end` and `horizon_weeks`"),
        "{m}"
    );
    let m = one("[calendar]\nstart = 2026-04-01\nend = 2026-03-01\n");
    assert!(m.contains("end is not after start"), "{m}");
    let m = one("[calendar]\nstart = 2026-04-01\nend = 2200-01-01\n");
    assert!(m.contains("run too long"), "{m}");
    let m = one("[requests]\nper_year = 150000\n[calendar]\nhorizon_weeks = 2600\n");
    assert!(m.contains("too many requests over the run"), "{m}");
    let m = one("[initial]\nplans_in_force = 99999999999999999999999\n");
    assert!(m.contains("initial.plans_in_force: out of range"), "{m}");
    let m = one("[requests]\nmonthly_profile = [0,0,0,0,0,0,0,0,0,0,0,0]\n");
    assert!(m.contains("all months are 0"), "{m}");
    let m = one("[requests]\nper_year = nan\n");
    assert!(m.contains("out of range (got nan"), "{m}");
    let m = one("name = \"a/b\"\n");
    assert!(m.contains("not a usable name"), "{m}");
    let m = one("[[initial.open_requests]]\nstage = \"drafting\"\n");
    assert!(m.contains("initial.open_requests[0].count: missing"), "{m}");
    let m = one("[[caseworkers.groups]]\nfte = 6000\n[[caseworkers.groups]]\nfte = 6000\n");
    assert!(m.contains("caseworkers.groups: too many staff"), "{m}");
    let m = one("[[caseworkers.groups]]\nname = \"x\"\n");
    assert!(m.contains("caseworkers.groups[0].fte: missing"), "{m}");
}

#[test]
fn columns_count_characters_not_bytes() {
    let ps = problems_of("description = \"é\" ; junk\n");
    assert_eq!(ps[0].key, "(syntax)");
    assert_eq!((ps[0].line, ps[0].column), (1, 19));
}

#[test]
fn one_wrong_value_is_reported_once() {
    // The bad share is not also reported as making refused + withdrawn > 1.
    let ps = problems_of("[requests]\nrefused_share = 7\nwithdrawn_share = 0.5\n");
    assert_eq!(keys(&ps), ["requests.refused_share"]);
}

// ---------------------------------------------------------------------------
// Values.

#[test]
fn values_are_read_into_the_scenario() {
    let text = r#"
name = "x"
[calendar]
start = "2027-01-04"
horizon_weeks = 3
[requests]
monthly_profile = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2]
[panel]
weekday = "MONDAY"
[work]
decision = { dist = "fixed", value = 2 }
assessment = { dist = "exponential", mean = 3 }
no_plan = { dist = "gamma", mean = 3, cv = 0.5 }
drafting = { dist = "lognormal", mean = 3, cv = 0.5 }
finalisation = { dist = "triangular", min = 1, mode = 2, max = 4 }
review_decision = { dist = "uniform", min = 1, max = 4 }
review_amendment = 7
[delays]
school_advice = false
[caseworkers]
priority = "reviews_first"
[[caseworkers.groups]]
fte = 3
hours_per_fte_year = 1200
[[caseworkers.groups]]
name = "temps"
fte = 2
start = 2027-02-01
end = 2027-02-01
[[backlog_team]]
fte = 1.5
[[initial.open_requests]]
stage = "assessment"
count = 7
"#;
    let s = match load_str(text, Path::new("dir/x.toml")) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert_valid(&s);
    assert_eq!(s.calendar.start, date(2027, 1, 4));
    assert_eq!(s.calendar.days, 21);
    assert_eq!(s.requests.monthly_profile, [1.0; 12]);
    assert_eq!(s.panel.weekday, chrono::Weekday::Mon);
    assert_eq!(s.work.decision, Dist::Fixed(2.0));
    assert_eq!(s.work.assessment, Dist::Exponential { mean: 3.0 });
    assert_eq!(s.work.no_plan, Dist::Gamma { mean: 3.0, cv: 0.5 });
    assert_eq!(s.work.drafting, Dist::LogNormal { mean: 3.0, cv: 0.5 });
    assert_eq!(
        s.work.finalisation,
        Dist::Triangular {
            min: 1.0,
            mode: 2.0,
            max: 4.0
        }
    );
    assert_eq!(s.work.review_decision, Dist::Uniform { min: 1.0, max: 4.0 });
    assert_eq!(s.work.review_amendment, Dist::Fixed(7.0));
    assert_eq!(s.delays.school_advice, None);
    assert_eq!(
        s.delays.health_advice,
        Scenario::default().delays.health_advice
    );
    assert_eq!(s.caseworkers.order, Priority::ReviewsFirst.order());
    assert_eq!(
        s.caseworkers.groups,
        vec![
            StaffGroup {
                name: "group 1".into(),
                fte: 3.0,
                start: None,
                end: None,
                hours_per_fte_year: Some(1200.0)
            },
            StaffGroup {
                name: "temps".into(),
                fte: 2.0,
                start: Some(date(2027, 2, 1)),
                end: Some(date(2027, 2, 1)),
                hours_per_fte_year: None
            }
        ]
    );
    assert_eq!(s.backlog_team[0].name, "backlog team 1");
    assert_eq!(s.initial.open_requests.len(), 1);
    assert_eq!(s.initial.open_requests[0].stage, OpenStage::Assessment);
    // Default age for the stage.
    assert_eq!(
        s.initial.open_requests[0].age_days,
        Dist::Uniform {
            min: 42.0,
            max: 98.0
        }
    );
}

#[test]
fn monthly_profile_is_normalised_to_mean_one() {
    let s = match load_str(
        "[requests]\nmonthly_profile = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 13]\n",
        Path::new("p.toml"),
    ) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    assert_eq!(s.requests.monthly_profile[0], 0.5);
    assert_eq!(s.requests.monthly_profile[11], 6.5);
}

#[test]
fn empty_file_is_the_default_county_named_after_the_file() {
    let s = match load_str("", Path::new("some/where/quiet-county.toml")) {
        Ok(s) => s,
        Err(e) => panic!("{e}"),
    };
    // The file's own name, and an empty description: never the built-in
    // county's description under another name.
    let want = Scenario {
        name: "quiet-county".into(),
        description: String::new(),
        ..Scenario::default()
    };
    assert_eq!(*s, want);
}

#[test]
fn switching_everything_off_allows_empty_staffing() {
    let text =
        "[requests]\nenabled = false\n[reviews]\nenabled = false\n[caseworkers]\ngroups = []\n";
    assert!(load_str(text, Path::new("off.toml")).is_ok());
}

// ---------------------------------------------------------------------------
// Files and `extends`.

#[test]
fn unreadable_paths_name_the_path() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let e = load(dir.path())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("is a directory"), "{e}");
    assert!(e.contains(&dir.path().display().to_string()), "{e}");
    let missing = dir.path().join("nope.toml");
    let e = load(&missing)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("no such file") && e.contains("nope.toml"), "{e}");
    let big = dir.path().join("big.toml");
    fs::write(&big, "#".repeat(2 << 20)).unwrap_or_else(|e| panic!("{e}"));
    let e = load(&big).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("too large"), "{e}");
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    fs::write(&p, text).unwrap_or_else(|e| panic!("{e}"));
    p
}

#[test]
fn extends_merges_tables_and_replaces_arrays() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    write(
        d,
        "bases/base.toml",
        r#"name = "base"
description = "the base"
[calendar]
horizon_weeks = 100
[requests]
per_year = 1000
refused_share = 0.3
[work]
decision = { dist = "gamma", mean = 3, cv = 0.5 }
[[caseworkers.groups]]
name = "a"
fte = 10
[[caseworkers.groups]]
name = "b"
fte = 5
"#,
    );
    let child = write(
        d,
        "child.toml",
        r#"extends = "bases/base.toml"
[calendar]
end = 2027-03-31
[requests]
per_year = 1200
[work]
decision = { dist = "exponential", mean = 2 }
[[caseworkers.groups]]
name = "c"
fte = 7
"#,
    );
    let s = load_ok(&child);
    assert_eq!(s.name, "child", "name is never inherited");
    assert_eq!(s.description, "the base");
    assert_eq!(s.requests.per_year, 1200.0, "child wins");
    assert_eq!(s.requests.refused_share, 0.3, "table merged key by key");
    assert_eq!(
        s.work.decision,
        Dist::Exponential { mean: 2.0 },
        "distribution replaced whole"
    );
    assert_eq!(s.caseworkers.groups.len(), 1, "array replaced whole");
    assert_eq!(s.caseworkers.groups[0].name, "c");
    // The child's `end` replaces the base's `horizon_weeks`.
    assert_eq!(s.calendar.days, 365);

    // A grandchild two folders away, overriding the name.
    let grand = write(
        d,
        "more/grand.toml",
        "extends = \"../child.toml\"\nname = \"grand\"\n[calendar]\nhorizon_weeks = 10\n",
    );
    let g = load_ok(&grand);
    assert_eq!(g.name, "grand");
    assert_eq!(g.calendar.days, 70);
    assert_eq!(g.requests.refused_share, 0.3);
}

#[test]
fn extends_problems_point_into_the_right_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    let base = write(
        d,
        "base.toml",
        "# base\n[requests]\nrefused_share = 0.5\nno_plan_share = 2\n[panel]\nweekday = \"caturday\"\n",
    );
    let child = write(
        d,
        "child.toml",
        "extends = \"base.toml\"\n[requests]\nwithdrawn_share = 0.6\n[panel]\nweekday = \"friday\"\n",
    );
    let err = load(&child).err().unwrap_or_else(|| panic!("should fail"));
    let ps = err.problems();
    assert_eq!(ps.len(), 2, "{err}");
    // The cross-field problem is at the child's value; the base's bad value
    // in the base; the base's bad weekday is overridden and not reported.
    assert_eq!(ps[0].key, "requests.withdrawn_share");
    assert_eq!((ps[0].file.as_path(), ps[0].line), (child.as_path(), 3));
    assert_eq!(ps[1].key, "requests.no_plan_share");
    assert_eq!((ps[1].file.as_path(), ps[1].line), (base.as_path(), 4));
}

#[test]
fn extends_failures_are_problems_at_the_extends_line() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let d = dir.path();
    let f = write(d, "a.toml", "# a\nextends = \"missing.toml\"\n");
    let err = load(&f).err().unwrap_or_else(|| panic!("should fail"));
    let p = &err.problems()[0];
    assert_eq!((p.key.as_str(), p.line, p.column), ("extends", 2, 11));
    assert!(
        p.message.contains("missing.toml") && p.message.contains("no such file"),
        "{p}"
    );

    let f = write(d, "self.toml", "extends = \"self.toml\"\n");
    let err = load(&f).err().unwrap_or_else(|| panic!("should fail"));
    assert!(err.to_string().contains("extends cycle"), "{err}");

    write(d, "x.toml", "extends = \"y.toml\"\n");
    write(d, "y.toml", "extends = \"z.toml\"\n");
    let z = write(d, "z.toml", "extends = \"x.toml\"\n");
    let err = load(&z).err().unwrap_or_else(|| panic!("should fail"));
    let m = err.to_string();
    assert!(m.contains("x.toml -> ") && m.contains("y.toml -> "), "{m}");

    write(d, "broken.toml", "[requests\n");
    let f = write(d, "uses-broken.toml", "extends = \"broken.toml\"\n");
    let err = load(&f).err().unwrap_or_else(|| panic!("should fail"));
    assert_eq!(err.problems()[0].key, "(syntax)");
    assert!(err.problems()[0].file.ends_with("broken.toml"));

    let f = write(d, "num.toml", "extends = 3\n");
    let err = load(&f).err().unwrap_or_else(|| panic!("should fail"));
    assert!(err.to_string().contains("extends: wrong type"), "{err}");

    fs::write(d.join("latin1.toml"), b"# ok\ndescription = \"caf\xe9\"\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let f = write(d, "uses-latin1.toml", "extends = \"latin1.toml\"\n");
    let err = load(&f).err().unwrap_or_else(|| panic!("should fail"));
    let ps = err.problems();
    assert!(
        ps.iter()
            .any(|p| p.file.ends_with("latin1.toml") && p.line == 2 && p.column == 19),
        "{err}"
    );
}

#[test]
fn the_bad_fixture_readme_lists_every_fixture() {
    let dir = root().join("tests/fixtures/bad");
    let readme = fs::read_to_string(dir.join("README.md")).unwrap_or_default();
    for f in toml_files(&dir) {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert!(
            readme.contains(&format!("`{name}`")),
            "README.md lacks {name}"
        );
    }
}

// ---------------------------------------------------------------------------
// Fuzzing: loading never panics, and whatever loads is valid.

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    static SEEDS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
        vec![
            TEMPLATE.as_str(),
            include_str!("../../../scenarios/medium-county.toml"),
            include_str!("../../../scenarios/backlog-recovery-2022.toml"),
            include_str!("../../../scenarios/investment-2019.toml"),
            include_str!("../../../scenarios/investment-2019-baseline.toml"),
            include_str!("../../../scenarios/small-example.toml"),
            include_str!("../../../scenarios/mm1-queue.toml"),
        ]
    });

    const TOKENS: &[&str] = &[
        "=",
        "[",
        "]",
        "{",
        "}",
        "\"",
        "'",
        ",",
        ".",
        "\n",
        "#",
        " ",
        "0",
        "-1",
        "1e400",
        "nan",
        "-inf",
        "0x7fffffffffffffff",
        "99999999999999999999",
        "true",
        "false",
        "2026-02-30",
        "2026-04-01T10:00:00Z",
        "[[caseworkers.groups]]\n",
        "[[backlog_team]]\n",
        "[[initial.open_requests]]\n",
        "[calendar]\n",
        "dist = \"gamma\"",
        "dist = \"triangular\"",
        "mode = ",
        "fte = ",
        "end = ",
        "extends = \"medium-county.toml\"\n",
        "extends = \"investment-2019.toml\"\n",
        "extends = \"..\"\n",
        "é",
        "\u{feff}",
        "\r\n",
        "per_year = 1e9\n",
        "horizon_weeks = 2600\n",
        "cap = ",
    ];

    fn insertion() -> impl Strategy<Value = String> {
        prop_oneof![
            proptest::sample::select(TOKENS).prop_map(str::to_string),
            "[ -~\n]{0,12}",
            any::<String>().prop_map(|s| s.chars().take(8).collect()),
        ]
    }

    /// Applies edits (position, characters to delete, text to insert).
    fn mutate(base: &str, edits: &[(usize, usize, String)]) -> String {
        let mut chars: Vec<char> = base.chars().collect();
        for (pos, del, ins) in edits {
            let p = pos % (chars.len() + 1);
            let d = (*del).min(chars.len() - p);
            chars.splice(p..p + d, ins.chars());
        }
        chars.into_iter().collect()
    }

    fn check(text: &str, path: &Path) {
        match load_str(text, path) {
            Ok(s) => assert_valid(&s),
            Err(e) => {
                let ps = e.problems();
                assert!(!ps.is_empty());
                for p in ps {
                    assert!(!p.key.is_empty() && !p.message.is_empty(), "{p:?}");
                    assert!(p.line >= 1 && p.column >= 1, "{p:?}");
                    assert!(!p.message.contains('\n') && !p.key.contains('\n'), "{p:?}");
                }
                // One line per problem, after the heading.
                assert_eq!(e.to_string().lines().count(), ps.len() + 1);
            }
        }
    }

    fn edits() -> impl Strategy<Value = Vec<(usize, usize, String)>> {
        proptest::collection::vec((any::<usize>(), 0usize..6, insertion()), 1..6)
    }

    /// A TOML value, mostly well formed, of every kind the schema uses.
    fn value() -> impl Strategy<Value = String> {
        let name = proptest::sample::select(
            &[
                "fixed",
                "exponential",
                "gamma",
                "lognormal",
                "triangular",
                "uniform",
                "poisson",
                "thursday",
                "drafting",
                "assessment",
                "awaiting_decision",
                "reviews_first",
                "earliest_deadline",
                "",
                "2026-04-01",
                "medium-county.toml",
                "x/y",
            ][..],
        );
        let num = prop_oneof![
            (-5i64..3000).prop_map(|v| v.to_string()),
            (-1.0f64..2.0).prop_map(|v| format!("{v:?}")),
            any::<i64>().prop_map(|v| v.to_string()),
            any::<f64>().prop_map(|v| if v.is_finite() {
                format!("{v:?}")
            } else {
                "nan".to_string()
            }),
            Just("1e308".to_string()),
            Just("0".to_string()),
        ];
        let key = proptest::sample::select(
            &[
                "value", "mean", "cv", "min", "mode", "max", "dist", "stage", "count", "fte",
            ][..],
        );
        prop_oneof![
            4 => num.clone(),
            2 => name.clone().prop_map(|n| format!("\"{n}\"")),
            1 => Just("true".to_string()),
            1 => Just("false".to_string()),
            1 => (1900i32..2300, 1u32..13, 1u32..29)
                .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
            2 => proptest::collection::vec(num.clone(), 0..14)
                .prop_map(|v| format!("[{}]", v.join(", "))),
            3 => (name, proptest::collection::vec((key, num), 0..4)).prop_map(|(n, kv)| {
                let mut parts = vec![format!("dist = \"{n}\"")];
                let mut seen = std::collections::HashSet::new();
                for (k, v) in kv {
                    if k != "dist" && seen.insert(k) {
                        parts.push(format!("{k} = {v}"));
                    }
                }
                format!("{{ {} }}", parts.join(", "))
            }),
            1 => Just("[]".to_string()),
            1 => Just("{}".to_string()),
        ]
    }

    /// Line edits: (operation, line, replacement value, key).
    fn line_edits() -> impl Strategy<Value = Vec<(u8, usize, String, &'static str)>> {
        let params = crate::scenario::registry::scenario_params();
        let fields = params
            .iter()
            .flat_map(|p| p.slot.fields().into_iter().map(|f| f.key));
        let keys: Vec<&'static str> = params
            .iter()
            .map(|p| p.leaf())
            .chain(fields)
            .chain([
                "refused_shre",
                "fte ",
                "[[caseworkers.groups]]",
                "[[backlog_team]]",
            ])
            .collect();
        proptest::collection::vec(
            (
                0u8..5,
                any::<usize>(),
                value(),
                proptest::sample::select(keys),
            ),
            1..8,
        )
    }

    /// Applies line edits: replace a value, delete, duplicate or swap a
    /// line, or add `key = value`.
    fn edit_lines(base: &str, edits: &[(u8, usize, String, &'static str)]) -> String {
        let mut lines: Vec<String> = base.lines().map(str::to_string).collect();
        for (op, at, value, key) in edits {
            let n = lines.len().max(1);
            let i = at % n;
            match op {
                0 | 1 => {
                    // Replace the value of the i-th `key = value` line from i.
                    let hit = (0..lines.len()).map(|k| (i + k) % lines.len()).find(|&k| {
                        !lines[k].trim_start().starts_with('#') && lines[k].contains('=')
                    });
                    if let Some(k) = hit {
                        let head = lines[k].split('=').next().unwrap_or("").to_string();
                        lines[k] = format!("{head}= {value}");
                    }
                }
                2 if !lines.is_empty() => {
                    lines.remove(i);
                }
                3 if !lines.is_empty() => {
                    let l = lines[i].clone();
                    lines.insert(i, l);
                }
                _ => {
                    let l = if key.starts_with('[') {
                        (*key).to_string()
                    } else {
                        format!("{key} = {value}")
                    };
                    lines.insert(i.min(lines.len()), l);
                }
            }
        }
        lines.join("\n")
    }

    fn scenario_path() -> PathBuf {
        root().join("scenarios").join("fuzz.toml")
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_text_never_panics(text in any::<String>()) {
            check(&text, Path::new("fuzz.toml"));
        }

        #[test]
        fn mutated_scenarios_never_panic(seed in 0..SEEDS.len(), e in edits()) {
            check(&mutate(SEEDS[seed], &e), &scenario_path());
        }

        #[test]
        fn edited_scenarios_never_panic(seed in 0..SEEDS.len(), e in line_edits()) {
            check(&edit_lines(SEEDS[seed], &e), &scenario_path());
        }
    }

    /// Cases for the long run: `EHCSIM_FUZZ_CASES`, default 200,000.
    fn long_cases() -> u32 {
        std::env::var("EHCSIM_FUZZ_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(200_000)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: long_cases(), failure_persistence: None, ..ProptestConfig::default() })]

        /// The long fuzz run (200,000 cases each, about 15 s in release):
        /// `cargo test --release --lib fuzz_long -- --ignored`; set
        /// `EHCSIM_FUZZ_CASES` for more.
        #[test]
        #[ignore]
        fn fuzz_long_mutated_scenarios(seed in 0..SEEDS.len(), e in edits()) {
            check(&mutate(SEEDS[seed], &e), &scenario_path());
        }

        #[test]
        #[ignore]
        fn fuzz_long_edited_scenarios(seed in 0..SEEDS.len(), e in line_edits()) {
            check(&edit_lines(SEEDS[seed], &e), &scenario_path());
        }

        #[test]
        #[ignore]
        fn fuzz_long_arbitrary_text(text in "\\PC{0,400}") {
            check(&text, Path::new("fuzz.toml"));
        }
    }
}

/// Prints what every bad fixture produces:
/// `cargo test --release --lib show_fixture_messages -- --ignored --nocapture`.
#[test]
#[ignore]
fn show_fixture_messages() {
    for f in toml_files(&root().join("tests/fixtures/bad")) {
        match load(&f) {
            Ok(_) => println!("{}: loads", f.display()),
            Err(e) => println!("{e}\n"),
        }
    }
}

#[test]
fn huge_inputs_are_quick() {
    // 90,000 unknown keys in a child and its base, and 60,000 on one line: listing is
    // capped and merging stays linear.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let keys: String = (0..90_000).map(|i| format!("k{i} = 1\n")).collect();
    write(dir.path(), "base.toml", &keys);
    let child = write(
        dir.path(),
        "child.toml",
        &format!("extends = \"base.toml\"\n{keys}"),
    );
    let t = std::time::Instant::now();
    let err = load(&child).err().unwrap_or_else(|| panic!("should fail"));
    assert_eq!(err.problems().len(), 201);
    assert!(
        err.to_string().contains("89800 more problem(s)"),
        "{}",
        err.problems()[200]
    );
    let line: String = (0..60_000).map(|i| format!("k{i} = 1, ")).collect();
    let text = format!("requests = {{ {line} x = 1 }}\n");
    let ps = problems_of(&text);
    assert_eq!(ps.len(), 201);
    assert!(t.elapsed().as_secs_f64() < 5.0, "{:?}", t.elapsed());
}
