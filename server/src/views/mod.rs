//! Views: reports and stored rows mapped into the `web` crate's page structs. Pure functions,
//! no I/O and no HTTP: a page handler (`routes::pages`) loads through the services, calls a view
//! and renders it. Every figure a view shows comes from a report; views only format.

use agentmeter_metrics::calendar::DateRange;
use agentmeter_metrics::rows::Tool;
use agentmeter_web::pages::{
    AdminSection, Choice, FilterBar, FlashKind, NavSection, PageChrome, Pager, Role as ViewRole,
    SignedInUser,
};

use crate::analytics::params::{Listing, PAGE_SIZE};
use crate::auth::CurrentUser;
use crate::domain::Role;
use crate::state::AppState;

pub(crate) mod activity;
pub(crate) mod admin;
pub(crate) mod adoption;
pub(crate) mod change;
pub(crate) mod cost_outlook;
pub(crate) mod csv;
pub(crate) mod developer;
pub(crate) mod overview;
pub(crate) mod people;
pub(crate) mod plans;
pub(crate) mod productivity;
pub(crate) mod review_self;
pub(crate) mod reviews;
pub(crate) mod reviews_tables;
pub(crate) mod spend;
pub(crate) mod timeline;

/// The frame of a signed-in page.
pub(crate) fn chrome(state: &AppState, user: &CurrentUser, section: NavSection) -> PageChrome {
    let signed_in = SignedInUser {
        name: user.name.clone(),
        email: user.email.clone(),
        role: view_role(user.role),
    };
    PageChrome::new(signed_in, section, user.csrf_token()).in_time_zone(state.org_tz.name())
}

pub(crate) fn view_role(role: Role) -> ViewRole {
    match role {
        Role::Admin => ViewRole::Admin,
        Role::Manager => ViewRole::Manager,
        Role::Developer => ViewRole::Developer,
    }
}

/// The frame of an admin page, with the `?done=` message shown as a success flash.
pub(crate) fn admin_chrome(
    state: &AppState,
    user: &CurrentUser,
    tab: AdminSection,
    done: Option<&str>,
) -> PageChrome {
    let chrome = chrome(state, user, NavSection::Admin(tab));
    match done.filter(|m| !m.is_empty()) {
        Some(message) => chrome.with_flash(FlashKind::Success, message),
        None => chrome,
    }
}

/// `2026-03` -> `March 2026` (the text itself when it is not a month).
pub(crate) fn month_name(month: &str) -> String {
    chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map_or_else(|_| month.to_owned(), agentmeter_web::format::month)
}

/// A tool's name as people know it.
pub(crate) fn tool_name(tool: Tool) -> &'static str {
    match tool {
        Tool::ClaudeCode => "Claude Code",
        Tool::Codex => "Codex",
    }
}

/// The filter bar, showing the effective dates (defaults filled in).
pub(crate) fn filter_bar(
    action: &str,
    teams: Vec<Choice>,
    tool: Option<&str>,
    with_tools: bool,
    range: DateRange,
) -> FilterBar {
    let tools = if with_tools {
        Tool::ALL
            .iter()
            .map(|t| Choice::new(t.as_str(), tool_name(*t), tool))
            .collect()
    } else {
        Vec::new()
    };
    FilterBar {
        action: action.to_owned(),
        teams,
        tools,
        from: range.from.to_string(),
        to: range.to.to_string(),
        ..FilterBar::default()
    }
}

/// `March 1 – March 28, 2026 · Platform`: what a page covers, for its subtitle.
pub(crate) fn period_label(range: DateRange, team: Option<&str>) -> String {
    let who = team.unwrap_or("All teams you can see");
    format!(
        "{} – {} · {who}",
        agentmeter_web::format::date(range.from),
        agentmeter_web::format::date(range.to)
    )
}

/// The rows of one list under `listing`: one page with its pager (links through `filters`
/// under `param`), or every match, without a pager, when not `paged` (a CSV export).
pub(crate) fn cut<T>(
    rows: Vec<T>,
    listing: &Listing,
    paged: bool,
    (filters, param): (&FilterBar, &str),
    fields: impl Fn(&T) -> Vec<String>,
) -> (Vec<T>, Option<Pager>) {
    if !paged {
        return (listing.filter(rows, fields), None);
    }
    let slice = listing.slice(rows, fields);
    let pager = Pager::new(
        filters,
        param,
        slice.page,
        slice.offset,
        slice.rows.len(),
        slice.matching,
        PAGE_SIZE,
    );
    (slice.rows, Some(pager))
}
