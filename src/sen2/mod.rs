//! SEN2 figures for England and every local authority, for calibration.
//!
//! The Department for Education's *Education, health and care plans*
//! statistics (the SEN2 return, reporting year 2025, published June 2025)
//! and the Ministry of Justice SEND Tribunal appeal-rate table, as shipped in
//! `data/sen2/` and embedded in the binary with `include_str!`, so this
//! module works anywhere. Contains public sector information licensed under
//! the Open Government Licence v3.0 (attribution in `data/sen2/README.md`).
//!
//! Values are kept as published: the suppression marks `x` (not available
//! or suppressed), `z` (not applicable), `c` (confidential), `low` (fewer
//! than 0.5) and empty cells are `None`, never 0; percentages are the
//! published ones (32.1 means 32.1%), not recomputed. A few published
//! counts are negative (`review_decision_outstanding`, `no_outcome` in
//! `annual_reviews.csv`); they are kept as published.
//!
//! Periods: the request, assessment, timeliness, review and cessation files
//! are by calendar year (2019-2024); the plans in force come from the
//! January census, whose `time_period` names the academic year the census
//! falls in: `201819` is January 2019 and `202425` is January 2025.
//!
//! ```
//! let devon = ehcsim::sen2::lookup("devon").unwrap();
//! assert_eq!(devon.year(2024).unwrap().pc_within_20_weeks_ex, Some(3.2));
//! let england = ehcsim::sen2::embedded().unwrap().england();
//! let d = ehcsim::sen2::scenario_figures(devon, england);
//! println!("{}", d.refused_share.unwrap());
//! ```

mod derived;
mod parse;
pub mod scenario;
#[cfg(test)]
mod tests;

use std::sync::OnceLock;

pub use derived::{
    median, scenario_figures, DerivedFigures, Figure, Provenance, PublishedKpis, GROWTH_MAX,
    GROWTH_MIN, MIN_OUTCOMES_PER_MEETING,
};

/// First calendar year in the extract (requests, assessments, timeliness).
pub const FIRST_YEAR: u16 = 2019;
/// Last calendar year in the extract.
pub const LAST_YEAR: u16 = 2024;
/// First January census in the extract (`time_period` `201819`).
pub const FIRST_CENSUS: u16 = 2019;
/// Last January census in the extract (`time_period` `202425`).
pub const LAST_CENSUS: u16 = 2025;

/// The LA code England's rows carry.
pub const ENGLAND_CODE: &str = "E92000001";

/// Codes the publisher uses for one council in different years, mapped to
/// the code used in the latest year. Buckinghamshire became a unitary
/// council in April 2020 on the same boundaries; the extract files it under
/// `E06000060` for 2020-2022 (January 2021-2023 census) and under its old
/// county code `E10000002` otherwise, so the two are one council here.
/// (Dorset, whose boundaries changed in 2019, is not merged: the old county
/// `E10000009` and the new council `E06000059` stay separate.)
pub const SAME_COUNCIL_CODES: &[(&str, &str)] = &[("E06000060", "E10000002")];

/// Everything that can go wrong reading the extract or looking a council up.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Sen2Error {
    /// The CSV text itself could not be read.
    #[error("{file}: {message}")]
    Csv {
        /// The file (as named in `data/sen2/`).
        file: &'static str,
        /// What the CSV reader reported.
        message: String,
    },
    /// A column the module needs is not in the file's header.
    #[error("{file}: no column {column:?} in the header")]
    MissingColumn {
        /// The file.
        file: &'static str,
        /// The missing column.
        column: String,
    },
    /// A cell is neither a number nor a suppression mark.
    #[error("{file} line {line}: column {column:?}: cannot read {value:?} as a number or a suppression mark")]
    BadValue {
        /// The file.
        file: &'static str,
        /// Line in the file (1-based).
        line: u64,
        /// The column.
        column: String,
        /// The cell as published.
        value: String,
    },
    /// A `time_period` or `geographic_level` outside what the module expects.
    #[error("{file} line {line}: unexpected {column} {value:?}")]
    BadKey {
        /// The file.
        file: &'static str,
        /// Line in the file (1-based).
        line: u64,
        /// The column (`time_period` or `geographic_level`).
        column: &'static str,
        /// The cell as published.
        value: String,
    },
    /// Two rows for the same council and period in one file.
    #[error("{file} line {line}: a second row for {code} in {period}")]
    Duplicate {
        /// The file.
        file: &'static str,
        /// Line of the second row (1-based).
        line: u64,
        /// The council's LA code.
        code: String,
        /// The period.
        period: String,
    },
    /// The tribunal table's layout is not the one expected.
    #[error("{file}: {message}")]
    Layout {
        /// The file.
        file: &'static str,
        /// What was expected.
        message: String,
    },
    /// No council of that name or code; the closest names are suggested.
    #[error("no local authority {query:?} in SEN2; closest: {}", suggestions.join(", "))]
    NotFound {
        /// What was looked up.
        query: String,
        /// Up to three closest council names, closest first.
        suggestions: Vec<String>,
    },
}

/// One calendar year's figures for a council (or England). Field names say
/// what each is; the publisher's column is given in each field's docs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct YearFigures {
    /// The calendar year.
    pub year: u16,
    /// Requests for assessment received (`requests_received_in_year`).
    pub requests_received: Option<i64>,
    /// Decided to assess (`requests_decided_to_assess`, 2023-).
    pub decided_to_assess: Option<i64>,
    /// Decided not to assess (`requests_decided_not_to_assess`).
    pub decided_not_to_assess: Option<i64>,
    /// Decision not made (`requests_decision_not_made`, 2023-).
    pub decision_not_made: Option<i64>,
    /// Withdrawn before the decision (`requests_withdrawn`, 2023-).
    pub withdrawn: Option<i64>,
    /// Decisions within 6 weeks (`request_outcome_six_weeks`, 2023-).
    pub decisions_within_6_weeks: Option<i64>,
    /// Decisions over 6 weeks (`request_outcome_over_6_weeks`, 2023-).
    pub decisions_over_6_weeks: Option<i64>,
    /// Percentage of decisions within 6 weeks, as published
    /// (`request_outcome_six_weeks_pc`, 2023-).
    pub decisions_within_6_weeks_pc: Option<f64>,
    /// Assessments in the year (`assess_in_year`, 2022-): plan issued, not
    /// issued, not made and withdrawn together.
    pub assessments: Option<i64>,
    /// Assessments completed with a plan issued (`assess_issued`).
    pub assessed_plan_issued: Option<i64>,
    /// Assessments completed with no plan issued (`assess_not_issued`).
    pub assessed_plan_not_issued: Option<i64>,
    /// Assessment outcome not made (`assess_not_made`, 2023-).
    pub assessment_not_made: Option<i64>,
    /// Assessments withdrawn (`assess_withdrawn`, 2022-).
    pub assessment_withdrawn: Option<i64>,
    /// New plans issued (`plans_issued_den`).
    pub plans_issued: Option<i64>,
    /// New plans issued, those with a legal exception excluded
    /// (`plans_issued_den_ex`).
    pub plans_issued_ex: Option<i64>,
    /// New plans issued within 20 weeks (`plans_issued_within_20_weeks`).
    pub plans_within_20_weeks: Option<i64>,
    /// New plans issued within 20 weeks, exceptions excluded
    /// (`plans_issued_20_weeks_ex`).
    pub plans_within_20_weeks_ex: Option<i64>,
    /// Percentage issued within 20 weeks, all plans, as published
    /// (`pc_plans_issued_within_20_weeks`).
    pub pc_within_20_weeks: Option<f64>,
    /// The headline: percentage issued within 20 weeks, exceptions
    /// excluded, as published (`PC_plans_issued_20_weeks_ex`).
    pub pc_within_20_weeks_ex: Option<f64>,
    /// Plans issued after 20 weeks but within a year
    /// (`plans_issued_gt20weeks_ltYear`, 2023-).
    pub plans_over_20_weeks_under_a_year: Option<i64>,
    /// Plans issued after more than a year (`plans_issued_gt_1_year`, 2023-).
    pub plans_over_a_year: Option<i64>,
    /// Plans ceased in the year (`total_ceased`, `ceased_plans.csv`, 2022-).
    pub plans_ceased: Option<i64>,
}

/// One January census of plans in force (`caseload.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct Census {
    /// The January of the census (2019 for `time_period` `201819`).
    pub january: u16,
    /// EHC plans in force (`ehcplans`).
    pub plans_in_force: Option<i64>,
}

/// The 2024 annual-review row (`annual_reviews.csv`, calendar year 2024).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnnualReviews {
    /// The calendar year (2024).
    pub year: u16,
    /// EHC plans (`total_ehc_plans`).
    pub total_plans: Option<i64>,
    /// Reviews expected in the year (`review_expected`).
    pub reviews_expected: Option<i64>,
    /// Reviews not expected (`review_not_expected`).
    pub reviews_not_expected: Option<i64>,
    /// Review meetings held (`total_review_meeting`).
    pub meetings_held: Option<i64>,
    /// Expected reviews with no meeting (`no_review_meeting`).
    pub no_meeting: Option<i64>,
    /// Review decisions made (`review_decision24`).
    pub decisions: Option<i64>,
    /// Review decisions outstanding (`review_decision_outstanding`; a few
    /// councils publish negative values, kept as published).
    pub decisions_outstanding: Option<i64>,
    /// Outcome: amend (`outcome_amend`).
    pub outcome_amend: Option<i64>,
    /// Outcome: cease (`outcome_cease`).
    pub outcome_cease: Option<i64>,
    /// Outcome: maintain (`outcome_maintan`).
    pub outcome_maintain: Option<i64>,
    /// No outcome (`no_outcome`; a few negative values, as published).
    pub no_outcome: Option<i64>,
    /// Decisions within 4 weeks of the meeting (`number_decsion_4weeks`).
    pub decisions_within_4_weeks: Option<i64>,
    /// Decisions after more than 4 weeks (`number_decision_gt_4weeks`).
    pub decisions_over_4_weeks: Option<i64>,
    /// Percentage of decisions within 4 weeks, as published
    /// (`pc_decsion_4weeks`).
    pub decisions_within_4_weeks_pc: Option<f64>,
}

/// One year of the MoJ SEND Tribunal appeal-rate table.
#[derive(Debug, Clone, PartialEq)]
pub struct TribunalYear {
    /// The calendar year.
    pub year: u16,
    /// Appeals registered (`-` in the table, a nil, is 0).
    pub appeals_registered: Option<i64>,
    /// Total appealable decisions.
    pub appealable_decisions: Option<i64>,
    /// SEND Tribunal appeal rate, percent as published (0.7 for "0.70%").
    pub appeal_rate_pc: Option<f64>,
}

/// A council's row of the MoJ SEND Tribunal appeal-rate table.
#[derive(Debug, Clone, PartialEq)]
pub struct Tribunal {
    /// The name as printed in the table, footnote digits removed.
    pub name: String,
    /// The old three-digit LA number the table uses (none for some former
    /// councils).
    pub la_number: Option<String>,
    /// Years 2014-2024 in order (the table's two "In development" 2024
    /// columns, a new measure, are not read).
    pub years: Vec<TribunalYear>,
}

impl Tribunal {
    /// The figures for one calendar year, if the table has it.
    pub fn year(&self, year: u16) -> Option<&TribunalYear> {
        self.years.iter().find(|y| y.year == year)
    }
}

/// Every SEN2 figure for one local authority, or for England.
#[derive(Debug, Clone, PartialEq)]
pub struct LaFigures {
    /// The name as published (`la_name`).
    pub name: String,
    /// The LA code of its latest rows (`new_la_code`).
    pub code: String,
    /// Other codes its rows carry in some years (see [`SAME_COUNCIL_CODES`]).
    pub other_codes: Vec<String>,
    /// Whether these are England's national figures.
    pub national: bool,
    /// Calendar years [`FIRST_YEAR`]..=[`LAST_YEAR`], in order, always all
    /// six (a year without rows has every field `None`).
    pub years: Vec<YearFigures>,
    /// January censuses [`FIRST_CENSUS`]..=[`LAST_CENSUS`], in order.
    pub censuses: Vec<Census>,
    /// The 2024 annual-review row, if the council has one.
    pub annual_reviews: Option<AnnualReviews>,
    /// The SEND Tribunal appeal-rate row, if the table has one.
    pub tribunal: Option<Tribunal>,
}

impl LaFigures {
    fn empty(name: &str, code: &str, national: bool) -> LaFigures {
        LaFigures {
            name: name.to_string(),
            code: code.to_string(),
            other_codes: Vec::new(),
            national,
            years: (FIRST_YEAR..=LAST_YEAR)
                .map(|year| YearFigures {
                    year,
                    ..YearFigures::default()
                })
                .collect(),
            censuses: (FIRST_CENSUS..=LAST_CENSUS)
                .map(|january| Census {
                    january,
                    plans_in_force: None,
                })
                .collect(),
            annual_reviews: None,
            tribunal: None,
        }
    }

    /// One calendar year's figures (`None` outside 2019-2024).
    pub fn year(&self, year: u16) -> Option<&YearFigures> {
        self.years.iter().find(|y| y.year == year)
    }

    /// Plans in force at the January census of `january` (2019-2025).
    pub fn plans_in_force(&self, january: u16) -> Option<i64> {
        self.censuses
            .iter()
            .find(|c| c.january == january)
            .and_then(|c| c.plans_in_force)
    }

    /// The SEND Tribunal appeal rate (percent) in a calendar year.
    pub fn appeal_rate_pc(&self, year: u16) -> Option<f64> {
        self.tribunal
            .as_ref()
            .and_then(|t| t.year(year))
            .and_then(|y| y.appeal_rate_pc)
    }

    /// A county council: an LA code starting `E10` (as SEN2 files it; this
    /// includes Buckinghamshire, North Yorkshire and Somerset, unitary
    /// since 2020 and 2023 but still filed under county codes).
    pub fn is_county_council(&self) -> bool {
        !self.national && self.code.starts_with("E10")
    }

    /// A council that still exists: it has rows for the latest year (2024)
    /// or the latest census (January 2025). Former councils (Bournemouth,
    /// Poole, the pre-2019 Dorset, Northamptonshire, Cumbria) are kept but
    /// are not current.
    pub fn is_current(&self) -> bool {
        let y = self.year(LAST_YEAR);
        self.plans_in_force(LAST_CENSUS).is_some()
            || self.annual_reviews.is_some()
            || y.is_some_and(|y| y.requests_received.is_some() || y.plans_issued.is_some())
    }

    fn has_code(&self, code: &str) -> bool {
        self.code.eq_ignore_ascii_case(code)
            || self
                .other_codes
                .iter()
                .any(|c| c.eq_ignore_ascii_case(code))
            || self
                .tribunal
                .as_ref()
                .and_then(|t| t.la_number.as_deref())
                .is_some_and(|n| n == code)
    }
}

/// The whole extract: England and every local authority.
#[derive(Debug, Clone, PartialEq)]
pub struct Sen2 {
    england: LaFigures,
    las: Vec<LaFigures>,
    unmatched_tribunal: Vec<String>,
}

/// The text of the seven extract files (see `data/sen2/README.md`).
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// `requests.csv`.
    pub requests: &'a str,
    /// `assessments.csv`.
    pub assessments: &'a str,
    /// `timeliness_20_week.csv`.
    pub timeliness: &'a str,
    /// `annual_reviews.csv`.
    pub annual_reviews: &'a str,
    /// `caseload.csv`.
    pub caseload: &'a str,
    /// `ceased_plans.csv`.
    pub ceased_plans: &'a str,
    /// `tribunals_appeal_rate_2014_2024.csv`.
    pub tribunals: &'a str,
}

impl Sources<'static> {
    /// The extract shipped in `data/sen2/`, embedded at compile time.
    pub fn embedded() -> Sources<'static> {
        Sources {
            requests: include_str!("../../data/sen2/requests.csv"),
            assessments: include_str!("../../data/sen2/assessments.csv"),
            timeliness: include_str!("../../data/sen2/timeliness_20_week.csv"),
            annual_reviews: include_str!("../../data/sen2/annual_reviews.csv"),
            caseload: include_str!("../../data/sen2/caseload.csv"),
            ceased_plans: include_str!("../../data/sen2/ceased_plans.csv"),
            tribunals: include_str!("../../data/sen2/tribunals_appeal_rate_2014_2024.csv"),
        }
    }
}

static EMBEDDED: OnceLock<Result<Sen2, Sen2Error>> = OnceLock::new();

/// The embedded extract, parsed once on first use.
pub fn embedded() -> Result<&'static Sen2, Sen2Error> {
    match EMBEDDED.get_or_init(|| Sen2::parse(&Sources::embedded())) {
        Ok(s) => Ok(s),
        Err(e) => Err(e.clone()),
    }
}

/// Looks a council up in the embedded extract; see [`Sen2::lookup`].
pub fn lookup(query: &str) -> Result<&'static LaFigures, Sen2Error> {
    embedded()?.lookup(query)
}

/// The names of every current council in the embedded extract, sorted;
/// see [`Sen2::la_names`].
pub fn la_names() -> Result<Vec<&'static str>, Sen2Error> {
    Ok(embedded()?.la_names())
}

/// Of councils answering to one name, the current one, else the first.
fn pick(matches: Vec<&LaFigures>) -> Option<&LaFigures> {
    matches
        .iter()
        .find(|la| la.is_current())
        .or(matches.first())
        .copied()
}

/// Lower case, `&` as "and", letters and digits only: "St. Helens" and
/// "st helens" both become "sthelens".
pub(crate) fn normalize(s: &str) -> String {
    s.to_lowercase()
        .replace('&', "and")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

/// The keys a council's name answers to besides its full name: without a
/// ", City of" / ", County of" suffix and without a "County " prefix
/// ("Bristol", "Herefordshire", "Durham").
fn alias_keys(name: &str) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut keys = Vec::new();
    for suffix in [", city of", ", county of"] {
        if let Some(head) = lower.strip_suffix(suffix) {
            keys.push(normalize(head));
        }
    }
    if let Some(rest) = lower.strip_prefix("county ") {
        keys.push(normalize(rest));
    }
    keys
}

impl Sen2 {
    /// Parses the seven files.
    pub fn parse(sources: &Sources<'_>) -> Result<Sen2, Sen2Error> {
        parse::parse(sources)
    }

    /// England's national figures.
    pub fn england(&self) -> &LaFigures {
        &self.england
    }

    /// Every local authority in the extract, current and former, sorted by
    /// name (England not included).
    pub fn local_authorities(&self) -> &[LaFigures] {
        &self.las
    }

    /// The current councils (see [`LaFigures::is_current`]), sorted by name.
    pub fn current(&self) -> impl Iterator<Item = &LaFigures> {
        self.las.iter().filter(|la| la.is_current())
    }

    /// The names of every current council, sorted (153 in this extract).
    pub fn la_names(&self) -> Vec<&str> {
        self.current().map(|la| la.name.as_str()).collect()
    }

    /// The current county councils (LA codes starting `E10`; 24 here).
    pub fn county_councils(&self) -> Vec<&LaFigures> {
        self.current().filter(|la| la.is_county_council()).collect()
    }

    /// The median over the current county councils of a figure, and how
    /// many councils had it (`None` if none had it).
    pub fn county_median(
        &self,
        figure: impl Fn(&LaFigures) -> Option<f64>,
    ) -> Option<(f64, usize)> {
        let values: Vec<f64> = self
            .county_councils()
            .into_iter()
            .filter_map(figure)
            .collect();
        median(&values).map(|m| (m, values.len()))
    }

    /// [`scenario_figures`] for a council, with this extract's England as
    /// the fallback.
    pub fn scenario_figures(&self, la: &LaFigures) -> DerivedFigures {
        scenario_figures(la, &self.england)
    }

    /// Names in the tribunal table that match no council (none with the
    /// shipped extract).
    pub fn unmatched_tribunal_names(&self) -> &[String] {
        &self.unmatched_tribunal
    }

    /// Finds a council by LA code (`E10000008`, or the tribunal table's old
    /// number `878`), or by name, ignoring case, spaces and punctuation
    /// ("St Helens", "st. helens"), also without ", City of" / ", County
    /// of" and "County " ("Bristol", "Durham"). "England" gives the
    /// national figures. Where two councils share a name (Dorset before and
    /// after 2019), the current one is found; the former one by its code.
    /// On failure the error lists the three closest names.
    pub fn lookup(&self, query: &str) -> Result<&LaFigures, Sen2Error> {
        let q = query.trim();
        let all = || std::iter::once(&self.england).chain(self.las.iter());
        if let Some(la) = all().find(|la| la.has_code(q)) {
            return Ok(la);
        }
        let key = normalize(q);
        if !key.is_empty() {
            if let Some(la) = pick(all().filter(|la| normalize(&la.name) == key).collect()) {
                return Ok(la);
            }
            if let Some(la) = pick(
                all()
                    .filter(|la| alias_keys(&la.name).contains(&key))
                    .collect(),
            ) {
                return Ok(la);
            }
        }
        Err(Sen2Error::NotFound {
            query: query.to_string(),
            suggestions: self.closest(&key, 3),
        })
    }

    /// Up to `n` distinct names closest to a normalised key, closest first.
    fn closest(&self, key: &str, n: usize) -> Vec<String> {
        let mut scored: Vec<(f64, &str)> = std::iter::once(&self.england)
            .chain(self.las.iter())
            .map(|la| {
                let k = normalize(&la.name);
                let score = strsim::jaro_winkler(key, &k)
                    .max(strsim::normalized_damerau_levenshtein(key, &k));
                (score, la.name.as_str())
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        let mut out: Vec<String> = Vec::new();
        for (_, name) in scored {
            if !out.iter().any(|o| o == name) {
                out.push(name.to_string());
            }
            if out.len() == n {
                break;
            }
        }
        out
    }
}
