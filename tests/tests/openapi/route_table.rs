//! The JSON API's routes as the route table (`server/src/routes/mod.rs`) lists them, read from
//! its source: the router keeps no list of its routes to ask at run time.

use std::collections::BTreeSet;

const ROUTE_TABLE: &str = include_str!("../../../server/src/routes/mod.rs");

/// `(method, path under /api/v1)` of every route of the `api` router, `{*rest}` kept as is.
pub(super) fn api_routes() -> BTreeSet<(String, String)> {
    let start = ROUTE_TABLE
        .find("let api = Router::new()")
        .expect("the api router in the route table");
    let end = start
        + ROUTE_TABLE[start..]
            .find(";\n")
            .expect("the end of the api router");
    let router = &ROUTE_TABLE[start..end];
    // Routes added any other way would escape this reading, and so the document's check.
    for other in [".nest(", ".merge(", ".route_service(", ".fallback("] {
        assert!(
            !router.contains(other),
            "the api router uses `{other}`: teach route_table.rs to read it"
        );
    }
    let mut routes = BTreeSet::new();
    for call in router.split(".route(").skip(1) {
        let path = call
            .split('"')
            .nth(1)
            .expect("a route's path is its first string");
        let handlers = &call[call.find(path).expect("path") + path.len()..];
        let before = routes.len();
        for method in ["get", "post", "put", "delete", "patch"] {
            let named = |prefix: &str| handlers.contains(&format!("{prefix}{method}("));
            if named("(") || named(" ") || named(".") || named("\n") || named(":") {
                routes.insert((method.to_owned(), path.to_owned()));
            }
        }
        assert!(
            routes.len() > before,
            "no method read for the route {path} (`any`, `on`?): teach route_table.rs to read it"
        );
    }
    assert!(routes.len() > 10, "routes read from the table: {routes:?}");
    routes
}

/// Whether the document's `path` (under /api/v1) is the table's `route`: equal, or under a
/// catch-all `{*rest}` route.
pub(super) fn covers(route: &str, path: &str) -> bool {
    match route.find("{*") {
        Some(at) => path.starts_with(&route[..at]) && path.len() > at,
        None => route == path,
    }
}
