//! Regression tests for the findings of the adversarial probe (issue #10) that concern who may
//! sign in, whose usage and commits are whose, and what the API reveals.

mod commits;
mod logins;
mod memory;
mod usage_keys;
