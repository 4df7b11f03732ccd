//! A domain-free discrete-event engine: the clock and future-event list,
//! random streams and distributions. Nothing here knows about EHC plans.

mod dist;
mod prefetch;
mod queue;
mod rng;

pub use dist::{Dist, Sampler};
pub use prefetch::prefetch;
pub use queue::{EventQueue, HeapItem, IndexedHeap, KeyedHeap, Ticket, Time};
pub use rng::{mix64, replication_seed, stream, KeyedRng, StreamRng};
