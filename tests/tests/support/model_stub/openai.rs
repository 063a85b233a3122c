//! OpenAI's Responses API, as Codex calls it: `POST /v1/responses`, streamed as SSE
//! (`response.created`, the output item, `response.completed` with the usage).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::Response;
use serde_json::json;

use super::{event_stream, parse, Api, Reply, Shared};

pub(super) async fn responses(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    body: Bytes,
) -> Response {
    let body = match parse(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let k = body["input"].as_array().map_or(0, |items| {
        items
            .iter()
            .filter(|i| i["type"] == "function_call_output")
            .count()
    });
    let (turn, model) = shared.answer(Api::OpenAiResponses, &uri, body, k);
    let response_id = shared.next_id("resp");
    let item = match &turn.reply {
        Reply::Text(text) => json!({
            "type": "message", "id": shared.next_id("msg"), "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": text, "annotations": []}],
        }),
        Reply::ToolCall { name, input } => json!({
            "type": "function_call", "id": shared.next_id("fc"), "call_id": shared.next_id("call"),
            "name": name, "arguments": input.to_string(), "status": "completed",
        }),
    };
    let u = turn.usage;
    let usage = json!({
        "input_tokens": u.input_tokens,
        "input_tokens_details": {"cached_tokens": u.cache_read_input_tokens},
        "output_tokens": u.output_tokens,
        "output_tokens_details": {"reasoning_tokens": u.reasoning_output_tokens},
        "total_tokens": u.input_tokens + u.output_tokens,
    });
    let events = [
        json!({"type": "response.created", "response": {
            "id": response_id, "object": "response", "status": "in_progress", "model": model}}),
        json!({"type": "response.output_item.added", "output_index": 0, "item": item}),
        json!({"type": "response.output_item.done", "output_index": 0, "item": item}),
        json!({"type": "response.completed", "response": {
            "id": response_id, "object": "response", "status": "completed", "model": model,
            "output": [item], "usage": usage}}),
    ];
    event_stream(&events, None)
}
