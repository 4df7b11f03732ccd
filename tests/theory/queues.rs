//! One stage of exponential work with c caseworkers and Poisson requests is
//! an M/M/c queue (MODEL.md section 9): the number of open requests and the
//! share decided within 6 weeks must match Erlang C.

use super::support::{run_batched, single_queue, weekly_mean, weekly_sum, Estimate, MMc};
use ehcsim::results::Metric;

/// One queueing check: the queue, the run length and the replications.
pub struct Case {
    pub name: &'static str,
    pub q: MMc,
    /// Run length in weeks (2,600 weeks = 50 years, the longest run the
    /// scenario loader accepts).
    pub weeks: u32,
    /// Weeks discarded at the start (the queue starts empty). Checked by
    /// `measure`: the exact transient mean from empty must leave a bias
    /// below a quarter of the standard error.
    pub warmup_weeks: usize,
    pub reps: u64,
    pub seed: u64,
}

/// What one check measured, with the theory beside it.
pub struct Outcome {
    pub l: Estimate,
    pub p42: Estimate,
    pub l_theory: f64,
    pub p42_theory: f64,
    pub w_theory: f64,
    /// Expected bias of the L estimator left by the warm-up (exact, from the
    /// transient birth-death equations).
    pub warmup_bias: f64,
    pub customers: f64,
}

pub fn measure(case: &Case) -> Outcome {
    let s = single_queue(case.q, case.weeks * 7);
    let weeks = s.calendar.weeks();
    assert_eq!(weeks, case.weeks as usize, "Monday start gives whole weeks");
    let window = case.warmup_weeks..weeks;
    let mut ls = Vec::new();
    let (mut made, mut on_time) = (Vec::new(), Vec::new());
    run_batched(&[s], case.reps, 50, case.seed, |_, r| {
        ls.push(weekly_mean(r, Metric::OpenRequests, window.clone()));
        made.push(weekly_sum(r, Metric::DecisionsMade, window.clone()));
        on_time.push(weekly_sum(r, Metric::DecisionsWithin6Weeks, window.clone()));
    });
    let customers: f64 = made.iter().sum();
    // Bias guard: the expected value of the L estimator, from the exact
    // transient law of the queue started empty, minus the stationary L.
    let times: Vec<f64> = window.clone().map(|w| 7.0 * (w + 1) as f64).collect();
    let k_max = (case.q.l() * 60.0).max(200.0) as usize;
    let means = case.q.transient_mean(&times, k_max, 0.5);
    let expected = means.iter().sum::<f64>() / means.len() as f64;
    Outcome {
        l: Estimate::of(&ls),
        p42: Estimate::ratio(&on_time, &made),
        l_theory: case.q.l(),
        p42_theory: case.q.sojourn_cdf(42.0),
        w_theory: case.q.w(),
        warmup_bias: expected - case.q.l(),
        customers,
    }
}

/// Runs the check and asserts it. Tolerance: 4 standard errors of the mean
/// over independent replications. Each replication's time average of the
/// queue is autocorrelated within the run, so the replication-to-replication
/// spread (not the number of weeks) sets the standard error; the replication
/// means are averages of thousands of weeks, so their mean is close to
/// normal, and a true model misses 4 SE with probability about 6e-5 per
/// assertion. The warm-up is checked to leave a bias below a quarter of a
/// standard error, so it cannot eat the tolerance.
pub fn check(case: &Case) {
    let o = measure(case);
    let lambda = case.q.lambda;
    println!(
        "{:<28} rho={:.2} c={} reps={} customers={:.0}\n  \
         L (open requests): sim {:.4} +- {:.4} (SE)  theory {:.4}  z={:+.2}  [warm-up bias {:+.5}]\n  \
         W = L/lambda (days): sim {:.3} +- {:.3}  theory {:.3}\n  \
         P(sojourn <= 42 d): sim {:.5} +- {:.5}  theory {:.5}  z={:+.2}",
        case.name,
        case.q.rho(),
        case.q.c,
        case.reps,
        o.customers,
        o.l.mean,
        o.l.se,
        o.l_theory,
        o.l.z(o.l_theory),
        o.warmup_bias,
        o.l.mean / lambda,
        o.l.se / lambda,
        o.w_theory,
        o.p42.mean,
        o.p42.se,
        o.p42_theory,
        o.p42.z(o.p42_theory),
    );
    assert!(
        o.warmup_bias.abs() < 0.25 * o.l.se,
        "{}: warm-up too short: bias {} vs SE {}",
        case.name,
        o.warmup_bias,
        o.l.se
    );
    // |L_sim - L| <= 4 SE (SE from the spread of replication means).
    assert!(
        (o.l.mean - o.l_theory).abs() <= 4.0 * o.l.se,
        "{}: mean number in system {} +- {} vs Erlang C {}",
        case.name,
        o.l.mean,
        o.l.se,
        o.l_theory
    );
    // |P_sim - P| <= 4 SE, same reasoning (customers within a replication
    // are correlated through busy periods, so only replications count).
    // P_sim is the pooled share, customers on time over customers decided
    // across all replications, with the delta-method SE of a ratio
    // estimator; the mean of per-replication shares would be biased upward
    // by about 1e-3 for M/M/1 at rho 0.5 (replications with more customers have more
    // congestion and lower shares), which 10,000 replications can see.
    assert!(
        (o.p42.mean - o.p42_theory).abs() <= 4.0 * o.p42.se,
        "{}: P(sojourn <= 42) {} +- {} vs theory {}",
        case.name,
        o.p42.mean,
        o.p42.se,
        o.p42_theory
    );
}

/// M/M/1 at utilisation 0.5: mean service 20 days, so W = 40 days.
pub fn mm1_half(reps: u64) -> Case {
    Case {
        name: "M/M/1 rho 0.5",
        q: MMc {
            lambda: 1.0 / 40.0,
            mu: 1.0 / 20.0,
            c: 1,
        },
        weeks: 2600,
        warmup_weeks: 260,
        reps,
        seed: 11,
    }
}

/// M/M/1 at utilisation 0.9: mean service 4 days, so W = 40 days; the
/// relaxation time 1 / (mu (1 - sqrt rho)^2) is about 1,500 days, so the
/// warm-up is 15 years.
pub fn mm1_high(reps: u64) -> Case {
    Case {
        name: "M/M/1 rho 0.9",
        q: MMc {
            lambda: 0.9 / 4.0,
            mu: 1.0 / 4.0,
            c: 1,
        },
        weeks: 2600,
        warmup_weeks: 780,
        reps,
        seed: 12,
    }
}

/// M/M/4 at utilisation 0.5: mean service 30 days.
pub fn mm4_half(reps: u64) -> Case {
    Case {
        name: "M/M/4 rho 0.5",
        q: MMc {
            lambda: 4.0 * 0.5 / 30.0,
            mu: 1.0 / 30.0,
            c: 4,
        },
        weeks: 2600,
        warmup_weeks: 260,
        reps,
        seed: 13,
    }
}

/// M/M/4 at utilisation 0.9: mean service 20 days; warm-up 15 years.
pub fn mm4_high(reps: u64) -> Case {
    Case {
        name: "M/M/4 rho 0.9",
        q: MMc {
            lambda: 4.0 * 0.9 / 20.0,
            mu: 1.0 / 20.0,
            c: 4,
        },
        weeks: 2600,
        warmup_weeks: 780,
        reps,
        seed: 14,
    }
}

/// M/M/10 at utilisation 0.9: mean service 30 days (heavier variant);
/// warm-up 15 years.
pub fn mm10_high(reps: u64) -> Case {
    Case {
        name: "M/M/10 rho 0.9",
        q: MMc {
            lambda: 10.0 * 0.9 / 30.0,
            mu: 1.0 / 30.0,
            c: 10,
        },
        weeks: 2600,
        warmup_weeks: 780,
        reps,
        seed: 15,
    }
}

#[test]
fn mm1_at_half_load_matches_theory() {
    check(&mm1_half(1000));
}

#[test]
fn mm1_at_high_load_matches_theory() {
    check(&mm1_high(1500));
}

#[test]
fn mmc_at_half_load_matches_erlang_c() {
    check(&mm4_half(1000));
}

#[test]
fn mmc_at_high_load_matches_erlang_c() {
    check(&mm4_high(1500));
}

#[test]
#[ignore = "heavier: 5,000 replications a case, about 2 minutes on 2 cores"]
fn queues_match_theory_tightly() {
    for case in [
        mm1_half(5000),
        mm1_high(5000),
        mm4_half(5000),
        mm4_high(5000),
        mm10_high(5000),
    ] {
        check(&Case {
            seed: case.seed + 100,
            ..case
        });
    }
}
