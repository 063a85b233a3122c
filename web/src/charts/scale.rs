//! "Nice" axis ticks (1, 2, 5 times a power of ten) and the linear mapping onto pixels.

/// Evenly spaced round tick values covering `[lo, hi]`, about `target` of them.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo.min(0.0), lo.max(0.0) + 1.0)
    };
    let range = nice_number(hi - lo, false);
    let step = nice_number(range / (target.max(2) - 1) as f64, true);
    let first = (lo / step).floor() as i64;
    let last = (hi / step).ceil() as i64;
    (first..=last).map(|i| clean(i as f64 * step)).collect()
}

/// Rounds away binary noise such as `0.30000000000000004`.
fn clean(value: f64) -> f64 {
    let value = (value * 1e9).round() / 1e9;
    if value == 0.0 {
        0.0
    } else {
        value
    }
}

fn nice_number(x: f64, round: bool) -> f64 {
    let exponent = x.log10().floor();
    let power = 10f64.powf(exponent);
    let fraction = x / power;
    let nice = match (round, fraction) {
        (true, f) if f < 1.5 => 1.0,
        (true, f) if f < 3.0 => 2.0,
        (true, f) if f < 7.0 => 5.0,
        (false, f) if f <= 1.0 => 1.0,
        (false, f) if f <= 2.0 => 2.0,
        (false, f) if f <= 5.0 => 5.0,
        _ => 10.0,
    };
    nice * power
}

/// Maps a value domain linearly onto a pixel range (which may run backwards, as y axes do).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Linear {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl Linear {
    pub fn at(&self, value: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        r0 + (value - d0) / (d1 - d0) * (r1 - r0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_round_and_cover_the_data() {
        assert_eq!(
            nice_ticks(0.0, 97.0, 5),
            vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
        );
        assert_eq!(nice_ticks(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(
            nice_ticks(-0.12, 0.31, 5),
            vec![-0.2, -0.1, 0.0, 0.1, 0.2, 0.3, 0.4]
        );
        assert_eq!(
            nice_ticks(0.0, 12_345.0, 5),
            vec![0.0, 5_000.0, 10_000.0, 15_000.0]
        );
    }

    #[test]
    fn a_flat_or_empty_range_still_gets_ticks() {
        assert_eq!(nice_ticks(0.0, 0.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert!(nice_ticks(5.0, 5.0, 5).len() >= 2);
    }

    #[test]
    fn linear_scale_maps_ends_onto_ends() {
        let y = Linear {
            domain: (0.0, 100.0),
            range: (200.0, 0.0),
        };
        assert_eq!(y.at(0.0), 200.0);
        assert_eq!(y.at(25.0), 150.0);
    }
}
