//! Reading the extract's CSV files into [`Sen2`].

use std::collections::{BTreeMap, HashSet};

use super::{
    alias_keys, normalize, AnnualReviews, LaFigures, Sen2, Sen2Error, Sources, Tribunal,
    TribunalYear, YearFigures, ENGLAND_CODE, FIRST_CENSUS, FIRST_YEAR, LAST_CENSUS, LAST_YEAR,
    SAME_COUNCIL_CODES,
};

const REQUESTS: &str = "requests.csv";
const ASSESSMENTS: &str = "assessments.csv";
const TIMELINESS: &str = "timeliness_20_week.csv";
const REVIEWS: &str = "annual_reviews.csv";
const CASELOAD: &str = "caseload.csv";
const CEASED: &str = "ceased_plans.csv";
const TRIBUNALS: &str = "tribunals_appeal_rate_2014_2024.csv";

/// The suppression marks (and an empty cell), all read as missing.
const MISSING: &[&str] = &["x", "z", "c", "low", ""];

/// A count: a suppression mark is `None`, anything else must be an integer.
fn count(s: &str) -> Result<Option<i64>, ()> {
    let t = s.trim();
    if MISSING.contains(&t) {
        return Ok(None);
    }
    t.parse::<i64>().map(Some).map_err(|_| ())
}

/// A percentage as published: a suppression mark is `None`.
fn percent(s: &str) -> Result<Option<f64>, ()> {
    let t = s.trim();
    if MISSING.contains(&t) {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(()),
    }
}

/// One data row of a SEN2 file, with its header for looking columns up.
struct Row<'r> {
    file: &'static str,
    line: u64,
    header: &'r csv::StringRecord,
    rec: &'r csv::StringRecord,
}

impl Row<'_> {
    fn str(&self, column: &str) -> Result<&str, Sen2Error> {
        self.header
            .iter()
            .position(|h| h == column)
            .and_then(|i| self.rec.get(i))
            .ok_or_else(|| Sen2Error::MissingColumn {
                file: self.file,
                column: column.to_string(),
            })
    }

    fn bad(&self, column: &str, value: &str) -> Sen2Error {
        Sen2Error::BadValue {
            file: self.file,
            line: self.line,
            column: column.to_string(),
            value: value.to_string(),
        }
    }

    fn count(&self, column: &str) -> Result<Option<i64>, Sen2Error> {
        let v = self.str(column)?;
        count(v).map_err(|_| self.bad(column, v))
    }

    fn percent(&self, column: &str) -> Result<Option<f64>, Sen2Error> {
        let v = self.str(column)?;
        percent(v).map_err(|_| self.bad(column, v))
    }

    fn bad_key(&self, column: &'static str, value: &str) -> Sen2Error {
        Sen2Error::BadKey {
            file: self.file,
            line: self.line,
            column,
            value: value.to_string(),
        }
    }

    /// A calendar year 2019-2024.
    fn calendar_year(&self) -> Result<u16, Sen2Error> {
        let v = self.str("time_period")?;
        match v.trim().parse::<u16>() {
            Ok(y) if (FIRST_YEAR..=LAST_YEAR).contains(&y) => Ok(y),
            _ => Err(self.bad_key("time_period", v)),
        }
    }

    /// A census period such as `201819`, returned as its January (2019).
    fn census_january(&self) -> Result<u16, Sen2Error> {
        let v = self.str("time_period")?;
        let t = v.trim();
        let parsed = (t.len() == 6 && t.bytes().all(|b| b.is_ascii_digit()))
            .then(|| Some((t[..4].parse::<u16>().ok()?, t[4..].parse::<u16>().ok()?)))
            .flatten();
        match parsed {
            Some((start, end))
                if (start + 1) % 100 == end
                    && (FIRST_CENSUS..=LAST_CENSUS).contains(&(start + 1)) =>
            {
                Ok(start + 1)
            }
            _ => Err(self.bad_key("time_period", v)),
        }
    }
}

/// Councils as they are built, keyed by their primary code.
#[derive(Default)]
struct Builder {
    england: Option<LaFigures>,
    las: BTreeMap<String, LaFigures>,
    seen: HashSet<(&'static str, String, u16)>,
}

impl Builder {
    /// The council a row belongs to, created on first sight; checks the row
    /// is the first for its council and `period` in this file.
    fn council(&mut self, row: &Row<'_>, period: u16) -> Result<&mut LaFigures, Sen2Error> {
        let level = row.str("geographic_level")?;
        let code = row.str("new_la_code")?.trim().to_string();
        let name = row.str("la_name")?.trim().to_string();
        let primary = SAME_COUNCIL_CODES
            .iter()
            .find(|(alias, _)| *alias == code)
            .map_or(code.clone(), |(_, p)| p.to_string());
        if !self.seen.insert((row.file, primary.clone(), period)) {
            return Err(Sen2Error::Duplicate {
                file: row.file,
                line: row.line,
                code,
                period: period.to_string(),
            });
        }
        match level.trim() {
            "National" => {
                if code != ENGLAND_CODE {
                    return Err(row.bad_key("geographic_level", level));
                }
                Ok(self
                    .england
                    .get_or_insert_with(|| LaFigures::empty(&name, &code, true)))
            }
            "Local authority" => {
                let la = self
                    .las
                    .entry(primary.clone())
                    .or_insert_with(|| LaFigures::empty(&name, &primary, false));
                if code != primary && !la.other_codes.contains(&code) {
                    la.other_codes.push(code);
                }
                Ok(la)
            }
            _ => Err(row.bad_key("geographic_level", level)),
        }
    }

    fn year(&mut self, row: &Row<'_>) -> Result<&mut YearFigures, Sen2Error> {
        let year = row.calendar_year()?;
        let la = self.council(row, year)?;
        Ok(&mut la.years[usize::from(year - FIRST_YEAR)])
    }
}

/// Calls `each` for every data row of a SEN2 file.
fn rows(
    file: &'static str,
    text: &str,
    mut each: impl FnMut(&Row<'_>) -> Result<(), Sen2Error>,
) -> Result<(), Sen2Error> {
    let csv_err = |e: csv::Error| Sen2Error::Csv {
        file,
        message: e.to_string(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().map_err(csv_err)?.clone();
    for rec in reader.records() {
        let rec = rec.map_err(csv_err)?;
        let line = rec.position().map_or(0, |p| p.line());
        each(&Row {
            file,
            line,
            header: &header,
            rec: &rec,
        })?;
    }
    Ok(())
}

pub(super) fn parse(src: &Sources<'_>) -> Result<Sen2, Sen2Error> {
    let mut b = Builder::default();
    rows(REQUESTS, src.requests, |r| {
        let y = b.year(r)?;
        y.requests_received = r.count("requests_received_in_year")?;
        y.decided_to_assess = r.count("requests_decided_to_assess")?;
        y.decided_not_to_assess = r.count("requests_decided_not_to_assess")?;
        y.decision_not_made = r.count("requests_decision_not_made")?;
        y.withdrawn = r.count("requests_withdrawn")?;
        y.decisions_within_6_weeks = r.count("request_outcome_six_weeks")?;
        y.decisions_over_6_weeks = r.count("request_outcome_over_6_weeks")?;
        y.decisions_within_6_weeks_pc = r.percent("request_outcome_six_weeks_pc")?;
        Ok(())
    })?;
    rows(ASSESSMENTS, src.assessments, |r| {
        let y = b.year(r)?;
        y.assessments = r.count("assess_in_year")?;
        y.assessed_plan_issued = r.count("assess_issued")?;
        y.assessed_plan_not_issued = r.count("assess_not_issued")?;
        y.assessment_not_made = r.count("assess_not_made")?;
        y.assessment_withdrawn = r.count("assess_withdrawn")?;
        Ok(())
    })?;
    rows(TIMELINESS, src.timeliness, |r| {
        let y = b.year(r)?;
        y.plans_issued = r.count("plans_issued_den")?;
        y.plans_issued_ex = r.count("plans_issued_den_ex")?;
        y.plans_within_20_weeks = r.count("plans_issued_within_20_weeks")?;
        y.plans_within_20_weeks_ex = r.count("plans_issued_20_weeks_ex")?;
        y.pc_within_20_weeks = r.percent("pc_plans_issued_within_20_weeks")?;
        y.pc_within_20_weeks_ex = r.percent("PC_plans_issued_20_weeks_ex")?;
        y.plans_over_20_weeks_under_a_year = r.count("plans_issued_gt20weeks_ltYear")?;
        y.plans_over_a_year = r.count("plans_issued_gt_1_year")?;
        Ok(())
    })?;
    rows(CEASED, src.ceased_plans, |r| {
        let ceased = r.count("total_ceased")?;
        b.year(r)?.plans_ceased = ceased;
        Ok(())
    })?;
    rows(CASELOAD, src.caseload, |r| {
        let january = r.census_january()?;
        let plans = r.count("ehcplans")?;
        let la = b.council(r, january)?;
        la.censuses[usize::from(january - FIRST_CENSUS)].plans_in_force = plans;
        Ok(())
    })?;
    rows(REVIEWS, src.annual_reviews, |r| {
        let year = r.calendar_year()?;
        let a = AnnualReviews {
            year,
            total_plans: r.count("total_ehc_plans")?,
            reviews_expected: r.count("review_expected")?,
            reviews_not_expected: r.count("review_not_expected")?,
            meetings_held: r.count("total_review_meeting")?,
            no_meeting: r.count("no_review_meeting")?,
            decisions: r.count("review_decision24")?,
            decisions_outstanding: r.count("review_decision_outstanding")?,
            outcome_amend: r.count("outcome_amend")?,
            outcome_cease: r.count("outcome_cease")?,
            outcome_maintain: r.count("outcome_maintan")?,
            no_outcome: r.count("no_outcome")?,
            decisions_within_4_weeks: r.count("number_decsion_4weeks")?,
            decisions_over_4_weeks: r.count("number_decision_gt_4weeks")?,
            decisions_within_4_weeks_pc: r.percent("pc_decsion_4weeks")?,
        };
        b.council(r, year)?.annual_reviews = Some(a);
        Ok(())
    })?;
    let england = b.england.ok_or_else(|| Sen2Error::Layout {
        file: REQUESTS,
        message: "no National (England) rows".to_string(),
    })?;
    let mut las: Vec<LaFigures> = b.las.into_values().collect();
    las.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.code.cmp(&b.code)));
    let mut sen2 = Sen2 {
        england,
        las,
        unmatched_tribunal: Vec::new(),
    };
    attach_tribunals(&mut sen2, src.tribunals)?;
    Ok(sen2)
}

/// A tribunal-table cell: thousands separators and `%` removed; `-` (nil)
/// is 0; `..` (not available), `~` (suppressed), `x` and empty are `None`.
fn tribunal_number(s: &str) -> Result<Option<f64>, ()> {
    let t = s.trim();
    match t {
        "-" => Ok(Some(0.0)),
        ".." | "~" | "x" | "" => Ok(None),
        _ => {
            let cleaned: String = t.chars().filter(|&c| c != ',' && c != '%').collect();
            match cleaned.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(Some(v)),
                _ => Err(()),
            }
        }
    }
}

/// Reads the MoJ appeal-rate table (a BOM, title rows, a two-row header
/// with the years over triples of columns, region rows, council rows, an
/// "England Total" row, then notes) and attaches each council's row by
/// name.
fn attach_tribunals(sen2: &mut Sen2, text: &str) -> Result<(), Sen2Error> {
    let layout = |message: &str| Sen2Error::Layout {
        file: TRIBUNALS,
        message: message.to_string(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let records: Vec<csv::StringRecord> =
        reader
            .records()
            .collect::<Result<_, _>>()
            .map_err(|e| Sen2Error::Csv {
                file: TRIBUNALS,
                message: e.to_string(),
            })?;
    let cell = |r: &csv::StringRecord, i: usize| r.get(i).unwrap_or("").trim().to_string();
    let header_at = records
        .iter()
        .position(|r| cell(r, 0) == "Local Authority" && cell(r, 1) == "LA code")
        .ok_or_else(|| layout("no header row starting \"Local Authority\", \"LA code\""))?;
    let header = &records[header_at];
    let years: Vec<(u16, usize)> = (2..header.len())
        .filter_map(|i| {
            let c = cell(header, i);
            (c.len() == 4)
                .then(|| c.parse::<u16>().ok())
                .flatten()
                .map(|y| (y, i))
        })
        .collect();
    let sub = records
        .get(header_at + 1)
        .ok_or_else(|| layout("nothing after the header row"))?;
    for &(y, i) in &years {
        if !cell(sub, i).starts_with("Appeals registered")
            || !cell(sub, i + 1).starts_with("Total Appealable Decisions")
            || !cell(sub, i + 2).starts_with("SEND Tribunal Appeal Rate")
        {
            return Err(layout(&format!(
                "the columns under {y} are not appeals, appealable decisions and rate"
            )));
        }
    }
    if years.is_empty() {
        return Err(layout("no years in the header row"));
    }
    let mut seen_england = false;
    for (k, r) in records.iter().enumerate().skip(header_at + 2) {
        let raw_name = cell(r, 0);
        if raw_name.is_empty() {
            continue;
        }
        let mut parsed = Vec::with_capacity(years.len());
        let mut any = false;
        for &(year, i) in &years {
            let get = |j: usize| {
                let v = cell(r, j);
                tribunal_number(&v).map_err(|_| Sen2Error::BadValue {
                    file: TRIBUNALS,
                    line: k as u64 + 1,
                    column: format!("{year} column {}", j - i + 1),
                    value: v,
                })
            };
            let (a, d, rate) = (get(i)?, get(i + 1)?, get(i + 2)?);
            any |= a.is_some() || d.is_some() || rate.is_some();
            parsed.push(TribunalYear {
                year,
                appeals_registered: a.map(|v| v as i64),
                appealable_decisions: d.map(|v| v as i64),
                appeal_rate_pc: rate,
            });
        }
        if !any {
            continue; // a region heading such as "NORTH EAST"
        }
        let is_england = raw_name.to_lowercase().starts_with("england total");
        let name = raw_name
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == ',')
            .trim()
            .to_string();
        let number = cell(r, 1);
        let t = Tribunal {
            name: name.clone(),
            la_number: (!number.is_empty()).then_some(number),
            years: parsed,
        };
        if is_england {
            sen2.england.tribunal = Some(t);
            seen_england = true;
            break; // the notes follow
        }
        let key = normalize(&name);
        let matches: Vec<usize> = sen2
            .las
            .iter()
            .enumerate()
            .filter(|(_, la)| normalize(&la.name) == key || alias_keys(&la.name).contains(&key))
            .map(|(i, _)| i)
            .collect();
        let target = matches
            .iter()
            .find(|&&i| sen2.las[i].is_current())
            .or(matches.first())
            .copied();
        match target {
            Some(i) if sen2.las[i].tribunal.is_none() => sen2.las[i].tribunal = Some(t),
            _ => sen2.unmatched_tribunal.push(name),
        }
    }
    if !seen_england {
        return Err(layout("no \"England Total\" row"));
    }
    Ok(())
}
