//! How a council organises its casework: teams that hold cases, the order in
//! which a caseworker takes tasks, a workforce that changes (leavers,
//! vacancies, new starters, agency cover) and an establishment that follows
//! demand (MODEL.md section 5).

use super::StaffGroup;

/// A kind of caseworker task, for the order of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskKind {
    /// Preparing the decision whether to assess (the weekly panel).
    Decision,
    /// Coordinating an agreed assessment and asking for advice.
    Coordination,
    /// Deciding not to issue a plan after assessment.
    NoPlan,
    /// Drafting a plan.
    Drafting,
    /// Finalising a plan after the family's comments and the consultation.
    Finalisation,
    /// The LA decision after an annual review meeting.
    ReviewDecision,
    /// Amending a plan after review.
    ReviewAmendment,
}

impl TaskKind {
    /// Every kind, in a fixed order (the index of [`TaskKind::index`]).
    pub const ALL: [TaskKind; 7] = [
        TaskKind::Decision,
        TaskKind::Coordination,
        TaskKind::NoPlan,
        TaskKind::Drafting,
        TaskKind::Finalisation,
        TaskKind::ReviewDecision,
        TaskKind::ReviewAmendment,
    ];

    /// The kind's name in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            TaskKind::Decision => "decision",
            TaskKind::Coordination => "coordination",
            TaskKind::NoPlan => "no_plan",
            TaskKind::Drafting => "drafting",
            TaskKind::Finalisation => "finalisation",
            TaskKind::ReviewDecision => "review_decision",
            TaskKind::ReviewAmendment => "review_amendment",
        }
    }

    /// The kind named `name` in a scenario file.
    pub fn from_name(name: &str) -> Option<TaskKind> {
        TaskKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Position in [`TaskKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether the task belongs to a request (rather than a plan's review).
    pub fn is_request_task(self) -> bool {
        !matches!(self, TaskKind::ReviewDecision | TaskKind::ReviewAmendment)
    }
}

/// The order of tasks within one rank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithinRank {
    /// Earliest statutory deadline first.
    Deadline,
    /// In the order the tasks arose.
    Arrival,
}

/// The order in which caseworkers take tasks: ranks of task kinds, the
/// first rank first, and within a rank by deadline or arrival. A kind left
/// out of every rank comes after all of them.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkOrder {
    /// Ranks of task kinds, highest priority first.
    pub ranks: Vec<Vec<TaskKind>>,
    /// Order within a rank.
    pub within: WithinRank,
}

impl WorkOrder {
    /// Every kind in one rank, earliest deadline first.
    pub fn earliest_deadline() -> Self {
        WorkOrder {
            ranks: vec![TaskKind::ALL.to_vec()],
            within: WithinRank::Deadline,
        }
    }

    /// The default: decisions first, so that the weekly panel is protected,
    /// then every other task by its deadline. SEN2 shows councils deciding
    /// 85-96% of requests within 6 weeks even where plans and reviews are
    /// late (MODEL.md section 7), which is what protecting the panel gives.
    pub fn common_practice() -> Self {
        use TaskKind::*;
        WorkOrder {
            ranks: vec![
                vec![Decision],
                vec![
                    Coordination,
                    NoPlan,
                    Drafting,
                    Finalisation,
                    ReviewDecision,
                    ReviewAmendment,
                ],
            ],
            within: WithinRank::Deadline,
        }
    }

    /// The rank of each kind, indexed by [`TaskKind::index`].
    pub fn rank_table(&self) -> [u8; 7] {
        let mut table = [self.ranks.len() as u8; 7];
        for (rank, kinds) in self.ranks.iter().enumerate() {
            for k in kinds {
                table[k.index()] = table[k.index()].min(rank as u8);
            }
        }
        table
    }
}

/// Which cases a team holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// Requests, from receipt to the final plan (an assessment team).
    Requests,
    /// Plans in force and their reviews (area or locality teams).
    Plans,
    /// Both: one caseworker keeps a child from request to review.
    All,
}

impl Holds {
    /// Whether the team holds requests.
    pub fn requests(self) -> bool {
        matches!(self, Holds::Requests | Holds::All)
    }
    /// Whether the team holds plans.
    pub fn plans(self) -> bool {
        matches!(self, Holds::Plans | Holds::All)
    }
}

/// An establishment that follows demand: when enabled, at each 1 April the
/// team's posts are set to the cases it holds divided by `cases_per_fte`,
/// the added posts starting `lag_days` later (budget and recruitment).
/// Posts are added, never cut.
#[derive(Debug, Clone, PartialEq)]
pub struct Establishment {
    /// Whether the posts follow demand at all.
    pub enabled: bool,
    /// Cases (plans and open requests the team holds or should hold) per FTE.
    pub cases_per_fte: f64,
    /// Days from the budget date to the added posts starting.
    pub lag_days: f64,
}

/// What happens to a leaver's cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaversCases {
    /// Given to colleagues with room, or unallocated.
    Reallocate,
    /// Kept by the vacant post, unworked until it is filled or covered.
    Hold,
}

/// Turnover, vacancies, new starters and agency cover of a team's posts.
#[derive(Debug, Clone, PartialEq)]
pub struct Workforce {
    /// Share of staff leaving a year. Default 0 (no turnover); MODEL.md
    /// section 5 gives about 0.20 \[E\].
    pub leaving_per_year: f64,
    /// Days from a post falling vacant to a new starter. Default 91 \[E\].
    pub recruitment_days: f64,
    /// Days a new starter works below full productivity. Default 91 \[E\].
    pub new_starter_days: f64,
    /// A new starter's productivity in that time. Default 0.5 \[E\].
    pub new_starter_productivity: f64,
    /// Days after which agency staff cover a vacancy, if they do. Default
    /// none.
    pub agency_cover_after_days: Option<f64>,
    /// What happens to a leaver's cases. Default reallocate.
    pub leavers_cases: LeaversCases,
}

impl Establishment {
    /// Posts that do not follow demand.
    pub fn fixed() -> Self {
        Establishment {
            enabled: false,
            cases_per_fte: 215.0,
            lag_days: 91.0,
        }
    }
}

impl Default for Workforce {
    fn default() -> Self {
        Workforce {
            leaving_per_year: 0.0,
            recruitment_days: 91.0,
            new_starter_days: 91.0,
            new_starter_productivity: 0.5,
            agency_cover_after_days: None,
            leavers_cases: LeaversCases::Reallocate,
        }
    }
}

/// A team of caseworkers.
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    /// Name for outputs.
    pub name: String,
    /// Which cases it holds.
    pub holds: Holds,
    /// Most cases one whole-time caseworker may hold; part-time posts pro rata.
    pub cap: u32,
    /// Productive hours per FTE-year.
    pub hours_per_fte_year: f64,
    /// Whether anyone in the team takes the team's next task (pooled), or
    /// each caseworker works the tasks of the cases they hold (named
    /// caseworker, the default).
    pub pooled: bool,
    /// The order of work.
    pub order: WorkOrder,
    /// Staff groups.
    pub groups: Vec<StaffGroup>,
    /// Posts that follow demand.
    pub establishment: Establishment,
    /// Turnover and vacancies.
    pub workforce: Workforce,
}

/// A class of case complexity: a share of requests, and multipliers on
/// caseworker and psychologist hours and on advice delays.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplexityClass {
    /// Name for outputs.
    pub name: String,
    /// Share of requests in the class (the shares sum to 1).
    pub share: f64,
    /// Multiplier on every caseworker and psychologist task's hours.
    pub work_multiplier: f64,
    /// Multiplier on health, social care and school advice delays.
    pub advice_multiplier: f64,
}

/// The default complexity mix \[E\]: a fifth of cases simple, a fifth
/// complex, the multipliers chosen so that the mean multiplier is 1 and the
/// sourced mean hours per plan are kept.
pub fn default_complexity() -> Vec<ComplexityClass> {
    let class = |name: &str, share, work_multiplier, advice_multiplier| ComplexityClass {
        name: name.into(),
        share,
        work_multiplier,
        advice_multiplier,
    };
    vec![
        class("simple", 0.2, 0.6, 0.8),
        class("standard", 0.6, 0.95, 1.0),
        class("complex", 0.2, 1.55, 1.2),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_mix_keeps_the_mean_hours() {
        let mix = default_complexity();
        let share: f64 = mix.iter().map(|c| c.share).sum();
        let work: f64 = mix.iter().map(|c| c.share * c.work_multiplier).sum();
        let advice: f64 = mix.iter().map(|c| c.share * c.advice_multiplier).sum();
        assert!((share - 1.0).abs() < 1e-12);
        assert!((work - 1.0).abs() < 1e-12, "{work}");
        assert!((advice - 1.0).abs() < 1e-12, "{advice}");
    }

    #[test]
    fn unranked_kinds_come_last() {
        let order = WorkOrder {
            ranks: vec![vec![TaskKind::Decision]],
            within: WithinRank::Deadline,
        };
        let t = order.rank_table();
        assert_eq!(t[TaskKind::Decision.index()], 0);
        assert_eq!(t[TaskKind::Drafting.index()], 1);
    }
}
