//! Which caseworkers have room for a new case, kept in the order allocation
//! chooses (docs/model.md, section 5, "Allocation"), so that choosing costs
//! O(log n) in the number of posts instead of a scan of every post: a
//! national run has thousands of posts.
//!
//! Two indexed heaps, one per kind of case, hold every working caseworker
//! with room in a team that holds that kind (a heap rather than an ordered
//! set: only the first is ever wanted, and moving a post's key is a few
//! swaps in one array instead of a remove and an insert in a tree):
//!
//! - requests by `(open requests / FTE, cases held / cap, post)`;
//! - plans by `(cases held / cap, post)`.
//!
//! Up to [`FLAT_MAX`] posts (a council's team) the same keys are kept
//! instead in two plain arrays by post, and the first found by a scan.
//!
//! The smallest entry is exactly the post the scan over every post chose
//! (the smallest load, ties to the lowest index): the keys are the same
//! `f64` values, compared through an integer map that keeps their order.
//!
//! A post is marked stale whenever its load changes (a case assigned,
//! released or handed over) and when it looks for work (which every start,
//! new starter and agency cover does before anything is allocated); the
//! posts stale for one kind of case get their entries re-set just before
//! that kind's first post is asked for. A post's load changes several
//! times between allocations, and the posts with room for a plan are not
//! asked for at all where no plan is allocated, so most changes of key
//! never reach a heap. The first post is the same as with every change
//! applied at once: the entries are the same when it is asked for. A post that stops
//! working (its group ends, its holder leaves) may keep its entries until
//! they are next looked at: the first entry is checked before it is used,
//! and dropped if its post no longer has room.

use crate::engine::IndexedHeap;

/// An `f64` as a `u64` of the same order (that of `f64::total_cmp`, which
/// for the finite, non-negative loads used here is that of `<`).
#[inline]
pub(crate) fn ordered(x: f64) -> u64 {
    let b = x.to_bits();
    if b >> 63 == 1 {
        !b
    } else {
        b | 1 << 63
    }
}

/// A post's entries in the two sets, as its keys (`None`: not entered).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Entry {
    /// `(open requests / FTE, cases held / cap)`, ordered.
    pub request: Option<(u64, u64)>,
    /// `cases held / cap`, ordered.
    pub plan: Option<u64>,
}

/// Posts up to which the index is kept as two plain arrays of keys, the
/// first post found by a scan: for a few dozen posts (a council's team) a
/// scan without branches is cheaper than keeping heaps, whose sifts branch
/// on keys that tie or cross at random. Beyond it, as a national run's
/// thousands, the heaps. (M/M/10 queue under cachegrind: branch
/// mispredictions 16.1 to 11.1 million; the medium county's 41 posts 10.4
/// to 9.8 million.)
const FLAT_MAX: usize = 64;

/// A flat array's key for no entry: above every key, since an ordered
/// load's bits are all ones only for a NaN, which no load is.
const NO_REQUEST_KEY: u128 = u128::MAX;
/// The same for plans.
const NO_PLAN_KEY: u64 = u64::MAX;

/// The posts with room, per kind of case, in allocation order.
#[derive(Debug)]
pub(crate) struct RoomIndex {
    /// While there are at most `flat_max` posts: each post's key for a
    /// request (`(open requests / FTE)` above `cases held / cap`), by post.
    /// Afterwards empty, and `requests` holds the keys.
    flat_requests: Vec<u128>,
    /// The same for plans (`cases held / cap`).
    flat_plans: Vec<u64>,
    /// Posts beyond which the heaps are used (see [`FLAT_MAX`]).
    flat_max: usize,
    requests: IndexedHeap<(u64, u64, u32)>,
    plans: IndexedHeap<(u64, u32)>,
    /// Each post's entries as they are in the sets.
    entered: Vec<Entry>,
    /// Posts whose entries may be out of date, per kind of case (requests,
    /// plans): each at most once, as its bit in `marks` records.
    stale: [Vec<u32>; 2],
    /// Per post: bit 0 set while it is in `stale[0]`, bit 1 in `stale[1]`;
    /// bit 2 set if its entry for requests was last set while it was
    /// working, bit 3 the same for plans.
    marks: Vec<u8>,
}

/// A post's flat key for a request: `(a, b)` as one integer of the same
/// order.
#[inline]
fn request_key(entry: Option<(u64, u64)>) -> u128 {
    entry.map_or(NO_REQUEST_KEY, |(a, b)| (a as u128) << 64 | b as u128)
}

/// The post of the smallest key below `none`, ties to the lowest post (the
/// heaps' order, whose keys end in the post), by a scan without branches.
#[inline]
fn first_below<K: Copy + Ord>(keys: &[K], none: K) -> Option<u32> {
    let (mut best, mut at) = (none, 0);
    for (w, &k) in keys.iter().enumerate() {
        let less = k < best;
        best = if less { k } else { best };
        at = if less { w } else { at };
    }
    (best != none).then_some(at as u32)
}

/// The marks' bit for a post whose entry for requests was last set while
/// it was working.
const REQUEST_SET_WORKING: u8 = 4;
/// The same for plans.
const PLAN_SET_WORKING: u8 = 8;

/// A kind of case's position in [`RoomIndex::stale`] and its bit in the
/// marks.
#[inline]
fn kind(request: bool) -> (usize, u8) {
    if request {
        (0, 1)
    } else {
        (1, 2)
    }
}

impl Default for RoomIndex {
    fn default() -> Self {
        Self::with_flat_max(FLAT_MAX)
    }
}

impl RoomIndex {
    /// An empty index kept flat up to `flat_max` posts.
    pub fn with_flat_max(flat_max: usize) -> Self {
        RoomIndex {
            flat_requests: Vec::new(),
            flat_plans: Vec::new(),
            flat_max,
            requests: IndexedHeap::default(),
            plans: IndexedHeap::default(),
            entered: Vec::new(),
            stale: [Vec::new(), Vec::new()],
            marks: Vec::new(),
        }
    }

    /// Whether the keys are in the flat arrays, not the heaps.
    #[inline]
    fn flat(&self) -> bool {
        self.entered.len() <= self.flat_max
    }

    /// Notes that post `w`'s entries may be out of date in both sets.
    #[inline]
    pub fn mark_stale(&mut self, w: u32) {
        self.make_room_for(w);
        let m = self.marks[w as usize];
        let m = self.marked(w, m, true, 0);
        self.marks[w as usize] = self.marked(w, m, false, 0);
    }

    /// Post `w`'s marks `m`, marked stale for a request (or a plan) unless
    /// it is already or any bit of `unless` is set; a post newly marked
    /// joins that kind's stale list. (One test of both bits: this runs
    /// every time a post looks for work.)
    #[inline]
    fn marked(&mut self, w: u32, m: u8, request: bool, unless: u8) -> u8 {
        let (k, bit) = kind(request);
        if m & (bit | unless) == 0 {
            self.stale[k].push(w);
            m | bit
        } else {
            m
        }
    }

    /// Marks post `w` stale for each kind of case whose entry was not last
    /// set while it was working: an entry so set is up to date or marked
    /// already, since every change of load marks it, but a post that
    /// starts working must have the others looked at.
    #[inline]
    pub fn mark_unless_set_working(&mut self, w: u32) {
        self.make_room_for(w);
        let m = self.marks[w as usize];
        let m = self.marked(w, m, true, REQUEST_SET_WORKING);
        self.marks[w as usize] = self.marked(w, m, false, PLAN_SET_WORKING);
    }

    /// Whether post `w` is marked stale for a request (or a plan).
    pub fn is_stale(&self, w: u32, request: bool) -> bool {
        let (_, bit) = kind(request);
        self.marks.get(w as usize).is_some_and(|m| m & bit != 0)
    }

    /// Takes the posts marked stale for a request (or a plan), unmarking
    /// them; give the emptied vector back with [`RoomIndex::give_back`].
    pub fn take_stale(&mut self, request: bool) -> Vec<u32> {
        let (k, bit) = kind(request);
        let stale = std::mem::take(&mut self.stale[k]);
        for &w in &stale {
            self.marks[w as usize] &= !bit;
        }
        stale
    }

    /// Returns the vector [`RoomIndex::take_stale`] gave, so its room is
    /// reused.
    pub fn give_back(&mut self, request: bool, mut stale: Vec<u32>) {
        let (k, _) = kind(request);
        if self.stale[k].is_empty() {
            stale.clear();
            self.stale[k] = stale;
        }
    }

    /// Puts post `w`'s entry for requests at `want` (`None`: removed),
    /// noting whether the post is `working`.
    #[inline]
    pub fn set_request(&mut self, w: u32, want: Option<(u64, u64)>, working: bool) {
        self.make_room_for(w);
        self.note_working(w, REQUEST_SET_WORKING, working);
        let entry = &mut self.entered[w as usize];
        if entry.request != want {
            entry.request = want;
            if self.flat() {
                self.flat_requests[w as usize] = request_key(want);
            } else {
                self.requests.set(w, want.map(|(a, b)| (a, b, w)));
            }
        }
    }

    /// Puts post `w`'s entry for plans at `want` (`None`: removed), noting
    /// whether the post is `working`.
    #[inline]
    pub fn set_plan(&mut self, w: u32, want: Option<u64>, working: bool) {
        self.make_room_for(w);
        self.note_working(w, PLAN_SET_WORKING, working);
        let entry = &mut self.entered[w as usize];
        if entry.plan != want {
            entry.plan = want;
            if self.flat() {
                self.flat_plans[w as usize] = want.unwrap_or(NO_PLAN_KEY);
            } else {
                self.plans.set(w, want.map(|a| (a, w)));
            }
        }
    }

    #[inline]
    fn note_working(&mut self, w: u32, bit: u8, working: bool) {
        let m = &mut self.marks[w as usize];
        *m = if working { *m | bit } else { *m & !bit };
    }

    #[inline]
    fn make_room_for(&mut self, w: u32) {
        let i = w as usize;
        if i >= self.entered.len() {
            // Posts are added during a run (an establishment that follows
            // demand); a new post has no entries and no marks yet.
            let was_flat = self.flat();
            self.entered.resize(i + 1, Entry::default());
            self.marks.resize(i + 1, 0);
            if self.flat() {
                self.flat_requests.resize(i + 1, NO_REQUEST_KEY);
                self.flat_plans.resize(i + 1, NO_PLAN_KEY);
            } else if was_flat {
                self.move_to_heaps();
            }
        }
    }

    /// Moves the keys from the flat arrays into the heaps, once the posts
    /// outnumber `flat_max`.
    #[cold]
    fn move_to_heaps(&mut self) {
        self.flat_requests = Vec::new();
        self.flat_plans = Vec::new();
        for (w, e) in self.entered.iter().enumerate() {
            let w = w as u32;
            self.requests.set(w, e.request.map(|(a, b)| (a, b, w)));
            self.plans.set(w, e.plan.map(|a| (a, w)));
        }
    }

    /// The first post for a request (or a plan), if any is entered.
    #[inline]
    pub fn first(&self, request: bool) -> Option<u32> {
        match (self.flat(), request) {
            (true, true) => first_below(&self.flat_requests, NO_REQUEST_KEY),
            (true, false) => first_below(&self.flat_plans, NO_PLAN_KEY),
            (false, true) => self.requests.first(),
            (false, false) => self.plans.first(),
        }
    }

    /// Post `w`'s entries as recorded.
    #[inline]
    pub fn entered(&self, w: u32) -> Entry {
        self.entered.get(w as usize).copied().unwrap_or_default()
    }

    /// Whether the sets hold exactly the recorded entries.
    pub fn consistent(&self) -> bool {
        if self.flat() {
            let n = self.entered.len();
            return self.flat_requests.len() == n
                && self.flat_plans.len() == n
                && self.entered.iter().enumerate().all(|(w, e)| {
                    self.flat_requests[w] == request_key(e.request)
                        && self.flat_plans[w] == e.plan.unwrap_or(NO_PLAN_KEY)
                })
                && self.requests.is_empty()
                && self.plans.is_empty();
        }
        let requests = self.entered.iter().filter(|e| e.request.is_some()).count();
        let plans = self.entered.iter().filter(|e| e.plan.is_some()).count();
        requests == self.requests.len()
            && plans == self.plans.len()
            && self
                .requests
                .sorted()
                .into_iter()
                .all(|((a, b, _), w)| self.entered(w).request == Some((a, b)))
            && self
                .plans
                .sorted()
                .into_iter()
                .all(|((a, _), w)| self.entered(w).plan == Some(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_integer_map_keeps_the_order_of_loads() {
        let xs = [
            0.0,
            1e-300,
            0.001,
            1.0 / 3.0,
            2.0 / 6.0,
            0.5,
            1.0,
            7.5,
            1e300,
        ];
        for &a in &xs {
            for &b in &xs {
                assert_eq!(a < b, ordered(a) < ordered(b), "{a} {b}");
                assert_eq!(a == b, ordered(a) == ordered(b), "{a} {b}");
            }
        }
        assert!(ordered(-1.0) < ordered(0.0));
    }

    #[test]
    fn entries_move_and_the_first_is_the_smallest() {
        let mut ix = RoomIndex::default();
        let set = |ix: &mut RoomIndex, w: u32, e: Option<(f64, f64)>| {
            ix.set_request(w, e.map(|(r, s)| (ordered(r), ordered(s))), true);
            ix.set_plan(w, e.map(|(_, s)| ordered(s)), true);
        };
        set(&mut ix, 3, Some((0.0, 0.5)));
        set(&mut ix, 1, Some((0.0, 0.5)));
        set(&mut ix, 2, Some((1.0, 0.1)));
        assert_eq!(ix.first(true), Some(1));
        assert_eq!(ix.first(false), Some(2));
        set(&mut ix, 1, Some((2.0, 0.6)));
        assert_eq!(ix.first(true), Some(3));
        assert_eq!(ix.first(false), Some(2));
        set(&mut ix, 2, None);
        assert_eq!(ix.first(false), Some(3));
        assert!(ix.consistent());
        assert_eq!(ix.entered(2), Entry::default());
    }

    #[test]
    fn flat_and_heaps_give_the_same_first_post() {
        // The same random changes of key (few distinct values, so ties
        // are common) to an index always kept as heaps, one always flat,
        // and one that turns to heaps when post 12 first appears.
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        let mut ixs = [
            RoomIndex::with_flat_max(0),
            RoomIndex::with_flat_max(usize::MAX),
            RoomIndex::with_flat_max(12),
        ];
        for round in 0..20_000 {
            let posts = if round < 5_000 { 12 } else { 40 };
            let w = rng.random_range(0..posts);
            let pick = |rng: &mut rand_chacha::ChaCha8Rng| {
                (rng.random_range(0..4) > 0).then(|| ordered(rng.random_range(0..4) as f64))
            };
            let (a, b, plan) = (pick(&mut rng), pick(&mut rng), pick(&mut rng));
            let request = a.zip(b);
            for ix in &mut ixs {
                ix.set_request(w, request, true);
                ix.set_plan(w, plan, true);
            }
            for request in [true, false] {
                let firsts = ixs.each_ref().map(|ix| ix.first(request));
                assert_eq!(firsts[0], firsts[1], "round {round}");
                assert_eq!(firsts[0], firsts[2], "round {round}");
            }
        }
        assert!(ixs.iter().all(RoomIndex::consistent));
        assert!(!ixs[0].flat() && ixs[1].flat() && !ixs[2].flat());
    }

    #[test]
    fn a_post_is_stale_once_per_kind_until_taken() {
        let mut ix = RoomIndex::default();
        ix.mark_stale(4);
        ix.mark_stale(1);
        ix.mark_stale(4);
        assert!(ix.is_stale(4, true) && ix.is_stale(4, false));
        assert!(!ix.is_stale(0, true) && !ix.is_stale(9, false));
        let requests = ix.take_stale(true);
        assert_eq!(requests, vec![4, 1]);
        // Taken for requests only: still stale for plans.
        assert!(!ix.is_stale(4, true) && ix.is_stale(4, false));
        ix.give_back(true, requests);
        ix.mark_stale(1);
        assert_eq!(ix.take_stale(true), vec![1]);
        assert_eq!(ix.take_stale(false), vec![4, 1]);
        assert!(!ix.is_stale(1, false));
    }
}
