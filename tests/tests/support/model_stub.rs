//! A stand-in model server, so that the real assistant CLIs (Claude Code, Codex) run offline in
//! tests: it speaks Anthropic's Messages API (`POST /v1/messages`, SSE streaming or not, plus
//! `count_tokens`) and OpenAI's Responses API (`POST /v1/responses`, SSE), answers with scripted
//! turns carrying exactly the token usage the test chose, and records every request so a test can
//! see what the model was offered (tools, skills, system prompt).
//!
//! ```ignore
//! let stub = ModelStub::start(vec![
//!     Turn::tool("Skill", json!({"skill": "platform:release-notes"})),
//!     Turn::text("Done.").with_usage(Usage { input_tokens: 10, output_tokens: 5, ..Usage::default() }),
//! ]);
//! // ANTHROPIC_BASE_URL = stub.base_url(); Codex's provider base_url = stub.openai_base_url()
//! assert!(stub.requests().iter().any(|r| r.mentions("release-notes")));
//! ```
//!
//! The server runs on a thread and runtime of its own, so a test may block on a CLI process (or
//! run the agentmeter server on its own runtime) without starving it. Dropping the stub stops it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::sync::oneshot;

mod anthropic;
mod openai;

/// Token usage of one scripted reply. Anthropic replies carry the four fields as named; OpenAI
/// replies send `input_tokens` as given (OpenAI counts cached tokens inside it), `cached_tokens` =
/// `cache_read_input_tokens`, `output_tokens` (which includes reasoning) and `reasoning_tokens` =
/// `reasoning_output_tokens`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_creation_input_tokens: u64,
    pub cache_read_input_tokens: u64,
    pub reasoning_output_tokens: u64,
}

impl Default for Usage {
    /// Small, distinct numbers, so a total that mixes them up shows.
    fn default() -> Usage {
        Usage {
            input_tokens: 100,
            output_tokens: 20,
            cache_creation_input_tokens: 300,
            cache_read_input_tokens: 1000,
            reasoning_output_tokens: 0,
        }
    }
}

/// What the model answers.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Text that ends the assistant's turn.
    Text(String),
    /// A tool call the CLI then really executes (Claude Code: `Write`, `Bash`, `Skill`, …;
    /// Codex: `exec_command`, …), coming back with its result as the next request.
    ToolCall { name: String, input: Value },
}

/// One scripted model reply.
#[derive(Clone, Debug)]
pub struct Turn {
    pub reply: Reply,
    pub usage: Usage,
    /// Answer as this model instead of the one requested.
    pub model: Option<String>,
}

impl Turn {
    pub fn text(text: &str) -> Turn {
        Turn {
            reply: Reply::Text(text.to_owned()),
            usage: Usage::default(),
            model: None,
        }
    }

    pub fn tool(name: &str, input: Value) -> Turn {
        Turn {
            reply: Reply::ToolCall {
                name: name.to_owned(),
                input,
            },
            usage: Usage::default(),
            model: None,
        }
    }

    pub fn with_usage(mut self, usage: Usage) -> Turn {
        self.usage = usage;
        self
    }

    pub fn by_model(mut self, model: &str) -> Turn {
        self.model = Some(model.to_owned());
        self
    }
}

/// Which API a request came through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Api {
    AnthropicMessages,
    OpenAiResponses,
}

/// A model request as the stub received it.
#[derive(Clone, Debug)]
pub struct ModelRequest {
    pub api: Api,
    pub path: String,
    pub model: String,
    /// The index of the scripted turn it was answered with.
    pub turn: usize,
    pub body: Value,
}

impl ModelRequest {
    /// Names of the tools offered to the model.
    pub fn tool_names(&self) -> Vec<String> {
        self.body["tools"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t["name"].as_str().or(t["type"].as_str()))
            .map(str::to_owned)
            .collect()
    }

    /// Whether `needle` appears anywhere the model reads: system prompt, messages (with the
    /// CLI's own reminders, such as the list of skills), tool descriptions. Keep it out of the
    /// prompt a test sends, or this is trivially true.
    pub fn mentions(&self, needle: &str) -> bool {
        ["system", "messages", "tools", "instructions", "input"]
            .iter()
            .any(|key| contains_text(&self.body[key], needle))
    }
}

fn contains_text(value: &Value, needle: &str) -> bool {
    match value {
        Value::String(s) => s.contains(needle),
        Value::Array(items) => items.iter().any(|v| contains_text(v, needle)),
        Value::Object(map) => map.values().any(|v| contains_text(v, needle)),
        _ => false,
    }
}

struct Shared {
    turns: Vec<Turn>,
    requests: Mutex<Vec<ModelRequest>>,
    ids: AtomicU64,
    run: String,
}

/// The running stand-in; stops when dropped.
pub struct ModelStub {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ModelStub {
    /// Starts the stub on 127.0.0.1 at a free port. The reply to a request is turn k, where k
    /// counts the assistant turns already in it (Anthropic: assistant messages; OpenAI:
    /// `function_call_output` items), so 0 for a new prompt, 1 after the first tool result, …;
    /// past the last turn the last one repeats.
    pub fn start(turns: Vec<Turn>) -> ModelStub {
        assert!(!turns.is_empty(), "a script needs at least one turn");
        let shared = Arc::new(Shared {
            turns,
            requests: Mutex::new(Vec::new()),
            ids: AtomicU64::new(1),
            run: run_id(),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the model stub");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("stub address");
        let (stop, stopped) = oneshot::channel::<()>();
        let app = Router::new()
            .route("/v1/messages", post(anthropic::messages))
            .route("/v1/messages/count_tokens", post(count_tokens))
            .route("/v1/responses", post(openai::responses))
            .fallback(not_found)
            .layer(DefaultBodyLimit::disable())
            .with_state(Arc::clone(&shared));
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("stub runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
                    .expect("model stub serves");
            });
        });
        ModelStub {
            addr,
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// For `ANTHROPIC_BASE_URL`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// For an OpenAI provider's `base_url` (Codex appends `/responses`).
    pub fn openai_base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Every model request received so far, in order.
    pub fn requests(&self) -> Vec<ModelRequest> {
        self.shared
            .requests
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }
}

impl Drop for ModelStub {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Ids unique across stub instances and test processes, as the real APIs' are (Claude Code and
/// the uploader deduplicate by message and request id).
fn run_id() -> String {
    static INSTANCES: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{:x}{:x}{:x}",
        std::process::id(),
        nanos,
        INSTANCES.fetch_add(1, Ordering::Relaxed)
    )
}

impl Shared {
    fn next_id(&self, prefix: &str) -> String {
        format!(
            "{prefix}_stub{}{:06}",
            self.run,
            self.ids.fetch_add(1, Ordering::Relaxed)
        )
    }

    /// Picks the turn for a request and records it.
    fn answer(&self, api: Api, uri: &Uri, body: Value, k: usize) -> (Turn, String) {
        let index = k.min(self.turns.len() - 1);
        let turn = self.turns[index].clone();
        let model = turn
            .model
            .clone()
            .or_else(|| body["model"].as_str().map(str::to_owned))
            .unwrap_or_else(|| "claude-sonnet-4-5".to_owned());
        if let Ok(mut requests) = self.requests.lock() {
            requests.push(ModelRequest {
                api,
                path: uri.to_string(),
                model: model.clone(),
                turn: index,
                body,
            });
        }
        (turn, model)
    }
}

#[allow(clippy::result_large_err)] // the refusal is the response itself, built once per bad request
fn parse(body: &Bytes) -> Result<Value, Response> {
    serde_json::from_slice(body).map_err(|e| {
        let error = json!({"error": {"type": "invalid_request_error", "message": e.to_string()}});
        (StatusCode::BAD_REQUEST, Json(error)).into_response()
    })
}

async fn not_found(uri: Uri) -> Response {
    let error = json!({"error": {"type": "not_found_error", "message": uri.path()}});
    (StatusCode::NOT_FOUND, Json(error)).into_response()
}

async fn count_tokens() -> Json<Value> {
    Json(json!({"input_tokens": 1000}))
}

/// A whole server-sent-events reply at once: the CLIs parse it as a stream either way.
fn event_stream(events: &[Value], request_id: Option<String>) -> Response {
    let mut text = String::new();
    for event in events {
        let name = event["type"].as_str().unwrap_or("message");
        text.push_str(&format!("event: {name}\ndata: {event}\n\n"));
    }
    let mut response = (
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        text,
    )
        .into_response();
    if let Some(id) = request_id.and_then(|id| id.parse().ok()) {
        response.headers_mut().insert("request-id", id);
    }
    response
}
