//! Filters carried through the navigation (issue 14), rendered by the server (no script): the
//! navigation, "View details", developer and team links of every data page keep the chosen team,
//! preset or dates, tool and comparison, never the page's own search, and every carried link
//! answers 200. The Reviews page's pull-request list keeps every filter of the page.

use std::collections::BTreeSet;

use chrono::Days;
use reqwest::{StatusCode, Url};

use super::{demo, get, org_today};
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
    let pages = [
        "/",
        "/spend",
        "/plans",
        "/adoption",
        "/productivity",
        "/reviews",
        "/me",
    ];
    hrefs(html)
        .iter()
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .filter_map(|h| base.join(h).ok())
        .filter(|u| pages.contains(&u.path()) || u.path().starts_with("/developers/"))
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
        for page in ["/", "/plans", "/adoption", "/productivity", "/reviews"] {
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
    })
    .await;
}
