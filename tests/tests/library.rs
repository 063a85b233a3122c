//! The shared library of skills and hooks (issue 12): publishing, review, the marketplace the
//! real Claude Code and Codex install from, and the usage loop back to the server.

mod agents;
mod hostile;
mod machine;
mod review;
mod round_trip;
mod settings;
