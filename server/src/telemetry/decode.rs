//! OTLP/HTTP request bodies: binary protobuf or JSON, gzip-compressed or not.

use std::borrow::Cow;
use std::io::Read;

use axum::http::StatusCode;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};

/// The two encodings OTLP/HTTP allows; the answer uses the request's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Protobuf,
    Json,
}

impl Format {
    /// The format a `Content-Type` names; a missing one is protobuf, the OTLP default.
    pub fn of_content_type(content_type: Option<&str>) -> Result<Format> {
        let essence = content_type
            .map(|t| {
                t.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        match essence.as_str() {
            "" | "application/x-protobuf" | "application/protobuf" => Ok(Format::Protobuf),
            "application/json" => Ok(Format::Json),
            other => Err(Error::Rejected {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                message: format!(
                    "content type {other:?}: send application/x-protobuf or application/json"
                ),
            }),
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Protobuf => "application/x-protobuf",
            Format::Json => "application/json",
        }
    }
}

/// The body as sent, or inflated when `Content-Encoding` says gzip; never more than `limit`
/// bytes once inflated (a small compressed body may stand for a huge one).
pub fn inflate<'a>(body: &'a [u8], encoding: Option<&str>, limit: usize) -> Result<Cow<'a, [u8]>> {
    match encoding.map(|e| e.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("identity") => Ok(Cow::Borrowed(body)),
        Some("gzip") => {
            let mut inflated = Vec::new();
            let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
            flate2::read::GzDecoder::new(body)
                .take(cap)
                .read_to_end(&mut inflated)
                .map_err(|e| Error::BadRequest(format!("the gzip body cannot be inflated: {e}")))?;
            if inflated.len() > limit {
                return Err(Error::PayloadTooLarge);
            }
            Ok(Cow::Owned(inflated))
        }
        Some(other) => Err(Error::Rejected {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            message: format!("content encoding {other:?}: send gzip or none"),
        }),
    }
}

/// Decodes an export request; a body that is not one is a 400 saying why.
pub fn decode<T: prost::Message + Default + DeserializeOwned>(
    body: &[u8],
    format: Format,
) -> Result<T> {
    match format {
        Format::Protobuf => T::decode(body).map_err(|e| {
            Error::BadRequest(format!("the body is not an OTLP protobuf message: {e}"))
        }),
        Format::Json => serde_json::from_slice(body)
            .map_err(|e| Error::BadRequest(format!("the body is not an OTLP JSON message: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
    use std::io::Write;

    #[test]
    fn content_types_choose_the_format() {
        assert_eq!(
            Format::of_content_type(Some("application/json; charset=utf-8")).ok(),
            Some(Format::Json)
        );
        assert_eq!(Format::of_content_type(None).ok(), Some(Format::Protobuf));
        assert!(Format::of_content_type(Some("text/plain")).is_err());
    }

    #[test]
    fn a_gzip_bomb_is_refused_as_too_large() {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b'{'; 100_000]).expect("write");
        let small = encoder.finish().expect("gzip");
        assert!(small.len() < 1_000);
        assert!(matches!(
            inflate(&small, Some("gzip"), 10_000),
            Err(Error::PayloadTooLarge)
        ));
        assert!(matches!(
            inflate(b"not gzip", Some("gzip"), 10_000),
            Err(Error::BadRequest(_))
        ));
    }

    #[test]
    fn json_with_integers_as_strings_or_numbers_decodes() {
        let body = br#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"1796211124302000000",
            "attributes":[{"key":"input_tokens","value":{"intValue":100}},
                          {"key":"output_tokens","value":{"intValue":"7"}}]}]}]}]}"#;
        let request: ExportLogsServiceRequest = decode(body, Format::Json).expect("decodes");
        let record = &request.resource_logs[0].scope_logs[0].log_records[0];
        assert_eq!(record.time_unix_nano, 1_796_211_124_302_000_000);
        assert_eq!(record.attributes.len(), 2);
        assert!(matches!(
            decode::<ExportLogsServiceRequest>(b"\xff\xff\xff", Format::Protobuf),
            Err(Error::BadRequest(_))
        ));
    }
}
