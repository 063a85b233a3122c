//! Authentication and authorization: passwords, tokens, sessions, the current user, scope.

pub mod current_user;
pub mod login;
pub mod password;
pub mod scope;
pub mod secret;
pub mod throttle;

pub use current_user::CurrentUser;
pub use scope::{Scope, ScopeFilter};
