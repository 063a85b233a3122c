//! New requests into PostgreSQL by `COPY ... FROM STDIN (FORMAT binary)`: the rows travel as
//! length-prefixed values in each column's own binary form, so PostgreSQL neither splits lines
//! nor parses numbers, and no value needs escaping (docs/bench-ingest.md).

use sqlx::PgConnection;

use crate::error::Result;
use crate::store::usage_rows::{event_columns, EventRow};

const COPY_NEW: &str = concat!(
    "COPY usage_events (",
    event_columns!(),
    ") FROM STDIN (FORMAT binary)"
);

/// The binary format's header: signature, flags (none) and header-extension length (none).
const HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// The trailer: a tuple of -1 fields.
const TRAILER: [u8; 2] = (-1i16).to_be_bytes();

/// Values per row: the columns of [`event_columns!`].
const FIELDS: i16 = 25;

/// Rows per message: PostgreSQL inserts one block while the next is encoded.
const ROWS_PER_MESSAGE: usize = 1_000;

/// `jsonb`'s binary form is a version byte before the JSON text.
const JSONB_VERSION: u8 = 1;

/// Copies `rows` of `user_id`, requests not stored yet: a key stored already fails the whole
/// copy with a unique violation, as an insert would.
pub(super) async fn copy_new(
    conn: &mut PgConnection,
    user_id: i64,
    rows: &[EventRow<'_>],
    received_at: i64,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut copy = conn.copy_in_raw(COPY_NEW).await?;
    let mut data = HEADER.to_vec();
    for block in rows.chunks(ROWS_PER_MESSAGE) {
        for row in block {
            push_row(&mut data, user_id, row, received_at);
        }
        copy.send(std::mem::take(&mut data)).await?;
    }
    copy.send(TRAILER.as_slice()).await?;
    copy.finish().await?;
    Ok(())
}

/// One tuple: its field count, then each value of [`event_columns!`] in order.
fn push_row(out: &mut Vec<u8>, user_id: i64, r: &EventRow<'_>, received_at: i64) {
    out.extend_from_slice(&FIELDS.to_be_bytes());
    push_bigint(out, Some(user_id));
    for text in [r.tool, r.dedupe_key, r.session_id] {
        push_bytes(out, Some(text.as_bytes()));
    }
    for text in [r.project, r.repository, r.git_branch] {
        push_bytes(out, text.map(str::as_bytes));
    }
    push_bigint(out, Some(r.ts));
    push_bytes(out, Some(r.model.as_bytes()));
    for n in [
        r.input_tokens,
        r.output_tokens,
        r.cache_write_5m_tokens,
        r.cache_write_1h_tokens,
        r.cache_read_tokens,
    ] {
        push_bigint(out, Some(n));
    }
    push_bigint(out, r.reasoning_tokens);
    push_bigint(out, Some(r.total_tokens));
    push_bytes(out, r.speed.map(str::as_bytes));
    push_value(out, r.cost_usd.map(f64::to_be_bytes));
    push_jsonb(out, &r.tool_calls);
    for n in [r.edit_calls, r.lines_added, r.lines_removed] {
        push_bigint(out, Some(n));
    }
    push_bytes(out, r.permission_mode.map(str::as_bytes));
    push_value(out, Some([u8::from(r.is_subagent)]));
    push_bigint(out, Some(received_at));
}

fn push_bigint(out: &mut Vec<u8>, n: Option<i64>) {
    push_value(out, n.map(i64::to_be_bytes));
}

fn push_value<const N: usize>(out: &mut Vec<u8>, value: Option<[u8; N]>) {
    push_bytes(out, value.as_ref().map(<[u8; N]>::as_slice));
}

/// A value: its length, then its bytes; NULL is length -1 and no bytes.
fn push_bytes(out: &mut Vec<u8>, value: Option<&[u8]>) {
    match value {
        Some(bytes) => {
            out.extend_from_slice(&length(bytes.len()).to_be_bytes());
            out.extend_from_slice(bytes);
        }
        None => out.extend_from_slice(&(-1i32).to_be_bytes()),
    }
}

fn push_jsonb(out: &mut Vec<u8>, json: &str) {
    out.extend_from_slice(&length(json.len() + 1).to_be_bytes());
    out.push(JSONB_VERSION);
    out.extend_from_slice(json.as_bytes());
}

/// A value's length field. Upload bodies are limited far below 2 GiB, so a longer value cannot
/// reach here; saturating keeps PostgreSQL's own "insufficient data" error the outcome if one did.
fn length(len: usize) -> i32 {
    i32::try_from(len).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a tuple back as PostgreSQL does: the field count, then each length and value.
    fn fields(mut data: &[u8]) -> Vec<Option<Vec<u8>>> {
        let take = |data: &mut &[u8], n: usize| {
            let (head, rest) = data.split_at(n);
            *data = rest;
            head.to_vec()
        };
        let count = i16::from_be_bytes(take(&mut data, 2).try_into().expect("count"));
        let values = (0..count)
            .map(|_| {
                let len = i32::from_be_bytes(take(&mut data, 4).try_into().expect("length"));
                (len >= 0).then(|| take(&mut data, len as usize))
            })
            .collect();
        assert!(data.is_empty(), "bytes left after the tuple: {data:?}");
        values
    }

    fn row(tool_calls: &str) -> EventRow<'_> {
        EventRow {
            tool: "claude-code",
            dedupe_key: "req_1\t\\.",
            session_id: "s\n1",
            project: None,
            repository: Some("github.com/acme/ü"),
            git_branch: None,
            ts: 1_764_000_000_123,
            model: "claude-sonnet-4-5",
            input_tokens: 10,
            output_tokens: 5,
            cache_write_5m_tokens: 0,
            cache_write_1h_tokens: 0,
            cache_read_tokens: 7,
            reasoning_tokens: None,
            total_tokens: 22,
            speed: None,
            cost_usd: Some(0.1 + 0.2),
            tool_calls: tool_calls.to_owned(),
            edit_calls: 1,
            lines_added: 3,
            lines_removed: 0,
            permission_mode: Some("acceptEdits"),
            is_subagent: true,
        }
    }

    #[test]
    fn a_tuple_holds_one_value_per_copied_column_in_its_binary_form() {
        let mut data = Vec::new();
        push_row(&mut data, 42, &row(r#"{"Edit":1}"#), 99);
        let values = fields(&data);
        assert_eq!(values.len(), event_columns!().split(',').count());
        let bigint =
            |i: usize| i64::from_be_bytes(values[i].clone().expect("set").try_into().expect("8"));
        assert_eq!(
            (bigint(0), bigint(7), bigint(15), bigint(24)),
            (42, 1_764_000_000_123, 22, 99)
        );
        assert_eq!(
            values[2].as_deref(),
            Some("req_1\t\\.".as_bytes()),
            "text goes as it is"
        );
        assert_eq!(values[5].as_deref(), Some("github.com/acme/ü".as_bytes()));
        assert_eq!(
            (values[4].is_none(), values[14].is_none()),
            (true, true),
            "NULLs"
        );
        let cost = f64::from_be_bytes(values[17].clone().expect("cost").try_into().expect("8"));
        assert_eq!(cost, 0.1 + 0.2, "the double goes bit for bit");
        assert_eq!(values[18].as_deref(), Some(b"\x01{\"Edit\":1}".as_slice()));
        assert_eq!(values[23].as_deref(), Some([1u8].as_slice()));
    }
}
