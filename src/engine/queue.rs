//! Priority queues ordered by an `f64` key, ties broken by insertion order so
//! a run never depends on how the heap happens to arrange equal keys: the
//! future-event list and the work queues.

use super::prefetch::prefetch;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

/// Simulation time in days since the scenario's start date.
pub type Time = f64;

/// A pending event. Time and sequence number are packed into one integer
/// (the time's order-preserving bits above the sequence number), so the day
/// bucket's sort and the late heap compare one `u128` instead of an `f64` by
/// `total_cmp` and then a tie-break.
#[derive(Clone, Copy)]
struct Entry<T> {
    order: u128,
    item: T,
}

impl<T> Entry<T> {
    #[inline]
    fn new(key: f64, seq: u64, item: T) -> Self {
        Self {
            order: (ordered_bits(key) as u128) << 64 | seq as u128,
            item,
        }
    }
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.order == other.order
    }
}
impl<T> Eq for Entry<T> {}
impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Entry<T> {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        // Reversed: BinaryHeap is a max-heap and we want the smallest first.
        other.order.cmp(&self.order)
    }
}

/// `key`'s bits mapped so that unsigned order is `f64::total_cmp`'s order:
/// the work queues compare keys on every step of a sift, and an integer
/// comparison is cheaper than re-deriving the total order each time.
#[inline]
fn ordered_bits(key: f64) -> u64 {
    let b = key.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// The time of an event's packed order (time bits above sequence number).
#[inline]
fn time_of(order: u128) -> f64 {
    key_of((order >> 64) as u64)
}

/// The inverse of [`ordered_bits`].
#[inline]
fn key_of(bits: u64) -> f64 {
    f64::from_bits(if bits >> 63 == 1 {
        bits & !(1 << 63)
    } else {
        !bits
    })
}

/// Children per node of a [`KeyedHeap`]: four halves the depth of a binary
/// heap, and a node's children share a cache line or two.
const ARITY: usize = 4;

/// An item of a [`KeyedHeap`], packed into 64 bits whose unsigned order is
/// the items' order: a (key, item) pair is then one `u128`, and a sift's
/// comparisons are integer compares without branches.
pub trait HeapItem: Copy {
    /// The packed bits.
    fn to_bits(self) -> u64;
    /// The item packed as `bits`.
    fn from_bits(bits: u64) -> Self;
}

impl HeapItem for u32 {
    #[inline]
    fn to_bits(self) -> u64 {
        self as u64
    }
    #[inline]
    fn from_bits(bits: u64) -> Self {
        bits as u32
    }
}

impl HeapItem for (u32, u32) {
    #[inline]
    fn to_bits(self) -> u64 {
        (self.0 as u64) << 32 | self.1 as u64
    }
    #[inline]
    fn from_bits(bits: u64) -> Self {
        ((bits >> 32) as u32, bits as u32)
    }
}

/// A min-priority queue by an `f64` key, equal keys in the items' own order
/// (so the order never depends on how the heap arranges equal keys). Used
/// for work queues ordered by deadline; items are packed into 64 bits (see
/// [`HeapItem`]).
///
/// Since (key, item) pairs are totally ordered (and equal pairs cannot be
/// told apart), the order of pops is fixed by the pairs alone, whatever the
/// heap's shape: a four-ary heap pops exactly what a binary one would.
pub struct KeyedHeap<T> {
    /// Each entry's key's order-preserving bits above its item's bits.
    heap: Vec<u128>,
    item: std::marker::PhantomData<T>,
}

impl<T: HeapItem> KeyedHeap<T> {
    /// An empty heap with room for `capacity` items.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            heap: Vec::with_capacity(capacity),
            item: std::marker::PhantomData,
        }
    }

    #[inline]
    fn unpack(entry: u128) -> (f64, T) {
        (key_of((entry >> 64) as u64), T::from_bits(entry as u64))
    }

    /// Adds `item` with priority `key` (smaller first).
    #[inline]
    pub fn push(&mut self, key: f64, item: T) {
        let entry = (ordered_bits(key) as u128) << 64 | item.to_bits() as u128;
        let mut at = self.heap.len();
        self.heap.push(entry);
        while at > 0 {
            let parent = (at - 1) / ARITY;
            if entry >= self.heap[parent] {
                break;
            }
            self.heap[at] = self.heap[parent];
            at = parent;
        }
        self.heap[at] = entry;
    }

    /// The smallest key and its item, without removing them.
    #[inline]
    pub fn peek(&self) -> Option<(f64, T)> {
        self.heap.first().map(|&e| Self::unpack(e))
    }

    /// Starts loading the memory a coming `pop` or `push` touches first:
    /// the root, and the last entry (beside which a push lands).
    #[inline]
    pub fn prefetch(&self) {
        if let (Some(first), Some(last)) = (self.heap.first(), self.heap.last()) {
            prefetch(first);
            prefetch(last);
        }
    }

    /// Removes and returns the item with the smallest key.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, T)> {
        let last = self.heap.pop()?;
        let Some(&top) = self.heap.first() else {
            return Some(Self::unpack(last));
        };
        // Sift the last entry down from the root.
        let n = self.heap.len();
        let mut at = 0;
        loop {
            let first = at * ARITY + 1;
            if first >= n {
                break;
            }
            // The smallest child, chosen by masks rather than branches
            // (which child wins is as good as random, and a branch on it
            // is mispredicted about as often as not).
            let (mut best, mut least) = (first, self.heap[first]);
            for c in first + 1..(first + ARITY).min(n) {
                let v = self.heap[c];
                let less = v < least;
                let mask = (less as u128).wrapping_neg();
                least = (v & mask) | (least & !mask);
                best = if less { c } else { best };
            }
            if least >= last {
                break;
            }
            self.heap[at] = least;
            at = best;
        }
        self.heap[at] = last;
        Some(Self::unpack(top))
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

/// Sorts a day's (time bits above place) keys: one pass into bins by the
/// top bits of the time's offset from the day's earliest, then each bin by
/// itself. A day's events spread over its hours, so the bins hold a few
/// each, and the whole costs a few operations a key where a comparison sort
/// of a national day's thirteen thousand costs dozens (and mispredicts a
/// branch on most). The result is exactly the sorted order: bins follow the
/// keys' order, and each bin is sorted in full.
#[derive(Default)]
struct BinSort {
    scratch: Vec<u128>,
    /// Per bin, its start, then (after the scatter) its end.
    ends: Vec<u32>,
}

impl BinSort {
    /// Below this many keys a comparison sort is as quick.
    const MIN_KEYS: usize = 64;

    fn sort(&mut self, keys: &mut Vec<u128>) {
        let n = keys.len();
        if n < Self::MIN_KEYS || n > u32::MAX as usize {
            keys.sort_unstable();
            return;
        }
        let time = |k: u128| (k >> 64) as u64;
        let (lo, hi) = keys.iter().fold((u64::MAX, 0), |(lo, hi), &k| {
            (lo.min(time(k)), hi.max(time(k)))
        });
        let span_bits = u64::BITS - (hi - lo).leading_zeros();
        if span_bits == 0 {
            // One time: the places, given in order, are the order.
            return;
        }
        // About two keys a bin, at most 2^12 bins.
        let bin_bits = (usize::BITS - (n / 2).leading_zeros()).clamp(1, 12);
        let shift = span_bits.saturating_sub(bin_bits);
        let bins = ((hi - lo) >> shift) as usize + 1;
        let bin = |k: u128| ((time(k) - lo) >> shift) as usize;
        self.ends.clear();
        self.ends.resize(bins, 0);
        for &k in keys.iter() {
            self.ends[bin(k)] += 1;
        }
        let mut start = 0;
        for e in &mut self.ends {
            let count = *e;
            *e = start;
            start += count;
        }
        self.scratch.clear();
        self.scratch.resize(n, 0);
        for &k in keys.iter() {
            let at = &mut self.ends[bin(k)];
            self.scratch[*at as usize] = k;
            *at += 1;
        }
        let mut from = 0;
        for &end in &self.ends {
            let b = &mut self.scratch[from..end as usize];
            if b.len() > 1 {
                b.sort_unstable();
            }
            from = end as usize;
        }
        std::mem::swap(keys, &mut self.scratch);
    }
}

/// Width in days of one bucket of the future-event list: a day holds about a
/// day of events (a few hundred in the medium county).
const BUCKET_DAYS: f64 = 1.0;
/// Emptied buckets are handed on only to buckets at most this many buckets
/// ahead: a recycled bucket keeps the room of a whole day of events, and
/// handing one to every far bucket that receives a single event (a leaver
/// years ahead) held about a gigabyte in a ten-year national run. Far
/// buckets grow by themselves, to about their own size.
const RECYCLE_AHEAD: usize = 14;
/// Room a far bucket is given with its first event: most receive a day's
/// events, hundreds or thousands, and growing from the allocator's
/// smallest room doubled several times a day (a copy each time); a
/// bucket that receives only a leaver years ahead holds 2 KB for it.
const FIRST_ROOM: usize = 64;
/// At most this many emptied buckets are kept for reuse.
const MAX_SPARE: usize = 64;

/// An event in the lane of cancellable events: it can be cancelled in place
/// and is then dropped, unhandled, when it reaches the front.
struct LaneEntry<T> {
    order: u128,
    item: T,
    live: bool,
}

/// Names an event scheduled with [`EventQueue::schedule_cancellable`], for
/// [`EventQueue::cancel`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket(u32);

impl Ticket {
    /// Names no event: cancelling it does nothing.
    pub const NONE: Ticket = Ticket(u32::MAX);
}

/// Where the next event comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Today,
    Late,
    Lane,
}

/// The future-event list: events of type `E` (a small `Copy` enum of
/// indices) ordered by time, ties in the order they were scheduled.
///
/// Most pending events lie far ahead (a plan's next review is up to a year
/// away), so events beyond the current day wait unsorted in daily buckets.
/// When its day comes a bucket is sorted once and then consumed from the
/// end; events scheduled into the current day after that go to a small heap,
/// and the earlier of the two heads is taken. Each event keeps the sequence
/// number it was given when scheduled, so the order is exactly that of one
/// heap. Emptied buckets are recycled into the buckets of the next days, so
/// once warm the queue allocates only for far buckets growing (a handful of
/// allocations a day, against thousands of events).
///
/// Events that will usually be cancelled (a statutory limit that most cases
/// meet) and whose times come in order can instead go to a first-in,
/// first-out lane, where cancelling one is marking it: it is then never
/// handled, and costs neither a bucket's sort nor a handler's look at its
/// case. Lane events take their sequence numbers from the same count, so
/// the order of the events that are handled is unchanged.
pub struct EventQueue<E> {
    /// The current day's bucket, sorted so that the next event is last.
    today: Vec<Entry<E>>,
    /// Events scheduled into the current day after it was sorted.
    late: BinaryHeap<Entry<E>>,
    /// `buckets[i]` holds events of bucket `i` (from day 0), for buckets
    /// after the current one; the last bucket takes everything beyond.
    buckets: Vec<Vec<Entry<E>>>,
    spare: Vec<Vec<Entry<E>>>,
    /// Room for sorting a bucket (see `advance_further`).
    sort_keys: Vec<u128>,
    day_sort: BinSort,
    /// Cancellable events in time order (cancelled ones still in place).
    lane: VecDeque<LaneEntry<E>>,
    /// The ticket number of `lane`'s front.
    lane_front: u32,
    /// Events before this time belong to the current day.
    boundary: Time,
    current: usize,
    next_seq: u64,
    now: Time,
    len: usize,
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue for a run of `horizon` days, with room for about
    /// `capacity` pending events.
    pub fn new(horizon: Time, capacity: usize) -> Self {
        let n = (horizon.max(0.0) / BUCKET_DAYS).ceil() as usize + 2;
        Self {
            today: Vec::with_capacity(capacity.min(1 << 12)),
            late: BinaryHeap::with_capacity(capacity.min(1 << 12)),
            buckets: (0..n).map(|_| Vec::new()).collect(),
            spare: Vec::new(),
            sort_keys: Vec::with_capacity(capacity.min(1 << 12)),
            day_sort: BinSort::default(),
            lane: VecDeque::with_capacity(capacity.min(1 << 12)),
            lane_front: 0,
            boundary: BUCKET_DAYS,
            current: 0,
            next_seq: 0,
            now: 0.0,
            len: 0,
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
        let entry = Entry::new(time, self.next_seq, event);
        self.next_seq += 1;
        self.len += 1;
        if time < self.boundary {
            self.late.push(entry);
        } else {
            let last = self.buckets.len() - 1;
            let index = ((time / BUCKET_DAYS) as usize).min(last);
            let bucket = &mut self.buckets[index];
            if bucket.capacity() == 0 {
                let near = index <= self.current + RECYCLE_AHEAD;
                match self.spare.pop_if(|_| near) {
                    Some(v) => *bucket = v,
                    None => bucket.reserve_exact(FIRST_ROOM),
                }
            }
            bucket.push(entry);
        }
    }

    /// Schedules `event` at `time` (or now, if earlier) so that it can be
    /// cancelled with the ticket returned. Events are put in the lane of
    /// cancellable events when their time is no earlier than the lane's last
    /// (the lane is first in, first out); otherwise they are scheduled as
    /// usual and [`Ticket::NONE`] is returned, so the caller must still
    /// recognise the event as stale when it comes.
    #[inline]
    pub fn schedule_cancellable(&mut self, time: Time, event: E) -> Ticket {
        let time = if time < self.now { self.now } else { time };
        let order = (ordered_bits(time) as u128) << 64 | self.next_seq as u128;
        if self.lane.back().is_some_and(|last| last.order > order) {
            self.schedule(time, event);
            return Ticket::NONE;
        }
        self.next_seq += 1;
        self.len += 1;
        let ticket = self.lane_front.wrapping_add(self.lane.len() as u32);
        self.lane.push_back(LaneEntry {
            order,
            item: event,
            live: true,
        });
        Ticket(ticket)
    }

    /// Cancels the event named by `ticket` if it is still pending and is
    /// `event` (so a ticket whose event has already been handled, however
    /// old, cancels nothing else).
    #[inline]
    pub fn cancel(&mut self, ticket: Ticket, event: &E)
    where
        E: PartialEq,
    {
        let at = ticket.0.wrapping_sub(self.lane_front) as usize;
        if let Some(entry) = self.lane.get_mut(at) {
            if entry.live && entry.item == *event {
                entry.live = false;
                self.len -= 1;
            }
        }
    }

    /// Schedules `event` `delay` days from now.
    #[inline]
    pub fn schedule_in(&mut self, delay: Time, event: E) {
        self.schedule(self.now + delay, event);
    }

    /// Drops cancelled events from the lane's front, and opens the next
    /// non-empty bucket once the current day is used up; false if no event
    /// is left. (A bucket may be opened while the lane's front is earlier:
    /// the heads are compared, so the order is the same.)
    #[inline]
    fn advance(&mut self) -> bool {
        // Nearly always: the lane's front is live (or the lane empty) and
        // the day has events left.
        if self.lane.front().is_none_or(|e| e.live)
            && !(self.today.is_empty() && self.late.is_empty())
        {
            return true;
        }
        self.advance_further()
    }

    /// [`EventQueue::advance`] past cancelled events or into the next day.
    #[inline(never)]
    fn advance_further(&mut self) -> bool {
        while self.lane.front().is_some_and(|e| !e.live) {
            self.lane.pop_front();
            self.lane_front = self.lane_front.wrapping_add(1);
        }
        while self.today.is_empty() && self.late.is_empty() {
            if self.current + 1 >= self.buckets.len() {
                return !self.lane.is_empty();
            }
            self.current += 1;
            self.boundary = if self.current + 1 == self.buckets.len() {
                f64::INFINITY
            } else {
                (self.current + 1) as f64 * BUCKET_DAYS
            };
            let mut bucket = std::mem::take(&mut self.buckets[self.current]);
            // A bucket's events were pushed in the order they were
            // scheduled, so their places in it order them as their sequence
            // numbers do: sorting (time, place) pairs, plain integers of
            // half an entry's size, gives the order of the entries, which
            // are then copied out latest first (the day is taken from the
            // end).
            self.sort_keys.clear();
            self.sort_keys.extend(
                bucket
                    .iter()
                    .enumerate()
                    .map(|(i, e)| e.order >> 64 << 64 | i as u128),
            );
            self.day_sort.sort(&mut self.sort_keys);
            self.today.extend(
                self.sort_keys
                    .iter()
                    .rev()
                    .map(|&k| bucket[k as u64 as usize]),
            );
            bucket.clear();
            if bucket.capacity() > 0 && self.spare.len() < MAX_SPARE {
                self.spare.push(bucket);
            }
        }
        true
    }

    /// Which head is the next event, with its order; after `advance`, the
    /// lane's front is live.
    #[inline]
    fn next_source(&self) -> Option<(u128, Source)> {
        let mut next = match (self.today.last(), self.late.peek()) {
            (Some(t), Some(l)) if l.order < t.order => Some((l.order, Source::Late)),
            (Some(t), _) => Some((t.order, Source::Today)),
            (None, Some(l)) => Some((l.order, Source::Late)),
            (None, None) => None,
        };
        if let Some(front) = self.lane.front() {
            if next.is_none_or(|(order, _)| front.order < order) {
                next = Some((front.order, Source::Lane));
            }
        }
        next
    }

    /// The time of the next event, if any.
    #[inline]
    pub fn peek_time(&mut self) -> Option<Time> {
        if !self.advance() {
            return None;
        }
        self.next_source().map(|(order, _)| time_of(order))
    }

    /// Takes the next event and advances the clock to its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(Time, E)> {
        self.pop_until(f64::INFINITY)
    }

    /// Takes the next event if its time is no later than `until` (and
    /// advances the clock to it); otherwise leaves it, and the clock, where
    /// they are. One look at the heads, where `peek_time` and then `pop`
    /// take two.
    #[inline]
    pub fn pop_until(&mut self, until: Time) -> Option<(Time, E)> {
        if !self.advance() {
            return None;
        }
        let (order, source) = self.next_source()?;
        let key = time_of(order);
        if key > until {
            return None;
        }
        let item = match source {
            Source::Today => self.today.pop()?.item,
            Source::Late => self.late.pop()?.item,
            Source::Lane => {
                self.lane_front = self.lane_front.wrapping_add(1);
                self.lane.pop_front()?.item
            }
        };
        self.now = key;
        self.len -= 1;
        Some((key, item))
    }

    /// The event `ahead` places after the next among the current day's
    /// events scheduled before the day began (events scheduled into the day
    /// since are not counted), or `None` past the day's end. A hint for
    /// fetching what those events will touch before they are handled, not
    /// the exact order.
    #[inline]
    pub fn upcoming(&self, ahead: usize) -> Option<&E> {
        let n = self.today.len();
        n.checked_sub(ahead + 1).map(|i| &self.today[i].item)
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// A min-heap of items `0..n`, each at most once with a key, whose key can
/// be changed or removed in O(log n) through each item's position: the
/// "who has the smallest load" question asked on every allocation, where
/// loads change on every case assigned or released. Keys must be totally
/// ordered and unique (include the item in the key to break ties).
#[derive(Debug, Default)]
pub struct IndexedHeap<K> {
    heap: Vec<(K, u32)>,
    /// Position of each item in `heap`, or `ABSENT`.
    pos: Vec<u32>,
}

const ABSENT: u32 = u32::MAX;

impl<K: Ord + Copy> IndexedHeap<K> {
    /// Sets item `i`'s key (`None` removes it).
    pub fn set(&mut self, i: u32, key: Option<K>) {
        let iu = i as usize;
        if iu >= self.pos.len() {
            self.pos.resize(iu + 1, ABSENT);
        }
        let at = self.pos[iu];
        match (at, key) {
            (ABSENT, None) => {}
            (ABSENT, Some(k)) => {
                self.heap.push((k, i));
                let last = self.heap.len() - 1;
                self.pos[iu] = last as u32;
                self.sift_up(last);
            }
            (at, Some(k)) => {
                let at = at as usize;
                let old = self.heap[at].0;
                self.heap[at].0 = k;
                if k < old {
                    self.sift_up(at);
                } else {
                    self.sift_down(at);
                }
            }
            (at, None) => {
                let at = at as usize;
                self.pos[iu] = ABSENT;
                let last = self.heap.pop().expect("an entered item is in the heap");
                if at < self.heap.len() {
                    self.heap[at] = last;
                    self.pos[last.1 as usize] = at as u32;
                    self.sift_up(at);
                    let now = self.pos[last.1 as usize] as usize;
                    self.sift_down(now);
                }
            }
        }
    }

    /// The item with the smallest key.
    #[inline]
    pub fn first(&self) -> Option<u32> {
        self.heap.first().map(|&(_, i)| i)
    }

    /// Number of items entered.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no item is entered.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Every entry, smallest key first (a sorted copy: for checks, not for
    /// the hot loop).
    pub fn sorted(&self) -> Vec<(K, u32)> {
        let mut v = self.heap.clone();
        v.sort_unstable();
        v
    }

    // Both sifts move a hole instead of swapping: each entry passed over
    // moves once and its position is written once, and the sifted entry is
    // written only where it stops. The comparisons, and so the heap's
    // shape, are those of swapping.
    fn sift_up(&mut self, mut at: usize) {
        let entry = self.heap[at];
        while at > 0 {
            let parent = (at - 1) / 2;
            if entry >= self.heap[parent] {
                break;
            }
            self.put(at, self.heap[parent]);
            at = parent;
        }
        self.put(at, entry);
    }

    fn sift_down(&mut self, mut at: usize) {
        let n = self.heap.len();
        let entry = self.heap[at];
        loop {
            let (l, r) = (2 * at + 1, 2 * at + 2);
            if l >= n {
                break;
            }
            let child = if r < n && self.heap[r] < self.heap[l] {
                r
            } else {
                l
            };
            if self.heap[child] >= entry {
                break;
            }
            self.put(at, self.heap[child]);
            at = child;
        }
        self.put(at, entry);
    }

    #[inline]
    fn put(&mut self, at: usize, entry: (K, u32)) {
        self.heap[at] = entry;
        self.pos[entry.1 as usize] = at as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_order_and_ties_in_insertion_order() {
        let mut q = EventQueue::new(10.0, 8);
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
    fn upcoming_looks_ahead_in_the_current_day() {
        let mut q = EventQueue::new(10.0, 8);
        for (t, e) in [(2.5, 'c'), (2.1, 'a'), (2.3, 'b'), (3.0, 'z')] {
            q.schedule(t, e);
        }
        assert_eq!(q.pop(), Some((2.1, 'a')));
        // Day 2's other events, in order; day 3 is not looked into.
        assert_eq!(q.upcoming(0), Some(&'b'));
        assert_eq!(q.upcoming(1), Some(&'c'));
        assert_eq!(q.upcoming(2), None);
        // An event scheduled into the day since is not counted.
        q.schedule(2.2, 'x');
        assert_eq!(q.upcoming(0), Some(&'b'));
        assert_eq!(q.pop(), Some((2.2, 'x')));
    }

    #[test]
    fn cancellable_events_keep_the_order_and_cancelled_ones_never_come() {
        // As below, with a third of the events in the lane (times from a
        // fixed delay, so in order, plus some out of order that fall back),
        // half of those cancelled at random: what comes out must be exactly
        // the reference order with the cancelled events left out.
        use rand::{Rng, SeedableRng};
        use std::collections::HashSet;
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut q = EventQueue::new(100.0, 16);
        let mut reference = KeyedHeap::with_capacity(16);
        let mut tickets = Vec::new();
        let mut cancelled = HashSet::new();
        let mut id = 0u32;
        let next = |q: &mut EventQueue<u32>,
                    reference: &mut KeyedHeap<u32>,
                    cancelled: &HashSet<u32>| loop {
            let x = reference.pop();
            match x {
                Some((_, i)) if cancelled.contains(&i) => continue,
                _ => return (q.pop(), x),
            }
        };
        for round in 0..3000 {
            for _ in 0..rng.random_range(0..4) {
                let lane = rng.random_range(0..3) == 0;
                let t = if lane && rng.random_range(0..10) > 0 {
                    q.now() + 7.5
                } else {
                    q.now() + (rng.random_range(0..300) as f64) / 2.0
                };
                if lane {
                    tickets.push((q.schedule_cancellable(t, id), id));
                } else {
                    q.schedule(t, id);
                }
                reference.push(t, id);
                id += 1;
            }
            if rng.random_range(0..2) == 0 && !tickets.is_empty() {
                // Mostly recent tickets, whose events are still pending.
                let at = tickets.len() - 1 - rng.random_range(0..tickets.len().min(8));
                let (ticket, i) = tickets.swap_remove(at);
                let before = q.len();
                q.cancel(ticket, &i);
                if q.len() < before {
                    cancelled.insert(i);
                }
            }
            if round % 3 != 0 {
                let (got, want) = next(&mut q, &mut reference, &cancelled);
                assert_eq!(got, want, "round {round}");
            }
        }
        assert!(cancelled.len() > 100, "{} cancelled", cancelled.len());
        loop {
            let (got, want) = next(&mut q, &mut reference, &cancelled);
            assert_eq!(got, want);
            if want.is_none() {
                break;
            }
        }
        assert!(q.is_empty());
    }

    #[test]
    fn bin_sort_is_a_full_sort() {
        // Spread, clustered, tied and single-time days, small and large.
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let mut sorter = BinSort::default();
        for case in 0..200 {
            let n = [0, 1, 5, 63, 64, 65, 300, 5000][case % 8];
            let day = rng.random_range(0..4000) as f64;
            let keys: Vec<u128> = (0..n)
                .map(|i| {
                    let t = match case % 4 {
                        0 => day + rng.random::<f64>(),
                        1 => day + rng.random_range(0..3) as f64 * 0.25,
                        2 => day,
                        _ => day + rng.random::<f64>().powi(8),
                    };
                    (ordered_bits(t) as u128) << 64 | i as u128
                })
                .collect();
            let mut want = keys.clone();
            want.sort_unstable();
            let mut got = keys;
            sorter.sort(&mut got);
            assert_eq!(got, want, "case {case}, {n} keys");
        }
    }

    #[test]
    fn pop_until_leaves_a_later_event_and_the_clock() {
        let mut q = EventQueue::new(10.0, 8);
        q.schedule(1.5, 'a');
        q.schedule(4.0, 'b');
        assert_eq!(q.pop_until(1.5), Some((1.5, 'a')));
        assert_eq!(q.pop_until(3.9), None);
        assert_eq!((q.now(), q.len()), (1.5, 1));
        assert_eq!(q.peek_time(), Some(4.0));
        assert_eq!(q.pop_until(4.0), Some((4.0, 'b')));
        assert_eq!(q.pop_until(f64::INFINITY), None);
    }

    #[test]
    fn a_ticket_cancels_only_its_own_pending_event() {
        let mut q = EventQueue::new(10.0, 8);
        let a = q.schedule_cancellable(2.0, 'a');
        let b = q.schedule_cancellable(3.0, 'b');
        // Earlier than the lane's last: scheduled as usual, not cancellable.
        assert_eq!(q.schedule_cancellable(1.0, 'c'), Ticket::NONE);
        q.cancel(b, &'a');
        assert_eq!(q.len(), 3, "a ticket with another event cancels nothing");
        assert_eq!(q.pop(), Some((1.0, 'c')));
        assert_eq!(q.pop(), Some((2.0, 'a')));
        q.cancel(a, &'a');
        assert_eq!(q.len(), 1, "a handled event cannot be cancelled");
        q.cancel(b, &'b');
        assert!(q.is_empty());
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn buckets_keep_the_order_of_a_single_heap() {
        // Random times over and beyond the horizon, many ties, interleaved
        // pushes and pops: the order must be exactly (time, insertion).
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut q = EventQueue::new(100.0, 16);
        let mut reference = KeyedHeap::with_capacity(16);
        let mut id = 0u32;
        for round in 0..2000 {
            for _ in 0..rng.random_range(0..4) {
                let t = q.now() + (rng.random_range(0..300) as f64) / 2.0;
                q.schedule(t, id);
                reference.push(t, id);
                id += 1;
            }
            if round % 3 != 0 {
                assert_eq!(q.pop(), reference.pop(), "round {round}");
            }
        }
        while let Some(x) = reference.pop() {
            assert_eq!(q.pop(), Some(x));
        }
        assert!(q.is_empty());
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn a_keyed_heap_pops_in_key_then_item_order() {
        // Interleaved pushes and pops against a sorted list, with ties,
        // negative, zero and infinite keys: the order must be (key, item).
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let keys = [
            f64::NEG_INFINITY,
            -3.5,
            -0.0,
            0.0,
            1e-300,
            2.0,
            7.25,
            f64::INFINITY,
        ];
        let mut h = KeyedHeap::with_capacity(4);
        let mut reference: Vec<(f64, u32)> = Vec::new();
        let mut id = 0u32;
        for round in 0..5000 {
            for _ in 0..rng.random_range(0..4) {
                let key = if rng.random_bool(0.3) {
                    keys[rng.random_range(0..keys.len())]
                } else {
                    rng.random_range(-50..50) as f64 / 4.0
                };
                h.push(key, id);
                reference.push((key, id));
                id += 1;
            }
            reference.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)));
            assert_eq!(h.len(), reference.len());
            let want = reference.last().map(|&(k, i)| (k.to_bits(), i));
            assert_eq!(h.peek().map(|(k, i)| (k.to_bits(), i)), want);
            if round % 3 != 0 {
                let got = h.pop().map(|(k, i)| (k.to_bits(), i));
                assert_eq!(
                    got,
                    reference.pop().map(|(k, i)| (k.to_bits(), i)),
                    "round {round}"
                );
            }
        }
        while let Some((k, i)) = reference.pop() {
            assert_eq!(
                h.pop().map(|(k, i)| (k.to_bits(), i)),
                Some((k.to_bits(), i))
            );
        }
        assert!(h.is_empty());
    }

    #[test]
    fn the_clock_never_runs_backwards() {
        let mut q = EventQueue::new(10.0, 4);
        q.schedule(10.0, 1);
        q.pop();
        q.schedule(2.0, 2);
        assert_eq!(q.pop(), Some((10.0, 2)));
    }

    #[test]
    fn an_indexed_heap_keeps_the_smallest_first_through_changes() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut h = IndexedHeap::default();
        let mut keys: Vec<Option<(u32, u32)>> = vec![None; 50];
        for _ in 0..20_000 {
            let i = rng.random_range(0..50u32);
            let key = rng
                .random_bool(0.8)
                .then(|| (rng.random_range(0..20u32), i));
            h.set(i, key);
            keys[i as usize] = key;
            let want = keys.iter().flatten().min().map(|&(_, i)| i);
            assert_eq!(h.first(), want);
            assert_eq!(h.len(), keys.iter().flatten().count());
        }
        let mut all: Vec<_> = keys.iter().flatten().map(|&k| (k, k.1)).collect();
        all.sort_unstable();
        assert_eq!(h.sorted(), all);
    }
}
