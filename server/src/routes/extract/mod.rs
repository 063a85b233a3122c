//! Extractors: who is asking ([`CurrentUser`] from a bearer token or a session cookie, [`Admin`]
//! when only an admin may ask), an admin's form ([`AdminForm`]) and the client's address
//! ([`ClientIp`]). Query strings and JSON bodies use axum's own `Query<T>` and `Json<T>`: their
//! refusals are answered through the one error type by `routes::middleware::refusals`.

mod admin;
mod admin_form;
mod client_ip;
mod current_user;

pub(crate) use admin::Admin;
pub(crate) use admin_form::AdminForm;
pub(crate) use client_ip::ClientIp;
