//! Monthly cost reports, budgets and alerts end to end: a real SMTP server (Debian's aiosmtpd),
//! the real `agentmeter-server` binary sending and scheduling, real server processes sharing one
//! PostgreSQL, and a local receiver for outgoing webhooks.

mod alert_emails;
mod alerts;
mod demo;
mod exactly_once;
mod monthly_report;
mod pages;
mod smtp_password;
pub(crate) mod smtp_server;
mod webhook_receiver;
