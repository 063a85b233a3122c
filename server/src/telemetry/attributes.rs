//! Reading OTLP attributes, and deciding which of them may be stored.
//!
//! Claude Code puts the user's prompt (when `OTEL_LOG_USER_PROMPTS` is on), tool parameters and
//! model responses into string attributes. None of that may be kept, so a string is stored only
//! for keys whose values are enumerations or identifiers ([`STORED_STRING_KEYS`]); numbers and
//! flags are kept whatever their key. The identity of a series or record is hashed over every
//! attribute, so dropping one never merges two series.

use opentelemetry_proto::tonic::common::v1::any_value::Value;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue};
use prost::Message;
use sha2::{Digest, Sha256};

/// More attributes than this on one record or data point refuse it.
pub const MAX_ATTRIBUTES: usize = 128;

/// Longest identifier (session id, model, tool name...) stored in a column of its own.
pub const MAX_IDENTIFIER_BYTES: usize = 256;

/// String attributes whose values are enumerations or identifiers, never free text.
const STORED_STRING_KEYS: [&str; 16] = [
    "model",
    "type",
    "tool_name",
    "decision",
    "source",
    "language",
    "success",
    "status_code",
    "permission_mode",
    "tool_source",
    "speed",
    "query_source",
    "start_type",
    "effort",
    "attempt",
    "mcp_server_scope",
];

/// Keys that name who or which session sent a record: stored in columns of their own or not at
/// all, so they stay out of the stored attribute set.
const IDENTITY_KEYS: [&str; 11] = [
    "user.id",
    "user.email",
    "user.account_uuid",
    "user.account_id",
    "organization.id",
    "session.id",
    "terminal.type",
    "event.name",
    "event.timestamp",
    "prompt.id",
    "request_id",
];

/// The attributes of one record or data point.
#[derive(Clone, Copy)]
pub struct Attributes<'a>(pub &'a [KeyValue]);

impl<'a> Attributes<'a> {
    fn value(self, key: &str) -> Option<&'a Value> {
        self.0
            .iter()
            .find(|kv| kv.key == key)
            .and_then(|kv| kv.value.as_ref())
            .and_then(|v| v.value.as_ref())
    }

    /// A string attribute; Claude Code sends some numbers and flags as strings too.
    pub fn string(self, key: &str) -> Option<&'a str> {
        match self.value(key)? {
            Value::StringValue(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// An integer, given as an integer, a whole double or a decimal string.
    pub fn integer(self, key: &str) -> Option<i64> {
        match self.value(key)? {
            Value::IntValue(i) => Some(*i),
            Value::DoubleValue(d) if d.fract() == 0.0 && d.is_finite() => Some(*d as i64),
            Value::StringValue(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A number, given as a double, an integer or a decimal string.
    pub fn number(self, key: &str) -> Option<f64> {
        match self.value(key)? {
            Value::DoubleValue(d) => Some(*d),
            Value::IntValue(i) => Some(*i as f64),
            Value::StringValue(s) => s.trim().parse().ok(),
            _ => None,
        }
        .filter(|n| n.is_finite())
    }

    /// A short identifier, or an error naming the key when it is too long to be one.
    pub fn identifier(self, key: &str) -> Result<Option<&'a str>, String> {
        match self.string(key) {
            Some(s) if s.len() > MAX_IDENTIFIER_BYTES => Err(format!(
                "attribute {key} is {} bytes, more than {MAX_IDENTIFIER_BYTES}",
                s.len()
            )),
            other => Ok(other.filter(|s| !s.is_empty())),
        }
    }

    /// Refuses a record or point carrying more attributes than anyone sends.
    pub fn check_count(self) -> Result<(), String> {
        if self.0.len() > MAX_ATTRIBUTES {
            return Err(format!(
                "{} attributes, more than {MAX_ATTRIBUTES}",
                self.0.len()
            ));
        }
        Ok(())
    }

    /// The attributes that may be stored, as a JSON object: numbers and flags, and strings of
    /// [`STORED_STRING_KEYS`], without the identity keys.
    pub fn storable_json(self) -> String {
        let mut object = serde_json::Map::new();
        for kv in self.0 {
            let key = kv.key.as_str();
            if IDENTITY_KEYS.contains(&key) || key.len() > MAX_IDENTIFIER_BYTES {
                continue;
            }
            let Some(value) = kv.value.as_ref().and_then(|v| v.value.as_ref()) else {
                continue;
            };
            let json = match value {
                Value::BoolValue(b) => serde_json::Value::from(*b),
                Value::IntValue(i) => serde_json::Value::from(*i),
                Value::DoubleValue(d) if d.is_finite() => serde_json::Value::from(*d),
                Value::StringValue(s)
                    if STORED_STRING_KEYS.contains(&key) && s.len() <= MAX_IDENTIFIER_BYTES =>
                {
                    serde_json::Value::from(s.as_str())
                }
                _ => continue,
            };
            object.insert(key.to_owned(), json);
        }
        serde_json::Value::Object(object).to_string()
    }

    /// Feeds every attribute, sorted by key, into `hasher` (so the order they came in does not
    /// matter).
    pub fn hash_into(self, hasher: &mut Sha256) {
        let mut sorted: Vec<&KeyValue> = self.0.iter().collect();
        sorted.sort_by(|a, b| a.key.cmp(&b.key));
        for kv in sorted {
            hash_field(hasher, kv.key.as_bytes());
            let value = kv.value.clone().unwrap_or_default();
            hash_field(hasher, &AnyValue::encode_to_vec(&value));
        }
    }
}

/// Adds one length-prefixed field, so that ("ab", "c") and ("a", "bc") differ.
pub fn hash_field(hasher: &mut Sha256, bytes: &[u8]) {
    hasher.update((bytes.len() as u64).to_le_bytes());
    hasher.update(bytes);
}

/// Hex of a finished hash, cut to 32 characters (128 bits: enough against accidental meetings,
/// which is all a per-user key needs).
pub fn short_hex(hasher: Sha256) -> String {
    let mut hex = hex::encode(hasher.finalize());
    hex.truncate(32);
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(key: &str, value: Value) -> KeyValue {
        KeyValue {
            key: key.into(),
            value: Some(AnyValue { value: Some(value) }),
            ..KeyValue::default()
        }
    }

    #[test]
    fn prompt_text_and_unknown_strings_are_never_storable() {
        let attributes = vec![
            kv("prompt", Value::StringValue("my secret plan".into())),
            kv("response", Value::StringValue("model text".into())),
            kv(
                "tool_parameters",
                Value::StringValue("{\"command\":\"rm\"}".into()),
            ),
            kv("model", Value::StringValue("claude-sonnet-4-5".into())),
            kv("prompt_length", Value::IntValue(14)),
            kv("session.id", Value::StringValue("s1".into())),
        ];
        let json = Attributes(&attributes).storable_json();
        assert_eq!(json, r#"{"model":"claude-sonnet-4-5","prompt_length":14}"#);
    }

    #[test]
    fn numbers_sent_as_strings_are_read_as_numbers() {
        let attributes = vec![
            kv("duration_ms", Value::StringValue("32".into())),
            kv("cost_usd", Value::DoubleValue(0.5)),
            kv("input_tokens", Value::IntValue(100)),
        ];
        let a = Attributes(&attributes);
        assert_eq!(a.integer("duration_ms"), Some(32));
        assert_eq!(a.number("cost_usd"), Some(0.5));
        assert_eq!(a.number("input_tokens"), Some(100.0));
        assert_eq!(a.integer("missing"), None);
    }

    #[test]
    fn the_hash_ignores_attribute_order_but_not_values() {
        let one = vec![kv("a", Value::IntValue(1)), kv("b", Value::IntValue(2))];
        let swapped = vec![kv("b", Value::IntValue(2)), kv("a", Value::IntValue(1))];
        let other = vec![kv("a", Value::IntValue(1)), kv("b", Value::IntValue(3))];
        let hash = |a: &[KeyValue]| {
            let mut h = Sha256::new();
            Attributes(a).hash_into(&mut h);
            short_hex(h)
        };
        assert_eq!(hash(&one), hash(&swapped));
        assert_ne!(hash(&one), hash(&other));
    }
}
