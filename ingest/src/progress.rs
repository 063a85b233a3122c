//! Progress on standard error for long uploads, shown only to a person at a terminal (never in
//! hooks, pipes or with `--quiet`).

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

fn shown(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// A bar counting `len` things called `unit` (`events`, `commits`), with a message before it.
pub fn bar(quiet: bool, len: u64, unit: &str, message: String) -> Option<ProgressBar> {
    if !shown(quiet) {
        return None;
    }
    let bar = ProgressBar::new(len);
    let template = format!("{{spinner}} {{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit}");
    let style =
        ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(message);
    Some(bar)
}

/// A spinner for work of unknown length, such as reading a repository's history.
pub fn spinner(quiet: bool, message: String) -> Option<ProgressBar> {
    if !shown(quiet) {
        return None;
    }
    let spinner = ProgressBar::new_spinner();
    spinner.set_message(message);
    spinner.enable_steady_tick(Duration::from_millis(120));
    Some(spinner)
}
