//! Benchmarks: `cargo bench`. Each group lives in `benchmarks/<topic>.rs`.

use criterion::criterion_main;

mod benchmarks;

criterion_main! {
    benchmarks::model::benches,
    benchmarks::engine::benches,
    benchmarks::queue::benches,
}
