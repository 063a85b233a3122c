//! Running agentmeter for an organisation (issue 16): people come and go through the server CLI;
//! several server instances share one database; Prometheus scrapes the server; it shuts down
//! gracefully.

mod instances;
mod people;
mod prometheus;
mod shutdown;
