//! `/me/notifications`: a user's own choice of the monthly cost report and, for managers and
//! admins, of each kind of alert by e-mail.

use askama::Template;

use super::PageChrome;

/// One kind of alert and whether this user receives it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertChoice {
    /// Form field name, e.g. `alert_uploads_stopped`.
    pub field: String,
    pub label: String,
    pub on: bool,
}

/// The notification settings page. Its form posts `monthly_cost_report` and one
/// `alert_<kind>` checkbox per kind, with `csrf_token`, to `/me/notifications`.
#[derive(Debug, Clone, PartialEq, Template)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    pub chrome: PageChrome,
    /// Managers and admins get a monthly report; developers do not.
    pub gets_report: bool,
    /// `Whole organisation`, or the teams' names.
    pub report_scope: String,
    pub monthly_cost_report: bool,
    /// Empty for developers (they get no alerts).
    pub alerts: Vec<AlertChoice>,
}
