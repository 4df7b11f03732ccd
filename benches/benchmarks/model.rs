//! One replication, reported in events per second (criterion's element
//! throughput): the built-in medium county over 5 and 10 years, and England
//! as one council (`scenarios/national-england.toml`, one year), whose
//! thousands of caseworkers and 640,000 plans show how the cost of an event
//! grows with scale.

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use ehcsim::model::simulate;
use ehcsim::scenario::{self, Scenario, ValidScenario};
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// Benchmarks one replication of `s` (seed 1), with the events of that
/// replication as its throughput (events vary a little with the seed).
fn replication(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    id: BenchmarkId,
    s: &ValidScenario,
) {
    let never = AtomicBool::new(false);
    let events = simulate(s, 0, 1, &never).map_or(1, |r| r.events);
    group.throughput(Throughput::Elements(events));
    group.bench_with_input(id, s, |b, s| b.iter(|| simulate(s, 0, 1, &never)));
}

fn medium_county(c: &mut Criterion) {
    let mut group = c.benchmark_group("medium_county_replication");
    group.sample_size(20);
    for years in [5u32, 10] {
        let mut s = Scenario::default();
        s.calendar.days = years * 52 * 7;
        let s = s.validate().expect("the medium county is valid");
        replication(&mut group, BenchmarkId::new("years", years), &s);
    }
    group.finish();
}

fn national(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/national-england.toml");
    let s = scenario::load(&path).expect("scenarios/national-england.toml loads");
    let mut group = c.benchmark_group("national_england_replication");
    // A replication takes seconds: the fewest samples criterion allows.
    group.sample_size(10);
    replication(&mut group, BenchmarkId::new("years", 1), &s);
    group.finish();
}

criterion_group!(benches, medium_county, national);
