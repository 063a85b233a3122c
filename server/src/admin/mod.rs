//! Administrative actions shared by the command line, the admin pages and the API. Every change
//! is recorded in the audit log here, whichever way it came in, with the [`Actor`] who made it.

mod access;
mod audit;
mod plan_policy;
mod reset_mail;
mod sources;
mod teams;
mod users;

pub use access::{
    create_token, create_token_as, issue_password_reset, password_reset_email,
    redeem_password_reset, revoke_token, PasswordReset, RESET_LINK_HOURS,
};
pub use audit::{Actor, AuditPage};
pub use plan_policy::set_plan_policy;
pub use reset_mail::{email_password_reset, ResetMail};
pub use sources::{assign_seat, create_plan, set_critical_paths, set_webhook_secret, update_plan};
pub use teams::{add_team, add_team_as, delete_team, rename_team};
pub use users::{
    add_user, add_user_as, deactivate_user, edit_user, reactivate_user, set_role, AddUser, UserEdit,
};
