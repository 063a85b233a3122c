//! Running agentmeter for an organisation (issue 16): people come and go through the server CLI.

mod people;
