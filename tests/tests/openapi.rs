//! The OpenAPI 3.1 document of the JSON API (issue 16), kept honest: it lists every route of the
//! route table's `/api/v1` and no other, and every operation, called on the demo organisation,
//! answers what the document says, its body validated against the schema of its status. Then
//! schemathesis (`openapi/schemathesis.rs`) throws generated requests at it.

mod calls;
mod route_table;
mod schemathesis;

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::support::{Backend, TestApp};

/// The document as any client gets it: without signing in.
async fn document(app: &TestApp) -> Value {
    let response = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .expect("request");
    assert_eq!(response.status(), 200, "the document is public");
    let document: Value = response.json().await.expect("JSON");
    assert!(
        document["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "an OpenAPI 3.1 document: {}",
        document["openapi"]
    );
    document
}

/// `(method, path)` of every operation of the document, the path under `/api/v1`.
fn operations(document: &Value) -> BTreeSet<(String, String)> {
    let paths = document["paths"].as_object().expect("paths");
    paths
        .iter()
        .flat_map(|(path, item)| {
            let path = path
                .strip_prefix("/api/v1")
                .unwrap_or_else(|| panic!("{path} is outside /api/v1"));
            item.as_object()
                .expect("a path item")
                .keys()
                .map(move |method| (method.clone(), path.to_owned()))
        })
        .collect()
}

/// The JSON schema of the body the document gives an operation for `status` (or its
/// `default`), with the document's components beside it so that its `$ref`s resolve; `None`
/// when that response has no body.
fn response_schema(document: &Value, method: &str, path: &str, status: u16) -> Option<Value> {
    let responses = &document["paths"][format!("/api/v1{path}")][method]["responses"];
    let response = match &responses[status.to_string()] {
        Value::Null => &responses["default"],
        found => found,
    };
    assert!(
        !response.is_null(),
        "{method} {path}: the document has no response for {status}"
    );
    let schema = response["content"]["application/json"]["schema"].clone();
    (!schema.is_null()).then(|| {
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": document["components"],
            "allOf": [schema],
        })
    })
}

/// What is wrong with `body` as the answer `status` to `method path`, one line each.
fn violations(document: &Value, method: &str, path: &str, status: u16, body: &str) -> Vec<String> {
    let Some(schema) = response_schema(document, method, path, status) else {
        return if body.is_empty() {
            vec![]
        } else {
            vec![format!("a body where the document has none: {body}")]
        };
    };
    let instance: Value = match serde_json::from_str(body) {
        Ok(value) => value,
        Err(e) => return vec![format!("not JSON ({e}): {body}")],
    };
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    validator
        .iter_errors(&instance)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect()
}

#[tokio::test]
async fn the_document_lists_every_route_of_the_api_and_nothing_else() {
    let app = TestApp::spawn(Backend::sqlite()).await;
    let documented = operations(&document(&app).await);
    let routes = route_table::api_routes();
    let undocumented: Vec<_> = routes
        .iter()
        .filter(|(method, route)| {
            !documented
                .iter()
                .any(|(m, path)| m == method && route_table::covers(route, path))
        })
        .collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the document: {undocumented:?}"
    );
    let unrouted: Vec<_> = documented
        .iter()
        .filter(|(method, path)| {
            !routes
                .iter()
                .any(|(m, route)| m == method && route_table::covers(route, path))
        })
        .collect();
    assert!(
        unrouted.is_empty(),
        "documented operations with no route: {unrouted:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_answers_on_the_demo_as_the_document_says() {
    crate::support::for_each_backend(|backend| async move {
        let today = chrono::Utc::now().date_naive();
        let (app, admin) = TestApp::spawn_demo(backend, today).await;
        let document = document(&app).await;
        let calls = calls::every_operation(&app, &admin).await;
        let called: BTreeSet<(String, String)> = calls
            .iter()
            .map(|c| (c.method.as_str().to_lowercase(), c.template.to_owned()))
            .collect();
        assert_eq!(
            called,
            operations(&document),
            "every operation of the document is called (add a call for a new one)"
        );
        let mut wrong = Vec::new();
        for call in &calls {
            let (status, body) = call.send(&app, &admin).await;
            let method = call.method.as_str().to_lowercase();
            if status != call.expect {
                wrong.push(format!(
                    "{} {}: {status}, expected {}: {body}",
                    call.method, call.path, call.expect
                ));
                continue;
            }
            for problem in violations(&document, &method, call.template, status, &body) {
                wrong.push(format!(
                    "{} {} ({status}) {problem}",
                    call.method, call.path
                ));
            }
        }
        assert!(
            wrong.is_empty(),
            "{}: answers unlike the document:\n{}",
            app.backend,
            wrong.join("\n")
        );
    })
    .await;
}

#[tokio::test]
async fn a_body_unlike_its_schema_is_caught() {
    let app = TestApp::spawn(Backend::sqlite()).await;
    let document = document(&app).await;
    let me = json!({"email": "a@b.c", "name": "A", "role": "admin", "teams": []});
    assert_eq!(
        violations(&document, "get", "/me", 200, &me.to_string()),
        Vec::<String>::new()
    );
    let without_role = json!({"email": "a@b.c", "name": "A", "teams": []});
    let with_a_number = json!({"email": "a@b.c", "name": "A", "role": "admin", "teams": [7]});
    for (body, why) in [(without_role, "role"), (with_a_number, "/teams/0")] {
        let found = violations(&document, "get", "/me", 200, &body.to_string());
        assert!(
            found.iter().any(|v| v.contains(why)),
            "{body} must break the schema at {why}: {found:?}"
        );
    }
    let error = violations(&document, "get", "/me", 401, r#"{"message": "nope"}"#);
    assert!(
        !error.is_empty(),
        "an error without `error` breaks the error body"
    );
}
