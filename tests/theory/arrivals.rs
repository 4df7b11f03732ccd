//! The request arrival process: a Poisson process whose rate on day d is
//! `per_year / 365 * (1 + g)^((d + 0.5) / 365) * profile[month] * 365 /
//! sum_m(profile[m] * days_in_month[m])` (February counted as 28 days), so
//! weekly counts are independent Poisson variables with means equal to the
//! sums of those daily rates.

use super::support::{bare, group, run_batched};
use chrono::{Datelike, Duration, NaiveDate};
use ehcsim::results::Metric;
use ehcsim::scenario::Scenario;

const MONTH_DAYS: [f64; 12] = [31., 28., 31., 30., 31., 30., 31., 31., 30., 31., 30., 31.];

/// The daily rate written out independently of the model's own table.
fn daily_rates(s: &Scenario) -> Vec<f64> {
    let r = &s.requests;
    let weighted: f64 = r
        .monthly_profile
        .iter()
        .zip(MONTH_DAYS)
        .map(|(p, d)| p * d)
        .sum();
    (0..s.calendar.days)
        .map(|d| {
            let month = (s.calendar.start + Duration::days(d as i64)).month0() as usize;
            r.per_year / 365.0
                * (1.0 + r.growth_per_year).powf((d as f64 + 0.5) / 365.0)
                * r.monthly_profile[month]
                * 365.0
                / weighted
        })
        .collect()
}

/// Expected requests in each reporting week.
fn weekly_means(s: &Scenario) -> Vec<f64> {
    let rates = daily_rates(s);
    let cal = &s.calendar;
    (0..cal.weeks())
        .map(|w| {
            let from = if w == 0 { 0.0 } else { cal.week_end_day(w - 1) };
            let to = cal.week_end_day(w);
            rates[from as usize..to as usize].iter().sum()
        })
        .collect()
}

#[test]
fn daily_rate_formula_sanity() {
    // A flat profile with no growth gives per_year in a 365-day year; with
    // growth g the first year gives per_year * g / ln(1 + g) (the mean of
    // (1 + g)^t over t in [0, 1], up to the midpoint rule's 1e-6).
    let mut s = bare(365);
    s.calendar.start = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    s.requests.per_year = 500.0;
    let total: f64 = daily_rates(&s).iter().sum();
    assert!((total - 500.0).abs() < 1e-9);
    s.requests.growth_per_year = 0.1;
    let total: f64 = daily_rates(&s).iter().sum();
    assert!((total - 500.0 * 0.1 / 1.1f64.ln()).abs() < 1e-3, "{total}");
}

#[test]
fn arrivals_are_poisson_with_the_profiled_growing_rate() {
    check_arrivals(200, 51);
}

#[test]
#[ignore = "heavier: 1,000 replications"]
fn arrivals_are_poisson_tightly() {
    check_arrivals(1000, 52);
}

fn check_arrivals(reps: u64, seed: u64) {
    // 500 requests a year growing 10% a year, the default seasonal profile
    // (August 0.4, March and July 1.3), three years from Wednesday
    // 1 April 2026 (so the first week is partial). Requests are refused as
    // soon as decided; the staffing does not affect arrivals.
    let mut s = bare(3 * 365);
    s.calendar.start = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    s.requests.per_year = 500.0;
    s.requests.growth_per_year = 0.10;
    s.requests.monthly_profile = ehcsim::scenario::Scenario::default()
        .requests
        .monthly_profile;
    s.caseworkers.groups = vec![group("caseworkers", 5.0)];
    let means = weekly_means(&s);
    let weeks = means.len();
    let mut counts = vec![vec![]; weeks];
    run_batched(std::slice::from_ref(&s), reps, 100, seed, |_, r| {
        for (w, c) in counts.iter_mut().enumerate() {
            c.push(r.weekly_value(w, Metric::RequestsReceived));
        }
    });
    let n = reps as f64;

    // (1) Total: sum of independent Poisson counts, so
    //     Z = (sum X - sum mean) / sqrt(sum mean) is close to N(0, 1); |Z| <= 4.
    let total: f64 = counts.iter().flatten().sum();
    let expected: f64 = means.iter().sum::<f64>() * n;
    let z_total = (total - expected) / expected.sqrt();

    // (2) Shape over time: blocks of 4 weeks (40 blocks), each
    //     Z_b = (sum X - sum mean) / sqrt(sum mean). The largest of 40
    //     standard normals exceeds 4.5 with probability about 40 x 6.8e-6
    //     = 3e-4, so max |Z_b| <= 4.5.
    let mut worst_block = (0usize, 0.0f64, 0.0, 0.0);
    for (b, chunk) in (0..weeks).collect::<Vec<_>>().chunks(4).enumerate() {
        let x: f64 = chunk.iter().map(|&w| counts[w].iter().sum::<f64>()).sum();
        let m: f64 = chunk.iter().map(|&w| means[w]).sum::<f64>() * n;
        let z = (x - m) / m.sqrt();
        if z.abs() > worst_block.1.abs() {
            worst_block = (b, z, x / n, m / n);
        }
    }

    // (3) Dispersion: D = sum over weeks and replications of
    //     (X - mean)^2 / mean. For Poisson X, E[(X - m)^2 / m] = 1 and
    //     Var[(X - m)^2 / m] = 2 + 1/m, so D has mean N (the number of
    //     cells) and SD sqrt(sum (2 + 1/m)); |D - N| <= 4 SD. D / N is the
    //     index of dispersion (1 for Poisson).
    let mut d = 0.0;
    let mut var_d = 0.0;
    let mut cells = 0.0;
    for (w, c) in counts.iter().enumerate() {
        let m = means[w];
        for &x in c {
            d += (x - m).powi(2) / m;
            var_d += 2.0 + 1.0 / m;
            cells += 1.0;
        }
    }
    let z_disp = (d - cells) / var_d.sqrt();

    // The first 52 weeks, for the report.
    let y1 = (0..52).map(|w| counts[w].iter().sum::<f64>()).sum::<f64>() / n;
    let m1: f64 = means[..52].iter().sum();
    println!(
        "arrivals: 500/yr, growth 10%, seasonal profile, {reps} reps x {weeks} weeks\n  \
         total: sim {:.1} theory {:.1} per replication, z={z_total:+.2}\n  \
         worst 4-week block #{}: sim {:.2} theory {:.2} per replication, z={:+.2}\n  \
         index of dispersion: {:.4} (theory 1; z={z_disp:+.2})\n  \
         first 52 weeks: sim {y1:.1} theory {m1:.1} per replication",
        total / n,
        expected / n,
        worst_block.0,
        worst_block.2,
        worst_block.3,
        worst_block.1,
        d / cells
    );
    assert!(z_total.abs() <= 4.0, "total arrivals z = {z_total}");
    assert!(
        worst_block.1.abs() <= 4.5,
        "block {} z = {}",
        worst_block.0,
        worst_block.1
    );
    assert!(z_disp.abs() <= 4.0, "dispersion z = {z_disp}");
}
