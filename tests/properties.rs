//! Property tests over randomly generated small valid scenarios (MODEL.md
//! section 9, "what must always hold"): conservation and the caseload cap
//! audited every week, consistent outputs (no NaN or infinity, percentiles
//! in order, shares in [0, 1], stock-flow identities), the same results
//! whatever the thread count or stepping, and more caseworkers never
//! issuing fewer plans beyond noise.
//!
//! Scenarios stay within what `scenario::load` accepts: every range below
//! is inside the loader's checks (shares in [0, 1] with refused plus
//! withdrawn at most 1 and amend plus cease at most 1, review intervals of at
//! least 28 days, amendment limit not before the decision limit, at least
//! one caseworker group, cap times contact hours below every group's hours,
//! psychologists of positive FTE when enabled, group end on or after its
//! start, overdue reviews at most plans in force).

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use ehcsim::calendar::Calendar;
use ehcsim::engine::Dist;
use ehcsim::experiment::{self, RunConfig};
use ehcsim::model::{self, Simulation};
use ehcsim::results::{Kpi, Metric, ReplicationResult, Stats};
use ehcsim::scenario::{
    default_complexity, Appeals, Caseworkers, Cessation, Delays, Establishment, Initial,
    LeaversCases, OpenRequests, OpenStage, Panel, Priority, Psychologists, Requests, Reviews,
    Scenario, SchoolClosure, StaffGroup, ValidScenario, Work, Workforce,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use std::sync::atomic::AtomicBool;

/// The scenario after the loader's checks (the model takes no other).
pub fn valid(s: &Scenario) -> ValidScenario {
    s.clone()
        .validate()
        .unwrap_or_else(|p| panic!("invalid test scenario: {p:#?}"))
}

// ---------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------

/// A distribution on roughly [0, scale] of every kind the loader accepts.
fn dist(scale: f64) -> impl Strategy<Value = Dist> {
    let s = scale;
    prop_oneof![
        (0.0..s).prop_map(Dist::Fixed),
        (0.01 * s..s).prop_map(|mean| Dist::Exponential { mean }),
        (0.01 * s..s, 0.1..2.0).prop_map(|(mean, cv)| Dist::Gamma { mean, cv }),
        (0.01 * s..s, 0.1..2.0).prop_map(|(mean, cv)| Dist::LogNormal { mean, cv }),
        (0.0..0.5 * s, 0.0..1.0, 0.01 * s..0.5 * s).prop_map(|(min, f, w)| Dist::Triangular {
            min,
            mode: min + f * w,
            max: min + w,
        }),
        (0.0..0.5 * s, 0.0..0.5 * s).prop_map(|(min, w)| Dist::Uniform { min, max: min + w }),
    ]
}

fn weekday() -> impl Strategy<Value = Weekday> {
    (0u8..7).prop_map(|d| Weekday::try_from(d).unwrap())
}

/// A staff group whose dates may fall before, inside or after a run of
/// `days` days starting `start`.
fn staff_group(
    start: NaiveDate,
    days: u32,
    name: &'static str,
) -> impl Strategy<Value = StaffGroup> {
    let d = days as i64;
    (
        0.2..5.0f64,
        proptest::option::of(-60i64..d + 30),
        proptest::option::of(0i64..d + 60),
        proptest::option::of(500.0..2000.0f64),
    )
        .prop_map(move |(fte, from, len, hours)| {
            let s = from.map(|o| start + Duration::days(o));
            let e = len.map(|l| s.unwrap_or(start) + Duration::days(l));
            StaffGroup {
                name: name.into(),
                fte,
                start: s,
                end: e,
                hours_per_fte_year: hours,
            }
        })
}

fn requests() -> impl Strategy<Value = Requests> {
    (
        prop::bool::weighted(0.9),
        0.0..400.0f64,
        -0.3..0.5f64,
        prop::array::uniform12(0.0..2.0f64),
        (0.0..0.6f64, 0.0..0.1f64, 0.0..0.3f64),
        (0.0..0.2f64, 0.0..0.2f64),
    )
        .prop_map(
            |(enabled, per_year, growth, raw, (refused, wd, no_plan), (exc, u5))| {
                // The loader normalises the profile to mean 1.
                let raw = raw.map(|x| x + 0.01);
                let mean = raw.iter().sum::<f64>() / 12.0;
                Requests {
                    enabled,
                    per_year,
                    growth_per_year: growth,
                    monthly_profile: raw.map(|x| x / mean),
                    refused_share: refused,
                    withdrawn_share: wd.min(1.0 - refused),
                    no_plan_share: no_plan,
                    exception_share: exc,
                    under5_share: u5,
                }
            },
        )
}

fn work() -> impl Strategy<Value = (Work, f64)> {
    (
        (dist(6.0), dist(8.0), dist(8.0), dist(10.0)),
        (dist(6.0), dist(5.0), dist(8.0)),
        0.0..2.0f64,
    )
        .prop_map(
            |((decision, assessment, no_plan, drafting), (fin, rd, ra), contact)| {
                (
                    Work {
                        decision,
                        assessment,
                        no_plan,
                        drafting,
                        finalisation: fin,
                        review_decision: rd,
                        review_amendment: ra,
                        contact_hours_per_case_per_year: 0.0,
                    },
                    contact,
                )
            },
        )
}

fn delays() -> impl Strategy<Value = Delays> {
    let d = || proptest::option::of(dist(60.0));
    (d(), d(), d(), d(), d(), d(), d()).prop_map(|(ev, h, sc, sch, fam, cons, rep)| Delays {
        decision_evidence: ev,
        health_advice: h,
        social_care_advice: sc,
        school_advice: sch,
        family_comments: fam,
        school_consultation: cons,
        amendment_representations: rep,
    })
}

fn workforce() -> impl Strategy<Value = Workforce> {
    (
        prop_oneof![Just(0.0), 0.0..0.8f64],
        1.0..200.0f64,
        0.0..200.0f64,
        0.1..=1.0f64,
        proptest::option::of(0.0..150.0f64),
        prop::bool::ANY,
    )
        .prop_map(
            |(leaving, recruitment, starter, productivity, agency, hold)| Workforce {
                leaving_per_year: leaving,
                recruitment_days: recruitment,
                new_starter_days: starter,
                new_starter_productivity: productivity,
                agency_cover_after_days: agency,
                leavers_cases: if hold {
                    LeaversCases::Hold
                } else {
                    LeaversCases::Reallocate
                },
            },
        )
}

fn establishment() -> impl Strategy<Value = Establishment> {
    (prop::bool::ANY, 5.0..300.0f64, 0.0..200.0f64).prop_map(|(enabled, cases, lag)| {
        Establishment {
            enabled,
            cases_per_fte: cases,
            lag_days: lag,
        }
    })
}

fn reviews() -> impl Strategy<Value = Reviews> {
    (
        prop::bool::weighted(0.8),
        28.0..500.0f64,
        28.0..400.0f64,
        0.0..60.0f64,
        0.0..90.0f64,
        0.0..1.0f64,
        0.0..1.0f64,
        (0.3..=1.0f64, dist(120.0)),
    )
        .prop_map(
            |(enabled, interval, u5, decision, extra, amend, cease, (on_time, late))| Reviews {
                enabled,
                interval_days: interval,
                under5_interval_days: u5,
                decision_limit_days: decision,
                amendment_limit_days: decision + extra,
                amend_share: amend,
                cease_share: cease * (1.0 - amend),
                meeting_on_time_share: on_time,
                late_meeting_days: late,
                // Phase transfers are derived from the drawn values, so
                // the generated cases stay those of the other fields.
                transfer_school_share: 0.3 * amend,
                transfer_post16_share: 0.3 * (1.0 - amend) * on_time,
                transfer_meeting_day: Dist::Uniform {
                    min: 0.0,
                    max: 105.0,
                },
                transfer_amend_share: amend,
                transfer_work_multiplier: 0.5 + 2.0 * on_time,
            },
        )
}

fn initial() -> impl Strategy<Value = Initial> {
    let open = (
        prop_oneof![
            Just(OpenStage::AwaitingDecision),
            Just(OpenStage::Assessment),
            Just(OpenStage::Drafting)
        ],
        0u32..60,
        dist(200.0),
    )
        .prop_map(|(stage, count, age_days)| OpenRequests {
            stage,
            count,
            age_days,
        });
    (
        0u32..400,
        0.0..1.0f64,
        dist(365.0),
        prop::collection::vec(open, 0..4),
    )
        .prop_map(|(plans, overdue, age, open_requests)| Initial {
            plans_in_force: plans,
            overdue_reviews: (plans as f64 * overdue * overdue) as u32,
            overdue_age_days: age,
            open_requests,
        })
}

/// A small valid scenario: 1-3 years, up to 400 requests a year and 400
/// plans, 1-4 caseworker groups with random dates, caps including binding
/// ones (20-50), 0-2 backlog groups, every distribution kind.
fn scenario() -> impl Strategy<Value = Scenario> {
    (0i64..1500, 300u32..1100)
        .prop_flat_map(|(offset, days)| {
            let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + Duration::days(offset);
            let caseworkers = (
                prop_oneof![20u32..50, 50u32..500],
                500.0..2000.0f64,
                prop_oneof![
                    Just(Priority::EarliestDeadline),
                    Just(Priority::FirstComeFirstServed),
                    Just(Priority::NewAssessmentsFirst),
                    Just(Priority::ReviewsFirst),
                    Just(Priority::CommonPractice)
                ],
                prop::collection::vec(staff_group(start, days, "caseworkers"), 1..5),
            );
            let changing = (
                prop::bool::ANY,
                workforce(),
                establishment(),
                prop::bool::ANY,
            );
            let ep_more = (
                0.0..0.3f64,
                proptest::option::of(0u32..20),
                dist(40.0),
                prop::collection::vec(staff_group(start, days, "psychologists"), 0..3),
            );
            let other = (
                (prop::bool::ANY, weekday()),
                (prop::bool::weighted(0.7), 0.2..5.0f64, dist(30.0)),
                0.0..0.3f64,
                prop::collection::vec(staff_group(start, days, "backlog"), 0..3),
                0u32..50,
            );
            (
                Just((start, days)),
                requests(),
                work(),
                delays(),
                reviews(),
                caseworkers,
                other,
                initial(),
                (changing, ep_more),
            )
        })
        .prop_map(
            |(
                (start, days),
                requests,
                (mut work, contact),
                delays,
                reviews,
                (cap, hours, priority, groups),
                ((panel_on, panel_day), (ep_on, ep_fte, ep_hours), cease, backlog, cleared_at),
                initial,
                (
                    (pooled, workforce, establishment, mixed),
                    (ep_growth, commission, commissioned, ep_groups),
                ),
            )| {
                // The loader refuses a run in which no caseworker is ever in
                // post; keep the first group's dates open when all fall
                // outside the run.
                let mut groups = groups;
                let last = start + Duration::days(i64::from(days) - 1);
                let outside = |g: &StaffGroup| {
                    g.end.is_some_and(|e| e < start) || g.start.is_some_and(|a| a > last)
                };
                if groups.iter().all(outside) {
                    groups[0].start = None;
                    groups[0].end = None;
                }
                // Contact at the cap must leave time in every group's year.
                let least_hours = groups
                    .iter()
                    .filter_map(|g| g.hours_per_fte_year)
                    .fold(hours, f64::min);
                work.contact_hours_per_case_per_year = contact.min(0.9 * least_hours / cap as f64);
                Scenario {
                    name: "random".into(),
                    description: String::new(),
                    calendar: Calendar { start, days },
                    backlog_cleared_at: cleared_at,
                    backlog_target: None,
                    baseline: false,
                    requests,
                    panel: Panel {
                        enabled: panel_on,
                        weekday: panel_day,
                    },
                    work,
                    delays,
                    // Closures with the complexity mix, so that both the plain
                    // and the full calendar are drawn.
                    school_closure: SchoolClosure {
                        enabled: mixed,
                        start_month: 1 + start.ordinal() % 12,
                        ..Scenario::default().school_closure
                    },
                    psychologists: Psychologists {
                        enabled: ep_on,
                        fte: ep_fte,
                        hours_per_fte_year: 1450.0,
                        hours_per_advice: ep_hours,
                        fte_growth_per_year: ep_growth,
                        commission_above: commission,
                        commissioned_days: commissioned,
                        groups: ep_groups,
                        ..Scenario::default().psychologists
                    },
                    reviews,
                    cessation: Cessation { per_year: cease },
                    // Appeals (with orders that add requests) drawn on and
                    // off with the complexity mix, like the closure.
                    appeals: Appeals {
                        enabled: mixed,
                        share: 0.2,
                        ..Scenario::default().appeals
                    },
                    caseworkers: Caseworkers {
                        cap,
                        hours_per_fte_year: hours,
                        order: priority.order(),
                        pooled,
                        groups,
                        establishment,
                        workforce,
                    },
                    teams: Vec::new(),
                    complexity: if mixed {
                        default_complexity()
                    } else {
                        Vec::new()
                    },
                    backlog_team: backlog,
                    costs: Default::default(),
                    initial,
                }
            },
        )
}

/// Fixed seeds, so every run checks the same scenarios; no regression files.
/// `PROPTEST_CASES` overrides the number of cases for a heavier search.
fn config(cases: u32, seed: u64) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        failure_persistence: None,
        rng_seed: RngSeed::Fixed(seed),
        max_shrink_iters: 2000,
        ..Config::default()
    }
}

// ---------------------------------------------------------------------------
// Checks on one replication's outputs
// ---------------------------------------------------------------------------

/// FTE in post at simulation day `t` (a week end) for `groups`: a group
/// is in post from the start of its first day (day 0 if absent or before the
/// run) to the end of its last day; staffing changes at a week end come
/// before the week's row is written. A group whose last day is the run's
/// last day (or later) is in post at the final row, which is written at the
/// end of that day.
fn fte_in_post(s: &Scenario, groups: &[StaffGroup], t: f64) -> f64 {
    let end = s.end_day();
    groups
        .iter()
        .filter(|g| {
            let from = g
                .start
                .map_or(0.0, |d| s.calendar.day_of(d) as f64)
                .max(0.0);
            let mut to = g
                .end
                .map_or(f64::INFINITY, |d| s.calendar.day_of(d) as f64 + 1.0);
            if to >= end {
                to = f64::INFINITY;
            }
            from <= t && t < to && from < end && to > from
        })
        .map(|g| g.fte)
        .sum()
}

/// Identities every replication's weekly rows and KPIs must satisfy.
fn check_outputs(s: &Scenario, r: &ReplicationResult) -> Result<(), TestCaseError> {
    let open_at_start: u32 = s.initial.open_requests.iter().map(|o| o.count).sum();
    let mut prev_total: Option<Vec<f64>> = None;
    let cumulative = [
        Metric::RequestsRefusedTotal,
        Metric::RequestsWithdrawnTotal,
        Metric::RequestsNoPlanTotal,
        Metric::RequestsIssuedTotal,
        Metric::RequestsTotal,
        Metric::PlansCeasedTotal,
    ];
    let mut received = 0.0;
    let mut ordered = 0.0;
    for w in 0..r.weeks {
        let v = |m| r.weekly_value(w, m);
        for &m in Metric::ALL {
            let x = v(m);
            prop_assert!(x.is_finite() && x >= 0.0, "week {w} {}: {x}", m.name());
        }
        // FTE in post follows the groups' dates. A sum of at most a few
        // numbers below 20 is exact to about 1e-14 in floating point, so
        // 1e-9 is rounding only, not a tolerance on the model. Vacancies
        // (turnover) can only lower the caseworkers' figure and an
        // establishment that follows demand can only raise it.
        let t = s.calendar.week_end_day(w);
        let cw = &s.caseworkers;
        for (m, groups) in [
            (Metric::CaseworkerFte, &cw.groups),
            (Metric::BacklogTeamFte, &s.backlog_team),
        ] {
            let want = fte_in_post(s, groups, t);
            let got = v(m);
            let caseworkers = m == Metric::CaseworkerFte;
            let vacancies = caseworkers && cw.workforce.leaving_per_year > 0.0;
            let growth = caseworkers && cw.establishment.enabled;
            let low_ok = vacancies && got < want;
            let high_ok = growth && got > want;
            prop_assert!(
                (got - want).abs() < 1e-9 || low_ok || high_ok || (vacancies && growth),
                "week {w} (day {t}) {}: {got} but groups in post give {want}",
                m.name(),
            );
        }
        received += v(Metric::RequestsReceived);
        ordered += v(Metric::RequestsOrdered);
        // Every request is in exactly one state.
        let open = v(Metric::RequestsAwaitingDecision)
            + v(Metric::RequestsInAssessment)
            + v(Metric::RequestsInDrafting);
        prop_assert_eq!(open, v(Metric::OpenRequests), "week {}", w);
        prop_assert_eq!(
            open + v(Metric::RequestsRefusedTotal)
                + v(Metric::RequestsWithdrawnTotal)
                + v(Metric::RequestsNoPlanTotal)
                + v(Metric::RequestsIssuedTotal),
            v(Metric::RequestsTotal),
            "week {}: request states",
            w
        );
        prop_assert_eq!(
            v(Metric::RequestsTotal),
            open_at_start as f64 + received + ordered,
            "week {}: requests in = open at start + received + ordered by the tribunal",
            w
        );
        // Every plan is in force or ceased; plans come from the start or
        // from issued requests.
        prop_assert_eq!(
            v(Metric::PlansInForce) + v(Metric::PlansCeasedTotal),
            s.initial.plans_in_force as f64 + v(Metric::RequestsIssuedTotal),
            "week {}: plans",
            w
        );
        prop_assert!(v(Metric::DecisionsWithin6Weeks) <= v(Metric::DecisionsMade));
        prop_assert!(v(Metric::PlansIssuedWithin20Weeks) <= v(Metric::PlansIssued));
        prop_assert!(v(Metric::OpenRequestsOver20Weeks) <= v(Metric::OpenRequests));
        prop_assert!(v(Metric::OverdueReviews) <= v(Metric::PlansInForce));
        prop_assert!(v(Metric::MaxCaseload) <= s.caseworkers.cap as f64);
        let now: Vec<f64> = cumulative.iter().map(|&m| v(m)).collect();
        if let Some(p) = &prev_total {
            for (i, (a, b)) in p.iter().zip(&now).enumerate() {
                prop_assert!(b >= a, "week {w}: {} fell", cumulative[i].name());
            }
        }
        prev_total = Some(now);
    }
    for k in &r.kpis {
        if let Some(x) = k.value {
            prop_assert!(
                x.is_finite() && x >= 0.0,
                "{} {}: {x}",
                k.kpi.name(),
                k.period
            );
            if is_share(k.kpi) {
                prop_assert!(x <= 1.0, "{} {}: {x}", k.kpi.name(), k.period);
            }
        }
    }
    Ok(())
}

fn is_share(k: Kpi) -> bool {
    matches!(
        k,
        Kpi::Compliance20Weeks
            | Kpi::Compliance20WeeksAllPlans
            | Kpi::DecisionsWithin6Weeks
            | Kpi::BacklogNeverCleared
    )
}

fn check_stats(what: &str, st: &Stats, share: bool) -> Result<(), TestCaseError> {
    for x in [st.mean, st.p10, st.p50, st.p90].into_iter().flatten() {
        prop_assert!(x.is_finite(), "{what}: {st:?}");
        if share {
            prop_assert!((0.0..=1.0).contains(&x), "{what}: {st:?}");
        }
    }
    if let (Some(a), Some(b)) = (st.p10, st.p50) {
        prop_assert!(a <= b, "{what}: p10 > p50 {st:?}");
    }
    if let (Some(b), Some(c)) = (st.p50, st.p90) {
        prop_assert!(b <= c, "{what}: p50 > p90 {st:?}");
    }
    if let (Some(a), Some(c)) = (st.p10, st.p90) {
        prop_assert!(a <= c, "{what}: p10 > p90 {st:?}");
    }
    Ok(())
}

fn run(scenarios: &[Scenario], reps: u64, seed: u64, threads: usize) -> experiment::RunResults {
    let cfg = RunConfig {
        master_seed: seed,
        replications: reps,
        threads: Some(threads),
    };
    let scenarios: Vec<ValidScenario> = scenarios.iter().map(valid).collect();
    experiment::run(&scenarios, &cfg, &|_| {}, &AtomicBool::new(false)).expect("run finishes")
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(512, 0x5eed_0001))]

    /// Conservation and the cap, by full recount, after every week; the
    /// stepped run equals an unstepped one.
    #[test]
    fn audit_holds_every_week(s in scenario(), seed in any::<u64>()) {
        let v = valid(&s);
        let mut sim = Simulation::new(&v, seed);
        if let Err(e) = sim.audit() {
            return Err(TestCaseError::fail(format!("at the start: {e}")));
        }
        for w in 0..s.calendar.weeks() {
            sim.run_until(s.calendar.week_end_day(w));
            if let Err(e) = sim.audit() {
                return Err(TestCaseError::fail(format!("week {w}: {e}")));
            }
        }
        let stepped = sim.finish(0);
        let whole = model::simulate(&v, 0, seed, &AtomicBool::new(false)).expect("not cancelled");
        prop_assert!(stepped == whole, "stepping week by week changed the results");
    }
}

proptest! {
    #![proptest_config(config(512, 0x5eed_0004))]

    /// Every replication's weekly rows and KPIs are finite, non-negative and
    /// satisfy the stock-flow identities; FTE in post follows the dates.
    #[test]
    fn outputs_are_consistent(s in scenario(), seed in any::<u64>()) {
        let r = model::simulate(&valid(&s), 0, seed, &AtomicBool::new(false)).expect("not cancelled");
        check_outputs(&s, &r)?;
    }
}

proptest! {
    #![proptest_config(config(256, 0x5eed_0002))]

    /// Aggregated results: percentiles in order, shares in [0, 1], nothing
    /// infinite or NaN; the thread count changes nothing.
    #[test]
    fn aggregates_are_ordered_and_finite(s in scenario(), seed in any::<u64>()) {
        let one = run(std::slice::from_ref(&s), 3, seed, 1);
        let two = run(std::slice::from_ref(&s), 3, seed, 2);
        let (a, b) = (&one.scenarios[0], &two.scenarios[0]);
        prop_assert!(a.replications == b.replications, "thread count changed the replications");
        prop_assert!(a.weekly == b.weekly && a.summary == b.summary, "thread count changed the aggregates");
        for r in &a.replications {
            check_outputs(&s, r)?;
        }
        for row in &a.weekly {
            check_stats(&format!("week {} {}", row.week, row.metric.name()), &row.stats, false)?;
            // Weekly metrics are never missing.
            prop_assert!(row.stats.mean.is_some() && row.stats.p50.is_some());
        }
        for row in &a.summary {
            check_stats(&format!("{} {}", row.kpi.name(), row.period), &row.stats, is_share(row.kpi))?;
        }
    }
}

/// Two-sided critical values are not needed: the check is one-sided.
/// t quantile 0.9995 with 7 degrees of freedom (8 replications).
const T_7_9995: f64 = 5.408;

proptest! {
    #![proptest_config(config(256, 0x5eed_0003))]

    /// Doubling every caseworker group's FTE never lowers the expected number
    /// of plans issued beyond noise, when the caseload cap does not bind and
    /// no establishment re-sets the posts.
    ///
    /// The cap is set out of reach (100,000 cases a post, so contact time,
    /// which must stay below the hours at the cap, is 0). With a binding
    /// cap the property is false in this model, for reasons of policy, not
    /// noise: see `finding_more_staff_can_issue_fewer_plans_with_binding_caps`.
    ///
    /// Both scenarios run in one experiment, so replication r of each uses
    /// the same seed: same requests, same work, same outcomes (common random
    /// numbers). The paired differences d_r = issued(2x) - issued(x) over
    /// R = 8 replications are independent; under "more staff does not lower
    /// the expectation" (E d >= 0) the statistic mean(d) / (sd(d) / sqrt R)
    /// falls below -5.408 (the 0.05% point of Student's t with 7 degrees of
    /// freedom) with probability at most 5e-4 per case; beyond that a floor
    /// of one plan (or 0.5%) is allowed for reordering, below.
    #[test]
    fn more_caseworkers_never_issue_fewer_plans(s in scenario(), seed in any::<u64>()) {
        let mut s = s;
        s.caseworkers.cap = 100_000;
        s.work.contact_hours_per_case_per_year = 0.0;
        // An establishment re-sets the posts from the cases held each 1
        // April, so doubled groups need not be more staff over the run: the
        // doubled run holds other cases and is given other posts (found by
        // this test, with cases ceasing at review; not pursued further).
        s.caseworkers.establishment.enabled = false;
        let mut more = s.clone();
        more.name = "double".into();
        for g in &mut more.caseworkers.groups {
            g.fte *= 2.0;
        }
        let reps = 8;
        let res = run(&[s.clone(), more], reps, seed, 2);
        let issued = |i: usize| -> Vec<f64> {
            res.scenarios[i]
                .replications
                .iter()
                .map(|r| r.weekly_value(r.weeks - 1, Metric::RequestsIssuedTotal))
                .collect()
        };
        let (x, y) = (issued(0), issued(1));
        let d: Vec<f64> = y.iter().zip(&x).map(|(b, a)| b - a).collect();
        let n = d.len() as f64;
        let mean = d.iter().sum::<f64>() / n;
        let sd = (d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let se = sd / n.sqrt();
        // A material loss, not a reordering: where another step binds (the
        // psychologists, say), more caseworkers change the order cases reach
        // it, which can move a plan across the run's end. With common random
        // numbers the arms are so alike that such a shift of one plan in
        // every replication has SE near 0 (found by this test: -1.1 plans in
        // 520, SE 0.13), so a floor of one plan or 0.5% is allowed.
        let floor = (0.005 * x.iter().sum::<f64>() / n).max(1.0);
        prop_assert!(
            mean >= -T_7_9995 * se - floor,
            "doubling FTE lowered plans issued: x {x:?}, 2x {y:?} (mean difference {mean}, SE {se})"
        );
    }
}

// ---------------------------------------------------------------------------
// Known model bugs: each test below FAILS until the bug it names is fixed.
// ---------------------------------------------------------------------------

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Regression: a run whose last day is 31 March used to panic.
///
/// The final week-end event is at `calendar.days`, the start of the day
/// after the last simulated day. Events at that same moment that were
/// scheduled before it (a weekly panel, or any step ending on a whole day)
/// are processed first, and their handlers index the financial-year table
/// with `financial_year_index(now)`; when the day after the run is 1 April
/// that is one past the end of the table (`src/model/request.rs`,
/// `on_panel`: `self.rec.years[...]`; likewise `issue_plan` and
/// `review.rs` `review_completed`). The default county run for one
/// financial year (1 April 2026 to 31 March 2027, 365 days, panel on
/// Thursdays and 1 April 2027 a Thursday) hit it on every seed. Fixed by
/// leaving events at the run's end unhandled and clamping the year index.
#[test]
fn regression_run_ending_on_31_march_does_not_panic() {
    let mut s = Scenario::default();
    s.calendar.start = date(2026, 4, 1);
    s.calendar.days = 365;
    let v = valid(&s);
    let outcome = std::panic::catch_unwind(|| Simulation::new(&v, 1).finish(0));
    let r = outcome.expect(
        "a run ending on 31 March panics (event at the run's end indexes the next financial year)",
    );
    assert_eq!(r.weeks, s.calendar.weeks());
}

/// Regression: FTE in post used to be reported below zero.
///
/// `src/model/staff.rs`, `on_staffing`, kept `caseworker_fte` and
/// `backlog_fte` as running floating-point sums (`+= fte` when a group
/// starts, `-= fte` when it ends), so after groups of 0.1 and 0.7 FTE start
/// and leave the sum is -2.8e-17, not 0, and `caseworker_fte` is written as a
/// negative number. Fixed by summing the groups in post afresh (an empty
/// sum is exactly 0).
#[test]
fn regression_fte_in_post_is_never_negative() {
    let mut s = Scenario::default();
    s.calendar.start = date(2026, 4, 6);
    s.calendar.days = 20 * 7;
    s.initial.plans_in_force = 100;
    s.initial.overdue_reviews = 0;
    s.initial.open_requests.clear();
    s.caseworkers.groups = vec![
        StaffGroup {
            name: "a".into(),
            fte: 0.1,
            start: None,
            end: Some(date(2026, 7, 1)),
            hours_per_fte_year: None,
        },
        StaffGroup {
            name: "b".into(),
            fte: 0.7,
            start: None,
            end: Some(date(2026, 6, 1)),
            hours_per_fte_year: None,
        },
    ];
    s.backlog_team = s.caseworkers.groups.clone();
    let r = Simulation::new(&valid(&s), 1).finish(0);
    let last = r.weeks - 1;
    for m in [Metric::CaseworkerFte, Metric::BacklogTeamFte] {
        let v = r.weekly_value(last, m);
        assert!(v >= 0.0, "{} is {v} with nobody in post", m.name());
        assert_eq!(v, 0.0, "{} with nobody in post", m.name());
    }
}

/// Regression: percentiles of equal values used to come out of order.
///
/// `src/results.rs`, `quantile_sorted`, returned an order statistic as it
/// is when `h` falls exactly on one (the new `frac == 0` branch) but rounds
/// interpolated values to 1e-9. For three equal values x = 4.78157478737012,
/// p50 (exact) is x while p10 and p90 (interpolated, rounded) are
/// 4.781574787 < x, so p50 > p90, and none of them equals the value that
/// every replication gave. Fixed by rounding every branch alike (rounding
/// is monotone, so order is kept).
#[test]
fn regression_percentiles_of_equal_values_stay_in_order() {
    let x = 4.781_574_787_370_12;
    let st = Stats::of(&[Some(x), Some(x), Some(x)], false, &mut Vec::new());
    let (p10, p50, p90) = (st.p10.unwrap(), st.p50.unwrap(), st.p90.unwrap());
    assert!(p10 <= p50 && p50 <= p90, "percentiles out of order: {st:?}");
    assert_eq!(
        (p10, p50, p90),
        (p50, p50, p50),
        "percentiles of a constant: {st:?}"
    );
}

// ---------------------------------------------------------------------------
// Findings that are model behaviour, not bugs: documented, not run by default.
// ---------------------------------------------------------------------------

/// FINDING (run with `--ignored`; passes while the behaviour holds): with a
/// binding caseload cap, doubling the caseworkers can issue fewer plans.
///
/// 180 plans in force and a backlog of requests wait unallocated until a
/// team of 5 FTE (cap 40 a post: 200 cases) starts six weeks before the end.
/// The oldest cases are allocated first, plans before requests, so the team
/// takes the 180 plans and 20 requests; 10 FTE (400 cases) takes the plans
/// and 220 requests. Under the earliest-deadline rule the larger team works
/// all 220 decisions, then all assessments, then drafting (the requests
/// arrived within weeks of each other, so each stage's deadlines come
/// before the next stage's), and finishes none in six weeks; the smaller team
/// carries its 20 through to issue. The same happens when reviews of plans
/// allocated by a bigger cap take priority over new requests after a
/// staffing gap. Over a longer run the larger team issues more.
#[test]
#[ignore = "documents a finding (model behaviour), not a requirement"]
fn finding_more_staff_can_issue_fewer_plans_with_binding_caps() {
    let mut s = Scenario::default();
    s.calendar.start = date(2026, 4, 6);
    s.calendar.days = 728;
    let r = &mut s.requests;
    r.per_year = 3000.0;
    r.growth_per_year = 0.0;
    r.monthly_profile = [1.0; 12];
    r.refused_share = 0.3;
    r.withdrawn_share = 0.0;
    r.no_plan_share = 0.0;
    r.exception_share = 0.0;
    s.panel.enabled = false;
    s.psychologists.enabled = false;
    s.reviews.enabled = false;
    s.cessation.per_year = 0.0;
    s.work.contact_hours_per_case_per_year = 0.0;
    s.work.decision = Dist::Fixed(2.0);
    s.work.assessment = Dist::Fixed(4.0);
    s.work.drafting = Dist::Fixed(10.0);
    s.work.finalisation = Dist::Fixed(1.0);
    s.delays = Delays {
        decision_evidence: None,
        health_advice: None,
        social_care_advice: None,
        school_advice: None,
        family_comments: None,
        school_consultation: None,
        amendment_representations: None,
    };
    s.caseworkers.cap = 40;
    s.caseworkers.groups = vec![StaffGroup {
        name: "late".into(),
        fte: 5.0,
        start: Some(date(2028, 2, 21)),
        end: None,
        hours_per_fte_year: None,
    }];
    s.initial.plans_in_force = 180;
    s.initial.overdue_reviews = 0;
    s.initial.open_requests.clear();
    let mut more = s.clone();
    more.name = "double".into();
    more.caseworkers.groups[0].fte = 10.0;
    let res = run(&[s, more], 4, 1, 2);
    let issued: Vec<Vec<f64>> = res
        .scenarios
        .iter()
        .map(|sc| {
            sc.replications
                .iter()
                .map(|r| r.weekly_value(r.weeks - 1, Metric::RequestsIssuedTotal))
                .collect()
        })
        .collect();
    println!(
        "plans issued, 5 FTE: {:?}; 10 FTE: {:?}",
        issued[0], issued[1]
    );
    for (a, b) in issued[0].iter().zip(&issued[1]) {
        assert!(b < a, "10 FTE issued {b}, 5 FTE {a}");
    }
}
