//! How close ehcsim's engine comes to a bare event loop: the same M/M/10
//! queue (Poisson requests, ten servers, exponential work, first come first
//! served, utilisation 0.8) run by a plain binary-heap loop written for it
//! and by ehcsim reduced to that queue (`scenarios/mm1-queue.toml` with ten
//! caseworkers and ten times the requests). Both are reported in requests
//! per second, and the ratio is printed from one run of this file, since
//! criterion compares a benchmark only with its own earlier runs.

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use ehcsim::model::simulate;
use ehcsim::scenario::{self, ValidScenario};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

/// Servers.
const C: u32 = 10;
/// Years simulated: with [`PER_YEAR`], about a million requests.
const YEARS: u32 = 10;
/// Requests a year.
const PER_YEAR: f64 = 100_000.0;
/// Productive hours a caseworker works in a year (`mm1-queue.toml`).
const HOURS_PER_YEAR: f64 = 1450.0;
/// Utilisation, `lambda / (c mu)`.
const RHO: f64 = 0.8;

/// Mean work per request in hours, for utilisation [`RHO`].
fn mean_hours() -> f64 {
    RHO * f64::from(C) * HOURS_PER_YEAR / PER_YEAR
}

/// The plain loop: a binary heap of (time, event) and a FIFO of waiting
/// arrival times; time in days. Returns (requests served, mean wait in
/// days) so that the work cannot be optimised away and the queue can be
/// checked against Erlang C.
fn plain_loop(seed: u64) -> (u64, f64) {
    let lambda = PER_YEAR / 365.0;
    let mu = HOURS_PER_YEAR / 365.0 / mean_hours();
    let end = f64::from(YEARS) * 365.0;
    let arrival_gap = Exp::new(lambda).expect("a positive rate");
    let work = Exp::new(mu).expect("a positive rate");
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    // Key: the time's bits (times are non-negative, so the bits sort as
    // the times do); value: 0 for an arrival, 1 for a departure.
    let mut events: BinaryHeap<Reverse<(u64, u8)>> = BinaryHeap::with_capacity(64);
    let mut waiting: VecDeque<f64> = VecDeque::with_capacity(1024);
    let mut free = C;
    let (mut served, mut waited) = (0u64, 0.0);
    events.push(Reverse((arrival_gap.sample(&mut rng).to_bits(), 0)));
    while let Some(Reverse((bits, kind))) = events.pop() {
        let now = f64::from_bits(bits);
        if now >= end {
            break;
        }
        if kind == 0 {
            let next = now + arrival_gap.sample(&mut rng);
            events.push(Reverse((next.to_bits(), 0)));
            if free > 0 {
                free -= 1;
                served += 1;
                events.push(Reverse(((now + work.sample(&mut rng)).to_bits(), 1)));
            } else {
                waiting.push_back(now);
            }
        } else if let Some(arrived) = waiting.pop_front() {
            waited += now - arrived;
            served += 1;
            events.push(Reverse(((now + work.sample(&mut rng)).to_bits(), 1)));
        } else {
            free += 1;
        }
    }
    (served, waited / served.max(1) as f64)
}

/// ehcsim reduced to the same queue.
fn ehcsim_queue() -> ValidScenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mm1-queue.toml");
    let mut s = scenario::load(&path)
        .expect("scenarios/mm1-queue.toml loads")
        .into_inner();
    s.calendar.days = YEARS * 52 * 7;
    s.requests.per_year = PER_YEAR;
    s.work.decision = ehcsim::engine::Dist::Exponential { mean: mean_hours() };
    assert_eq!(s.caseworkers.groups.len(), 1, "mm1-queue has one group");
    s.caseworkers.groups[0].fte = f64::from(C);
    s.validate().expect("the reduced queue is valid")
}

/// Best of `n` timings of `f`, in seconds.
fn best_of(n: u32, mut f: impl FnMut()) -> f64 {
    (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn mmc(c: &mut Criterion) {
    let s = ehcsim_queue();
    let never = AtomicBool::new(false);
    let requests = (PER_YEAR * f64::from(YEARS)) as u64;
    // The ratio, measured here in one run: best of five for each (the best
    // is the least disturbed by anything else on the machine).
    let plain = best_of(5, || {
        std::hint::black_box(plain_loop(1));
    });
    let model = best_of(5, || {
        std::hint::black_box(simulate(&s, 0, 1, &never));
    });
    let (served, wait) = plain_loop(1);
    println!(
        "M/M/{C} at utilisation {RHO}, {requests} requests: plain loop {:.2} M requests/s \
         (served {served}, mean wait {:.4} days), ehcsim {:.2} M requests/s; \
         ehcsim / plain loop = {:.2}",
        requests as f64 / plain / 1e6,
        wait,
        requests as f64 / model / 1e6,
        plain / model,
    );
    let mut group = c.benchmark_group("mm10_queue");
    group.sample_size(10);
    group.throughput(Throughput::Elements(requests));
    group.bench_function(BenchmarkId::new("plain_loop", C), |b| {
        b.iter(|| plain_loop(1))
    });
    group.bench_function(BenchmarkId::new("ehcsim", C), |b| {
        b.iter(|| simulate(&s, 0, 1, &never))
    });
    group.finish();
}

criterion_group!(benches, mmc);
