//! Where the page helpers lived before issue 11 moved them: kept only until the page modules
//! written meanwhile (alerts, budgets, cost reports, notifications, library) import them from
//! their new homes, `crate::views` (page frames) and `crate::routes::pages` (rendering). Delete
//! it then; nothing new should use it.

pub(crate) use crate::routes::middleware::page_errors as render_errors;
pub(crate) use crate::routes::pages::{render, Done};
pub(crate) use crate::views::{admin_chrome, chrome};
