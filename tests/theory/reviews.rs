//! Annual reviews and cessation with known answers: plans in force on the
//! start date have their next review due uniformly over the coming
//! interval, so counts of reviews done, overdue or plans ceased by a date
//! are binomial.

use super::support::{bare, group, run_batched};
use ehcsim::engine::Dist;
use ehcsim::results::Metric;
use ehcsim::scenario::{Scenario, StaffGroup};

const N: u32 = 2000;

fn plans_only(weeks: u32) -> Scenario {
    let mut s = bare(weeks * 7);
    s.requests.enabled = false;
    s.reviews.enabled = true;
    s.reviews.interval_days = 365.0;
    s.reviews.under5_interval_days = 365.0;
    s.reviews.decision_limit_days = 28.0;
    s.reviews.amendment_limit_days = 84.0;
    s.reviews.amend_share = 0.0;
    s.reviews.cease_share = 0.0;
    s.work.review_decision = Dist::Fixed(2.0);
    s.initial.plans_in_force = N;
    s.initial.overdue_reviews = 0;
    s
}

/// Largest |Z| over weekly binomial checks, pooled over replications:
/// at week w, the R replications' counts sum to Binomial(R N, p_w).
fn worst_binomial_z(
    counts: &[Vec<f64>],
    p: impl Fn(usize) -> f64,
    reps: f64,
) -> (usize, f64, f64, f64) {
    let mut worst = (0, 0.0f64, 0.0, 0.0);
    for (w, c) in counts.iter().enumerate() {
        let pw = p(w);
        let n = reps * N as f64;
        let x: f64 = c.iter().sum();
        let sd = (n * pw * (1.0 - pw)).sqrt();
        let z = if sd > 0.0 {
            (x - n * pw) / sd
        } else if (x - n * pw).abs() < 1e-9 {
            0.0
        } else {
            f64::INFINITY
        };
        if z.abs() > worst.1.abs() {
            worst = (w, z, x / reps, n * pw / reps);
        }
    }
    worst
}

#[test]
fn reviews_fall_overdue_at_the_decision_limit_when_nobody_works_them() {
    overdue_without_capacity(20, 61);
}

#[test]
fn reviews_with_ample_capacity_are_done_on_time_and_plans_cease_at_the_hazard() {
    reviews_with_ample_capacity(20, 62);
}

#[test]
#[ignore = "heavier: 400 replications"]
fn reviews_and_cessation_tightly() {
    overdue_without_capacity(400, 63);
    reviews_with_ample_capacity(400, 64);
}

fn overdue_without_capacity(reps: u64, seed: u64) {
    // One caseworker post at 0.001 hours a year holds every plan (cap 2,000)
    // and never finishes a task, so no review is ever decided. A plan's
    // first review is due at U x 365 days (U uniform), its decision limit
    // passes 28 days later and it is overdue from then on: at a week end t
    // in [28, 393], the overdue count is Binomial(N, (t - 28) / 365), and N
    // after that. Weeks are 56 correlated checks; the largest |Z| of 56
    // standard normals exceeds 4.5 with probability under 4e-4.
    let mut s = plans_only(60);
    s.caseworkers.groups = vec![StaffGroup {
        hours_per_fte_year: Some(0.001),
        ..group("stuck", 1.0)
    }];
    s.caseworkers.cap = 2000;
    let weeks = s.calendar.weeks();
    let mut counts = vec![vec![]; weeks];
    run_batched(std::slice::from_ref(&s), reps, 100, seed, |_, r| {
        for (w, c) in counts.iter_mut().enumerate() {
            c.push(r.weekly_value(w, Metric::OverdueReviews));
        }
    });
    let cal = s.calendar.clone();
    let p = |w: usize| ((cal.week_end_day(w) - 28.0) / 365.0).clamp(0.0, 1.0);
    let (w, z, sim, theory) = worst_binomial_z(&counts, p, reps as f64);
    let mid = counts[26].iter().sum::<f64>() / reps as f64;
    println!(
        "reviews overdue with no capacity: {reps} reps x {N} plans\n  \
         week 26 (day 189): sim {mid:.1} theory {:.1}\n  \
         worst week {w}: sim {sim:.1} theory {theory:.1} z={z:+.2}",
        N as f64 * p(26)
    );
    assert!(
        z.abs() <= 4.5,
        "week {w}: overdue {sim} vs {theory} (z = {z})"
    );
}

fn reviews_with_ample_capacity(reps: u64, seed: u64) {
    // Ample caseworkers (50 posts for 2,000 plans, each review 2 h = 0.5
    // days of one post): nothing is ever overdue, and a plan's review is
    // completed 0.503 days after it falls due. Plans cease outside reviews
    // at a constant hazard with P(cease within a year) = 0.2; a plan whose
    // cessation date falls inside its half-day review ceases when the
    // review ends, a delay too small to see at week ends.
    //  * Ceased by week end t: Binomial(N, 1 - 0.8^(t / 365)).
    //  * Reviews completed in a week: while t <= 365 (first reviews only),
    //    the cumulative count by t is the number of plans whose first
    //    review is done by t and which had not ceased before it fell due:
    //    N x P(U x 365 + 0.503 <= t and no cessation before U x 365)
    //    = N / 365 x integral_0^{t - 0.503} 0.8^(u / 365) du.
    // Tolerance: largest |Z| over the weekly checks <= 4.5, as above.
    let mut s = plans_only(52);
    s.cessation.per_year = 0.2;
    s.caseworkers.groups = vec![group("ample", 50.0)];
    s.caseworkers.hours_per_fte_year = 1450.0;
    let weeks = s.calendar.weeks();
    let (mut ceased, mut done, mut overdue) = (vec![vec![]; weeks], vec![vec![]; weeks], 0.0f64);
    run_batched(std::slice::from_ref(&s), reps, 100, seed, |_, r| {
        let mut total = 0.0;
        for w in 0..weeks {
            ceased[w].push(r.weekly_value(w, Metric::PlansCeasedTotal));
            total += r.weekly_value(w, Metric::ReviewsCompleted);
            done[w].push(total);
            overdue = overdue.max(r.weekly_value(w, Metric::OverdueReviews));
        }
    });
    let cal = s.calendar.clone();
    let work = 2.0 / (1450.0 / 365.0);
    let k = -(0.8f64.ln()) / 365.0;
    let p_ceased = |w: usize| 1.0 - (-k * cal.week_end_day(w)).exp();
    let p_done = |w: usize| {
        let t = (cal.week_end_day(w) - work).clamp(0.0, 365.0);
        (1.0 - (-k * t).exp()) / k / 365.0
    };
    let (wc, zc, sc, tc) = worst_binomial_z(&ceased, p_ceased, reps as f64);
    let (wd, zd, sd, td) = worst_binomial_z(&done, p_done, reps as f64);
    println!(
        "reviews with ample capacity: {reps} reps x {N} plans, 52 weeks\n  \
         ceased by week 51: sim {:.1} theory {:.1}; worst week {wc}: sim {sc:.1} theory {tc:.1} z={zc:+.2}\n  \
         reviews done by week 51: sim {:.1} theory {:.1}; worst week {wd}: sim {sd:.1} theory {td:.1} z={zd:+.2}\n  \
         largest overdue count: {overdue}",
        ceased[51].iter().sum::<f64>() / reps as f64,
        N as f64 * p_ceased(51),
        done[51].iter().sum::<f64>() / reps as f64,
        N as f64 * p_done(51),
    );
    assert_eq!(overdue, 0.0, "nothing overdue with ample capacity");
    assert!(
        zc.abs() <= 4.5,
        "ceased, week {wc}: {sc} vs {tc} (z = {zc})"
    );
    assert!(
        zd.abs() <= 4.5,
        "reviews done, week {wd}: {sd} vs {td} (z = {zd})"
    );
}
