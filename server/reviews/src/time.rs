//! Lenient timestamps of webhook payloads: RFC 3339 (GitHub, recent GitLab), GitLab's older
//! `2013-12-03 17:23:34 UTC` / `… +0100` forms, and epoch seconds (GitHub `pushed_at`).

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Reads a timestamp in any of the accepted forms; `None` when it is none of them.
pub fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    if let Some(naive) = text.strip_suffix(" UTC").or_else(|| text.strip_suffix('Z')) {
        if let Ok(t) = NaiveDateTime::parse_from_str(naive, "%Y-%m-%d %H:%M:%S") {
            return Some(t.and_utc());
        }
    }
    DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z")
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A timestamp given as a string or as epoch seconds.
pub fn from_value(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::String(s) => parse_timestamp(s),
        Value::Number(n) => n
            .as_i64()
            .and_then(|secs| DateTime::from_timestamp(secs, 0)),
        _ => None,
    }
}

/// Serde adapter for an optional lenient timestamp; unreadable values become `None`.
pub fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Ok(Option::<Value>::deserialize(d)?
        .as_ref()
        .and_then(from_value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_forges_timestamp_forms_are_read_as_utc() {
        let expected = "2013-12-03T17:23:34+00:00";
        for text in [
            "2013-12-03T17:23:34Z",
            "2013-12-03T18:23:34+01:00",
            "2013-12-03 17:23:34 UTC",
            "2013-12-03 18:23:34 +0100",
        ] {
            assert_eq!(
                parse_timestamp(text).map(|t| t.to_rfc3339()).as_deref(),
                Some(expected),
                "{text}"
            );
        }
        assert_eq!(
            from_value(&Value::from(1386091414))
                .map(|t| t.to_rfc3339())
                .as_deref(),
            Some(expected)
        );
        assert_eq!(parse_timestamp("yesterday"), None);
    }
}
