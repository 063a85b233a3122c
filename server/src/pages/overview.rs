//! The overview page (`/`).

use axum::extract::State;
use axum::response::Html;

use agentmeter_web::pages::{EmptyState, FilterBar, NavSection, OverviewContent, OverviewPage};

use super::{chrome, render};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::state::AppState;

/// `GET /`
pub async fn show(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>> {
    let page = OverviewPage {
        chrome: chrome(&state, &user, NavSection::Overview),
        filters: FilterBar { action: "/".into(), teams: Vec::new(), tools: Vec::new(), from: String::new(), to: String::new() },
        period: String::new(),
        content: OverviewContent::Empty(EmptyState::install_uploader("https://agentmeter.example.com")),
    };
    render(page)
}
