//! Headless Chromium against the real server on the dashboard fixture organisation: signs in
//! through the form as admin, manager and developer, visits every page at 1280px and 390px, and
//! fails on console errors, failed requests, horizontal overflow, another team's people on a
//! page, a team page a role may not open, an axe-core violation, a table column cut off at
//! 1280px, a figure unlike the JSON API's for the same filters, a link that drops the filters,
//! or an unknown URL without a 404 page. (The seeds demo organisation gets the same visit in
//! `demo.rs`.)

use chrono::{Days, Utc};

use crate::support::app::PASSWORD;
use crate::support::chromium::{visit_in_chromium, Visit};
use crate::support::dashboard::{demo_org, Person, ADMIN_PAGES, TEAM_PAGES};
use crate::support::Backend;

/// The Spend page beside the previous period: its comparison badges are figures of the API too.
const SPEND_COMPARED: &str = "/spend?compare=previous-period";

fn others(all: &[Person], team: &str) -> Vec<String> {
    all.iter()
        .filter(|d| d.team != team)
        .map(|d| d.name.to_owned())
        .collect()
}

fn pages(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

/// A team and a range other than the defaults, which links must carry from page to page.
fn filters(team: &str) -> Vec<(&'static str, String)> {
    let to = Utc::now().date_naive() - Days::new(3);
    let from = to - Days::new(40);
    vec![
        ("team", team.to_owned()),
        ("from", from.to_string()),
        ("to", to.to_string()),
    ]
}

#[tokio::test]
async fn every_page_works_in_chromium_for_each_role_without_leaking_other_teams() {
    let org = demo_org(Backend::sqlite()).await;
    let (ada, grace) = (&org.developers[0], &org.developers[1]);
    let maria = &org.managers[0];
    let payments_dev = org
        .developers
        .iter()
        .find(|d| d.team == "Payments")
        .expect("Payments developer");
    let admin = Visit {
        role: "admin",
        email: "admin@demo.test".into(),
        password: PASSWORD.into(),
        landing: "/",
        pages: [pages(&TEAM_PAGES), pages(&ADMIN_PAGES)]
            .concat()
            .into_iter()
            .chain([
                format!("/developers/{}", ada.email),
                "/me".into(),
                SPEND_COMPARED.into(),
            ])
            .collect(),
        forbidden_text: vec![],
        forbidden_pages: vec![],
        filters: filters("Payments"),
        filtered_pages: pages(&TEAM_PAGES)
            .into_iter()
            .chain([format!("/developers/{}", payments_dev.email)])
            .collect(),
        pages_with_figures: pages(&["/", "/spend", SPEND_COMPARED]),
    };
    let manager = Visit {
        role: "manager",
        email: maria.email.clone(),
        password: PASSWORD.into(),
        landing: "/",
        pages: pages(&TEAM_PAGES)
            .into_iter()
            .chain([format!("/developers/{}", grace.email)])
            .collect(),
        forbidden_text: others(&org.developers, maria.team),
        forbidden_pages: vec![
            "/spend?team=Payments".into(),
            format!("/developers/{}", payments_dev.email),
            "/admin/users".into(),
        ],
        filters: filters(maria.team),
        filtered_pages: pages(&TEAM_PAGES),
        pages_with_figures: pages(&["/", "/spend"]),
    };
    let developer = Visit {
        role: "developer",
        email: ada.email.clone(),
        password: PASSWORD.into(),
        landing: "/me",
        pages: vec!["/me".into()],
        forbidden_text: org
            .developers
            .iter()
            .filter(|d| d.name != ada.name)
            .map(|d| d.name.to_owned())
            .collect(),
        forbidden_pages: pages(&TEAM_PAGES[1..])
            .into_iter()
            .chain([format!("/developers/{}", grace.email)])
            .collect(),
        ..Visit::default()
    };
    visit_in_chromium(&org.app, "fixture", &[admin, manager, developer]).await;
}
