//! Appeals to the SEND Tribunal (docs/model.md, "Tribunal appeals").
//!
//! A share of the decisions a family can appeal is appealed. Preparing for
//! the hearing is spread over the weeks before it, and the caseworkers'
//! part of it comes off every caseworker's day in proportion, as contact
//! time does: who prepares an appeal is not tied to who holds the case
//! (councils often have tribunal officers), so it is a load on the service
//! rather than a task in one queue. An appeal that ends with an order gives
//! the council work with its own deadline: an ordered assessment or plan is
//! a request entering assessment or drafting on the order's day; an order to
//! amend a plan is amendment work spread over the 5 weeks allowed.

use super::staff::Role;
use super::{purpose, Event, Simulation};

/// Days the regulations allow for carrying out an order to issue or amend
/// a plan (SEND Regulations 2014, reg 44(2)): 5 weeks.
pub(super) const ORDER_DAYS: f64 = 35.0;

/// What was appealed, and so what an order asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Appealed {
    /// A refusal to assess: an order to assess.
    RefusalToAssess,
    /// A decision not to issue a plan: an order to issue one.
    RefusalToIssue,
    /// A plan issued, amended or ceased: an order to amend it.
    Plan,
}

/// One appeal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Appeal {
    pub appealed: Appealed,
    /// Caseworker hours a day while it is prepared.
    pub preparation_rate: f64,
    /// The case key its draws belong to.
    pub key: u64,
    /// Which appealable decision of the case it is (a plan's reviews each
    /// give one).
    pub instance: u64,
}

impl Simulation<'_> {
    /// A decision the family can appeal was made: it is appealed with the
    /// scenario's share. `instance` tells a plan's decisions apart.
    pub(super) fn appealable(&mut self, key: u64, instance: u64, appealed: Appealed) {
        let a = &self.sc.appeals;
        if !a.enabled || a.share <= 0.0 {
            return;
        }
        let mut k = self.keyed(key, purpose::APPEAL, instance);
        if k.unit() >= a.share {
            return;
        }
        let now = self.queue.now();
        let hearing = now + self.p.appeal_hearing.sample(&mut k);
        let hours = self.p.appeal_preparation.sample(&mut k) * a.caseworker_share;
        let days = a.preparation_days.min(hearing - now).max(1.0);
        let i = self.appeals.len() as u32;
        self.appeals.push(Appeal {
            appealed,
            preparation_rate: hours / days,
            key,
            instance,
        });
        for y in self.rec.years_of(now) {
            y.appeals += 1;
        }
        let price = self.sc.costs.cost_per_appeal;
        if price > 0.0 {
            let fy = self.sc.calendar.financial_year_index(now);
            if let Some(y) = self.costs.years.get_mut(fy) {
                y.appeals += price;
            }
            self.rec.week.appeal_cost += price;
        }
        self.queue
            .schedule(hearing - days, Event::AppealPreparation { appeal: i });
        self.queue
            .schedule(hearing, Event::AppealHeard { appeal: i });
    }

    pub(super) fn on_appeal_preparation(&mut self, i: u32) {
        let rate = self.appeals[i as usize].preparation_rate;
        self.add_appeal_load(rate);
    }

    /// The hearing (or the appeal's end): the preparation stops, and an
    /// order gives the council its work.
    pub(super) fn on_appeal_heard(&mut self, i: u32) {
        let appeal = self.appeals[i as usize];
        self.add_appeal_load(-appeal.preparation_rate);
        let u = self
            .keyed(appeal.key, purpose::APPEAL_ORDER, appeal.instance)
            .unit();
        if u >= self.sc.appeals.order_share {
            return;
        }
        let now = self.queue.now();
        for y in self.rec.years_of(now) {
            y.appeal_orders += 1;
        }
        if appeal.appealed != Appealed::Plan {
            self.rec.week.ordered += 1;
        }
        match appeal.appealed {
            // A request the tribunal ordered: its 20 weeks run from the
            // order.
            Appealed::RefusalToAssess => {
                let r = self.add_request(now);
                self.enter_assessment(r);
            }
            Appealed::RefusalToIssue => {
                let r = self.add_request(now);
                self.enter_drafting(r);
            }
            Appealed::Plan => {
                self.add_appeal_load(self.p.appeal_order_rate);
                self.queue
                    .schedule(now + ORDER_DAYS, Event::AppealOrderDone);
            }
        }
    }

    pub(super) fn on_appeal_order_done(&mut self) {
        self.add_appeal_load(-self.p.appeal_order_rate);
    }

    /// Counts the hours a day of the caseworkers working now (not the
    /// backlog team's, who work only on overdue reviews).
    pub(super) fn count_caseworker_hours(&mut self) {
        self.caseworker_hours_per_day = self
            .workers
            .iter()
            .filter(|w| w.role == Role::Caseworker && w.working())
            .map(|w| w.hours_per_day * w.productivity)
            .sum();
        self.update_appeal_share();
    }

    fn add_appeal_load(&mut self, hours_per_day: f64) {
        self.appeal_hours_per_day = (self.appeal_hours_per_day + hours_per_day).max(0.0);
        self.update_appeal_share();
    }

    /// The share of the caseworkers' day that appeals take now: their
    /// hours a day over the hours a day of the caseworkers working (counted
    /// at each week's end), at most 90% so that other work still moves.
    pub(super) fn update_appeal_share(&mut self) {
        self.appeal_share = if self.caseworker_hours_per_day > 0.0 {
            (self.appeal_hours_per_day / self.caseworker_hours_per_day).min(0.9)
        } else {
            0.0
        };
    }
}
