//! Lists stored as JSON text (paths, branches, globs, AI markers) until a migration gives
//! PostgreSQL JSONB: encoded once here, and decoded leniently (a value the code cannot read is
//! an empty list, as it always was).

use serde::de::DeserializeOwned;
use serde::Serialize;

/// JSON text of a list (lists of strings, markers and reasons never fail to serialize).
pub(crate) fn encode<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

/// The list a stored JSON text holds; empty when it cannot be read.
pub(crate) fn decode<T: DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_default()
}
