//! Authentication and authorization: passwords, tokens, sessions, the current user, scope.

pub mod current_user;
pub(crate) mod login;
pub mod oidc;
pub(crate) mod password;
pub mod scope;
pub(crate) mod secret;
pub(crate) mod throttle;

pub use current_user::CurrentUser;
pub use scope::{Scope, ScopeFilter};
