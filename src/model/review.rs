//! Plans in force and their annual reviews (MODEL.md section 4): the meeting
//! at the due date, the LA decision within 4 weeks, amendments final within
//! 12 weeks, cessation; and which reviews are overdue.

use super::appeal::Appealed;
use super::{initial_plan_key, purpose, request_key, Case, Event, Simulation, Task, NOBODY};
use crate::engine::Ticket;
use crate::scenario::TaskKind;
use chrono::{Datelike, Duration, NaiveDate};

/// Month and day after the statutory date by which a school phase
/// transfer's amended plan must be final (15 February, Reg 18): a review
/// completed before this day begins is on time.
const SCHOOL_TRANSFER_DUE: (u32, u32) = (2, 16);
/// The same for a transfer into post-16 education (31 March, Reg 18).
const POST16_TRANSFER_DUE: (u32, u32) = (4, 1);

/// Which step of its current review a plan is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReviewStep {
    /// No review under way: the next falls due at `due`.
    NotDue,
    /// Due, but the meeting has not been held.
    AwaitingMeeting,
    /// Meeting held; the LA decision is awaited.
    Decision,
    /// Amendments proposed; the family's representation period runs.
    Representations,
    /// The amended plan is being finalised.
    Amendment,
}

#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// Where the plan came from, for its key (see [`Plan::key`]): a request's
    /// index, or with the top bit set the index of a plan in force at the
    /// start. Half the room of the key itself, which keeps the record at 96
    /// bytes.
    origin: u32,
    /// The current review's decision limit in the event queue's lane of
    /// cancellable events: cancelled when the decision is made in time.
    pub decision_limit: Ticket,
    pub under5: bool,
    pub ceased: bool,
    pub holder: u32,
    pub task: Task,
    /// Day the next (or current) review falls due; the statutory limits of
    /// the current review run from here, even if the meeting is late.
    pub due: f64,
    /// Day the plan would cease outside a review.
    pub cease_at: f64,
    /// Number of the current review (1 for the first), so events of an
    /// earlier review are recognised as stale.
    pub review: u32,
    pub step: ReviewStep,
    pub overdue: bool,
    /// Day the current review's meeting was held.
    pub meeting: f64,
    /// Position in the holder's list of cases.
    pub slot: u32,
    /// Complexity class (index into the scenario's mix).
    pub complexity: u8,
    /// Number of the review that is a phase transfer and not yet complete
    /// (0 for none).
    pub transfer_review: u32,
    /// Day by whose start that phase transfer's review must be complete.
    pub transfer_due: f64,
}

/// The plan record's size: a multiple of the cache line's 64 bytes would be
/// better still, but it must not grow past this unnoticed.
const _: () = assert!(std::mem::size_of::<Plan>() <= 96);

/// Marks an origin as a plan in force at the start.
const INITIAL_ORIGIN: u32 = 1 << 31;

impl Plan {
    /// Key for keyed draws, stable across scenarios: that of the request it
    /// was issued for, or of its place among the plans in force at the
    /// start.
    pub fn key(&self) -> u64 {
        if self.origin & INITIAL_ORIGIN != 0 {
            initial_plan_key(self.origin & !INITIAL_ORIGIN)
        } else {
            request_key(self.origin)
        }
    }

    /// The origin whose [`Plan::key`] is `key` (a request's key or an
    /// initial plan's). Case tables of 2^31 would need hundreds of
    /// gigabytes; the memory check refuses such runs long before.
    fn origin_of(key: u64) -> u32 {
        let index = key as u32;
        debug_assert!(index < INITIAL_ORIGIN);
        if key == initial_plan_key(index) {
            INITIAL_ORIGIN | index
        } else {
            debug_assert_eq!(key, request_key(index));
            index
        }
    }

    /// The statutory date of a phase transfer if review `review` is one,
    /// else infinity.
    fn transfer_due_if(&self, review: u32) -> f64 {
        if self.transfer_review == review {
            self.transfer_due
        } else {
            f64::INFINITY
        }
    }
}

impl ReviewStep {
    /// The kind of caseworker task at this step.
    pub(crate) fn kind(self) -> TaskKind {
        match self {
            ReviewStep::Representations | ReviewStep::Amendment => TaskKind::ReviewAmendment,
            _ => TaskKind::ReviewDecision,
        }
    }
}

impl Simulation<'_> {
    /// Adds a plan in force, issued on day `issued` (negative: before the
    /// start), whose next review falls due on day `due`. The caller
    /// allocates it, or hands it its request's caseworker.
    pub(super) fn add_plan(
        &mut self,
        key: u64,
        under5: bool,
        complexity: u8,
        issued: f64,
        due: f64,
    ) -> u32 {
        let p = self.plans.len() as u32;
        let u = self.keyed(key, purpose::PLAN, 1).unit();
        let cease_at = if self.p.cease_hazard > 0.0 {
            issued.max(0.0) - (1.0 - u).ln() / self.p.cease_hazard
        } else {
            f64::INFINITY
        };
        self.plans.push(Plan {
            origin: Plan::origin_of(key),
            decision_limit: Ticket::NONE,
            under5,
            ceased: false,
            holder: NOBODY,
            task: Task::default(),
            due,
            cease_at,
            review: 0,
            step: ReviewStep::NotDue,
            overdue: false,
            meeting: due,
            slot: 0,
            complexity,
            transfer_review: 0,
            transfer_due: f64::INFINITY,
        });
        self.stocks.plans_in_force += 1;
        self.stocks.plans_total += 1;
        self.schedule_next(p);
        p
    }

    /// Whether the current review of plan `p` is a phase transfer.
    fn is_transfer(&self, p: u32) -> bool {
        let plan = &self.plans[p as usize];
        plan.transfer_review != 0 && plan.transfer_review == plan.review
    }

    /// Multiplier on the caseworker hours of plan `p`'s current review.
    fn review_work_multiplier(&self, p: u32) -> f64 {
        let plan = &self.plans[p as usize];
        let m = self.p.work_multiplier(plan.complexity);
        if self.is_transfer(p) {
            m * self.sc.reviews.transfer_work_multiplier
        } else {
            m
        }
    }

    /// Decides whether plan `p`'s next review is a phase transfer; if so,
    /// brings it forward to its autumn meeting day and schedules the
    /// statutory date by which it must be complete. The transfer belongs to
    /// the school year (from 1 September) in which the review would fall
    /// due and its meeting is held that autumn; a review whose autumn
    /// meeting day has already passed when it is scheduled (a plan whose
    /// review was due before the start, a review finished late, an under-5
    /// plan's second review of the year) stays an ordinary review, since the
    /// transfer was handled, or is too late to bring forward.
    fn decide_transfer(&mut self, p: u32) {
        let now = self.queue.now();
        let rv = &self.sc.reviews;
        let plan = &self.plans[p as usize];
        let review = plan.review + 1;
        let (due, key) = (plan.due, plan.key());
        if rv.transfer_school_share + rv.transfer_post16_share <= 0.0 || due < now {
            return;
        }
        let mut k = self.keyed(key, purpose::PHASE_TRANSFER, review as u64);
        let u = k.unit();
        let (month, day) = if u < rv.transfer_school_share {
            SCHOOL_TRANSFER_DUE
        } else if u < rv.transfer_school_share + rv.transfer_post16_share {
            POST16_TRANSFER_DUE
        } else {
            return;
        };
        let cal = &self.sc.calendar;
        let date = cal.start + Duration::days(due.floor() as i64);
        let year = if date.month() >= 9 {
            date.year()
        } else {
            date.year() - 1
        };
        let (Some(september), Some(limit)) = (
            NaiveDate::from_ymd_opt(year, 9, 1),
            NaiveDate::from_ymd_opt(year + 1, month, day),
        ) else {
            return;
        };
        let meeting = cal.day_of(september) as f64 + self.p.transfer_meeting.sample(&mut k);
        let limit = cal.day_of(limit) as f64;
        if meeting < now || meeting >= limit {
            return;
        }
        let plan = &mut self.plans[p as usize];
        plan.due = meeting;
        plan.transfer_review = review;
        plan.transfer_due = limit;
        if limit < self.sc.end_day() {
            self.queue
                .schedule(limit, Event::TransferDeadline { plan: p, review });
        }
    }

    /// A phase transfer's statutory date passes: a transfer review still
    /// under way is late (plans that ceased outside their review are left
    /// out).
    pub(super) fn on_transfer_deadline(&mut self, p: u32, review: u32) {
        let plan = &self.plans[p as usize];
        if plan.ceased || plan.transfer_review != review {
            return;
        }
        let due = plan.transfer_due;
        for y in self.rec.years_of(due) {
            y.transfers += 1;
        }
    }

    /// Plan `p`'s current review is complete: a phase transfer completed
    /// by its statutory date is counted on time, in the year of that date.
    fn transfer_completed(&mut self, p: u32) {
        if !self.is_transfer(p) {
            return;
        }
        let now = self.queue.now();
        let plan = &mut self.plans[p as usize];
        plan.transfer_review = 0;
        let due = plan.transfer_due;
        if now < due && due < self.sc.end_day() {
            for y in self.rec.years_of(due) {
                y.transfers += 1;
                y.transfers_on_time += 1;
            }
        }
    }

    /// Schedules whichever comes first: the plan ceasing or its next review.
    fn schedule_next(&mut self, p: u32) {
        if self.sc.reviews.enabled {
            self.decide_transfer(p);
        }
        let plan = &self.plans[p as usize];
        if plan.cease_at <= plan.due || !self.sc.reviews.enabled {
            if plan.cease_at < self.sc.end_day() {
                self.queue
                    .schedule(plan.cease_at, Event::PlanCeases { plan: p });
            }
        } else if plan.due < self.sc.end_day() {
            let review = plan.review + 1;
            self.queue
                .schedule(plan.due, Event::ReviewDue { plan: p, review });
        }
    }

    pub(super) fn on_review_due(&mut self, p: u32, review: u32) {
        let plan = &mut self.plans[p as usize];
        if plan.ceased || plan.step != ReviewStep::NotDue || plan.review + 1 != review {
            return;
        }
        plan.review = review;
        let (due, key) = (plan.due, plan.key());
        let rv = &self.sc.reviews;
        if rv.meeting_on_time_share < 1.0 {
            let mut k = self.keyed(key, purpose::REVIEW, 4 * review as u64 + 5);
            if k.unit() >= rv.meeting_on_time_share {
                // The meeting is not held within 12 months: the review is
                // overdue from its due date until the LA decision.
                let late = self.p.late_meeting.sample(&mut k);
                let plan = &mut self.plans[p as usize];
                plan.step = ReviewStep::AwaitingMeeting;
                plan.overdue = true;
                self.stocks.overdue_reviews += 1;
                self.queue
                    .schedule(due + late, Event::MeetingHeld { plan: p, review });
                return;
            }
        }
        self.hold_meeting(p, review, due);
    }

    /// A late meeting is held.
    pub(super) fn on_meeting_held(&mut self, p: u32, review: u32) {
        let plan = &self.plans[p as usize];
        if plan.ceased || plan.review != review || plan.step != ReviewStep::AwaitingMeeting {
            return;
        }
        let now = self.queue.now();
        self.hold_meeting(p, review, now);
    }

    /// The review meeting is held on day `meeting` (in the past for reviews
    /// already under way on the start date): the LA decision is due 4 weeks
    /// later.
    fn hold_meeting(&mut self, p: u32, review: u32, meeting: f64) {
        let plan = &mut self.plans[p as usize];
        plan.step = ReviewStep::Decision;
        plan.meeting = meeting;
        let key = plan.key();
        let limit = meeting + self.sc.reviews.decision_limit_days;
        // Most decisions are made in time, and the limit then does nothing:
        // it is cancelled when the decision is made (`decision_made`).
        let ticket = self
            .queue
            .schedule_cancellable(limit, Event::ReviewLimit { plan: p, review });
        self.plans[p as usize].decision_limit = ticket;
        let hours =
            self.p
                .review_decision
                .sample(&mut self.keyed(key, purpose::REVIEW, 4 * review as u64))
                * self.review_work_multiplier(p);
        // A phase transfer's work is ordered by its statutory date too.
        let deadline = limit.min(self.plans[p as usize].transfer_due_if(review));
        self.set_task(Case::Plan(p), hours, deadline);
    }

    pub(super) fn review_work_done(&mut self, p: u32) {
        self.clear_overdue(p);
        let plan = &self.plans[p as usize];
        let (key, review, meeting) = (plan.key(), plan.review, plan.meeting);
        match plan.step {
            ReviewStep::Decision => {
                self.record_review_decision(meeting);
                let rv = &self.sc.reviews;
                let amend_share = if self.is_transfer(p) {
                    rv.transfer_amend_share
                } else {
                    rv.amend_share
                };
                let u = self
                    .keyed(key, purpose::REVIEW, 4 * review as u64 + 1)
                    .unit();
                // Each review's decision to cease or amend can be appealed
                // (instances from 10, after the request's own decisions).
                let appeal_instance = 10 + review as u64;
                if u < rv.cease_share {
                    self.review_completed();
                    self.transfer_completed(p);
                    self.cease(p);
                    self.appealable(key, appeal_instance, Appealed::Plan);
                } else if u < rv.cease_share + amend_share {
                    self.appealable(key, appeal_instance, Appealed::Plan);
                    self.plans[p as usize].step = ReviewStep::Representations;
                    let limit = meeting + rv.amendment_limit_days;
                    self.queue.schedule(
                        limit.max(self.queue.now()),
                        Event::ReviewLimit { plan: p, review },
                    );
                    match self.p.representations {
                        Some(s) => {
                            let days = s.sample(&mut self.keyed(
                                key,
                                purpose::REVIEW,
                                4 * review as u64 + 2,
                            ));
                            self.queue
                                .schedule_in(days, Event::RepresentationsOver { plan: p, review });
                        }
                        None => self.on_representations_over(p, review),
                    }
                } else {
                    self.finish_review(p);
                }
                self.decision_made(p, review);
            }
            ReviewStep::Amendment => self.finish_review(p),
            _ => {}
        }
    }

    /// The LA decision of review `review` of plan `p` has just been made:
    /// its decision limit is cancelled if it is still to come and would
    /// find nothing to do (see `on_review_limit`): the plan ceased, the
    /// review finished, or the amendments' own limit is later still.
    fn decision_made(&mut self, p: u32, review: u32) {
        let rv = &self.sc.reviews;
        let plan = &self.plans[p as usize];
        let idle = plan.ceased
            || plan.step == ReviewStep::NotDue
            || plan.meeting + rv.decision_limit_days < plan.meeting + rv.amendment_limit_days;
        if idle {
            self.queue
                .cancel(plan.decision_limit, &Event::ReviewLimit { plan: p, review });
        }
    }

    pub(super) fn on_representations_over(&mut self, p: u32, review: u32) {
        let plan = &mut self.plans[p as usize];
        if plan.ceased || plan.review != review || plan.step != ReviewStep::Representations {
            return;
        }
        plan.step = ReviewStep::Amendment;
        let (key, meeting) = (plan.key(), plan.meeting);
        let transfer_due = plan.transfer_due_if(review);
        let hours = self.p.review_amendment.sample(&mut self.keyed(
            key,
            purpose::REVIEW,
            4 * review as u64 + 3,
        )) * self.review_work_multiplier(p);
        self.set_task(
            Case::Plan(p),
            hours,
            (meeting + self.sc.reviews.amendment_limit_days).min(transfer_due),
        );
    }

    /// A statutory limit of review `review` passes: if that review is still
    /// under way at a step whose limit has passed, it is overdue.
    pub(super) fn on_review_limit(&mut self, p: u32, review: u32) {
        let now = self.queue.now();
        let rv = &self.sc.reviews;
        let plan = &mut self.plans[p as usize];
        if plan.ceased || plan.review != review || plan.overdue {
            return;
        }
        let limit = match plan.step {
            ReviewStep::NotDue | ReviewStep::AwaitingMeeting => return,
            ReviewStep::Decision => plan.meeting + rv.decision_limit_days,
            ReviewStep::Representations | ReviewStep::Amendment => {
                plan.meeting + rv.amendment_limit_days
            }
        };
        if now >= limit {
            plan.overdue = true;
            self.stocks.overdue_reviews += 1;
            self.offer_to_backlog(p);
        }
    }

    fn clear_overdue(&mut self, p: u32) {
        let plan = &mut self.plans[p as usize];
        if plan.overdue {
            plan.overdue = false;
            self.stocks.overdue_reviews -= 1;
        }
    }

    /// An LA decision after a meeting held on day `meeting`.
    fn record_review_decision(&mut self, meeting: f64) {
        let now = self.queue.now();
        let on_time = now - meeting <= self.sc.reviews.decision_limit_days;
        for y in self.rec.years_of(now) {
            y.review_decisions += 1;
            y.review_decisions_4w += on_time as u32;
        }
    }

    fn review_completed(&mut self) {
        self.rec.week.reviews_completed += 1;
        for y in self.rec.years_of(self.queue.now()) {
            y.reviews_completed += 1;
        }
    }

    /// The review is complete: the next falls due a full interval after this
    /// one was due, unless the plan ceases first.
    fn finish_review(&mut self, p: u32) {
        self.review_completed();
        self.transfer_completed(p);
        let now = self.queue.now();
        let rv = &self.sc.reviews;
        let plan = &mut self.plans[p as usize];
        plan.step = ReviewStep::NotDue;
        if plan.cease_at <= now {
            self.cease(p);
            return;
        }
        plan.due += if plan.under5 {
            rv.under5_interval_days
        } else {
            rv.interval_days
        };
        self.schedule_next(p);
    }

    pub(super) fn on_plan_ceases(&mut self, p: u32) {
        let plan = &self.plans[p as usize];
        if !plan.ceased && plan.step == ReviewStep::NotDue {
            self.cease(p);
        }
    }

    fn cease(&mut self, p: u32) {
        self.clear_overdue(p);
        let plan = &mut self.plans[p as usize];
        plan.ceased = true;
        self.stocks.plans_in_force -= 1;
        self.stocks.plans_ceased += 1;
        self.close_case(Case::Plan(p));
    }
}
