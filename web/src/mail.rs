//! E-mails: the monthly cost report, alerts and password-reset links, each as a plain-text part and an HTML part.
//!
//! The HTML renders in common mail clients: tables for layout and charts, inline styles only
//! (clients drop `<style>` and external sheets), no images or fonts fetched from anywhere. The
//! server fills the structs with formatted strings, exactly as it does for pages.

use askama::Template;

/// A headline number of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct MailFigure {
    pub label: String,
    pub value: String,
    /// A line under it: the change, or what it is measured against.
    pub note: String,
    /// Shown in red (over budget, a saving left on the table).
    pub alert: bool,
}

/// A budget, drawn as a bar of the share spent.
#[derive(Debug, Clone, PartialEq)]
pub struct MailBudgetRow {
    pub scope: String,
    pub basis: String,
    pub budget: String,
    pub actual: String,
    /// `84.0%`.
    pub share: String,
    /// Width of the spent bar, 0-100 (the share, capped).
    pub bar_pct: u32,
    pub over: bool,
}

/// One developer's line.
#[derive(Debug, Clone, PartialEq)]
pub struct MailDeveloperRow {
    pub name: String,
    pub spend: String,
    pub tokens: String,
    pub current_plan: String,
    pub recommended_plan: String,
    pub saving: String,
    pub last_upload: String,
}

/// A critical AI-assisted PR merged unreviewed.
#[derive(Debug, Clone, PartialEq)]
pub struct MailCriticalMerge {
    /// `github.com/org/repo#42`.
    pub reference: String,
    pub title: String,
    pub author: String,
    pub merged: String,
    pub url: String,
}

/// The monthly cost report, formatted.
#[derive(Debug, Clone, PartialEq)]
pub struct CostReportMail {
    /// `November 2026`.
    pub month: String,
    /// `Whole organisation`, or the teams' names.
    pub scope: String,
    pub recipient_name: String,
    pub headline: Vec<MailFigure>,
    pub budgets: Vec<MailBudgetRow>,
    pub developers: Vec<MailDeveloperRow>,
    /// One sentence each.
    pub adoption: String,
    pub reviews: String,
    pub critical: Vec<MailCriticalMerge>,
    /// Usage with an unknown price, left out of the dollar figures; empty when none.
    pub unknown_cost_note: String,
    pub dashboard_url: String,
    pub plans_url: String,
    pub reviews_url: String,
    pub preferences_url: String,
}

/// The HTML part of [`CostReportMail`].
#[derive(Template)]
#[template(path = "mail/cost_report.html")]
pub struct CostReportHtml<'a> {
    pub mail: &'a CostReportMail,
}

/// The plain-text part of [`CostReportMail`].
#[derive(Template)]
#[template(path = "mail/cost_report.txt")]
pub struct CostReportText<'a> {
    pub mail: &'a CostReportMail,
}

/// One alert, formatted.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertMail {
    pub title: String,
    pub detail: String,
    /// Where to look, if anywhere.
    pub link: String,
    pub settings_url: String,
}

/// The HTML part of [`AlertMail`].
#[derive(Template)]
#[template(path = "mail/alert.html")]
pub struct AlertHtml<'a> {
    pub mail: &'a AlertMail,
}

/// The plain-text part of [`AlertMail`].
#[derive(Template)]
#[template(path = "mail/alert.txt")]
pub struct AlertText<'a> {
    pub mail: &'a AlertMail,
}

/// A one-time link to choose a new password, e-mailed when SMTP is configured.
#[derive(Debug, Clone, PartialEq)]
pub struct PasswordResetMail {
    pub name: String,
    pub link: String,
    pub hours: i64,
}

/// The HTML part of [`PasswordResetMail`].
#[derive(Template)]
#[template(path = "mail/password_reset.html")]
pub struct PasswordResetHtml<'a> {
    pub mail: &'a PasswordResetMail,
}

/// The plain-text part of [`PasswordResetMail`].
#[derive(Template)]
#[template(path = "mail/password_reset.txt")]
pub struct PasswordResetText<'a> {
    pub mail: &'a PasswordResetMail,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> CostReportMail {
        CostReportMail {
            month: "November 2026".into(),
            scope: "Platform <R&D>".into(),
            recipient_name: "Ana".into(),
            headline: vec![MailFigure {
                label: "Paid".into(),
                value: "$1,234.00".into(),
                note: "+10.0% on October".into(),
                alert: false,
            }],
            budgets: vec![MailBudgetRow {
                scope: "Platform".into(),
                basis: "API-equivalent cost".into(),
                budget: "$1,000.00".into(),
                actual: "$1,200.00".into(),
                share: "120.0%".into(),
                bar_pct: 100,
                over: true,
            }],
            developers: vec![MailDeveloperRow {
                name: "Li <script>".into(),
                spend: "$12.00".into(),
                tokens: "1.2M".into(),
                current_plan: "pay-as-you-go".into(),
                recommended_plan: "Claude Pro".into(),
                saving: "$2.00".into(),
                last_upload: "2026-11-28".into(),
            }],
            adoption: "3 of 4 developers used an assistant.".into(),
            reviews: "1 of 10 merged PRs skipped review.".into(),
            critical: Vec::new(),
            unknown_cost_note: String::new(),
            dashboard_url: "http://x/".into(),
            plans_url: "http://x/plans".into(),
            reviews_url: "http://x/reviews".into(),
            preferences_url: "http://x/me/notifications".into(),
        }
    }

    #[test]
    fn the_html_part_escapes_names_and_loads_nothing_from_elsewhere() {
        let mail = report();
        let html = CostReportHtml { mail: &mail }.render().expect("renders");
        assert!(html.contains("Li &#60;script&#62;") || html.contains("Li &lt;script&gt;"));
        assert!(!html.contains("<img") && !html.contains("<link") && !html.contains("<style"));
        assert!(!html.contains("src="), "nothing is fetched");
        assert!(html.contains("$1,234.00"));
    }

    #[test]
    fn the_text_part_holds_the_same_figures() {
        let mail = report();
        let text = CostReportText { mail: &mail }.render().expect("renders");
        assert!(text.contains("Paid: $1,234.00"), "{text}");
        assert!(text.contains("Li <script>"), "plain text is not escaped");
        assert!(
            text.contains("Platform: $1,200.00 of $1,000.00 (120.0%)"),
            "{text}"
        );
    }
}
