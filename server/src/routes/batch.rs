//! Collector upload bodies: their records decoded all or nothing.

use std::borrow::Cow;
use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use agentmeter_ingest::wire::RecordError;

use crate::error::{Error, Result};

/// Decodes `{"<field>": [records…]}`, checking each record with `check`; any bad record rejects
/// the whole batch with a 422 that names every bad record and why.
pub(crate) fn decode_records<T: DeserializeOwned>(
    body: &[u8],
    field: &str,
    check: impl Fn(&T) -> Option<String>,
) -> Result<Vec<T>> {
    let shape = || format!("body must be JSON {{\"{field}\": [...]}}");
    // Records stay raw until each is decoded on its own: one bad record must not hide the others,
    // and going through `serde_json::Value` would allocate a map per record (a third of the
    // ingest CPU).
    let object: HashMap<Cow<'_, str>, &RawValue> =
        serde_json::from_slice(body).map_err(|e| Error::BadRequest(format!("{}: {e}", shape())))?;
    let values: Vec<&RawValue> = object
        .get(field)
        .and_then(|list| serde_json::from_str(list.get()).ok())
        .ok_or_else(|| Error::BadRequest(shape()))?;
    let total = values.len();
    let mut records = Vec::with_capacity(total);
    let mut problems = Vec::new();
    for (index, value) in values.into_iter().enumerate() {
        match serde_json::from_str::<T>(value.get()) {
            Ok(record) => match check(&record) {
                None => records.push(record),
                Some(reason) => problems.push(RecordError { index, reason }),
            },
            Err(e) => problems.push(RecordError {
                index,
                reason: e.to_string(),
            }),
        }
    }
    if problems.is_empty() {
        Ok(records)
    } else {
        Err(Error::Unprocessable {
            message: format!(
                "{} of {total} {field} are invalid; nothing was stored",
                problems.len()
            ),
            records: problems,
        })
    }
}
