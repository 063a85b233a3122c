//! The people pages' rows beyond the lists: one user's admin page, the audit log and the
//! webhook deliveries.

use chrono_tz::Tz;
use serde_json::Value;

use agentmeter_web::pages::{AuditRow, Choice, SeatRow, WebhookDeliveryRow};

use super::admin::{provider_label, short_name, when_ms};
use crate::admin::{AuditPage, ResetMail};
use crate::analytics::catalog::CatalogPlan;
use crate::store::webhooks::RecentDelivery;

/// The role select's options, `current` selected.
/// How a reset link reached the user, above the link on the admin page; empty when no SMTP
/// server is configured (the page then says to send it).
pub(crate) fn reset_note(mail: &ResetMail, email: &str) -> String {
    match mail {
        ResetMail::NotConfigured => String::new(),
        ResetMail::Sent => format!("Shown only now, and e-mailed to {email}."),
        ResetMail::Failed(why) => {
            format!("Shown only now: e-mailing it to {email} failed ({why}), so send it yourself.")
        }
    }
}

pub(crate) fn role_choices(current: &str) -> Vec<Choice> {
    [
        ("developer", "Developer"),
        ("manager", "Manager"),
        ("admin", "Admin"),
    ]
    .into_iter()
    .map(|(value, label)| Choice::new(value, label, Some(current)))
    .collect()
}

/// One row per vendor in the catalog: its plans, the user's current one (`seats`: plan ids)
/// selected.
pub(crate) fn seat_rows(catalog: &[CatalogPlan], seats: &[i64]) -> Vec<SeatRow> {
    let mut vendors: Vec<&str> = catalog.iter().map(|p| p.terms.vendor.as_str()).collect();
    vendors.sort_unstable();
    vendors.dedup();
    vendors
        .into_iter()
        .map(|vendor| {
            let plans: Vec<&CatalogPlan> = catalog
                .iter()
                .filter(|p| p.terms.vendor == vendor)
                .collect();
            let current = plans.iter().find(|p| seats.contains(&p.id));
            SeatRow {
                vendor: vendor.to_owned(),
                current: current
                    .map_or_else(|| "Pay-as-you-go".to_owned(), |p| p.terms.name.clone()),
                plans: plans
                    .iter()
                    .map(|p| {
                        let id = p.id.to_string();
                        let current_id = current.map(|c| c.id.to_string());
                        Choice::new(id, p.terms.name.clone(), current_id.as_deref())
                    })
                    .collect(),
            }
        })
        .collect()
}

fn compact(value: Option<&Value>) -> String {
    value.map_or_else(|| "—".to_owned(), Value::to_string)
}

pub(crate) fn audit_rows(page: &AuditPage, tz: Tz) -> Vec<AuditRow> {
    page.entries
        .iter()
        .map(|e| AuditRow {
            at: when_ms(tz, Some(e.at_ms), ""),
            actor: e.actor.clone(),
            action: e.action.clone(),
            subject: e.subject.clone(),
            before: compact(e.before.as_ref()),
            after: compact(e.after.as_ref()),
        })
        .collect()
}

pub(crate) fn delivery_row(delivery: RecentDelivery, tz: Tz) -> WebhookDeliveryRow {
    WebhookDeliveryRow {
        repository: delivery
            .repository
            .as_deref()
            .map_or_else(|| "No repository".to_owned(), short_name),
        provider: provider_label(&delivery.provider),
        event: delivery.event,
        status: "Accepted".to_owned(),
        received: when_ms(tz, Some(delivery.received_at), "Never"),
    }
}
