//! Requests for assessment through the statutory pathway (MODEL.md section 3):
//! decision to assess at a weekly panel, advice, the decision to issue,
//! drafting, the family's comments, school consultation, the final plan.

use super::appeal::Appealed;
use super::metrics::{SIX_WEEKS, TWENTY_WEEKS};
use super::{purpose, request_key, Case, Event, Simulation, Task, NOBODY};
use crate::engine::Sampler;
use crate::scenario::TaskKind;
use rand::Rng;

/// Deadline of the decision not to issue a plan: 16 weeks (Reg 10).
pub(crate) const SIXTEEN_WEEKS: f64 = 16.0 * 7.0;
/// Days after the 6-week decision by which the caseworker should have asked
/// for advice, so that its 6 weeks (Reg 6, 8) end by week 14 and leave room
/// for drafting.
const ASK_FOR_ADVICE_WITHIN: f64 = 14.0;

/// Where a request stands. Every request is in exactly one stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStage {
    /// Received; the decision whether to assess is not yet made.
    AwaitingDecision = 0,
    /// Assessment agreed; advice being gathered or the decision to issue pending.
    Assessment = 1,
    /// A plan is being drafted, commented on, consulted on or finalised.
    Drafting = 2,
    /// Refused at the decision to assess.
    Refused = 3,
    /// Withdrawn.
    Withdrawn = 4,
    /// Assessed, no plan issued.
    NoPlan = 5,
    /// Final plan issued.
    Issued = 6,
}

impl RequestStage {
    /// Whether the request is still open (a case someone must hold).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Self::AwaitingDecision | Self::Assessment | Self::Drafting
        )
    }
}

/// The step an open request is at within its stage: what the current
/// caseworker task is for, or which calendar-day wait is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Evidence for the decision (from the school, the family) comes in.
    Evidence,
    /// Caseworker work towards the decision to assess, then the panel.
    Decision,
    /// Caseworker work coordinating the assessment and asking for advice.
    Coordination,
    /// Waiting for advice.
    Advice,
    /// Caseworker work on the decision not to issue a plan.
    NoPlanDecision,
    /// Caseworker work drafting the plan.
    Drafting,
    /// The family's period to comment on the draft.
    FamilyComments,
    /// The school or college consultation.
    Consultation,
    /// Caseworker work finalising the plan.
    Finalisation,
}

#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// Simulation day received (negative for requests open at the start).
    pub arrival: f64,
    pub stage: RequestStage,
    pub holder: u32,
    pub task: Task,
    /// Advice still to come in: one for the calendar-day advice (health,
    /// social care, school) together, one for the psychologist's.
    pub advice_pending: u8,
    pub step: Step,
    pub exception: bool,
    pub over_20_weeks: bool,
    /// Position in the holder's list of cases.
    pub slot: u32,
    /// Complexity class (index into the scenario's mix).
    pub complexity: u8,
}

impl Step {
    /// The kind of caseworker task at this step (the calendar-day steps
    /// have none; they map to the step whose task follows).
    pub(crate) fn kind(self) -> TaskKind {
        match self {
            Step::Evidence | Step::Decision => TaskKind::Decision,
            Step::Coordination | Step::Advice => TaskKind::Coordination,
            Step::NoPlanDecision => TaskKind::NoPlan,
            Step::Drafting => TaskKind::Drafting,
            Step::FamilyComments | Step::Consultation | Step::Finalisation => {
                TaskKind::Finalisation
            }
        }
    }
}

impl Simulation<'_> {
    /// Adds a request received on day `arrival`, counted in its stage
    /// counter by the caller's first transition.
    pub(super) fn add_request(&mut self, arrival: f64) -> u32 {
        let r = self.requests.len() as u32;
        let exception = self.keyed(request_key(r), purpose::EXCEPTION, 0).unit()
            < self.sc.requests.exception_share;
        let complexity = self.draw_complexity(request_key(r));
        self.requests.push(Request {
            arrival,
            stage: RequestStage::AwaitingDecision,
            holder: NOBODY,
            task: Task::default(),
            advice_pending: 0,
            step: Step::Decision,
            exception,
            over_20_weeks: false,
            slot: 0,
            complexity,
        });
        self.stocks.requests_total += 1;
        self.stocks.awaiting_decision += 1;
        self.allocate(Case::Request(r));
        r
    }

    fn set_stage(&mut self, r: u32, to: RequestStage) {
        let s = &mut self.stocks;
        let from = self.requests[r as usize].stage;
        for (stage, delta) in [(from, -1i64), (to, 1)] {
            let c = match stage {
                RequestStage::AwaitingDecision => &mut s.awaiting_decision,
                RequestStage::Assessment => &mut s.assessment,
                RequestStage::Drafting => &mut s.drafting,
                RequestStage::Refused => &mut s.refused,
                RequestStage::Withdrawn => &mut s.withdrawn,
                RequestStage::NoPlan => &mut s.no_plan,
                RequestStage::Issued => &mut s.issued,
            };
            *c = (*c as i64 + delta) as u32;
        }
        let req = &mut self.requests[r as usize];
        req.stage = to;
        if !to.is_open() && req.over_20_weeks {
            req.over_20_weeks = false;
            self.stocks.open_over_20_weeks -= 1;
        }
    }

    /// Draws `purpose`'s work for request `r` from its own keyed stream,
    /// scaled by the request's complexity.
    fn work(&self, r: u32, purpose: u64, sampler: Sampler) -> f64 {
        let class = self.requests[r as usize].complexity;
        sampler.sample(&mut self.keyed(request_key(r), purpose, 0)) * self.p.work_multiplier(class)
    }

    /// A request arrives now; the next one is scheduled.
    pub(super) fn on_arrival(&mut self) {
        let now = self.queue.now();
        let r = self.add_request(now);
        self.rec.week.received += 1;
        self.gather_evidence(r);
        self.schedule_next_arrival(now);
    }

    /// Schedules the first arrival after `from`, if any falls before the end.
    ///
    /// The intensity is constant within each day, so the next arrival is an
    /// exponential gap at the day's rate; a gap that runs past midnight is
    /// drawn afresh from midnight at the next day's rate, which is exact
    /// because the exponential has no memory. Each draw depends only on the
    /// days already passed, so the same seed gives the same arrivals whatever
    /// the run's length (thinning against the horizon's largest rate did not:
    /// a longer run with growing demand changed arrivals from day 0).
    pub(super) fn schedule_next_arrival(&mut self, from: f64) {
        let end = self.sc.end_day();
        let mut t = from;
        while t < end {
            let day = t as usize;
            let Some(&rate) = self.p.daily_rate.get(day) else {
                return;
            };
            let midnight = (day + 1) as f64;
            if rate > 0.0 {
                let u: f64 = self.arrivals.random();
                let next = t - (1.0 - u).ln() / rate;
                if next < midnight {
                    if next < end {
                        self.queue.schedule(next, Event::Arrival);
                    }
                    return;
                }
            }
            t = midnight;
        }
    }

    /// A new request: evidence for the decision is gathered first, if the
    /// scenario has that step.
    fn gather_evidence(&mut self, r: u32) {
        match self.p.evidence {
            Some(s) => {
                self.requests[r as usize].step = Step::Evidence;
                let days = s.sample(&mut self.keyed(request_key(r), purpose::EVIDENCE, 0));
                self.queue
                    .schedule_in(days, Event::RequestStepOver { request: r });
            }
            None => self.start_decision(r),
        }
    }

    pub(super) fn start_decision(&mut self, r: u32) {
        self.requests[r as usize].step = Step::Decision;
        let hours = self.work(r, purpose::DECISION_WORK, self.p.decision);
        let deadline = self.requests[r as usize].arrival + SIX_WEEKS;
        self.set_task(Case::Request(r), hours, deadline);
    }

    pub(super) fn request_work_done(&mut self, r: u32) {
        match self.requests[r as usize].step {
            Step::Decision => {
                if self.sc.panel.enabled {
                    let day = self
                        .sc
                        .calendar
                        .next_weekday(self.queue.now(), self.sc.panel.weekday);
                    self.queue.schedule(day, Event::Panel { request: r });
                } else {
                    self.on_panel(r);
                }
            }
            Step::Coordination => self.request_advice(r),
            Step::NoPlanDecision => {
                self.set_stage(r, RequestStage::NoPlan);
                self.close_case(Case::Request(r));
                self.appealable(request_key(r), 1, Appealed::RefusalToIssue);
            }
            Step::Drafting => {
                self.requests[r as usize].step = Step::FamilyComments;
                self.after_delay(r, self.p.family, false);
            }
            Step::Finalisation => self.issue_plan(r),
            Step::Evidence | Step::Advice | Step::FamilyComments | Step::Consultation => {}
        }
    }

    /// The decision to assess, made at the panel (or at once without one).
    pub(super) fn on_panel(&mut self, r: u32) {
        let now = self.queue.now();
        let req = &self.requests[r as usize];
        let waited = now - req.arrival;
        self.rec.week.decisions += 1;
        let on_time = waited <= SIX_WEEKS;
        self.rec.week.decisions_6w += on_time as u32;
        for year in self.rec.years_of(now) {
            year.decisions += 1;
            year.decisions_6w += on_time as u32;
        }
        let u = self
            .keyed(request_key(r), purpose::DECISION_OUTCOME, 0)
            .unit();
        let rq = &self.sc.requests;
        if u < rq.refused_share {
            self.set_stage(r, RequestStage::Refused);
            self.close_case(Case::Request(r));
            self.appealable(request_key(r), 0, Appealed::RefusalToAssess);
        } else if u < rq.refused_share + rq.withdrawn_share {
            self.set_stage(r, RequestStage::Withdrawn);
            self.close_case(Case::Request(r));
        } else {
            self.enter_assessment(r);
        }
    }

    pub(super) fn enter_assessment(&mut self, r: u32) {
        self.set_stage(r, RequestStage::Assessment);
        self.requests[r as usize].step = Step::Coordination;
        let hours = self.work(r, purpose::ASSESSMENT_WORK, self.p.assessment);
        let deadline = self.requests[r as usize].arrival + SIX_WEEKS + ASK_FOR_ADVICE_WITHIN;
        self.set_task(Case::Request(r), hours, deadline);
    }

    /// A request already in assessment on the start date: its advice was
    /// asked for before the run, so each piece (the psychologist's too) comes
    /// in at a uniform time over the next 6 weeks, the statutory period for
    /// advice. Queueing them all for the psychologists at day 0 would put
    /// months of work in front of the first new request.
    pub(super) fn resume_assessment(&mut self, r: u32) {
        self.set_stage(r, RequestStage::Assessment);
        self.requests[r as usize].step = Step::Advice;
        let sources = [self.p.health, self.p.social_care, self.p.school]
            .iter()
            .flatten()
            .count()
            + self.sc.psychologists.enabled as usize;
        let mut k = self.keyed(request_key(r), purpose::ADVICE, 1);
        // Only the last piece to come in moves the request on: one event,
        // at that piece's time, stands for them all.
        let last = (0..sources).map(|_| k.unit() * SIX_WEEKS).reduce(f64::max);
        match last {
            Some(day) => {
                self.queue.schedule(day, Event::AdviceIn { request: r });
                self.requests[r as usize].advice_pending = 1;
            }
            None => self.advice_complete(r),
        }
    }

    /// The caseworker asks for advice: psychologist (queued) and the
    /// calendar-day advice of health, social care and the school.
    fn request_advice(&mut self, r: u32) {
        let mut k = self.keyed(request_key(r), purpose::ADVICE, 0);
        self.requests[r as usize].step = Step::Advice;
        let stretch = self
            .p
            .advice_multiplier(self.requests[r as usize].complexity);
        let mut pending = 0u8;
        let now = self.queue.now();
        let mut last: Option<f64> = None;
        for (s, school) in [
            (self.p.health, false),
            (self.p.social_care, false),
            (self.p.school, true),
        ] {
            let Some(s) = s else { continue };
            let days = s.sample(&mut k) * stretch;
            let due = if school {
                self.p.school_days_end(now, days)
            } else {
                now + days
            };
            last = Some(last.map_or(due, |l| l.max(due)));
        }
        // The request waits for the last of the calendar-day advice alone:
        // one event at its time stands for all of them (an event for each
        // piece did nothing but count down).
        if let Some(due) = last {
            self.queue.schedule(due, Event::AdviceIn { request: r });
            pending += 1;
        }
        if self.p.school.is_some()
            && self.p.in_closure_window(now)
            && self
                .keyed(request_key(r), purpose::CLOSURE_EXCEPTION, 0)
                .unit()
                < self.p.closure_exception_share
        {
            self.requests[r as usize].exception = true;
        }
        if self.sc.psychologists.enabled {
            pending += 1;
            self.request_psychologist(r);
        }
        self.requests[r as usize].advice_pending = pending;
        if pending == 0 {
            self.advice_complete(r);
        }
    }

    pub(super) fn psychologist_hours(&self, r: u32) -> f64 {
        self.work(r, purpose::PSYCHOLOGIST_WORK, self.p.ep_hours)
    }

    /// Days a commissioned (outside) psychologist's advice takes.
    pub(super) fn commissioned_days(&self, r: u32) -> f64 {
        self.p
            .commissioned
            .sample(&mut self.keyed(request_key(r), purpose::COMMISSIONED, 0))
    }

    pub(super) fn on_advice_in(&mut self, r: u32) {
        let req = &mut self.requests[r as usize];
        req.advice_pending -= 1;
        if req.advice_pending == 0 {
            self.advice_complete(r);
        }
    }

    /// All advice is in: decide whether to issue a plan.
    fn advice_complete(&mut self, r: u32) {
        let arrival = self.requests[r as usize].arrival;
        if self.keyed(request_key(r), purpose::NO_PLAN, 0).unit() < self.sc.requests.no_plan_share {
            self.requests[r as usize].step = Step::NoPlanDecision;
            let hours = self.work(r, purpose::NO_PLAN, self.p.no_plan);
            self.set_task(Case::Request(r), hours, arrival + SIXTEEN_WEEKS);
        } else {
            self.enter_drafting(r);
        }
    }

    pub(super) fn enter_drafting(&mut self, r: u32) {
        self.set_stage(r, RequestStage::Drafting);
        self.requests[r as usize].step = Step::Drafting;
        let hours = self.work(r, purpose::DRAFTING, self.p.drafting);
        let deadline = self.requests[r as usize].arrival + self.p.drafting_deadline;
        self.set_task(Case::Request(r), hours, deadline);
    }

    /// Waits a calendar-day step (or moves on at once if it is switched
    /// off); a school's step does not progress while schools are closed.
    fn after_delay(&mut self, r: u32, step: Option<Sampler>, school: bool) {
        match step {
            Some(s) => {
                let instance = self.requests[r as usize].step as u64;
                let days =
                    s.sample(&mut self.keyed(request_key(r), purpose::DRAFTING, instance + 1));
                let now = self.queue.now();
                let due = if school {
                    self.p.school_days_end(now, days)
                } else {
                    now + days
                };
                self.queue
                    .schedule(due, Event::RequestStepOver { request: r });
            }
            None => self.on_request_step_over(r),
        }
    }

    pub(super) fn on_request_step_over(&mut self, r: u32) {
        match self.requests[r as usize].step {
            Step::Evidence => self.start_decision(r),
            Step::FamilyComments => {
                self.requests[r as usize].step = Step::Consultation;
                self.after_delay(r, self.p.consultation, true);
            }
            Step::Consultation => {
                self.requests[r as usize].step = Step::Finalisation;
                let hours = self.work(r, purpose::FINALISATION, self.p.finalisation);
                let deadline = self.requests[r as usize].arrival + TWENTY_WEEKS;
                self.set_task(Case::Request(r), hours, deadline);
            }
            _ => {}
        }
    }

    fn issue_plan(&mut self, r: u32) {
        let now = self.queue.now();
        let req = &self.requests[r as usize];
        let (arrival, exception, complexity) = (req.arrival, req.exception, req.complexity);
        let took = now - arrival;
        let on_time = took <= TWENTY_WEEKS;
        self.rec.week.issued += 1;
        self.rec.week.issued_20w += on_time as u32;
        for y in self.rec.years_of(now) {
            y.issued_all += 1;
            y.issued_all_20w += on_time as u32;
            y.days_to_plan += took;
            if !exception {
                y.issued_excl += 1;
                y.issued_excl_20w += on_time as u32;
            }
        }
        self.set_stage(r, RequestStage::Issued);
        // The case carries on as a plan with the same caseworker.
        let key = request_key(r);
        let under5 = self.keyed(key, purpose::PLAN, 0).unit() < self.sc.requests.under5_share;
        let interval = if under5 {
            self.sc.reviews.under5_interval_days
        } else {
            self.sc.reviews.interval_days
        };
        let p = self.add_plan(key, under5, complexity, now, now + interval);
        self.hand_over(Case::Request(r), Case::Plan(p));
        self.appealable(key, 2, Appealed::Plan);
    }

    /// Request `r` turns 20 weeks old: counted while it stays open.
    pub(super) fn on_twenty_weeks(&mut self, r: u32) {
        let req = &mut self.requests[r as usize];
        if req.stage.is_open() && !req.over_20_weeks {
            req.over_20_weeks = true;
            self.stocks.open_over_20_weeks += 1;
        }
    }

    /// Counts every request received during the run that is 20 weeks old
    /// by day `now`. The stock is read only at a week's end, so counting
    /// then gives the same figure as a timer per request, without an event
    /// for the many requests closed before 20 weeks.
    pub(super) fn count_twenty_weeks(&mut self, now: f64) {
        while let Some(req) = self.requests.get(self.twenty_weeks_from as usize) {
            if req.arrival + TWENTY_WEEKS > now {
                break;
            }
            self.on_twenty_weeks(self.twenty_weeks_from);
            self.twenty_weeks_from += 1;
        }
    }
}
