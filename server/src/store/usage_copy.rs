//! New requests into PostgreSQL by `COPY ... FROM STDIN`: the rows travel as one block of text
//! that PostgreSQL parses column by column, without the 23 arrays and the `UNNEST` plan of an
//! `INSERT ... SELECT` (docs/bench-ingest.md).

use std::fmt::Write;

use sqlx::PgConnection;

use crate::error::Result;
use crate::store::usage_rows::{event_columns, EventRow};

const COPY_NEW: &str = concat!("COPY usage_events (", event_columns!(), ") FROM STDIN");

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
    let mut text = String::with_capacity(rows.len() * 320);
    for row in rows {
        push_row(&mut text, user_id, row, received_at);
    }
    let mut copy = conn.copy_in_raw(COPY_NEW).await?;
    copy.send(text.into_bytes()).await?;
    copy.finish().await?;
    Ok(())
}

/// One line of COPY's text format, the columns of [`event_columns!`] in order.
fn push_row(out: &mut String, user_id: i64, r: &EventRow<'_>, received_at: i64) {
    let number = |out: &mut String, n: i64| {
        let _ = write!(out, "{n}\t");
    };
    number(out, user_id);
    for text in [r.tool, r.dedupe_key, r.session_id] {
        push_text(out, Some(text));
    }
    for text in [r.project, r.repository, r.git_branch] {
        push_text(out, text);
    }
    number(out, r.ts);
    push_text(out, Some(r.model));
    for n in [
        r.input_tokens,
        r.output_tokens,
        r.cache_write_5m_tokens,
        r.cache_write_1h_tokens,
        r.cache_read_tokens,
    ] {
        number(out, n);
    }
    push_optional(out, r.reasoning_tokens);
    number(out, r.total_tokens);
    push_text(out, r.speed);
    // Rust writes the shortest decimal that reads back as the same double, as PostgreSQL does.
    push_optional(out, r.cost_usd);
    push_text(out, Some(&r.tool_calls));
    for n in [r.edit_calls, r.lines_added, r.lines_removed] {
        number(out, n);
    }
    push_text(out, r.permission_mode);
    out.push_str(if r.is_subagent { "t\t" } else { "f\t" });
    let _ = writeln!(out, "{received_at}");
}

fn push_optional(out: &mut String, value: Option<impl std::fmt::Display>) {
    match value {
        Some(value) => {
            let _ = write!(out, "{value}\t");
        }
        None => out.push_str("\\N\t"),
    }
}

/// A text column: `\N` for NULL; backslash, tab, newline and carriage return escaped, so no
/// value can end its field, its line or the data. (NUL bytes are refused before: `wire`.)
fn push_text(out: &mut String, text: Option<&str>) {
    let Some(text) = text else {
        out.push_str("\\N\t");
        return;
    };
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('\t');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_so_no_value_ends_its_field_or_line() {
        let mut out = String::new();
        push_text(&mut out, Some("a\tb\\c\nd\re"));
        push_text(&mut out, None);
        push_text(&mut out, Some("\\."));
        assert_eq!(out, "a\\tb\\\\c\\nd\\re\t\\N\t\\\\.\t");
    }

    #[test]
    fn numbers_read_back_exactly_and_missing_ones_are_null() {
        let mut out = String::new();
        push_optional(&mut out, Some(0.1f64 + 0.2));
        push_optional(&mut out, Some(1e-7f64));
        push_optional(&mut out, None::<i64>);
        let fields: Vec<&str> = out.trim_end_matches('\t').split('\t').collect();
        assert_eq!(fields[0].parse::<f64>(), Ok(0.1 + 0.2));
        assert_eq!(fields[1].parse::<f64>(), Ok(1e-7));
        assert_eq!(fields[2], "\\N");
    }
}
