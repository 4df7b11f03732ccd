//! Probability distributions for durations and amounts of work.
//!
//! A [`Dist`] is what a scenario says ("gamma with mean 5 and cv 0.5"); it is
//! checked once by [`Dist::validate`] and then sampled in the hot loop without
//! allocation.

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
    pub fn validate(&self) -> Result<(), String> {
        let finite_nonneg = |name: &str, v: f64| {
            if v.is_finite() && v >= 0.0 {
                Ok(())
            } else {
                Err(format!("{name} must be a finite number >= 0 (got {v})"))
            }
        };
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 {
                Ok(())
            } else {
                Err(format!("{name} must be a finite number > 0 (got {v})"))
            }
        };
        match *self {
            Dist::Fixed(v) => finite_nonneg("value", v),
            Dist::Exponential { mean } => positive("mean", mean),
            Dist::Gamma { mean, cv } | Dist::LogNormal { mean, cv } => {
                positive("mean", mean)?;
                positive("cv", cv)?;
                if cv > 10.0 {
                    return Err(format!("cv must be at most 10 (got {cv})"));
                }
                Ok(())
            }
            Dist::Triangular { min, mode, max } => {
                finite_nonneg("min", min)?;
                finite_nonneg("mode", mode)?;
                finite_nonneg("max", max)?;
                if !(min <= mode && mode <= max && min < max) {
                    return Err(format!(
                        "triangular needs min <= mode <= max and min < max (got {min}, {mode}, {max})"
                    ));
                }
                Ok(())
            }
            Dist::Uniform { min, max } => {
                finite_nonneg("min", min)?;
                finite_nonneg("max", max)?;
                if min > max {
                    return Err(format!("uniform needs min <= max (got {min}, {max})"));
                }
                Ok(())
            }
        }
    }

    /// Builds the sampler.
    ///
    /// # Panics
    /// On parameters [`Dist::validate`] rejects; the scenario loader
    /// validates every distribution before a model is built.
    pub fn sampler(&self) -> Sampler {
        match *self {
            Dist::Fixed(v) => Sampler::Fixed(v),
            Dist::Exponential { mean } => Sampler::Exponential(mean),
            Dist::Gamma { mean, cv } => {
                // shape k = 1/cv^2, scale = mean / k gives the wanted mean and cv.
                let shape = 1.0 / (cv * cv);
                Sampler::Gamma(Gamma::new(shape, mean / shape).expect("validated gamma"))
            }
            Dist::LogNormal { mean, cv } => {
                Sampler::LogNormal(LogNormal::from_mean_cv(mean, cv).expect("validated lognormal"))
            }
            Dist::Triangular { min, mode, max } => {
                Sampler::Triangular(Triangular::new(min, max, mode).expect("validated triangular"))
            }
            Dist::Uniform { min, max } => Sampler::Uniform(min, max),
        }
    }
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
}
