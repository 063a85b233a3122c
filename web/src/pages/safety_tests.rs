//! Page-level safety: user-supplied names render as text, and no page needs a CSP exception
//! (no inline script, no style element or attribute).

use askama::Template;

use super::*;
use crate::charts::{ranked_bars, RankedBar, RankedBars, Unit};
use crate::figure::Figure;

const EVIL: &str = "<script>alert(1)</script>";
/// How askama escapes it in HTML text and attributes.
const ESCAPED: &str = "&#60;script&#62;alert(1)&#60;/script&#62;";
/// How the chart functions escape it inside SVG.
const ESCAPED_IN_SVG: &str = "&lt;script&gt;alert(1)&lt;/script&gt;";

fn chrome() -> PageChrome {
    let user = SignedInUser {
        name: EVIL.into(),
        email: "m@example.com".into(),
        role: Role::Admin,
    };
    PageChrome::new(user, NavSection::Overview, "csrf").with_flash(FlashKind::Success, EVIL)
}

fn evil_overview() -> OverviewPage {
    let chart = ranked_bars(&RankedBars {
        title: EVIL.into(),
        unit: Unit::Usd,
        items: vec![RankedBar {
            label: EVIL.into(),
            value: 3.0,
        }],
        limit: 5,
    });
    let card = KpiCard::new(EVIL, "1", EVIL).linking_to("/spend");
    OverviewPage {
        chrome: chrome(),
        filters: FilterBar {
            action: "/".into(),
            teams: vec![Choice::new("1", EVIL, Some("1"))],
            tools: vec![],
            from: "2025-03-01".into(),
            to: "2025-03-31".into(),
            data_as_of: Some(EVIL.into()),
            ..FilterBar::default()
        },
        period: format!("March 2025 · {EVIL}"),
        content: OverviewContent::Summary(Box::new(OverviewSummary {
            cost: Vec::new(),
            spend: card.clone(),
            active_developers: card.clone(),
            lift: card.clone(),
            review_skips: card.clone(),
            critical_unreviewed: card,
            spend_chart: chart.clone(),
            lift_chart: chart,
            alerts: vec![ReviewAlertEntry::unacknowledged(ReviewAlertRow {
                repository: EVIL.into(),
                number: 1,
                title: EVIL.into(),
                url: "javascript:alert(1)".into(),
                author: EVIL.into(),
                merged_at: Figure::new(EVIL, 1.0),
                ai_evidence: EVIL.into(),
                critical_paths: EVIL.into(),
            })],
        })),
    }
}

fn assert_csp_clean(html: &str) {
    assert!(!html.contains("style="), "style attribute found");
    assert!(!html.contains("<style"), "style element found");
    for (i, _) in html.match_indices("<script") {
        let tag_end = html[i..]
            .find('>')
            .map(|e| i + e)
            .expect("script tag closes");
        assert!(
            html[i..tag_end].contains(" src="),
            "inline script at byte {i}"
        );
    }
    assert!(!html.contains("javascript:"), "javascript: URL found");
}

#[test]
fn a_script_tag_in_a_team_name_renders_as_text() {
    let html = evil_overview().render().expect("renders");
    assert!(!html.contains(EVIL), "raw script tag in output");
    assert!(html.contains(ESCAPED), "escaped name missing");
    assert!(html.contains(ESCAPED_IN_SVG), "escaped chart label missing");
    assert_csp_clean(&html);
}

#[test]
fn admin_pages_escape_user_fields_and_need_no_csp_exception() {
    let users = AdminUsersPage {
        chrome: chrome(),
        users: vec![UserRow {
            email: EVIL.into(),
            name: EVIL.into(),
            role: Role::Manager,
            teams: EVIL.into(),
            github: EVIL.into(),
            gitlab: String::new(),
            plan: String::new(),
        }],
        filters: FilterBar {
            q: EVIL.into(),
            ..FilterBar::default()
        },
        pager: None,
        form: NewUserForm {
            known_teams: vec![EVIL.into()],
            ..NewUserForm::default()
        },
    };
    let html = users.render().expect("renders");
    assert!(!html.contains(EVIL) && html.contains(ESCAPED));
    assert_csp_clean(&html);
}

#[test]
fn empty_overview_tells_how_to_install_the_uploader() {
    let page = OverviewPage {
        content: OverviewContent::Empty(EmptyState::install_uploader("https://am.example.com")),
        ..evil_overview()
    };
    let html = page.render().expect("renders");
    assert!(html.contains("agentmeter login --server https://am.example.com"));
    assert!(html.contains("agentmeter hook install"));
    assert_csp_clean(&html);
}
