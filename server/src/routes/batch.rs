//! Collector upload bodies: their records decoded all or nothing.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
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
    if let Some(records) = decode_in_one_pass(body, field) {
        if records.iter().all(|record| check(record).is_none()) {
            return Ok(records);
        }
    }
    let shape = || format!("body must be JSON {{\"{field}\": [...]}}");
    // Something is wrong. Records stay raw until each is decoded on its own: one bad record must
    // not hide the others, and going through `serde_json::Value` would allocate a map per record
    // (a third of the ingest CPU).
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

/// The records under `field` when the body and every record decode: one pass over the body,
/// the way nearly every batch arrives (the record-by-record pass reads it three times). `None`
/// sends the batch to that pass, which names what is wrong.
fn decode_in_one_pass<T: DeserializeOwned>(body: &[u8], field: &str) -> Option<Vec<T>> {
    let mut json = serde_json::Deserializer::from_slice(body);
    let records = RecordsField::<T>(field, PhantomData)
        .deserialize(&mut json)
        .ok()??;
    json.end().ok()?;
    Some(records)
}

/// Reads a JSON object, decoding the list under the field named and skipping the others; a
/// field given twice reads as `None`, left to the careful pass.
struct RecordsField<'f, T>(&'f str, PhantomData<T>);

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for RecordsField<'_, T> {
    type Value = Option<Vec<T>>;

    fn deserialize<D: serde::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for RecordsField<'_, T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a list under \"{}\"", self.0)
    }

    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> std::result::Result<Self::Value, A::Error> {
        let (mut records, mut seen) = (None, 0);
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == self.0 {
                seen += 1;
                records = Some(map.next_value::<Vec<T>>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(if seen == 1 { records } else { None })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Record {
        n: u32,
    }

    fn small(record: &Record) -> Option<String> {
        (record.n > 9).then(|| format!("{} is over 9", record.n))
    }

    #[test]
    fn a_good_batch_decodes_in_one_pass_with_other_fields_skipped() {
        let body = br#"{"client": {"v": [1, "x"]}, "records": [{"n": 1}, {"n": 2}], "z": null}"#;
        assert_eq!(
            decode_in_one_pass::<Record>(body, "records"),
            Some(vec![Record { n: 1 }, Record { n: 2 }])
        );
        assert_eq!(
            decode_records(body, "records", small).expect("decoded"),
            vec![Record { n: 1 }, Record { n: 2 }]
        );
    }

    #[test]
    fn a_bad_record_or_a_doubled_field_goes_to_the_pass_that_names_each_problem() {
        let body = br#"{"records": [{"n": 1}, {"n": "two"}, {"n": 12}]}"#;
        assert_eq!(decode_in_one_pass::<Record>(body, "records"), None);
        let Err(Error::Unprocessable { records, .. }) = decode_records(body, "records", small)
        else {
            panic!("a 422 naming the bad records");
        };
        let indexes: Vec<usize> = records.iter().map(|r| r.index).collect();
        assert_eq!(indexes, vec![1, 2]);

        // A record the check refuses decodes in one pass, and is still named.
        let body = br#"{"records": [{"n": 1}, {"n": 12}]}"#;
        let Err(Error::Unprocessable { records, .. }) = decode_records(body, "records", small)
        else {
            panic!("a 422 naming the refused record");
        };
        assert_eq!(records[0].index, 1);

        let doubled = br#"{"records": [{"n": 1}], "records": [{"n": 2}]}"#;
        assert_eq!(decode_in_one_pass::<Record>(doubled, "records"), None);
        assert!(decode_records(br#"{"records": 5}"#, "records", small).is_err());
        assert!(decode_records(br#"{"records": []} trailing"#, "records", small).is_err());
    }
}
