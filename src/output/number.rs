//! The one way numbers are written into the CSV files, so that the same
//! results always give the same bytes.

/// Formats a number for the CSV files: rounded to 4 decimal places,
/// trailing zeros and a trailing point trimmed, `-0` written `0`. Values
/// that are not finite (NaN, infinity) become an empty cell, like a missing
/// value; the files never contain `NaN` or `inf`.
///
/// ```
/// use ehcsim::output::format_number;
/// assert_eq!(format_number(2.5), "2.5");
/// assert_eq!(format_number(3.0), "3");
/// assert_eq!(format_number(1.0 / 3.0), "0.3333");
/// assert_eq!(format_number(-0.00001), "0");
/// assert_eq!(format_number(f64::NAN), "");
/// ```
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let mut s = format!("{value:.4}");
    if s.contains('.') {
        let trimmed = s.trim_end_matches('0').trim_end_matches('.').len();
        s.truncate(trimmed);
    }
    if s == "-0" {
        s = "0".to_string();
    }
    s
}

/// Formats an optional number: `None` is an empty cell.
///
/// ```
/// use ehcsim::output::format_optional;
/// assert_eq!(format_optional(Some(0.25)), "0.25");
/// assert_eq!(format_optional(None), "");
/// ```
pub fn format_optional(value: Option<f64>) -> String {
    value.map(format_number).unwrap_or_default()
}

/// Formats an amount of money for people: rounded to whole pounds, with a
/// pound sign and thousands separators. Values that are not finite become
/// "n/a".
///
/// ```
/// use ehcsim::output::format_pounds;
/// assert_eq!(format_pounds(1_234_567.4), "£1,234,567");
/// assert_eq!(format_pounds(999.5), "£1,000");
/// assert_eq!(format_pounds(-45_070.0), "-£45,070");
/// ```
pub fn format_pounds(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let n = value.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut s = String::with_capacity(digits.len() + digits.len() / 3 + 3);
    if n < 0 {
        s.push('-');
    }
    s.push('£');
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            s.push(',');
        }
        s.push(c);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pounds() {
        let cases: &[(f64, &str)] = &[
            (0.0, "£0"),
            (-0.0, "£0"),
            (-0.4, "£0"),
            (0.5, "£1"),
            (999.0, "£999"),
            (1000.0, "£1,000"),
            (12_345.0, "£12,345"),
            (123_456.0, "£123,456"),
            (639_994.0, "£639,994"),
            (1_234_567.0, "£1,234,567"),
            (1_000_000_000.0, "£1,000,000,000"),
            (-1_234.0, "-£1,234"),
            (f64::NAN, "n/a"),
            (f64::INFINITY, "n/a"),
        ];
        for &(v, want) in cases {
            assert_eq!(format_pounds(v), want, "formatting {v}");
        }
    }

    #[test]
    fn edge_cases() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-1.0, "-1"),
            (10.0, "10"),
            (100.0, "100"),
            (1200.0, "1200"),
            (0.1, "0.1"),
            (0.12345, "0.1235"),
            (0.99999, "1"),
            (-0.00004, "0"),
            (-0.00006, "-0.0001"),
            (0.00004, "0"),
            (2.0 / 3.0, "0.6667"),
            (123456789.0, "123456789"),
            (1e-12, "0"),
            (f64::NAN, ""),
            (f64::INFINITY, ""),
            (f64::NEG_INFINITY, ""),
        ];
        for &(v, want) in cases {
            assert_eq!(format_number(v), want, "formatting {v:e}");
        }
    }

    #[test]
    fn never_writes_nan_inf_or_exponents() {
        for v in [1e15, 1e-15, -1e-9, 5e-5, 1.5e10] {
            let s = format_number(v);
            assert!(!s.contains(['e', 'E', 'N', 'i']), "{v:e} gave {s}");
            if !s.is_empty() {
                let back: f64 = s.parse().unwrap();
                assert!((back - v).abs() <= 5e-5 + 1e-12, "{v:e} gave {s}");
            }
        }
    }
}
