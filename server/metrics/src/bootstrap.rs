//! A deterministic percentile bootstrap over developers, driven by a seeded SplitMix64.

use serde::{Deserialize, Serialize};

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform index below `n` (`n > 0`; the modulo bias is below 2^-50 for any realistic n).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// A two-sided interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// Percentile bootstrap: `iterations` resamples of `n` indices drawn with replacement, the
/// statistic of each (resamples where it is `None` are dropped), and the `(1 - level) / 2` and
/// `(1 + level) / 2` nearest-rank quantiles. `None` when nothing could be computed.
pub fn bootstrap_interval(
    n: usize,
    iterations: usize,
    seed: u64,
    level: f64,
    statistic: impl Fn(&[usize]) -> Option<f64>,
) -> Option<Interval> {
    if n == 0 {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let mut sample = vec![0; n];
    let mut stats: Vec<f64> = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        sample.iter_mut().for_each(|s| *s = rng.below(n));
        stats.extend(statistic(&sample).filter(|v| v.is_finite()));
    }
    percentile_interval(stats, level)
}

/// [`bootstrap_interval`] over two groups resampled apart (`sizes[0]` and `sizes[1]` indices,
/// each drawn with replacement within its own group), for a statistic comparing them: a group
/// never borrows the other's members. `None` when a group is empty or nothing could be computed.
pub fn two_group_bootstrap_interval(
    sizes: [usize; 2],
    iterations: usize,
    seed: u64,
    level: f64,
    statistic: impl Fn(&[usize], &[usize]) -> Option<f64>,
) -> Option<Interval> {
    if sizes.contains(&0) {
        return None;
    }
    let mut rng = SplitMix64::new(seed);
    let (mut first, mut second) = (vec![0; sizes[0]], vec![0; sizes[1]]);
    let mut stats: Vec<f64> = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        first.iter_mut().for_each(|s| *s = rng.below(sizes[0]));
        second.iter_mut().for_each(|s| *s = rng.below(sizes[1]));
        stats.extend(statistic(&first, &second).filter(|v| v.is_finite()));
    }
    percentile_interval(stats, level)
}

/// The `(1 - level) / 2` and `(1 + level) / 2` nearest-rank quantiles of resampled statistics.
fn percentile_interval(mut stats: Vec<f64>, level: f64) -> Option<Interval> {
    stats.sort_by(f64::total_cmp);
    let m = stats.len() as f64;
    let low = ((1.0 - level) / 2.0 * m).floor() as usize;
    let high = (((1.0 + level) / 2.0 * m).ceil() as usize).saturating_sub(1);
    Some(Interval {
        low: *stats.get(low)?,
        high: *stats.get(high.min(stats.len().saturating_sub(1)))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_sequence_for_seed_0() {
        // First outputs of the reference C implementation seeded with 0.
        let mut rng = SplitMix64::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn the_same_seed_gives_the_same_interval_and_a_constant_statistic_a_point() {
        let values = [1.0, 2.0, 3.0, 4.0, 10.0];
        let mean = |s: &[usize]| Some(s.iter().map(|&i| values[i]).sum::<f64>() / s.len() as f64);
        let a = bootstrap_interval(5, 500, 7, 0.9, mean).expect("interval");
        assert_eq!(Some(a), bootstrap_interval(5, 500, 7, 0.9, mean));
        assert!(
            a.low >= 1.0 && a.low < 4.0 && a.high > 4.0 && a.high <= 10.0,
            "{a:?}"
        );
        assert_eq!(
            bootstrap_interval(3, 100, 1, 0.9, |_| Some(2.5)),
            Some(Interval {
                low: 2.5,
                high: 2.5
            })
        );
        assert_eq!(bootstrap_interval(0, 100, 1, 0.9, |_| Some(1.0)), None);
        assert_eq!(bootstrap_interval(3, 100, 1, 0.9, |_| None), None);
    }
}
