//! Shared test harness: spawning the server, creating accounts, running the binaries.

pub mod agent_clis;
pub mod app;
pub mod backends;
pub mod browser;
pub mod chromium;
pub mod dashboard;
pub mod model_stub;
pub mod serve;
pub mod server_process;
pub mod uploads;
pub mod usage_logs;
pub mod usage_totals;

pub use app::{TestApp, TestUser};
pub use backends::{for_each_backend, Backend};
pub use browser::BrowserSession;
