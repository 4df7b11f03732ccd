//! One replication of the built-in medium county, reported in events per
//! second (criterion's element throughput), over 10 and 5 years.

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use ehcsim::model::simulate;
use ehcsim::scenario::Scenario;
use std::sync::atomic::AtomicBool;

fn medium_county(c: &mut Criterion) {
    let never = AtomicBool::new(false);
    let mut group = c.benchmark_group("medium_county_replication");
    group.sample_size(20);
    for years in [5u32, 10] {
        let mut s = Scenario::default();
        s.calendar.days = years * 52 * 7;
        // Events per replication vary a little with the seed; seed 1 is the
        // one measured, and its count sets the throughput.
        let s = s.validate().expect("the medium county is valid");
        let events = simulate(&s, 0, 1, &never).map_or(1, |r| r.events);
        group.throughput(Throughput::Elements(events));
        group.bench_with_input(BenchmarkId::new("years", years), &s, |b, s| {
            b.iter(|| simulate(s, 0, 1, &never))
        });
    }
    group.finish();
}

criterion_group!(benches, medium_county);
