//! The load check as text for the terminal: hours needed over hours
//! available by financial year for each team and the psychologists, and a
//! plain warning for every year asked for more than it has.

use crate::results::LoadRow;
use std::fmt::Write;

/// The load check of scenario `name` as lines for the terminal. With
/// `warnings_only`, only the warnings (empty when there are none).
pub fn load_check_text(name: &str, rows: &[LoadRow], warnings_only: bool) -> String {
    let mut out = String::new();
    let mut who: Vec<&str> = Vec::new();
    for r in rows {
        if !who.contains(&r.who.as_str()) {
            who.push(&r.who);
        }
    }
    if !warnings_only && !rows.is_empty() {
        let _ = writeln!(
            out,
            "load check for {name} (hours the year's work needs / hours available):"
        );
        for w in &who {
            let years: Vec<String> = rows
                .iter()
                .filter(|r| r.who == *w)
                .map(|r| format!("{} {:.2}", r.year, r.ratio()))
                .collect();
            let _ = writeln!(out, "  {w}: {}", years.join(", "));
        }
    }
    for r in rows.iter().filter(|r| r.ratio() > 1.0) {
        let (team, its) = if r.who == "psychologists" {
            ("the psychologists are".to_string(), "their")
        } else {
            (format!("the {} team is", r.who), "its")
        };
        let _ = writeln!(
            out,
            "warning: in {name}, {team} asked for {:.2} times {its} hours in {}; work beyond {its} hours falls further behind all year",
            r.ratio(),
            r.year
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::FinancialYear;

    #[test]
    fn warns_only_above_one() {
        let row = |needed| LoadRow {
            who: "assessment".into(),
            year: FinancialYear(2027),
            needed,
            available: 100.0,
        };
        let text = load_check_text("x", &[row(118.0), row(90.0)], false);
        assert!(
            text.contains("assessment: 2027-28 1.18, 2027-28 0.90"),
            "{text}"
        );
        assert!(
            text.contains("the assessment team is asked for 1.18 times its hours in 2027-28"),
            "{text}"
        );
        assert_eq!(text.matches("warning").count(), 1);
        assert!(load_check_text("x", &[row(90.0)], true).is_empty());
    }
}
