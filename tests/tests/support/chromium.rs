//! Headless Chromium (Debian's `chromium`) driven over the DevTools protocol by
//! `tests/browser/drive.mjs` with `playwright-core` (no browser download; `npm ci --prefix
//! tests/browser` once, `.ci/run` does). A plan names the accounts, the pages each visits at
//! 1280px and 390px, the pages that must answer 403 and the texts that must never appear. Every
//! page is also checked with axe-core, for table columns cut off at 1280px and for figures that
//! differ from the JSON API's; pages visited again with filters in their URL must keep them in
//! every link to a data page; an unknown URL must answer a 404 page. Screenshots land in `$CARGO_TARGET_DIR/screenshots/` (or `target/screenshots/`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

use super::TestApp;

/// One account's visit: it signs in through the form and must land on `landing`.
#[derive(Default)]
pub struct Visit {
    pub role: &'static str,
    pub email: String,
    pub password: String,
    pub landing: &'static str,
    pub pages: Vec<String>,
    pub forbidden_text: Vec<String>,
    pub forbidden_pages: Vec<String>,
    /// Filters (`team`, `from`, `to`) the `filtered_pages` are opened with again.
    pub filters: Vec<(&'static str, String)>,
    pub filtered_pages: Vec<String>,
    /// Pages that must show at least one figure marked for comparison with the API.
    pub pages_with_figures: Vec<String>,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn screenshot_dir(name: &str) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace().join("target"), PathBuf::from)
        .join("screenshots")
        .join(name)
}

fn chromium() -> String {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("Debian's chromium is required (apt-get install -y chromium; .ci/run installs it)")
        .to_owned()
}

/// Runs the visits in Chromium; panics listing every problem (console errors, failed requests,
/// HTTP errors, horizontal overflow, forbidden text, a forbidden page that opened, axe-core
/// violations, clipped columns, figures unlike the API's, lost filters, no 404 page) and checks
/// that every page was captured at both widths and in dark mode. Screenshots go to `screenshots/{name}/`.
pub async fn visit_in_chromium(app: &TestApp, name: &str, visits: &[Visit]) {
    let driver = workspace().join("tests/browser");
    assert!(
        driver.join("node_modules/playwright-core").exists(),
        "run `npm ci --prefix tests/browser` first (.ci/run does)"
    );
    let accounts: Vec<Value> = visits
        .iter()
        .map(|v| {
            json!({
                "role": v.role, "email": v.email, "password": v.password, "landing": v.landing,
                "pages": v.pages, "forbidden_text": v.forbidden_text, "forbidden_pages": v.forbidden_pages,
                "filters": v.filters.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<_, _>>(),
                "filtered_pages": v.filtered_pages, "pages_with_figures": v.pages_with_figures,
            })
        })
        .collect();
    let plan = json!({
        "base": app.url(""),
        "chromium": chromium(),
        "screenshots": screenshot_dir(name),
        "accounts": accounts,
    });
    let plan_file = tempfile::NamedTempFile::new().expect("plan file");
    std::fs::write(plan_file.path(), plan.to_string()).expect("write plan");

    let output = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(driver.join("drive.mjs"))
            .env("AGENTMETER_BROWSER_PLAN", plan_file.path())
            .output()
    })
    .await
    .expect("driver task")
    .expect("node runs (install nodejs)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "driver failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let result: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("driver output is not JSON ({e}): {stdout}"));
    let failures: Vec<&str> = result["failures"]
        .as_array()
        .map(|f| f.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    assert!(
        failures.is_empty(),
        "{} problems in the browser:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let screenshots = result["screenshots"].as_array().map_or(0, Vec::len);
    // 1280px and 390px, then 1280px in dark mode.
    let expected = 3 * visits.iter().map(|v| v.pages.len()).sum::<usize>();
    assert_eq!(
        screenshots, expected,
        "one screenshot per page and width, and in dark mode"
    );
}
