//! Filters carried through the navigation (issue 14), rendered by the server (no script): the
//! navigation, "View details", developer and team links of every data page keep the chosen team,
//! preset or dates, tool and comparison, never the page's own search, and every carried link
//! answers 200. The Reviews page's pull-request list keeps every filter of the page, and its
//! pager's links land on the list (`#merged-pull-requests`).

use std::collections::BTreeSet;

use chrono::Days;
use reqwest::{StatusCode, Url};

use super::{demo, get, href, org_today};
use crate::support::dashboard::TEAM_PAGES;
use crate::support::for_each_backend;

const CHOSEN: &str = "team=Platform&preset=last-30-days&tool=codex&compare=previous-period";

/// Every `href` of `html`, `&` unescaped.
fn hrefs(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|tail| tail.split('"').next())
        .map(|h| h.replace("&#38;", "&").replace("&amp;", "&"))
        .collect()
}

/// Links to the data pages and to people's pages, CSV downloads left out (they are the page's).
fn data_links(html: &str) -> Vec<Url> {
    let base = Url::parse("http://dashboard/").expect("base");
    hrefs(html)
        .iter()
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .filter_map(|h| base.join(h).ok())
        .filter(|u| {
            TEAM_PAGES.contains(&u.path())
                || u.path() == "/me"
                || u.path().starts_with("/developers/")
        })
        .filter(|u| !u.query_pairs().any(|(k, v)| k == "format" && v == "csv"))
        .collect()
}

fn value(url: &Url, key: &str) -> Option<String> {
    url.query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// The navigation's links.
fn nav(html: &str) -> Vec<String> {
    let nav = html
        .split("aria-label=\"Sections\"")
        .nth(1)
        .and_then(|s| s.split("</nav>").next())
        .expect("the navigation");
    hrefs(nav)
}

#[tokio::test]
async fn every_link_to_a_data_page_carries_the_chosen_filters_and_answers() {
    for_each_backend(|backend| async move {
        let (app, _admin, session) = demo(backend).await;
        let mut followed = BTreeSet::new();
        for page in TEAM_PAGES {
            let (status, html) = get(&session, &app, &format!("{page}?{CHOSEN}&q=zz")).await;
            assert_eq!(status, StatusCode::OK, "{page}, {}", app.backend);
            let links = data_links(&html);
            assert!(!links.is_empty(), "{page} links to no data page");
            for link in links {
                // A team's row opens that team: it chose its team, and keeps the rest.
                assert!(value(&link, "team").is_some(), "{page}: {link} loses team");
                assert_eq!(
                    value(&link, "tool").as_deref(),
                    Some("codex"),
                    "{page}: {link}"
                );
                // The page's own links (its presets, lists) set the range and search themselves.
                if link.path() != page {
                    for (key, wanted) in
                        [("preset", "last-30-days"), ("compare", "previous-period")]
                    {
                        assert_eq!(value(&link, key).as_deref(), Some(wanted), "{page}: {link}");
                    }
                    assert!(
                        value(&link, "q").is_none(),
                        "{page}: {link} carries the search"
                    );
                }
                // Every developer page answers alike: one of them is enough.
                let kind = if link.path().starts_with("/developers/") {
                    "/developers/"
                } else {
                    link.path()
                };
                if followed.insert(kind.to_owned()) {
                    let path = format!("{}?{}", link.path(), link.query().unwrap_or_default());
                    let (status, _) = get(&session, &app, &path).await;
                    assert_eq!(status, StatusCode::OK, "{path}");
                }
            }
        }
        assert!(
            followed.contains("/developers/"),
            "a developer link was checked"
        );

        // The navigation and the View details links of the Overview carry exactly the filters.
        let (_, html) = get(&session, &app, &format!("/?{CHOSEN}")).await;
        for href in nav(&html) {
            match href.as_str() {
                "/library" | "/admin/users" => {}
                _ => assert!(href.ends_with(&format!("?{CHOSEN}")), "nav {href}"),
            }
        }
        assert!(html.contains(&format!(
            "class=\"kpi\" href=\"/spend?{}\"",
            CHOSEN.replace('&', "&#38;")
        )));
        assert!(html.contains(&format!(
            "href=\"/reviews?{}\">All reviews",
            CHOSEN.replace('&', "&#38;")
        )));

        // Dates are carried when chosen; a page's default range is not.
        let today = org_today(&app);
        let dates = format!("from={}&to={}", today - Days::new(20), today - Days::new(2));
        let (_, html) = get(&session, &app, &format!("/adoption?team=Platform&{dates}")).await;
        assert!(nav(&html).contains(&format!("/spend?team=Platform&{dates}")));
        let (_, html) = get(&session, &app, "/productivity?team=Platform").await;
        assert!(nav(&html).contains(&"/spend?team=Platform".to_owned()));
        let (status, _) = get(&session, &app, "/productivity?tool=cursor").await;
        assert_eq!(
            status,
            StatusCode::BAD_REQUEST,
            "an unknown tool is not carried along"
        );

        // The pull-request list's form and search keep the page's filters and each other's.
        let (_, html) = get(
            &session,
            &app,
            &format!("/reviews?{CHOSEN}&q=a&pr_outcome=approved"),
        )
        .await;
        let list = html
            .split("id=\"merged-pull-requests\"")
            .nth(1)
            .expect("the list");
        for field in [
            "name=\"tool\" value=\"codex\"",
            "name=\"preset\" value=\"last-30-days\"",
            "name=\"q\" value=\"a\"",
            "name=\"pr_outcome\" value=\"approved\"",
        ] {
            assert!(list.contains(field), "{field} kept in the list's forms");
        }
        // Its pager's links keep the filters and land on the list, not at the top of the page.
        let (_, html) = get(&session, &app, "/reviews?preset=last-90-days&pr_page=2").await;
        let list = html
            .split("id=\"merged-pull-requests\"")
            .nth(1)
            .expect("the list");
        assert!(list.contains("Showing 51–"), "a second page of the list");
        for rel in ["rel=\"prev\"", "rel=\"next\""] {
            if let Some(link) = href(list, rel) {
                assert!(
                    link.starts_with("/reviews?preset=last-90-days")
                        && link.ends_with("#merged-pull-requests"),
                    "{rel}: {link}"
                );
            } else {
                assert_eq!(rel, "rel=\"next\"", "the second page links to the first");
            }
        }
    })
    .await;
}

/// The figures of a page: the `<dd>`/`<td>` texts of its main content, without its filter bar.
fn figures(html: &str) -> String {
    let main = html.split("<main").nth(1).expect("main");
    let after_filters = main
        .split("</form>")
        .skip(1)
        .collect::<Vec<_>>()
        .join("</form>");
    after_filters
        .split('<')
        .filter(|tag| tag.starts_with("dd") || tag.starts_with("td") || tag.starts_with("strong"))
        .map(|tag| tag.split_once('>').map_or("", |(_, text)| text))
        .collect::<Vec<_>>()
        .join("|")
}

#[tokio::test]
async fn a_page_without_a_tool_menu_says_it_shows_every_tool_and_its_figures_stay_the_same() {
    for_each_backend(|backend| async move {
        let (app, _admin, session) = demo(backend).await;
        for page in TEAM_PAGES.into_iter().filter(|p| *p != "/spend") {
            let (status, all) = get(&session, &app, page).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            assert!(
                !all.contains("the tool filter applies on Spend"),
                "{page} without a tool"
            );
            let (status, codex) = get(&session, &app, &format!("{page}?tool=codex")).await;
            assert_eq!(status, StatusCode::OK, "{page}?tool=codex");
            assert!(
                codex.contains("This page shows every tool; the tool filter applies on Spend."),
                "{page}"
            );
            assert!(!figures(&all).is_empty(), "{page} shows figures");
            assert_eq!(
                figures(&all),
                figures(&codex),
                "{page}: the tool changes nothing shown"
            );
        }
        // Spend filters by tool and has its menu: no note there.
        let (_, spend) = get(&session, &app, "/spend?tool=codex").await;
        assert!(!spend.contains("the tool filter applies on Spend"));
    })
    .await;
}
