//! Random streams.
//!
//! Every source of randomness has its own stream, seeded by hashing the master
//! seed, the replication and the stream's name. The scenario is deliberately
//! left out of the hash: every scenario in a run sees the same streams (common
//! random numbers), so two scenarios that differ only in staffing receive the
//! same requests, and adding a scenario to a run changes nothing else.
//!
//! The generator is named ([`ChaCha8Rng`]) rather than `StdRng`, whose
//! algorithm may change between `rand` releases and silently change every
//! published projection.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The generator behind every stream.
pub type StreamRng = ChaCha8Rng;

/// A small counter-based generator for draws that belong to one case: seeded
/// by hashing (replication seed, case key, purpose, instance), so the draw is
/// the same whichever order cases are processed in. This keeps common random
/// numbers exact: a request's outcome and work do not depend on when a
/// caseworker got to it. The sequence is SplitMix64 (Steele, Lea and Flood,
/// 2014), portable and stable.
#[derive(Debug, Clone)]
pub struct KeyedRng {
    state: u64,
}

impl KeyedRng {
    /// The generator for one (case, purpose, instance) of a replication.
    #[inline]
    pub fn new(replication_seed: u64, case_key: u64, purpose: u64, instance: u64) -> Self {
        let k = mix64(case_key ^ mix64(purpose.wrapping_mul(0x1000_0000_01b3) ^ instance << 20));
        KeyedRng {
            state: mix64(replication_seed ^ k),
        }
    }

    /// A uniform draw in [0, 1).
    #[inline]
    pub fn unit(&mut self) -> f64 {
        (rand::RngCore::next_u64(self) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

impl rand::RngCore for KeyedRng {
    #[inline]
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    #[inline]
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn fill_bytes(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
    }
}

/// SplitMix64's finaliser: a bijective mixer with good avalanche, so nearby
/// inputs (replication 0, 1, 2...) give unrelated outputs.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The seed of one replication, as reported in `replications.csv`.
///
/// The pair is hashed asymmetrically: the master seed is mixed first, then
/// the replication is folded in and the result mixed, then the master's hash
/// is folded in again and mixed once more. For one master seed the map from
/// replication to seed is a bijection (every step is invertible), so the
/// replications of a run never share a seed; across master seeds, seeds
/// collide only by chance (about one pair in 2^64). An earlier version
/// combined the two symmetrically, so that `(m, r)` and `(r + 24301,
/// m - 24301)` gave the same seed: neighbouring master seeds of 24,301 and
/// above shared replications.
///
/// ```
/// use ehcsim::engine::replication_seed;
/// assert_ne!(replication_seed(30_000, 0), replication_seed(24_301, 30_000 - 24_301));
/// assert_ne!(replication_seed(1, 2), replication_seed(2, 1));
/// ```
pub fn replication_seed(master_seed: u64, replication: u64) -> u64 {
    // Distinct constants keep the master's and the replication's paths apart.
    let m = mix64(master_seed ^ 0x243f_6a88_85a3_08d3);
    let r = replication.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x1319_8a2e_0370_7344;
    let once = mix64(m ^ r);
    mix64(once.wrapping_add(m.rotate_left(32)))
}

/// A generator for one stream of one replication; `tag` names the stream
/// (its user's constant), so that streams of one replication are distinct.
pub fn stream(replication_seed: u64, tag: u64) -> StreamRng {
    StreamRng::seed_from_u64(mix64(replication_seed ^ tag))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let s = replication_seed(42, 0);
        let a: u64 = stream(s, 1).random();
        let b: u64 = stream(s, 1).random();
        let c: u64 = stream(s, 2).random();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn keyed_draws_depend_only_on_their_key() {
        let a = KeyedRng::new(9, 100, 3, 0).unit();
        let b = KeyedRng::new(9, 100, 3, 0).unit();
        assert_eq!(a, b);
        assert_ne!(a, KeyedRng::new(9, 101, 3, 0).unit());
        assert_ne!(a, KeyedRng::new(9, 100, 4, 0).unit());
        assert_ne!(a, KeyedRng::new(9, 100, 3, 1).unit());
        assert_ne!(a, KeyedRng::new(10, 100, 3, 0).unit());
    }

    #[test]
    fn keyed_units_are_uniform() {
        // 100,000 draws into 10 bins: each bin expects 10,000 with sd 95;
        // 5 sd is 475.
        let mut bins = [0u32; 10];
        for k in 0..100_000u64 {
            bins[(KeyedRng::new(1, k, 7, 0).unit() * 10.0) as usize] += 1;
        }
        for b in bins {
            assert!((b as i64 - 10_000).abs() < 475, "{bins:?}");
        }
    }

    /// Every seed of a grid of (master, replication) pairs, with the pair.
    fn seeds(masters: impl Iterator<Item = u64> + Clone, reps: u64) -> Vec<(u64, u64, u64)> {
        masters
            .flat_map(|m| (0..reps).map(move |r| (replication_seed(m, r), m, r)))
            .collect()
    }

    fn assert_distinct(mut all: Vec<(u64, u64, u64)>) {
        all.sort_unstable();
        // The same pair listed twice (grids may overlap) is not a collision.
        all.dedup();
        for w in all.windows(2) {
            assert_ne!(
                w[0].0, w[1].0,
                "(master {}, replication {}) and (master {}, replication {}) share a seed",
                w[0].1, w[0].2, w[1].1, w[1].2
            );
        }
    }

    #[test]
    fn no_two_pairs_share_a_seed() {
        // 0..2000 x 0..2000, masters around the old symmetry (24,301 and
        // up), and masters near u64::MAX: 4.6 million pairs, no collision.
        let mut all = seeds(0..2000, 2000);
        all.extend(seeds(24_000..24_600, 600));
        all.extend(seeds(u64::MAX - 999..=u64::MAX, 300));
        all.extend(seeds((0..64).map(|b| 1u64 << b), 300));
        assert_distinct(all);
    }

    #[test]
    fn the_old_symmetry_is_gone() {
        for m in [24_301u64, 24_302, 30_000, 1_000_000, u64::MAX] {
            for r in [0u64, 1, 2, 99] {
                let mirror_m = r.wrapping_add(0x5eed);
                let mirror_r = m.wrapping_sub(0x5eed);
                if (mirror_m, mirror_r) != (m, r) {
                    assert_ne!(replication_seed(m, r), replication_seed(mirror_m, mirror_r));
                }
                assert_ne!(replication_seed(m, r), replication_seed(r, m));
                assert_ne!(
                    replication_seed(m, r),
                    replication_seed(m.wrapping_add(1), r)
                );
                assert_ne!(replication_seed(m, r), replication_seed(m, r + 1));
            }
        }
    }

    #[test]
    fn neighbouring_master_seeds_share_no_replication() {
        // The defect: runs with master seeds m and m + 1 (both >= 24,301)
        // shared a replication's seed.
        for m in [24_300u64, 24_301, 50_000, 10_000_000] {
            let a: std::collections::HashSet<u64> =
                (0..1000).map(|r| replication_seed(m, r)).collect();
            assert!((0..1000).all(|r| !a.contains(&replication_seed(m + 1, r))));
        }
    }

    #[test]
    fn replication_zero_is_not_special() {
        // A seed derived by multiplication would make replication 0 the same
        // for every master seed.
        assert_ne!(replication_seed(1, 0), replication_seed(2, 0));
        assert_ne!(replication_seed(1, 0), 0);
    }
}
