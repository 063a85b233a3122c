//! Graceful shutdown of the real binary: on SIGTERM the server stops accepting connections at
//! once, answers the request it is in the middle of (an upload whose body is still arriving),
//! stores it, and exits successfully.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use crate::support::app::{run, server_binary};
use crate::support::serve::start_serve_with;
use crate::support::Backend;

fn server_cli(database_url: &str, args: &[&str]) -> String {
    let mut all = vec!["--database-url", database_url];
    all.extend_from_slice(args);
    let output = run(server_binary(), &all, None, &[]);
    assert!(
        output.status.success(),
        "agentmeter-server {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("utf-8 output")
}

/// Reads from `stream` until `needle` has arrived; returns all read.
fn read_until(stream: &mut TcpStream, needle: &str) -> String {
    let mut text = Vec::new();
    let mut buffer = [0u8; 4096];
    while !String::from_utf8_lossy(&text).contains(needle) {
        let read = stream.read(&mut buffer).expect("read");
        assert!(
            read > 0,
            "closed before {needle:?}: {}",
            String::from_utf8_lossy(&text)
        );
        text.extend_from_slice(&buffer[..read]);
    }
    String::from_utf8_lossy(&text).into_owned()
}

#[test]
fn sigterm_lets_the_request_in_flight_finish_and_refuses_new_connections() {
    let backend = Backend::sqlite();
    server_cli(&backend.url, &["migrate"]);
    server_cli(
        &backend.url,
        &[
            "user",
            "add",
            "--email",
            "ada@example.com",
            "--name",
            "ada",
            "--role",
            "developer",
        ],
    );
    let token = server_cli(
        &backend.url,
        &["token", "create", "--email", "ada@example.com"],
    );
    let mut server = start_serve_with(&backend.url, false, &[("AGENTMETER_LOG", "info")]);

    let body = r#"{"events": [{"tool": "claude-code", "dedupe_key": "k1", "session_id": "s1",
        "timestamp": "2026-10-05T10:00:00Z", "model": "claude-sonnet-4-5",
        "input_tokens": 1000, "output_tokens": 200}]}"#;
    let (first_half, second_half) = body.split_at(body.len() / 2);
    let mut stream = TcpStream::connect(&server.addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("read timeout");
    write!(
        stream,
        "POST /api/v1/ingest/usage HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nExpect: 100-continue\r\n\r\n",
        server.addr,
        token.trim(),
        body.len()
    )
    .expect("request head");
    // The server asks for the body only once the handler reads it: the request is in flight.
    read_until(&mut stream, "100 Continue");
    stream
        .write_all(first_half.as_bytes())
        .expect("half a body");

    let pid = server.child.id().to_string();
    let sent = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
    assert_eq!(server.log_lines_once_there_are("shutting down", 1), 1);
    // The listener closes at once (the accept loop may take a moment to see the signal).
    let mut refused = false;
    for _ in 0..100 {
        if TcpStream::connect(&server.addr).is_err() {
            refused = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(refused, "a new connection is refused once shutting down");

    stream
        .write_all(second_half.as_bytes())
        .expect("the rest of the body");
    let response = read_until(&mut stream, "\"received\"");
    assert!(response.contains("HTTP/1.1 200 OK"), "{response}");
    assert!(response.contains("\"inserted\":1"), "{response}");

    let mut exited = None;
    for _ in 0..300 {
        exited = server.child.try_wait().expect("wait");
        if exited.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = exited.expect("the server exits once the request is answered");
    assert!(status.success(), "{status}");

    // The upload answered during shutdown is stored.
    let again = start_serve_with(&backend.url, false, &[]);
    let held = reqwest::blocking::Client::new()
        .get(again.url("/api/v1/ingest/status"))
        .bearer_auth(token.trim())
        .send()
        .expect("status")
        .text()
        .expect("body");
    assert!(held.contains("\"events\":1"), "{held}");
}
