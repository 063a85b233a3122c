//! Authentication and authorization: passwords, tokens, sessions, the current user, scope.

pub mod admin_form;
pub mod current_user;
pub mod login;
pub mod password;
pub mod scope;
pub mod secret;
pub mod throttle;

pub use admin_form::AdminForm;
pub use current_user::CurrentUser;
pub use scope::{Scope, ScopeFilter};
