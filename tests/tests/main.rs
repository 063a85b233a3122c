//! End-to-end tests: the real server on a random port against a fresh database per test
//! (a SQLite temp file always; PostgreSQL too when `AGENTMETER_TEST_POSTGRES_URL` is set),
//! driven over HTTP and through the real binaries.

mod support;

mod accounts;
mod auth;
mod browser;
mod collectors;
mod cost_reports;
mod daily_use;
mod demo;
mod library;
mod metrics;
mod openapi;
mod operations;
mod pages;
mod people;
mod resilience;
mod reviews;
mod security;
mod server_cli;
mod sso;
mod telemetry;
