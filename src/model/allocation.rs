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
//! The smallest entry is exactly the post the scan over every post chose
//! (the smallest load, ties to the lowest index): the keys are the same
//! `f64` values, compared through an integer map that keeps their order.
//!
//! A post is marked stale whenever its load changes (a case assigned,
//! released or handed over) and when it looks for work (which every start,
//! new starter and agency cover does before anything is allocated); a
//! heap's stale posts get their entries re-set just before that heap is
//! asked for its first post. A post's load changes several times between
//! allocations, and the heap of posts with room for a plan is not asked at
//! all where no plan is allocated, so most changes of key never reach a
//! heap. The first post is the same as with every change applied at once:
//! the heap's entries are the same when it is asked. A post that stops
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

/// The posts with room, per kind of case, in allocation order.
#[derive(Debug, Default)]
pub(crate) struct RoomIndex {
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

impl RoomIndex {
    /// Notes that post `w`'s entries may be out of date in both sets.
    #[inline]
    pub fn mark_stale(&mut self, w: u32) {
        self.make_room_for(w);
        let m = self.marks[w as usize];
        if m & 1 == 0 {
            self.stale[0].push(w);
        }
        if m & 2 == 0 {
            self.stale[1].push(w);
        }
        self.marks[w as usize] = m | 3;
    }

    /// Marks post `w` stale for each kind of case whose entry was not last
    /// set while it was working: an entry so set is up to date or marked
    /// already, since every change of load marks it, but a post that
    /// starts working must have the others looked at.
    #[inline]
    pub fn mark_unless_set_working(&mut self, w: u32) {
        self.make_room_for(w);
        let mut m = self.marks[w as usize];
        for (k, (stale, working)) in [(1, 4), (2, 8)].into_iter().enumerate() {
            if m & (stale | working) == 0 {
                self.stale[k].push(w);
                m |= stale;
            }
        }
        self.marks[w as usize] = m;
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
        self.note_working(w, 4, working);
        let entry = &mut self.entered[w as usize];
        if entry.request != want {
            entry.request = want;
            self.requests.set(w, want.map(|(a, b)| (a, b, w)));
        }
    }

    /// Puts post `w`'s entry for plans at `want` (`None`: removed), noting
    /// whether the post is `working`.
    #[inline]
    pub fn set_plan(&mut self, w: u32, want: Option<u64>, working: bool) {
        self.make_room_for(w);
        self.note_working(w, 8, working);
        let entry = &mut self.entered[w as usize];
        if entry.plan != want {
            entry.plan = want;
            self.plans.set(w, want.map(|a| (a, w)));
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
            self.entered.resize(i + 1, Entry::default());
            self.marks.resize(i + 1, 0);
        }
    }

    /// The first post for a request (or a plan), if any is entered.
    #[inline]
    pub fn first(&self, request: bool) -> Option<u32> {
        if request {
            self.requests.first()
        } else {
            self.plans.first()
        }
    }

    /// Post `w`'s entries as recorded.
    #[inline]
    pub fn entered(&self, w: u32) -> Entry {
        self.entered.get(w as usize).copied().unwrap_or_default()
    }

    /// Whether the sets hold exactly the recorded entries.
    pub fn consistent(&self) -> bool {
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
