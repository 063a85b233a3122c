//! Page structs, one per screen, each rendering its askama template.
//!
//! Structs carry already-formatted strings (see [`crate::format`]) and [`crate::Figure`]s (text
//! plus raw number for `data-sort`); charts arrive as pre-rendered SVG from [`crate::charts`].
//! Every other string is HTML-escaped by askama, so user-supplied names are safe as they are.

mod admin_alerts;
mod admin_audit;
mod admin_budgets;
mod admin_outbox;
mod admin_people;
mod admin_plans;
mod admin_sources;
mod admin_user;
mod adoption;
mod auth;
mod chrome;
mod developer;
mod library;
mod notifications;
mod overview;
mod plans;
mod productivity;
mod reset_password;
mod review_self;
mod reviews;
mod reviews_tables;
#[cfg(test)]
mod safety_tests;
mod spend;
mod widgets;

pub use admin_alerts::{
    AdminAlertsPage, AlertDeliveryRow, AlertHistoryRow, AlertRuleRow, AlertWebhookRow,
    NewAlertWebhook,
};
pub use admin_audit::{AdminAuditPage, AuditRow};
pub use admin_budgets::{AdminBudgetsPage, BudgetRow};
pub use admin_outbox::{AdminOutboxPage, ReportRecipientRow, ReportSendRow};
pub use admin_people::{
    AdminTeamsPage, AdminTokensPage, AdminUsersPage, ApiTokenRow, NewApiToken, NewUserForm,
    TeamRow, UserRow,
};
pub use admin_plans::{AdminPlanCatalogPage, PlanLimitsRow, PolicyPlanField, PolicyVendorField};
pub use admin_sources::{
    AdminIdentitiesPage, AdminRepositoriesPage, AdminWebhooksPage, RepositoryRow,
    UnmatchedIdentityRow, WebhookDeliveryRow, WebhookEndpoint, WebhookSecretRow,
};
pub use admin_user::{AdminUserPage, SeatRow};
pub use adoption::{AdoptionPage, AdoptionTeamRow, NotStartedRow};
pub use auth::{ErrorPage, LoginPage};
pub use chrome::{
    AdminSection, Flash, FlashKind, NavLink, NavSection, PageChrome, Role, SignedInUser,
};
pub use developer::{DeveloperPage, DeveloperProfile, PullRequestRow, ReviewState, SessionRow};
pub use library::{
    DiffLine, FileChangeRow, LibraryFilter, LibraryItemPage, LibraryPage, LibraryPendingPage,
    LibraryRow, PendingRow, ShownVersion, VersionRow,
};
pub use notifications::{AlertChoice, NotificationsPage};
pub use overview::{OverviewContent, OverviewPage, OverviewSummary};
pub use plans::{
    source_links, PlanCatalogRow, PlanMonthRow, PlanRecommendationRow, PlanTeamTotalRow,
    PlanVerdict, PlansPage,
};
pub use productivity::{GuardrailRow, LiftRow, LiftVerdict, ProductivityPage};
pub use reset_password::ResetPasswordPage;
pub use review_self::{FlaggedPullRequestRow, ReviewSelfRow, ReviewSelfView};
pub use reviews::{ReviewAlertRow, ReviewSegmentRow, ReviewsPage};
pub use reviews_tables::{
    AcknowledgementCell, EditReviewRow, MergedPullRequestRow, PullRequestList, ReviewAlertEntry,
    ReviewSkipRow,
};
pub use spend::{SpendBreakdown, SpendMonthOutlook, SpendMonthRow, SpendPage, SpendShareRow};
pub use widgets::{Choice, EmptyState, FilterBar, KpiCard, Link, Pager};
