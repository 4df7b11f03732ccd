//! Priority queues ordered by an `f64` key, ties broken by insertion order so
//! a run never depends on how the heap happens to arrange equal keys: the
//! future-event list and the work queues.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Simulation time in days since the scenario's start date.
pub type Time = f64;

struct Entry<T> {
    key: f64,
    seq: u64,
    item: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Entry<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the smallest first.
        other
            .key
            .total_cmp(&self.key)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// A min-priority queue by an `f64` key, equal keys in insertion order.
/// Used for the future-event list and for work queues ordered by deadline.
pub struct KeyedHeap<T> {
    heap: BinaryHeap<Entry<T>>,
    next_seq: u64,
}

impl<T> KeyedHeap<T> {
    /// An empty heap with room for `capacity` items.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            heap: BinaryHeap::with_capacity(capacity),
            next_seq: 0,
        }
    }

    /// Adds `item` with priority `key` (smaller first).
    #[inline]
    pub fn push(&mut self, key: f64, item: T) {
        self.heap.push(Entry {
            key,
            seq: self.next_seq,
            item,
        });
        self.next_seq += 1;
    }

    /// The smallest key and its item, without removing them.
    #[inline]
    pub fn peek(&self) -> Option<(f64, &T)> {
        self.heap.peek().map(|e| (e.key, &e.item))
    }

    /// Removes and returns the item with the smallest key.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, T)> {
        self.heap.pop().map(|e| (e.key, e.item))
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

/// The future-event list: events of type `E` (a small `Copy` enum of
/// indices, so scheduling allocates nothing once the heap has grown to its
/// working size) ordered by time, ties in the order they were scheduled.
pub struct EventQueue<E> {
    heap: KeyedHeap<E>,
    now: Time,
}

impl<E> EventQueue<E> {
    /// An empty queue with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            heap: KeyedHeap::with_capacity(capacity),
            now: 0.0,
        }
    }

    /// The time of the event last taken from the queue.
    #[inline]
    pub fn now(&self) -> Time {
        self.now
    }

    /// Schedules `event` at `time`; a time in the past is taken as now, so the
    /// clock never runs backwards.
    #[inline]
    pub fn schedule(&mut self, time: Time, event: E) {
        let time = if time < self.now { self.now } else { time };
        self.heap.push(time, event);
    }

    /// Schedules `event` `delay` days from now.
    #[inline]
    pub fn schedule_in(&mut self, delay: Time, event: E) {
        self.schedule(self.now + delay, event);
    }

    /// The time of the next event, if any.
    #[inline]
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|(t, _)| t)
    }

    /// Takes the next event and advances the clock to its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(Time, E)> {
        let (time, event) = self.heap.pop()?;
        self.now = time;
        Some((time, event))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_order_and_ties_in_insertion_order() {
        let mut q = EventQueue::with_capacity(8);
        q.schedule(5.0, 'a');
        q.schedule(1.0, 'b');
        q.schedule(5.0, 'c');
        q.schedule(1.0, 'd');
        q.schedule(3.0, 'e');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['b', 'd', 'e', 'a', 'c']);
        assert_eq!(q.now(), 5.0);
    }

    #[test]
    fn the_clock_never_runs_backwards() {
        let mut q = EventQueue::with_capacity(4);
        q.schedule(10.0, 1);
        q.pop();
        q.schedule(2.0, 2);
        assert_eq!(q.pop(), Some((10.0, 2)));
    }
}
