use super::*;

fn bar() -> FilterBar {
    FilterBar {
        action: "/spend".into(),
        teams: vec![
            Choice::new("7", "R&D / Platform", Some("7")),
            Choice::new("8", "Web", Some("7")),
        ],
        team: Some("7".into()),
        tools: vec![Choice::new("codex", "Codex", None)],
        from: "2025-03-01".into(),
        to: "2025-03-31".into(),
        ..FilterBar::default()
    }
}

#[test]
fn query_keeps_selected_filters_and_encodes_them() {
    assert_eq!(bar().query(), "team=7&from=2025-03-01&to=2025-03-31");
}

#[test]
fn csv_link_adds_format_and_table() {
    assert_eq!(
        bar().csv_href("by-team"),
        "/spend?team=7&from=2025-03-01&to=2025-03-31&format=csv&table=by-team"
    );
    let bare = FilterBar {
        teams: vec![],
        team: None,
        from: String::new(),
        to: String::new(),
        ..bar()
    };
    assert_eq!(bare.csv_href("x"), "/spend?format=csv&table=x");
}

#[test]
fn a_preset_replaces_the_dates_in_links_and_keeps_team_tool_and_search() {
    let with_preset = FilterBar {
        presets: vec![
            Choice::new("this-month", "This month", Some("last-month")),
            Choice::new("last-month", "Last month", Some("last-month")),
        ],
        tools: vec![Choice::new("codex", "Codex", Some("codex"))],
        tool: Some("codex".into()),
        q: "Ada L".into(),
        ..bar()
    };
    assert_eq!(
        with_preset.query(),
        "team=7&preset=last-month&tool=codex&q=Ada%20L"
    );
    assert_eq!(
        bar().preset_href("this-month"),
        "/spend?team=7&preset=this-month"
    );
    assert_eq!(
        bar().compare_href(Some("previous-period")),
        "/spend?team=7&from=2025-03-01&to=2025-03-31&compare=previous-period"
    );
}

#[test]
fn links_to_other_pages_carry_the_chosen_filters_but_not_the_search_or_default_dates() {
    let carrying = FilterBar {
        tools: Vec::new(),
        tool: Some("codex".into()),
        compare: Some("previous-period".into()),
        q: "ada".into(),
        pages: vec![("page".into(), 2)],
        ..bar()
    };
    assert_eq!(
        carrying.carried_query(),
        "team=7&tool=codex&compare=previous-period"
    );
    assert_eq!(
        carrying.link("/productivity", &[("team", "Web")]),
        "/productivity?tool=codex&compare=previous-period&team=Web"
    );
    let chosen = FilterBar {
        range_chosen: true,
        ..carrying
    };
    assert_eq!(
        chosen.link("/developers/a@x.dev", &[]),
        "/developers/a@x.dev?team=7&from=2025-03-01&to=2025-03-31&tool=codex&compare=previous-period"
    );
    assert_eq!(FilterBar::default().link("/spend", &[]), "/spend");
}

#[test]
fn pager_links_keep_the_filters_and_the_other_lists_pages() {
    let paged = FilterBar {
        q: "x".into(),
        pages: vec![("pr_page".into(), 3)],
        ..bar()
    };
    let listed = FilterBar {
        list_filters: vec![("pr_author".into(), "ada".into())],
        ..paged.clone()
    };
    assert_eq!(
        listed.page_href("pr_page", 4),
        "/spend?team=7&from=2025-03-01&to=2025-03-31&q=x&pr_author=ada&pr_page=4"
    );
    let keys = |pairs: Vec<(String, String)>| pairs.into_iter().map(|(k, _)| k).collect::<Vec<_>>();
    assert_eq!(
        keys(listed.hidden_except(&["pr_author"])),
        ["team", "from", "to", "q"]
    );
    assert_eq!(
        keys(listed.hidden_without_search()),
        ["team", "from", "to", "pr_author"]
    );
    assert!(!listed.carried_query().contains("ada"));
    let pager = Pager::new(&paged, "page", 2, 50, 50, 312, 50);
    assert_eq!(pager.showing, "Showing 51–100 of 312");
    assert_eq!(
        pager.prev.as_deref(),
        Some("/spend?team=7&from=2025-03-01&to=2025-03-31&q=x&pr_page=3")
    );
    assert_eq!(
        pager.next.as_deref(),
        Some("/spend?team=7&from=2025-03-01&to=2025-03-31&q=x&pr_page=3&page=3")
    );
    assert_eq!(
        paged.csv_href("t"),
        "/spend?team=7&from=2025-03-01&to=2025-03-31&q=x&format=csv&table=t"
    );
    let last = Pager::new(&paged, "page", 7, 300, 12, 312, 50);
    assert_eq!(
        (last.showing.as_str(), last.next.clone()),
        ("Showing 301–312 of 312", None)
    );
    let anchored = last.opening_at("list");
    assert_eq!(
        (anchored.prev.as_deref(), anchored.next),
        (
            Some("/spend?team=7&from=2025-03-01&to=2025-03-31&q=x&pr_page=3&page=6#list"),
            None
        )
    );
}
