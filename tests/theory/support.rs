//! Support for the theory checks: queueing formulas written out from first
//! principles, small statistics helpers, and scenario builders that reduce
//! the model to cases with known answers.

use chrono::NaiveDate;
use ehcsim::engine::Dist;
use ehcsim::experiment::{self, RunConfig};
use ehcsim::results::{Metric, ReplicationResult};
use ehcsim::scenario::{Scenario, StaffGroup, ValidScenario, WorkOrder, Workforce};
use std::sync::atomic::AtomicBool;

/// The scenario after the loader's checks (the model takes no other).
pub fn valid(s: &Scenario) -> ValidScenario {
    s.clone()
        .validate()
        .unwrap_or_else(|p| panic!("invalid test scenario: {p:#?}"))
}

// ---------------------------------------------------------------------------
// Queueing theory
// ---------------------------------------------------------------------------

/// An M/M/c queue: Poisson arrivals at rate `lambda` a day, `c` servers,
/// exponential service at rate `mu` a day per server, first come first served,
/// unlimited waiting room.
///
/// With offered load `a = lambda / mu` and utilisation `rho = a / c < 1`:
///
/// * Erlang C, the probability that an arrival waits:
///   `C(c, a) = [a^c / c! * c / (c - a)] / [sum_{k=0}^{c-1} a^k / k! + a^c / c! * c / (c - a)]`.
///   It is computed through the Erlang B recursion `B(0) = 1`,
///   `B(k) = a B(k-1) / (k + a B(k-1))`, then `C = c B / (c - a (1 - B))`,
///   which never forms the large factorials.
/// * Mean queue length `Lq = C rho / (1 - rho)`, mean wait `Wq = C / (c mu - lambda)`.
/// * Mean number in system `L = Lq + a`; mean sojourn `W = Wq + 1 / mu`
///   (Little: `L = lambda W`).
/// * Waiting time: `P(Wq = 0) = 1 - C`; given a wait, `Wq ~ Exp(gamma)` with
///   `gamma = c mu - lambda`.
/// * Sojourn `T = Wq + S` with `S ~ Exp(mu)` independent of `Wq`, so
///   `P(T > t) = (1 - C) e^{-mu t} + C P(E + S > t)`, where `E ~ Exp(gamma)`
///   and the hypoexponential tail is
///   `P(E + S > t) = (gamma e^{-mu t} - mu e^{-gamma t}) / (gamma - mu)`
///   (`(1 + mu t) e^{-mu t}` when `gamma = mu`). For `c = 1` this reduces to
///   `P(T > t) = e^{-(mu - lambda) t}`.
#[derive(Debug, Clone, Copy)]
pub struct MMc {
    pub lambda: f64,
    pub mu: f64,
    pub c: u32,
}

impl MMc {
    /// Offered load `a = lambda / mu` (mean busy servers).
    pub fn offered(&self) -> f64 {
        self.lambda / self.mu
    }

    /// Utilisation `rho = lambda / (c mu)`.
    pub fn rho(&self) -> f64 {
        self.offered() / self.c as f64
    }

    /// Erlang C: probability that an arriving customer waits.
    pub fn erlang_c(&self) -> f64 {
        let a = self.offered();
        let c = self.c as f64;
        assert!(a < c, "unstable queue");
        let mut b = 1.0;
        for k in 1..=self.c {
            b = a * b / (k as f64 + a * b);
        }
        c * b / (c - a * (1.0 - b))
    }

    /// Mean number waiting.
    pub fn lq(&self) -> f64 {
        let rho = self.rho();
        self.erlang_c() * rho / (1.0 - rho)
    }

    /// Mean number in system.
    pub fn l(&self) -> f64 {
        self.lq() + self.offered()
    }

    /// Mean wait before service.
    pub fn wq(&self) -> f64 {
        self.erlang_c() / (self.c as f64 * self.mu - self.lambda)
    }

    /// Mean sojourn (wait plus service).
    pub fn w(&self) -> f64 {
        self.wq() + 1.0 / self.mu
    }

    /// `P(T <= t)` for the sojourn time `T`, closed form.
    pub fn sojourn_cdf(&self, t: f64) -> f64 {
        let c_w = self.erlang_c();
        let mu = self.mu;
        let gamma = self.c as f64 * mu - self.lambda;
        let hypo_tail = if (gamma - mu).abs() < 1e-12 * mu {
            (1.0 + mu * t) * (-mu * t).exp()
        } else {
            (gamma * (-mu * t).exp() - mu * (-gamma * t).exp()) / (gamma - mu)
        };
        1.0 - ((1.0 - c_w) * (-mu * t).exp() + c_w * hypo_tail)
    }

    /// `P(T <= t)` by numerical convolution of the waiting-time law (an atom
    /// `1 - C` at 0 and density `C gamma e^{-gamma s}`) with the service CDF,
    /// by the composite Simpson rule: an independent check of the closed form.
    pub fn sojourn_cdf_numeric(&self, t: f64) -> f64 {
        let c_w = self.erlang_c();
        let mu = self.mu;
        let gamma = self.c as f64 * mu - self.lambda;
        let service_cdf = |x: f64| 1.0 - (-mu * x).exp();
        let f = |s: f64| c_w * gamma * (-gamma * s).exp() * service_cdf(t - s);
        let n = 20_000; // even
        let h = t / n as f64;
        let mut sum = f(0.0) + f(t);
        for i in 1..n {
            sum += f(i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
        }
        (1.0 - c_w) * service_cdf(t) + sum * h / 3.0
    }

    /// Stationary `P(N = n)` for `n` in `0..=k_max` (birth-death balance).
    pub fn stationary(&self, k_max: usize) -> Vec<f64> {
        let mut p = vec![0.0; k_max + 1];
        p[0] = 1.0;
        for n in 1..=k_max {
            let served = (n.min(self.c as usize)) as f64 * self.mu;
            p[n] = p[n - 1] * self.lambda / served;
        }
        let total: f64 = p.iter().sum();
        p.iter_mut().for_each(|x| *x /= total);
        p
    }

    /// `E[N(t)]` at each of `times` (ascending), starting empty at time 0:
    /// the Kolmogorov forward equations of the birth-death chain, truncated
    /// at `k_max` customers, integrated by classical Runge-Kutta with step
    /// `dt` days. Used to bound the bias left by the warm-up.
    pub fn transient_mean(&self, times: &[f64], k_max: usize, dt: f64) -> Vec<f64> {
        let (lambda, mu, c) = (self.lambda, self.mu, self.c as usize);
        let deriv = |p: &[f64], out: &mut [f64]| {
            for n in 0..=k_max {
                let birth_in = if n > 0 { lambda * p[n - 1] } else { 0.0 };
                let death_in = if n < k_max {
                    ((n + 1).min(c)) as f64 * mu * p[n + 1]
                } else {
                    0.0
                };
                let birth_out = if n < k_max { lambda } else { 0.0 };
                let death_out = n.min(c) as f64 * mu;
                out[n] = birth_in + death_in - (birth_out + death_out) * p[n];
            }
        };
        let m = k_max + 1;
        let mut p = vec![0.0; m];
        p[0] = 1.0;
        let (mut k1, mut k2, mut k3, mut k4, mut tmp) = (
            vec![0.0; m],
            vec![0.0; m],
            vec![0.0; m],
            vec![0.0; m],
            vec![0.0; m],
        );
        let mut now = 0.0;
        let mut out = Vec::with_capacity(times.len());
        for &target in times {
            while now < target - 1e-12 {
                let h = dt.min(target - now);
                deriv(&p, &mut k1);
                for i in 0..m {
                    tmp[i] = p[i] + 0.5 * h * k1[i];
                }
                deriv(&tmp, &mut k2);
                for i in 0..m {
                    tmp[i] = p[i] + 0.5 * h * k2[i];
                }
                deriv(&tmp, &mut k3);
                for i in 0..m {
                    tmp[i] = p[i] + h * k3[i];
                }
                deriv(&tmp, &mut k4);
                for i in 0..m {
                    p[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
                }
                now += h;
            }
            out.push(p.iter().enumerate().map(|(n, x)| n as f64 * x).sum());
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Statistics
// ---------------------------------------------------------------------------

/// Mean of independent observations and its standard error (sample standard
/// deviation over the square root of the count).
#[derive(Debug, Clone, Copy)]
pub struct Estimate {
    pub mean: f64,
    pub sd: f64,
    pub se: f64,
}

impl Estimate {
    pub fn of(xs: &[f64]) -> Estimate {
        let n = xs.len();
        assert!(n >= 2, "need at least two observations");
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        Estimate {
            mean,
            sd: var.sqrt(),
            se: (var / n as f64).sqrt(),
        }
    }

    /// The ratio estimator `sum x / sum y` over independent replications
    /// (for a per-customer share: customers on time over customers served),
    /// with its delta-method standard error
    /// `sqrt(sum (x_r - R y_r)^2 / (n (n - 1))) / mean(y)`. Unlike the mean
    /// of per-replication ratios, it weights every customer equally, so it
    /// estimates the long-run per-customer share with a bias of order
    /// 1 / (total customers) rather than 1 / (customers per replication).
    pub fn ratio(x: &[f64], y: &[f64]) -> Estimate {
        let n = x.len();
        assert!(n >= 2 && y.len() == n);
        let r = x.iter().sum::<f64>() / y.iter().sum::<f64>();
        let y_bar = y.iter().sum::<f64>() / n as f64;
        let ss: f64 = x.iter().zip(y).map(|(a, b)| (a - r * b).powi(2)).sum();
        let se = (ss / (n * (n - 1)) as f64).sqrt() / y_bar;
        Estimate {
            mean: r,
            sd: se * (n as f64).sqrt(),
            se,
        }
    }

    /// Distance from `target` in standard errors.
    pub fn z(&self, target: f64) -> f64 {
        (self.mean - target) / self.se
    }
}

// ---------------------------------------------------------------------------
// Scenarios and runs
// ---------------------------------------------------------------------------

/// A Monday, so reporting weeks are whole weeks from day 0.
pub fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 6).unwrap()
}

pub fn group(name: &str, fte: f64) -> StaffGroup {
    StaffGroup {
        name: name.into(),
        fte,
        start: None,
        end: None,
        hours_per_fte_year: None,
    }
}

/// Switches off what textbook queues do not have: cases all alike, fixed
/// staff with no turnover working one pooled queue by deadline, no evidence
/// step before the decision, every review meeting on time, fixed
/// psychologist capacity without commissioning, schools that never close,
/// no appeals.
pub fn textbook(s: &mut Scenario) {
    s.complexity = Vec::new();
    s.caseworkers.order = WorkOrder::earliest_deadline();
    s.caseworkers.pooled = true;
    s.caseworkers.establishment.enabled = false;
    s.caseworkers.workforce = Workforce::default();
    s.delays.decision_evidence = None;
    s.reviews.meeting_on_time_share = 1.0;
    s.psychologists.fte_growth_per_year = 0.0;
    s.psychologists.commission_above = None;
    s.school_closure.enabled = false;
    s.appeals.enabled = false;
}

/// The default county with everything switched off that is not needed for a
/// one-stage check: no reviews, panel, psychologists, initial state,
/// cessation, growth, seasonality, contact time or exceptions; flat profile;
/// every request refused right after the decision work; caseworkers with a
/// non-binding cap.
pub fn bare(days: u32) -> Scenario {
    let mut s = Scenario {
        name: "theory".into(),
        ..Scenario::default()
    };
    s.calendar.start = monday();
    s.calendar.days = days;
    s.backlog_cleared_at = 0;
    let r = &mut s.requests;
    r.enabled = true;
    r.growth_per_year = 0.0;
    r.monthly_profile = [1.0; 12];
    r.refused_share = 1.0;
    r.withdrawn_share = 0.0;
    r.no_plan_share = 0.0;
    r.exception_share = 0.0;
    r.under5_share = 0.0;
    s.panel.enabled = false;
    s.psychologists.enabled = false;
    s.reviews.enabled = false;
    s.cessation.per_year = 0.0;
    s.work.contact_hours_per_case_per_year = 0.0;
    s.caseworkers.cap = 100_000;
    s.caseworkers.groups = vec![group("caseworkers", 1.0)];
    textbook(&mut s);
    s.backlog_team = Vec::new();
    s.initial.plans_in_force = 0;
    s.initial.overdue_reviews = 0;
    s.initial.open_requests = Vec::new();
    s
}

/// The model reduced to one M/M/c queue: `c` whole-time caseworkers at
/// 365 productive hours a year (1 hour a day, so task hours are task days),
/// exponential decision work of mean `1 / mu` hours, Poisson requests at
/// `lambda` a day, each refused as soon as its decision work is done. The
/// earliest-deadline rule serves requests in arrival order (every deadline
/// is arrival + 42 days), so the discipline is first come first served.
pub fn single_queue(q: MMc, days: u32) -> Scenario {
    let mut s = bare(days);
    s.requests.per_year = q.lambda * 365.0;
    s.caseworkers.hours_per_fte_year = 365.0;
    s.caseworkers.groups = vec![group("servers", q.c as f64)];
    s.work.decision = Dist::Exponential { mean: 1.0 / q.mu };
    s
}

/// Runs `reps` replications of each scenario on every core, in batches of
/// `batch` replications (each batch a separate master seed, so batches are
/// independent) to bound memory, and hands every replication to `take`.
pub fn run_batched(
    scenarios: &[Scenario],
    reps: u64,
    batch: u64,
    seed: u64,
    mut take: impl FnMut(usize, &ReplicationResult),
) {
    let scenarios: Vec<ValidScenario> = scenarios.iter().map(valid).collect();
    let scenarios = &scenarios[..];
    let mut done = 0;
    let mut b = 0;
    while done < reps {
        let n = batch.min(reps - done);
        let cfg = RunConfig {
            master_seed: seed.wrapping_add(1_000_003 * b),
            replications: n,
            threads: None,
        };
        let run = experiment::run(scenarios, &cfg, &|_| {}, &AtomicBool::new(false))
            .expect("run finishes");
        for (i, sc) in run.scenarios.iter().enumerate() {
            for r in &sc.replications {
                take(i, r);
            }
        }
        done += n;
        b += 1;
    }
}

/// Mean of `metric` over weeks `weeks` of one replication.
pub fn weekly_mean(r: &ReplicationResult, metric: Metric, weeks: std::ops::Range<usize>) -> f64 {
    let n = weeks.len() as f64;
    weeks.map(|w| r.weekly_value(w, metric)).sum::<f64>() / n
}

/// Sum of `metric` over weeks `weeks` of one replication.
pub fn weekly_sum(r: &ReplicationResult, metric: Metric, weeks: std::ops::Range<usize>) -> f64 {
    weeks.map(|w| r.weekly_value(w, metric)).sum()
}

/// Overdue reviews at the start of [`backlog`]: the county of MODEL.md
/// section 8.
pub const BACKLOG_PLANS: u32 = 1600;
/// Productive hours per FTE-year of the backlog team in [`backlog`].
pub const BACKLOG_HOURS: f64 = 1450.0;

/// BACKLOG_PLANS plans in force, every one overdue at the start; reviews due again only
/// after 3,000 days (after the run); no amendments or cessations; no
/// requests. The caseworkers are one post of 0.02 FTE with a cap of 2,000
/// cases (so every plan is allocated and its review task is queued, which
/// is what lets the backlog team see it) working at 0.001 hours a year: it
/// takes the first review task at day 0 and never finishes it, so the
/// backlog team clears the other BACKLOG_PLANS - 1 and one review stays overdue.
pub fn backlog(review_hours: Dist, team_fte: f64, weeks: u32) -> Scenario {
    let mut s = bare(weeks * 7);
    s.requests.enabled = false;
    s.reviews.enabled = true;
    s.reviews.interval_days = 3000.0;
    s.reviews.under5_interval_days = 3000.0;
    s.reviews.amend_share = 0.0;
    s.reviews.cease_share = 0.0;
    s.work.review_decision = review_hours;
    s.caseworkers.cap = 100_000;
    s.caseworkers.groups = vec![StaffGroup {
        hours_per_fte_year: Some(0.001),
        ..group("stuck", 0.02)
    }];
    s.backlog_team = vec![StaffGroup {
        hours_per_fte_year: Some(BACKLOG_HOURS),
        ..group("backlog", team_fte)
    }];
    s.initial.plans_in_force = BACKLOG_PLANS;
    s.initial.overdue_reviews = BACKLOG_PLANS;
    s.initial.overdue_age_days = Dist::Uniform {
        min: 0.0,
        max: 365.0,
    };
    s.backlog_cleared_at = 1;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_matches_textbook_values() {
        // c = 1: C = rho.
        let q = MMc {
            lambda: 0.9,
            mu: 1.0,
            c: 1,
        };
        assert!((q.erlang_c() - 0.9).abs() < 1e-12);
        assert!((q.l() - 9.0).abs() < 1e-9);
        // c = 2, a = 1: C = 1/3 (direct formula: (1/2 * 2) / (1 + 1 + 1)).
        let q = MMc {
            lambda: 1.0,
            mu: 1.0,
            c: 2,
        };
        assert!((q.erlang_c() - 1.0 / 3.0).abs() < 1e-12);
        // Little's law holds between L and W.
        let q = MMc {
            lambda: 0.18,
            mu: 0.05,
            c: 4,
        };
        assert!((q.l() - q.lambda * q.w()).abs() < 1e-9);
        // Mean from the stationary distribution equals L.
        let p = q.stationary(2000);
        let mean: f64 = p.iter().enumerate().map(|(n, x)| n as f64 * x).sum();
        assert!((mean - q.l()).abs() < 1e-9, "{mean} vs {}", q.l());
    }

    #[test]
    fn closed_form_sojourn_matches_convolution() {
        for q in [
            MMc {
                lambda: 0.025,
                mu: 0.05,
                c: 1,
            },
            MMc {
                lambda: 0.225,
                mu: 0.25,
                c: 1,
            },
            MMc {
                lambda: 1.0 / 15.0,
                mu: 1.0 / 30.0,
                c: 4,
            },
            MMc {
                lambda: 0.18,
                mu: 0.05,
                c: 4,
            },
            MMc {
                lambda: 0.15,
                mu: 0.05,
                c: 4,
            }, // gamma = mu
        ] {
            for t in [5.0, 42.0, 100.0] {
                let a = q.sojourn_cdf(t);
                let b = q.sojourn_cdf_numeric(t);
                assert!((a - b).abs() < 1e-9, "{q:?} t={t}: {a} vs {b}");
            }
        }
        // c = 1: P(T <= t) = 1 - exp(-(mu - lambda) t).
        let q = MMc {
            lambda: 0.025,
            mu: 0.05,
            c: 1,
        };
        assert!((q.sojourn_cdf(42.0) - (1.0 - (-0.025f64 * 42.0).exp())).abs() < 1e-12);
    }

    #[test]
    fn transient_mean_converges_to_l() {
        let q = MMc {
            lambda: 0.18,
            mu: 0.05,
            c: 4,
        };
        // The slowest mode decays like exp(-t / 1,500 days) or so; after
        // 60,000 days it is gone to far below 1e-9.
        let m = q.transient_mean(&[0.0, 60_000.0], 600, 0.5);
        assert_eq!(m[0], 0.0);
        assert!((m[1] - q.l()).abs() < 1e-9, "{} vs {}", m[1], q.l());
    }
}
