//! The future-event list on its own: a hold model (pop one, push one) at
//! the queue sizes the medium county reaches.

use criterion::{criterion_group, BenchmarkId, Criterion, Throughput};
use ehcsim::engine::EventQueue;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn hold(c: &mut Criterion) {
    let mut group = c.benchmark_group("event_queue_hold");
    for size in [1_000usize, 20_000] {
        group.throughput(Throughput::Elements(100_000));
        group.bench_with_input(BenchmarkId::from_parameter(size), &size, |b, &size| {
            let mut rng = ChaCha8Rng::seed_from_u64(1);
            let mut q = EventQueue::new(36_500.0, size + 1);
            for i in 0..size {
                q.schedule(rng.random::<f64>() * 365.0, i as u32);
            }
            b.iter(|| {
                for _ in 0..100_000 {
                    if let Some((_, e)) = q.pop() {
                        q.schedule_in(rng.random::<f64>() * 365.0, e);
                    }
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, hold);
