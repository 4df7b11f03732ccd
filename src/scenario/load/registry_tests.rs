//! Tests of the parameter registry and of the defect classes fixed with it:
//! every key is read, `Scenario::validate` runs the loader's checks, input
//! the checks accept never panics the sampler, staff who would do nothing,
//! names and descriptions, and where problems are reported.

use super::*;
use crate::engine::Dist;
use crate::scenario::registry::render::scenario_toml;
use crate::scenario::registry::scenario_params;
use crate::scenario::{Scenario, StaffGroup};

fn load_text(text: &str) -> Result<ValidScenario, Vec<Problem>> {
    load_str(text, Path::new("t.toml")).map_err(|e| e.problems().to_vec())
}

fn problems(text: &str) -> Vec<Problem> {
    match load_text(text) {
        Ok(_) => panic!("should fail:\n{text}"),
        Err(ps) => ps,
    }
}

fn only_key(text: &str) -> (String, String) {
    let ps = problems(text);
    assert_eq!(ps.len(), 1, "{text}\n{ps:#?}");
    assert!(ps[0].line >= 1 && ps[0].column >= 1, "{}", ps[0]);
    (ps[0].key.clone(), ps[0].message.clone())
}

/// Every variant of the default scenario the registry can make: each key
/// set to another valid value (and, for lists of tables, each key of an
/// entry).
fn variants() -> Vec<(String, Scenario)> {
    let d = Scenario::default();
    let mut out = Vec::new();
    for p in scenario_params() {
        let mut s = d.clone();
        p.slot.set_other(&mut s);
        out.push((p.key.to_string(), s));
        for (field, s) in p.slot.field_variants(&d) {
            out.push((format!("{}[].{field}", p.key), s));
        }
    }
    out
}

#[test]
fn every_key_is_read() {
    let d = Scenario::default();
    let all = variants();
    // Every key of the registry, and every key of every list entry.
    let fields: usize = scenario_params()
        .iter()
        .map(|p| p.slot.fields().len())
        .sum();
    assert_eq!(all.len(), scenario_params().len() + fields);
    for (key, s) in all {
        assert_ne!(s, d, "{key}: the other value is the default");
        let text = scenario_toml(&s, false);
        let loaded = match load_text(&text) {
            Ok(v) => v.into_inner(),
            Err(ps) => panic!("{key}: the other value does not load: {ps:#?}\n{text}"),
        };
        // Were the key ignored, the loaded value would be the default's.
        assert_eq!(loaded, s, "{key} is not read back\n{text}");
    }
}

/// Each key alone in an otherwise empty file changes what loads.
#[test]
fn every_key_alone_changes_the_scenario() {
    let empty = load_text("").unwrap_or_else(|ps| panic!("{ps:#?}"));
    for p in scenario_params() {
        let mut s = Scenario::default();
        p.slot.set_other(&mut s);
        let text = match (p.slot.toml(&mut s), p.section()) {
            (Some(v), "") => format!("{} = {v}\n", p.leaf()),
            (Some(v), section) => format!("[{section}]\n{} = {v}\n", p.leaf()),
            (None, _) => scenario_toml(&s, false),
        };
        let loaded = load_text(&text).unwrap_or_else(|ps| panic!("{}: {ps:#?}\n{text}", p.key));
        assert_ne!(*loaded, *empty, "{} alone changes nothing:\n{text}", p.key);
    }
}

#[test]
fn the_default_round_trips_and_validates() {
    let d = Scenario::default();
    let text = scenario_toml(&d, false);
    let loaded = load_text(&text).unwrap_or_else(|ps| panic!("{ps:#?}\n{text}"));
    assert_eq!(*loaded, d);
    let v = d.clone().validate().unwrap_or_else(|ps| panic!("{ps:#?}"));
    assert_eq!(*v, d);
    assert_eq!(ValidScenario::built_in(), v);
    assert!(v.warnings().is_empty());
}

#[test]
fn every_key_is_documented() {
    let reference = crate::scenario::parameters_reference();
    for p in scenario_params() {
        assert!(!p.doc.is_empty(), "{} has no description", p.key);
        assert!(reference.contains(&format!("`{}`", p.key)), "{}", p.key);
        for f in p.slot.fields() {
            assert!(!f.doc.is_empty(), "{}[].{}", p.key, f.key);
        }
    }
}

#[test]
fn validate_reports_what_the_loader_reports() {
    let mut s = Scenario::default();
    s.requests.refused_share = 0.9;
    s.requests.withdrawn_share = 0.2;
    s.work.decision = Dist::Gamma {
        mean: 2.0,
        cv: 1e-200,
    };
    s.name = "two\nlines".into();
    s.caseworkers.groups[0].fte = 1e-12;
    s.psychologists.fte = f64::NAN;
    let ps = s.validate().err().unwrap_or_default();
    let keys: Vec<&str> = ps.iter().map(|p| p.key.as_str()).collect();
    for k in [
        "name",
        "requests.withdrawn_share",
        "work.decision",
        "psychologists.fte",
        "caseworkers.groups[0].fte",
    ] {
        assert!(keys.contains(&k), "{k} not reported: {ps:#?}");
    }
    assert!(ps.iter().all(|p| p.line >= 1 && p.column >= 1));
}

// ---------------------------------------------------------------------------
// Class 1: input the checks accept must never panic the sampler.

#[test]
fn distributions_the_sampler_cannot_build_are_refused() {
    for d in [
        "{ dist = \"gamma\", mean = 2, cv = 1e-200 }",
        "{ dist = \"gamma\", mean = 2, cv = 1e-160 }",
        "{ dist = \"gamma\", mean = 1e-300, cv = 0.5 }",
        "{ dist = \"gamma\", mean = 5e-324, cv = 0.5 }",
        "{ dist = \"lognormal\", mean = 1e-320, cv = 0.5 }",
        "{ dist = \"lognormal\", mean = 2, cv = 1e-300 }",
        "{ dist = \"exponential\", mean = 1e-310 }",
        "{ dist = \"gamma\", mean = 2, cv = 0 }",
        "{ dist = \"triangular\", min = 3, mode = 3, max = 3 }",
        "{ dist = \"uniform\", min = 0, max = 1e400 }",
    ] {
        let (key, msg) = only_key(&format!("[work]\ndecision = {d}\n"));
        assert!(key.starts_with("work.decision"), "{d}: {key}");
        assert!(
            msg.starts_with("invalid distribution") || msg.contains("range"),
            "{d}: {msg}"
        );
    }
}

#[test]
fn every_loaded_distribution_samples() {
    use rand::SeedableRng;
    for d in [
        "{ dist = \"gamma\", mean = 1e-9, cv = 0.0001 }",
        "{ dist = \"gamma\", mean = 1000, cv = 10 }",
        "{ dist = \"lognormal\", mean = 1000, cv = 10 }",
        "{ dist = \"triangular\", min = 0, mode = 0, max = 1e-300 }",
        "{ dist = \"uniform\", min = 7, max = 7 }",
        "0",
    ] {
        let s = load_text(&format!("[work]\ndecision = {d}\n"))
            .unwrap_or_else(|ps| panic!("{d}: {ps:#?}"));
        let sampler = s.work.decision.sampler();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for _ in 0..1000 {
            let v = sampler.sample(&mut rng);
            assert!(v.is_finite() && v >= 0.0, "{d}: {v}");
        }
    }
}

// ---------------------------------------------------------------------------
// Class 4: staff who would silently do nothing.

#[test]
fn staff_who_can_do_nothing_are_errors() {
    let cases = [
        // FTE too small to create a post.
        ("[[caseworkers.groups]]\nfte = 1e-12\n", "caseworkers.groups[0].fte"),
        ("[[caseworkers.groups]]\nfte = 0.001\n", "caseworkers.groups[0].fte"),
        ("[[backlog_team]]\nfte = 1e-10\n", "backlog_team[0].fte"),
        // FTE x cap below one case.
        ("[caseworkers]\ncap = 1\n[[caseworkers.groups]]\nfte = 0.5\n", "caseworkers.groups[0].fte"),
        ("[caseworkers]\ncap = 10\n[[caseworkers.groups]]\nfte = 41\n[[caseworkers.groups]]\nfte = 0.05\n", "caseworkers.groups[1].fte"),
        // Psychologists with a vanishing FTE.
        ("[psychologists]\nfte = 1e-12\n", "psychologists.fte"),
        ("[psychologists]\nfte = 0.001\n", "psychologists.fte"),
        // Nobody in post at any time of the run.
        ("[[caseworkers.groups]]\nfte = 10\nend = 2020-01-01\n", "caseworkers.groups"),
        ("[[caseworkers.groups]]\nfte = 10\nstart = 2040-01-01\n[[caseworkers.groups]]\nfte = 3\nend = 2026-03-31\n", "caseworkers.groups"),
    ];
    for (text, want) in cases {
        let ps = problems(text);
        assert!(
            ps.iter().any(|p| p.key == want && p.line >= 1),
            "{text}: {ps:#?}"
        );
    }
    // Enabled psychologists with no FTE are fine when switched off.
    assert!(load_text("[psychologists]\nenabled = false\nfte = 0\n").is_ok());
}

#[test]
fn groups_wholly_outside_the_run_are_warnings() {
    let text = "[[caseworkers.groups]]\nfte = 41\n[[caseworkers.groups]]\nname = \"old\"\nfte = 5\nstart = 2020-01-01\nend = 2021-01-01\n[[backlog_team]]\nname = \"late\"\nfte = 2\nstart = 2035-01-01\n";
    let s = load_text(text).unwrap_or_else(|ps| panic!("{ps:#?}"));
    let w = s.warnings();
    assert_eq!(w.len(), 2, "{w:#?}");
    assert_eq!(w[0].key, "caseworkers.groups[1].end");
    assert_eq!(w[0].line, 7);
    assert!(w[0].message.contains("`old`") && w[0].message.contains("wholly outside"));
    assert_eq!(w[1].key, "backlog_team[0].start");
    // A group partly inside the run warns of nothing.
    let s = load_text("[[caseworkers.groups]]\nfte = 4\nstart = 2020-01-01\nend = 2026-04-01\n")
        .unwrap_or_else(|ps| panic!("{ps:#?}"));
    assert!(s.warnings().is_empty());
}

// ---------------------------------------------------------------------------
// Class 5: names and descriptions.

#[test]
fn a_name_from_the_file_follows_the_rules_for_names() {
    for stem in [
        "two\nlines",
        "bell\u{7}",
        "esc\u{1b}[31m",
        "back\\slash",
        " padded",
    ] {
        let path = PathBuf::from(format!("{stem}.toml"));
        let ps = load_str("", &path)
            .err()
            .map(|e| e.problems().to_vec())
            .unwrap_or_default();
        assert_eq!(ps.len(), 1, "{stem:?}: {ps:#?}");
        assert_eq!(ps[0].key, "name");
        assert_eq!((ps[0].line, ps[0].column), (1, 1));
        assert!(!ps[0].to_string().contains('\n'), "{}", ps[0]);
        // Setting `name` fixes it.
        assert!(load_str("name = \"fine\"\n", &path).is_ok());
    }
}

#[test]
fn names_and_descriptions_in_files_are_one_line() {
    for text in [
        "name = \"a\\nb\"\n",
        "name = \"a\\u001b[2J\"\n",
        "name = \" x\"\n",
        "description = \"two\\nlines\"\n",
        "description = \"\\u0000\"\n",
        "[[caseworkers.groups]]\nname = \"a\\rb\"\nfte = 4\n",
    ] {
        let (_, msg) = only_key(text);
        assert!(!msg.contains('\n'), "{msg}");
    }
}

#[test]
fn a_file_without_a_description_has_none() {
    let s = load_text("name = \"x\"\n").unwrap_or_else(|ps| panic!("{ps:#?}"));
    assert_eq!(s.description, "");
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let base = dir.path().join("base.toml");
    std::fs::write(&base, "description = \"the base\"\n").unwrap_or_else(|e| panic!("{e}"));
    let child = dir.path().join("child.toml");
    std::fs::write(&child, "extends = \"base.toml\"\n").unwrap_or_else(|e| panic!("{e}"));
    let s = load(&child).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.description, "the base");
}

// ---------------------------------------------------------------------------
// Class 7: where problems are reported.

#[test]
fn the_summary_of_unlisted_problems_comes_last() {
    let text: String = (0..300).map(|i| format!("k{i} = 1\n")).collect();
    let ps = problems(&text);
    assert_eq!(ps.len(), 201);
    let last = &ps[200];
    assert_eq!(last.key, "(more)");
    assert!(last.line >= 1 && last.column >= 1);
    assert!(ps[..200].iter().all(|p| p.key != "(more)"));
    assert_eq!(ps[0].line, 1);
}

#[test]
fn no_problem_is_at_line_0() {
    for text in [
        "[[initial.open_requests]]\n",
        "[[caseworkers.groups]]\nname = \"x\"\n",
        "[caseworkers]\ngroups = []\n",
        "[work]\ndecision = { mean = 3 }\n",
        "[requests]\nper_year = 150000\n[calendar]\nhorizon_weeks = 2600\n",
        "\u{0}",
        "a = \"\n",
    ] {
        for p in problems(text) {
            assert!(p.line >= 1 && p.column >= 1, "{text:?}: {p}");
        }
    }
}

#[test]
fn duplicate_names_name_both_files() {
    let names = [
        ("a", Path::new("one.toml")),
        ("b", Path::new("two.toml")),
        ("a", Path::new("three.toml")),
    ];
    let m = crate::scenario::duplicate_names(&names).unwrap_or_default();
    assert!(
        m.contains("one.toml") && m.contains("three.toml") && m.contains("`a`"),
        "{m}"
    );
    assert!(crate::scenario::duplicate_names(&names[..2]).is_none());
}

#[test]
fn suggestions_use_the_registry_keys() {
    let (_, m) = only_key("[caseworkers]\nhours_per_fte_yaer = 3\n");
    assert!(m.contains("did you mean `hours_per_fte_year`?"), "{m}");
    let (_, m) = only_key("fte = 3\n");
    assert!(
        m.contains("did you mean `psychologists.fte`, in [psychologists]?"),
        "{m}"
    );
    let (_, m) = only_key("stage = 3\n");
    assert!(
        m.contains("did you mean `stage` in [[initial.open_requests]]?"),
        "{m}"
    );
    let (k, m) = only_key("[[caseworkers.groups]]\nftee = 3\nfte = 1\n");
    assert_eq!(k, "caseworkers.groups[0].ftee");
    assert!(m.contains("did you mean `fte`?"), "{m}");
}

#[test]
fn staff_groups_read_every_key() {
    let s = load_text("[[caseworkers.groups]]\nname = \"g\"\nfte = 2.5\nstart = 2026-05-01\nend = 2027-05-01\nhours_per_fte_year = 1000\n")
        .unwrap_or_else(|ps| panic!("{ps:#?}"));
    assert_eq!(
        s.caseworkers.groups,
        vec![StaffGroup {
            name: "g".into(),
            fte: 2.5,
            start: chrono::NaiveDate::from_ymd_opt(2026, 5, 1),
            end: chrono::NaiveDate::from_ymd_opt(2027, 5, 1),
            hours_per_fte_year: Some(1000.0),
        }]
    );
}

/// Names every field of a scenario, so that a new field fails to compile
/// here until it is given a key in the registry (`registry/mod.rs`) and
/// listed below.
#[test]
fn every_field_has_a_key() {
    use crate::scenario::{
        Appeals, Caseworkers, Cessation, ComplexityClass, Costs, Delays, Establishment, Initial,
        OpenRequests, Panel, Psychologists, Requests, Reviews, SchoolClosure, Team, Work,
        Workforce,
    };
    let Scenario {
        name: _,
        description: _,
        calendar: _,
        backlog_cleared_at: _,
        backlog_target: _,
        baseline: _,
        requests,
        panel,
        work,
        delays,
        school_closure,
        psychologists,
        reviews,
        cessation,
        appeals,
        caseworkers,
        backlog_team: _,
        teams: _,
        complexity,
        costs,
        initial,
    } = Scenario::default();
    // Teams' keys are listed in `team_params` (checked by its own test).
    let _ = |t: Team| {
        let Team {
            name: _,
            holds: _,
            cap: _,
            hours_per_fte_year: _,
            pooled: _,
            order: _,
            groups: _,
            establishment: _,
            workforce: _,
        } = t;
    };
    let ComplexityClass {
        name: _,
        share: _,
        work_multiplier: _,
        advice_multiplier: _,
    } = complexity[0].clone();
    let Requests {
        enabled: _,
        per_year: _,
        growth_per_year: _,
        monthly_profile: _,
        refused_share: _,
        withdrawn_share: _,
        no_plan_share: _,
        exception_share: _,
        under5_share: _,
    } = requests;
    let Panel {
        enabled: _,
        weekday: _,
    } = panel;
    let Work {
        decision: _,
        assessment: _,
        no_plan: _,
        drafting: _,
        finalisation: _,
        review_decision: _,
        review_amendment: _,
        contact_hours_per_case_per_year: _,
    } = work;
    let Delays {
        decision_evidence: _,
        health_advice: _,
        social_care_advice: _,
        school_advice: _,
        family_comments: _,
        school_consultation: _,
        amendment_representations: _,
    } = delays;
    let Appeals {
        enabled: _,
        share: _,
        hearing_days: _,
        preparation_hours: _,
        preparation_days: _,
        caseworker_share: _,
        order_share: _,
    } = appeals;
    let SchoolClosure {
        enabled: _,
        start_month: _,
        start_day: _,
        weeks: _,
        exception_share: _,
    } = school_closure;
    let Psychologists {
        enabled: _,
        fte: _,
        hours_per_fte_year: _,
        hours_per_advice: _,
        fte_growth_per_year: _,
        commission_above: _,
        commissioned_days: _,
        cost_per_fte_year: _,
        cost_per_commissioned_advice: _,
        groups: _,
    } = psychologists;
    let Costs {
        cost_per_fte_year: _,
        pay_award: _,
        agency_premium: _,
        cost_per_hire: _,
        delay_cost_per_request_week: _,
        delay_cost_per_overdue_review_month: _,
        cost_per_appeal: _,
    } = costs;
    let Reviews {
        enabled: _,
        interval_days: _,
        under5_interval_days: _,
        decision_limit_days: _,
        amendment_limit_days: _,
        amend_share: _,
        cease_share: _,
        meeting_on_time_share: _,
        late_meeting_days: _,
        transfer_school_share: _,
        transfer_post16_share: _,
        transfer_meeting_day: _,
        transfer_amend_share: _,
        transfer_work_multiplier: _,
    } = reviews;
    let Cessation { per_year: _ } = cessation;
    let Caseworkers {
        cap: _,
        hours_per_fte_year: _,
        order: _,
        pooled: _,
        groups,
        establishment,
        workforce,
    } = caseworkers;
    let Establishment {
        enabled: _,
        cases_per_fte: _,
        lag_days: _,
    } = establishment;
    let Workforce {
        leaving_per_year: _,
        recruitment_days: _,
        new_starter_days: _,
        new_starter_productivity: _,
        agency_cover_after_days: _,
        leavers_cases: _,
    } = workforce;
    let StaffGroup {
        name: _,
        fte: _,
        start: _,
        end: _,
        hours_per_fte_year: _,
    } = groups[0].clone();
    let Initial {
        plans_in_force: _,
        overdue_reviews: _,
        overdue_age_days: _,
        open_requests,
    } = initial;
    let OpenRequests {
        stage: _,
        count: _,
        age_days: _,
    } = open_requests[0].clone();
    // 100 keys: one per field above (the calendar's length has two,
    // `horizon_weeks` and `end`; the order of work has two, `priority` and
    // `within_rank`), and 39 keys of list entries (5 of a staff group,
    // three times, 3 of open requests, 4 of a complexity class and 17 of a team).
    // Update with the lists above.
    let fields: usize = scenario_params()
        .iter()
        .map(|p| p.slot.fields().len())
        .sum();
    assert_eq!((scenario_params().len(), fields), (100, 39));
}
