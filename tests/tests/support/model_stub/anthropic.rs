//! Anthropic's Messages API, as Claude Code calls it: `POST /v1/messages`, streamed as SSE
//! (`message_start`, one content block, `message_delta` with the output tokens, `message_stop`)
//! or answered whole.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::{event_stream, parse, Api, Reply, Shared};

pub(super) async fn messages(State(shared): State<Arc<Shared>>, uri: Uri, body: Bytes) -> Response {
    let body = match parse(&body) {
        Ok(body) => body,
        Err(response) => return response,
    };
    let k = body["messages"]
        .as_array()
        .map_or(0, |m| m.iter().filter(|m| m["role"] == "assistant").count());
    let stream = body["stream"].as_bool().unwrap_or(false);
    let (turn, model) = shared.answer(Api::AnthropicMessages, &uri, body, k);
    let message_id = shared.next_id("msg");
    let request_id = shared.next_id("req");
    let (block, stop_reason) = match &turn.reply {
        Reply::Text(text) => (json!({"type": "text", "text": text}), "end_turn"),
        Reply::ToolCall { name, input } => (
            json!({"type": "tool_use", "id": shared.next_id("toolu"), "name": name, "input": input}),
            "tool_use",
        ),
    };
    let u = turn.usage;
    let usage = json!({
        "input_tokens": u.input_tokens, "output_tokens": u.output_tokens,
        "cache_creation_input_tokens": u.cache_creation_input_tokens,
        "cache_read_input_tokens": u.cache_read_input_tokens,
    });
    if !stream {
        let message = json!({
            "id": message_id, "type": "message", "role": "assistant", "model": model,
            "content": [block], "stop_reason": stop_reason, "stop_sequence": null, "usage": usage,
        });
        return ([("request-id", request_id)], Json(message)).into_response();
    }
    let mut start_usage = usage.clone();
    start_usage["output_tokens"] = json!(1);
    let (start_block, delta) = match &turn.reply {
        Reply::Text(text) => (
            json!({"type": "text", "text": ""}),
            json!({"type": "text_delta", "text": text}),
        ),
        Reply::ToolCall { input, .. } => {
            let mut start = block.clone();
            start["input"] = json!({});
            (
                start,
                json!({"type": "input_json_delta", "partial_json": input.to_string()}),
            )
        }
    };
    let events = [
        json!({"type": "message_start", "message": {
            "id": message_id, "type": "message", "role": "assistant", "model": model,
            "content": [], "stop_reason": null, "stop_sequence": null, "usage": start_usage}}),
        json!({"type": "content_block_start", "index": 0, "content_block": start_block}),
        json!({"type": "content_block_delta", "index": 0, "delta": delta}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "message_delta", "delta": {"stop_reason": stop_reason, "stop_sequence": null},
               "usage": {"output_tokens": u.output_tokens}}),
        json!({"type": "message_stop"}),
    ];
    event_stream(&events, Some(request_id))
}
