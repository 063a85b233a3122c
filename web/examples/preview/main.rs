//! Renders every page with demo data to `$CARGO_TARGET_DIR/preview/` (or `target/preview/`) next
//! to a copy of the static assets, and, when `/usr/bin/chromium` exists, screenshots each page at
//! 1280px and 390px wide into `preview/screenshots/`.
//!
//! `cargo run -p agentmeter-web --example preview`

mod demo;
mod demo_admin;
mod demo_analytics;
mod demo_developer;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

use agentmeter_web::static_asset;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| "target".into())
        .join("preview");
    fs::create_dir_all(out.join("static"))?;
    fs::create_dir_all(out.join("screenshots"))?;
    for name in ["app.css", "app.js", "favicon.svg"] {
        let asset = static_asset(name).ok_or("asset missing")?;
        fs::write(out.join("static").join(name), asset.bytes)?;
    }
    let mut pages = demo::pages()?;
    pages.extend(demo_analytics::pages()?);
    pages.extend(demo_admin::pages()?);
    let only: Vec<String> = env::args().skip(1).collect();
    for (name, html) in &pages {
        // file:// cannot resolve root-relative /static/ paths; the preview uses relative ones.
        fs::write(
            out.join(format!("{name}.html")),
            html.replace("\"/static/", "\"static/"),
        )?;
    }
    if !Path::new("/usr/bin/chromium").exists() {
        println!(
            "wrote {} pages to {} (no chromium, no screenshots)",
            pages.len(),
            out.display()
        );
        return Ok(());
    }
    for (name, _) in pages
        .iter()
        .filter(|(n, _)| only.is_empty() || only.contains(n))
    {
        for (width, height) in [(1280, 1800), (390, 2600)] {
            screenshot(&out, name, width, height)?;
        }
    }
    println!(
        "wrote {} pages and screenshots to {}",
        pages.len(),
        out.display()
    );
    Ok(())
}

fn screenshot(
    out: &Path,
    name: &str,
    width: u32,
    height: u32,
) -> Result<(), Box<dyn std::error::Error>> {
    let profile = env::temp_dir().join(format!("agentmeter-preview-{}", std::process::id()));
    let target = out.join("screenshots").join(format!("{name}-{width}.png"));
    let status = Command::new("/usr/bin/chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
        ])
        .args([
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("--screenshot={}", target.display()))
        .arg(format!(
            "file://{}",
            out.join(format!("{name}.html")).display()
        ))
        .output()?
        .status;
    if !status.success() {
        return Err(format!("chromium failed on {name}").into());
    }
    Ok(())
}
