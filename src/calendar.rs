//! Calendar arithmetic: simulation days, reporting weeks (starting Monday),
//! months for the request profile and financial years (1 April to 31 March).

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A scenario's calendar: day 0 is the start date.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// First simulated day.
    pub start: NaiveDate,
    /// Number of simulated days.
    pub days: u32,
}

/// A financial year, named by the calendar year in which it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FinancialYear(pub i32);

impl FinancialYear {
    /// The financial year containing `date`.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// use ehcsim::calendar::FinancialYear;
    /// let d = NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
    /// assert_eq!(FinancialYear::containing(d).to_string(), "2026-27");
    /// ```
    pub fn containing(date: NaiveDate) -> Self {
        if date.month() >= 4 {
            FinancialYear(date.year())
        } else {
            FinancialYear(date.year() - 1)
        }
    }

    /// 1 April of the year.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).unwrap_or(NaiveDate::MIN)
    }
}

impl std::fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:02}", self.0, (self.0 + 1).rem_euclid(100))
    }
}

impl Calendar {
    /// The date of simulation day `day` (fractions of a day are dropped).
    pub fn date(&self, day: f64) -> NaiveDate {
        self.start + Duration::days(day.max(0.0).floor() as i64)
    }

    /// The simulation day on which `date` begins (negative before the start).
    pub fn day_of(&self, date: NaiveDate) -> i64 {
        (date - self.start).num_days()
    }

    /// Days from the start date back to the Monday that begins its week.
    pub fn offset_from_monday(&self) -> u32 {
        self.start.weekday().num_days_from_monday()
    }

    /// Number of reporting weeks: every Monday-to-Sunday week that overlaps
    /// the simulated period. The first and last may be partial.
    pub fn weeks(&self) -> usize {
        (self.offset_from_monday() + self.days).div_ceil(7) as usize
    }

    /// The simulation day at which reporting week `week` ends (exclusive),
    /// capped at the end of the run.
    pub fn week_end_day(&self, week: usize) -> f64 {
        let end = (week as i64 + 1) * 7 - self.offset_from_monday() as i64;
        end.min(self.days as i64) as f64
    }

    /// The Monday that begins reporting week `week`.
    pub fn week_start(&self, week: usize) -> NaiveDate {
        let monday = self.start - Duration::days(self.offset_from_monday() as i64);
        monday + Duration::days(week as i64 * 7)
    }

    /// The reporting week containing simulation day `day`.
    #[inline]
    pub fn week_of(&self, day: f64) -> usize {
        ((day.max(0.0) + self.offset_from_monday() as f64) / 7.0) as usize
    }

    /// The financial years the run touches, in order.
    pub fn financial_years(&self) -> Vec<FinancialYear> {
        let first = FinancialYear::containing(self.start);
        let last = FinancialYear::containing(self.date((self.days.max(1) - 1) as f64));
        (first.0..=last.0).map(FinancialYear).collect()
    }

    /// Index into [`Calendar::financial_years`] of simulation day `day`,
    /// clamped to the run (the end of the run counts in its last year).
    pub fn financial_year_index(&self, day: f64) -> usize {
        let first = FinancialYear::containing(self.start).0;
        let last_day = (self.days.max(1) - 1) as f64;
        (FinancialYear::containing(self.date(day.min(last_day))).0 - first).max(0) as usize
    }

    /// The calendar years the run touches, in order.
    pub fn calendar_years(&self) -> Vec<i32> {
        let last = self.date((self.days.max(1) - 1) as f64);
        (self.start.year()..=last.year()).collect()
    }

    /// Index into [`Calendar::calendar_years`] of simulation day `day`,
    /// clamped to the run.
    pub fn calendar_year_index(&self, day: f64) -> usize {
        let last_day = (self.days.max(1) - 1) as f64;
        (self.date(day.min(last_day)).year() - self.start.year()).max(0) as usize
    }

    /// The simulation days at which each financial year after the first
    /// begins, paired with the index of the year that ends there.
    pub fn financial_year_ends(&self) -> Vec<(usize, f64)> {
        self.financial_years()
            .iter()
            .enumerate()
            .skip(1)
            .map(|(i, fy)| (i - 1, self.day_of(fy.first_day()) as f64))
            .collect()
    }

    /// The next day on or after `day` that falls on `weekday`.
    pub fn next_weekday(&self, day: f64, weekday: Weekday) -> f64 {
        let d = day.ceil();
        let wd = self.date(d).weekday().num_days_from_monday() as i64;
        let want = weekday.num_days_from_monday() as i64;
        d + ((want - wd).rem_euclid(7)) as f64
    }

    /// Boundaries (simulation days) of calendar months from the start,
    /// with each month's index 0..=11 (January = 0), covering the run.
    pub fn months(&self) -> Vec<(f64, f64, usize)> {
        let mut out = Vec::new();
        let mut first =
            NaiveDate::from_ymd_opt(self.start.year(), self.start.month(), 1).unwrap_or(self.start);
        loop {
            let next = first
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(NaiveDate::MAX);
            let a = self.day_of(first).max(0) as f64;
            let b = (self.day_of(next) as f64).min(self.days as f64);
            if a >= self.days as f64 {
                break;
            }
            out.push((a, b, first.month0() as usize));
            first = next;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal(y: i32, m: u32, d: u32, days: u32) -> Calendar {
        Calendar {
            start: NaiveDate::from_ymd_opt(y, m, d).unwrap(),
            days,
        }
    }

    #[test]
    fn weeks_start_on_monday() {
        // 2026-04-01 is a Wednesday.
        let c = cal(2026, 4, 1, 14);
        assert_eq!(c.offset_from_monday(), 2);
        assert_eq!(
            c.week_start(0),
            NaiveDate::from_ymd_opt(2026, 3, 30).unwrap()
        );
        assert_eq!(c.week_end_day(0), 5.0);
        assert_eq!(c.weeks(), 3);
        assert_eq!(c.week_of(4.9), 0);
        assert_eq!(c.week_of(5.0), 1);
        assert_eq!(c.week_end_day(2), 14.0);
    }

    #[test]
    fn financial_years_run_april_to_march() {
        let c = cal(2026, 4, 1, 730);
        let fys = c.financial_years();
        assert_eq!(
            fys.iter().map(|f| f.to_string()).collect::<Vec<_>>(),
            ["2026-27", "2027-28"]
        );
        assert_eq!(c.financial_year_index(364.0), 0);
        assert_eq!(c.financial_year_index(365.0), 1);
        assert_eq!(c.financial_year_ends(), vec![(0, 365.0)]);
        // The run's end (day 730, 1 April 2028) still counts in its last year.
        assert_eq!(c.financial_year_index(730.0), 1);
        assert_eq!(FinancialYear(1999).to_string(), "1999-00");
    }

    #[test]
    fn months_cover_the_run() {
        let c = cal(2026, 4, 15, 30);
        let m = c.months();
        assert_eq!(m, vec![(0.0, 16.0, 3), (16.0, 30.0, 4)]);
    }

    #[test]
    fn next_weekday_finds_the_panel_day() {
        let c = cal(2026, 4, 1, 30); // Wednesday
        assert_eq!(c.next_weekday(0.0, Weekday::Wed), 0.0);
        assert_eq!(c.next_weekday(0.5, Weekday::Wed), 7.0);
        assert_eq!(c.next_weekday(0.0, Weekday::Thu), 1.0);
    }
}
