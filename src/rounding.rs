//! The one rounding rule for scores written out (records, pages, reports):
//! decimal places, so that the same model gives the same text on every platform.

/// `p` rounded to `places` decimals.
pub fn round_score(p: impl Into<f64>, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (p.into() * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero_to_the_places_given() {
        assert_eq!(round_score(0.12345f32, 3), 0.123);
        assert_eq!(round_score(0.1235f64, 3), 0.124);
        assert_eq!(round_score(-0.0005f64, 3), -0.001);
        assert_eq!(round_score(0.5f32, 0), 1.0);
    }
}
