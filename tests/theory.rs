//! Theory checks: the model reduced to cases with known answers (MODEL.md
//! section 9). Queueing theory for one stage of exponential work (Erlang C),
//! exact arithmetic with ample capacity, Little's law, backlog clearance
//! arithmetic and the request arrival process.
//!
//! `cargo test --release --test theory -- --nocapture` prints each check's
//! simulated and theoretical figures side by side; the heavier variants run
//! with `-- --ignored`.

#[path = "theory/support.rs"]
mod support;

#[path = "theory/queues.rs"]
mod queues;

#[path = "theory/ample.rs"]
mod ample;

#[path = "theory/little.rs"]
mod little;

#[path = "theory/backlog.rs"]
mod backlog;

#[path = "theory/arrivals.rs"]
mod arrivals;

#[path = "theory/reviews.rs"]
mod reviews;
