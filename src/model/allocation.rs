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
//! A post's entries are re-set whenever its load changes (a case assigned,
//! released or handed over) and when it looks for work (which every start,
//! new starter and agency cover does before anything is allocated). A post
//! that stops working (its group ends, its holder leaves) may keep its
//! entries until they are next looked at: the first entry is checked before
//! it is used, and dropped if its post no longer has room.

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
}

impl RoomIndex {
    /// Puts post `w`'s entries at `want`, moving or removing what it had.
    #[inline]
    pub fn set(&mut self, w: u32, want: Entry) {
        let i = w as usize;
        if i >= self.entered.len() {
            // Posts are added during a run (an establishment that follows
            // demand); a new post has no entries yet.
            self.entered.resize(i + 1, Entry::default());
        }
        let had = self.entered[i];
        if had == want {
            return;
        }
        if had.request != want.request {
            self.requests.set(w, want.request.map(|(a, b)| (a, b, w)));
        }
        if had.plan != want.plan {
            self.plans.set(w, want.plan.map(|a| (a, w)));
        }
        self.entered[i] = want;
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

    /// Every entered post for a request (or a plan), in order (a sorted
    /// copy, for the audit).
    pub fn in_order(&self, request: bool) -> Vec<u32> {
        if request {
            self.requests.sorted().into_iter().map(|(_, w)| w).collect()
        } else {
            self.plans.sorted().into_iter().map(|(_, w)| w).collect()
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
        let e = |r: f64, s: f64| Entry {
            request: Some((ordered(r), ordered(s))),
            plan: Some(ordered(s)),
        };
        ix.set(3, e(0.0, 0.5));
        ix.set(1, e(0.0, 0.5));
        ix.set(2, e(1.0, 0.1));
        assert_eq!(ix.first(true), Some(1));
        assert_eq!(ix.first(false), Some(2));
        ix.set(1, e(2.0, 0.6));
        assert_eq!(ix.first(true), Some(3));
        assert_eq!(ix.in_order(false), vec![2, 3, 1]);
        ix.set(2, Entry::default());
        assert_eq!(ix.first(false), Some(3));
        assert!(ix.consistent());
    }
}
