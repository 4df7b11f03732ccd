//! Probability distributions for durations and amounts of work.
//!
//! A [`Dist`] is what a scenario says ("gamma with mean 5 and cv 0.5"); it is
//! checked once by [`Dist::validate`] and then sampled in the hot loop without
//! allocation. Validation and building the sampler are one function,
//! [`Dist::try_sampler`], so they cannot disagree.

use rand::Rng;
use rand_distr::{Distribution, Gamma, LogNormal, Triangular};

/// A non-negative distribution chosen in a scenario, in the unit of the
/// parameter it describes (hours of work or calendar days).
#[derive(Debug, Clone, PartialEq)]
pub enum Dist {
    /// Always the same value.
    Fixed(f64),
    /// Exponential with the given mean.
    Exponential {
        /// Mean of the distribution.
        mean: f64,
    },
    /// Gamma with the given mean and coefficient of variation (sd / mean).
    Gamma {
        /// Mean of the distribution.
        mean: f64,
        /// Coefficient of variation, sd / mean; 1 gives the exponential.
        cv: f64,
    },
    /// Lognormal with the given mean and coefficient of variation of the
    /// variable itself (not of its logarithm).
    LogNormal {
        /// Mean of the distribution.
        mean: f64,
        /// Coefficient of variation, sd / mean.
        cv: f64,
    },
    /// Triangular on `[min, max]` with its peak at `mode`.
    Triangular {
        /// Smallest value.
        min: f64,
        /// Most likely value.
        mode: f64,
        /// Largest value.
        max: f64,
    },
    /// Uniform on `[min, max]`.
    Uniform {
        /// Smallest value.
        min: f64,
        /// Largest value.
        max: f64,
    },
}

impl Dist {
    /// The distribution's mean.
    ///
    /// ```
    /// use ehcsim::engine::Dist;
    /// assert_eq!(Dist::Triangular { min: 0.0, mode: 3.0, max: 6.0 }.mean(), 3.0);
    /// ```
    pub fn mean(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Exponential { mean }
            | Dist::Gamma { mean, .. }
            | Dist::LogNormal { mean, .. } => mean,
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::Uniform { min, max } => (min + max) / 2.0,
        }
    }

    /// The largest value the distribution can take (infinite for the
    /// unbounded ones).
    pub fn max(&self) -> f64 {
        match *self {
            Dist::Fixed(v) => v,
            Dist::Triangular { max, .. } | Dist::Uniform { max, .. } => max,
            _ => f64::INFINITY,
        }
    }

    /// Checks the parameters; the message says what is allowed.
    ///
    /// This is [`Dist::try_sampler`] without keeping the sampler: the loader
    /// and the sampler go through the same function, so whatever validates
    /// can be sampled, and every draw is finite and non-negative.
    pub fn validate(&self) -> Result<(), String> {
        self.try_sampler().map(drop)
    }

    /// Builds the sampler, or says which parameter is outside what sampling
    /// needs. Every parameter must be finite and at most [`Dist::MAX_VALUE`];
    /// parameters that must be positive (means, coefficients of variation)
    /// must be at least [`Dist::MIN_POSITIVE`] and [`Dist::MIN_CV`], which keeps the
    /// derived gamma shape and scale and the lognormal's parameters away
    /// from overflow, underflow and subnormal numbers.
    pub fn try_sampler(&self) -> Result<Sampler, String> {
        match *self {
            Dist::Fixed(v) => {
                value_in("value", v, 0.0)?;
                Ok(Sampler::Fixed(v))
            }
            Dist::Exponential { mean } => {
                value_in("mean", mean, MIN_POSITIVE)?;
                Ok(Sampler::Exponential(mean))
            }
            Dist::Gamma { mean, cv } => {
                value_in("mean", mean, MIN_POSITIVE)?;
                cv_in(cv)?;
                // shape k = 1/cv^2, scale = mean / k gives the wanted mean and cv.
                let shape = 1.0 / (cv * cv);
                Gamma::new(shape, mean / shape)
                    .map(Sampler::Gamma)
                    .map_err(|e| format!("gamma with mean {mean} and cv {cv}: {e}"))
            }
            Dist::LogNormal { mean, cv } => {
                value_in("mean", mean, MIN_POSITIVE)?;
                cv_in(cv)?;
                LogNormal::from_mean_cv(mean, cv)
                    .map(Sampler::LogNormal)
                    .map_err(|e| format!("lognormal with mean {mean} and cv {cv}: {e}"))
            }
            Dist::Triangular { min, mode, max } => {
                value_in("min", min, 0.0)?;
                value_in("mode", mode, 0.0)?;
                value_in("max", max, 0.0)?;
                if !(min <= mode && mode <= max && min < max) {
                    return Err(format!(
                        "triangular needs min <= mode <= max and min < max (got {min:?}, {mode:?}, {max:?})"
                    ));
                }
                Triangular::new(min, max, mode)
                    .map(Sampler::Triangular)
                    .map_err(|e| format!("triangular {min}, {mode}, {max}: {e}"))
            }
            Dist::Uniform { min, max } => {
                value_in("min", min, 0.0)?;
                value_in("max", max, 0.0)?;
                if min > max {
                    return Err(format!("uniform needs min <= max (got {min:?}, {max:?})"));
                }
                Ok(Sampler::Uniform(min, max))
            }
        }
    }

    /// Builds the sampler.
    ///
    /// # Panics
    /// On parameters [`Dist::validate`] rejects. A scenario reaches the model
    /// only as a `ValidScenario`, whose distributions have all passed
    /// [`Dist::try_sampler`], the function this one calls, so the model's
    /// calls cannot panic; use [`Dist::try_sampler`] for unchecked input.
    pub fn sampler(&self) -> Sampler {
        match self.try_sampler() {
            Ok(s) => s,
            Err(m) => panic!("unvalidated distribution {self:?}: {m}"),
        }
    }
}

impl Dist {
    /// Largest parameter of any distribution (hours or days; the scenario loader
    /// allows far less). Keeps squares and sums of parameters finite.
    pub const MAX_VALUE: f64 = MAX_VALUE;
    /// Smallest mean of an exponential, gamma or lognormal distribution: tiny
    /// positive means (subnormal numbers, 1e-300) are refused rather than
    /// sampled as values indistinguishable from 0.
    pub const MIN_POSITIVE: f64 = MIN_POSITIVE;
    /// Smallest coefficient of variation of a gamma or lognormal distribution
    /// (the gamma shape 1/cv^2 is then at most 1e8); for less spread, use a
    /// fixed value.
    pub const MIN_CV: f64 = MIN_CV;
    /// Largest coefficient of variation of a gamma or lognormal distribution.
    pub const MAX_CV: f64 = MAX_CV;
}

const MAX_VALUE: f64 = 1e9;
const MIN_POSITIVE: f64 = 1e-9;
const MIN_CV: f64 = 1e-4;
const MAX_CV: f64 = 10.0;

/// `v` finite, at least `lo` and at most [`Dist::MAX_VALUE`].
fn value_in(name: &str, v: f64, lo: f64) -> Result<(), String> {
    if v.is_finite() && v >= lo && v <= MAX_VALUE {
        return Ok(());
    }
    if lo > 0.0 {
        Err(format!(
            "{name} must be a number from {lo:e} to {MAX_VALUE:e} (got {v:?})"
        ))
    } else {
        Err(format!(
            "{name} must be a finite number >= 0 and at most {MAX_VALUE:e} (got {v:?})"
        ))
    }
}

fn cv_in(cv: f64) -> Result<(), String> {
    if cv > MAX_CV && cv.is_finite() {
        return Err(format!("cv must be at most {MAX_CV} (got {cv:?})"));
    }
    if !(cv.is_finite() && (MIN_CV..=MAX_CV).contains(&cv)) {
        return Err(format!(
            "cv must be a number from {MIN_CV} to {MAX_CV} (got {cv:?}; for no spread use a fixed value)"
        ));
    }
    Ok(())
}

/// A validated distribution ready to sample: no allocation, no failure.
#[derive(Debug, Clone, Copy)]
pub enum Sampler {
    /// Always the same value.
    Fixed(f64),
    /// Exponential with this mean, by inversion.
    Exponential(f64),
    /// Gamma.
    Gamma(Gamma<f64>),
    /// Lognormal.
    LogNormal(LogNormal<f64>),
    /// Triangular.
    Triangular(Triangular<f64>),
    /// Uniform on `[min, max]`.
    Uniform(f64, f64),
}

impl Sampler {
    /// Draws one value (never negative).
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Sampler::Fixed(v) => *v,
            Sampler::Exponential(mean) => {
                // 1 - U lies in (0, 1], so the logarithm is finite.
                let u: f64 = rng.random();
                -mean * (1.0 - u).ln()
            }
            Sampler::Gamma(g) => g.sample(rng),
            Sampler::LogNormal(l) => l.sample(rng),
            Sampler::Triangular(t) => t.sample(rng),
            Sampler::Uniform(lo, hi) => lo + (hi - lo) * rng.random::<f64>(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn sample_mean(d: &Dist, n: usize) -> (f64, f64) {
        let s = d.sampler();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let xs: Vec<f64> = (0..n).map(|_| s.sample(&mut rng)).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64;
        (m, v.sqrt())
    }

    #[test]
    fn sample_means_match_declared_means() {
        // n = 200,000: the standard error of the mean is sd/447, so 5 standard
        // errors is about 1.1% of the sd; we allow 5 SE.
        let n = 200_000;
        for d in [
            Dist::Exponential { mean: 3.0 },
            Dist::Gamma { mean: 5.0, cv: 0.5 },
            Dist::LogNormal { mean: 4.0, cv: 0.8 },
            Dist::Triangular {
                min: 1.0,
                mode: 2.0,
                max: 6.0,
            },
            Dist::Uniform { min: 2.0, max: 4.0 },
        ] {
            let (m, sd) = sample_mean(&d, n);
            let se = sd / (n as f64).sqrt();
            assert!(
                (m - d.mean()).abs() < 5.0 * se,
                "{d:?}: mean {m} vs {}",
                d.mean()
            );
        }
    }

    #[test]
    fn gamma_and_lognormal_have_the_declared_cv() {
        // The sample sd of 200,000 draws is within about 1% of the true sd for
        // these moderate cvs; allow 3%.
        for d in [
            Dist::Gamma { mean: 5.0, cv: 0.5 },
            Dist::LogNormal { mean: 4.0, cv: 0.8 },
        ] {
            let (m, sd) = sample_mean(&d, 200_000);
            let cv = match d {
                Dist::Gamma { cv, .. } | Dist::LogNormal { cv, .. } => cv,
                _ => unreachable!(),
            };
            assert!((sd / m - cv).abs() < 0.03 * cv, "{d:?}: cv {}", sd / m);
        }
    }

    #[test]
    fn validation_rejects_impossible_parameters() {
        assert!(Dist::Fixed(-1.0).validate().is_err());
        assert!(Dist::Exponential { mean: 0.0 }.validate().is_err());
        assert!(Dist::Gamma {
            mean: 1.0,
            cv: f64::NAN
        }
        .validate()
        .is_err());
        assert!(Dist::Triangular {
            min: 3.0,
            mode: 1.0,
            max: 5.0
        }
        .validate()
        .is_err());
        assert!(Dist::Uniform { min: 5.0, max: 1.0 }.validate().is_err());
        assert!(Dist::Uniform { min: 1.0, max: 1.0 }.validate().is_ok());
    }

    /// Numbers at the edges of what floating point can hold, and ordinary
    /// ones.
    fn extreme() -> impl proptest::strategy::Strategy<Value = f64> {
        use proptest::prelude::*;
        prop_oneof![
            3 => 0.0f64..100.0,
            2 => proptest::sample::select(vec![
                0.0, -0.0, 1e-320, f64::MIN_POSITIVE, 1e-300, 1e-200, 1e-160, 1e-155, 1e-10,
                1e-9, 1e-5, 1e-4, 0.5, 1.0, 10.0, 10.000001, 1e9, 1.000001e9, 1e150, 1e155,
                1e300, f64::MAX, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, -1.0, -1e-300,
            ]),
            1 => any::<f64>(),
        ]
    }

    fn any_dist() -> impl proptest::strategy::Strategy<Value = Dist> {
        use proptest::prelude::*;
        let x = extreme;
        prop_oneof![
            x().prop_map(Dist::Fixed),
            x().prop_map(|mean| Dist::Exponential { mean }),
            (x(), x()).prop_map(|(mean, cv)| Dist::Gamma { mean, cv }),
            (x(), x()).prop_map(|(mean, cv)| Dist::LogNormal { mean, cv }),
            (x(), x(), x()).prop_map(|(min, mode, max)| Dist::Triangular { min, mode, max }),
            (x(), x()).prop_map(|(a, b)| Dist::Triangular {
                min: a,
                mode: a,
                max: b
            }),
            (x(), x()).prop_map(|(min, max)| Dist::Uniform { min, max }),
            x().prop_map(|v| Dist::Uniform { min: v, max: v }),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4000, failure_persistence: None, ..Default::default() })]

        /// Whatever validates samples finite, non-negative values without
        /// panicking; whatever does not validate is refused by
        /// `try_sampler` with a message, never a panic.
        #[test]
        fn every_valid_dist_samples_finite_non_negative_values(d in any_dist(), seed in 0u64..1000) {
            match d.try_sampler() {
                Ok(s) => {
                    proptest::prop_assert!(d.validate().is_ok());
                    let mut rng = ChaCha8Rng::seed_from_u64(seed);
                    for _ in 0..200 {
                        let v = s.sample(&mut rng);
                        proptest::prop_assert!(v.is_finite() && v >= 0.0, "{:?} drew {}", d, v);
                    }
                    proptest::prop_assert!(d.mean().is_finite() && d.mean() >= 0.0);
                }
                Err(m) => {
                    proptest::prop_assert!(d.validate().is_err());
                    proptest::prop_assert!(!m.is_empty());
                }
            }
        }
    }

    #[test]
    fn tiny_and_huge_parameters_are_refused_not_panicked_on() {
        let bad = [
            Dist::Gamma {
                mean: 1.0,
                cv: 1e-200,
            },
            Dist::Gamma {
                mean: 1e-320,
                cv: 0.5,
            },
            Dist::Gamma {
                mean: 1e300,
                cv: 10.0,
            },
            Dist::LogNormal {
                mean: 1e200,
                cv: 0.5,
            },
            Dist::LogNormal {
                mean: 1.0,
                cv: 1e-300,
            },
            Dist::LogNormal {
                mean: 5e-324,
                cv: 1.0,
            },
            Dist::Exponential { mean: 1e-310 },
            Dist::Exponential { mean: 1e300 },
            Dist::Fixed(f64::MAX),
            Dist::Triangular {
                min: 1.0,
                mode: 1.0,
                max: 1.0,
            },
            Dist::Triangular {
                min: 0.0,
                mode: 1e300,
                max: 1e301,
            },
            Dist::Uniform {
                min: 0.0,
                max: f64::INFINITY,
            },
        ];
        for d in bad {
            assert!(d.try_sampler().is_err(), "{d:?} should be refused");
            assert!(std::panic::catch_unwind(|| d.validate()).is_ok());
        }
        let good = [
            Dist::Gamma {
                mean: 1e-9,
                cv: 1e-4,
            },
            Dist::Gamma {
                mean: 1e9,
                cv: 10.0,
            },
            Dist::LogNormal {
                mean: 1e9,
                cv: 10.0,
            },
            Dist::Triangular {
                min: 0.0,
                mode: 0.0,
                max: 1e-300,
            },
            Dist::Uniform { min: 1e9, max: 1e9 },
        ];
        for d in good {
            assert!(d.try_sampler().is_ok(), "{d:?} should be accepted");
        }
    }
}
