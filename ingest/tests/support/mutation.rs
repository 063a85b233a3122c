//! Proptest strategies that damage real inputs: bytes cut, flipped, inserted or deleted, and
//! JSON values replaced by huge, negative, wrongly typed or deeply nested ones.
//!
//! Shared by the property tests of the log parsers (`ingest/tests/parser_fuzz.rs`), of the
//! webhook parsers (`server/reviews/tests/webhook_fuzz.rs`) and of the upload decoder
//! (`server/src/routes/ingest_fuzz.rs`), which include this file with `#[path]`: it is test
//! support, so it must not ship in the `agentmeter` library.

#![allow(dead_code)]

use proptest::prelude::*;
use serde_json::Value;

/// A proptest config running `cases` cases (or `PROPTEST_CASES`, for a longer search by hand),
/// and writing no regression files: failures are kept as named tests instead.
pub fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// One way to damage an input.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Keep the input as it is.
    Keep,
    /// Cut the input at a position (a fraction of its length, in thousandths).
    Truncate(u16),
    /// XOR one byte with a mask.
    FlipByte { at: u16, mask: u8 },
    /// Insert bytes at a position.
    Insert { at: u16, bytes: Vec<u8> },
    /// Delete up to `len` bytes from a position.
    Delete { at: u16, len: u8 },
    /// Replace one JSON value (numbered in document order, modulo their count) with `value`.
    Replace { node: u16, value: Value },
}

/// Values that parsers mistake most often: limits of the integer types, negative and
/// fractional numbers, numbers written as strings, wrong types, NULs and deep nesting.
pub fn nasty_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::from(u64::MAX)),
        Just(Value::from(u64::MAX / 2 + 1)),
        Just(Value::from(i64::MIN)),
        Just(Value::from(-1)),
        Just(Value::from(0)),
        Just(Value::from(1.5e308)),
        Just(Value::from(-0.5)),
        Just(Value::from("18446744073709551615")),
        Just(Value::from("")),
        Just(Value::from("feat\u{0}x")),
        Just(Value::from("\u{202e}ü🦀")),
        Just(Value::from("9".repeat(400))),
        Just(Value::from("x".repeat(20_000))),
        Just(Value::Null),
        Just(Value::Bool(true)),
        Just(Value::Array(vec![])),
        Just(serde_json::json!({})),
        Just(serde_json::json!([{"type": "tool_use", "id": 1, "name": null}])),
        (1usize..300).prop_map(nested),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        "[a-z_\\-:/\\\\\"\u{0}]{0,12}".prop_map(Value::from),
    ]
}

/// Arrays nested `depth` deep (serde_json refuses more than 128 levels).
pub fn nested(depth: usize) -> Value {
    (0..depth).fold(Value::from(1), |inner, _| Value::Array(vec![inner]))
}

/// Any mutation, weighted towards the ones that keep the input parseable.
pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        1 => Just(Mutation::Keep),
        2 => (0u16..1000).prop_map(Mutation::Truncate),
        2 => (any::<u16>(), 1u8..=255).prop_map(|(at, mask)| Mutation::FlipByte { at, mask }),
        2 => (any::<u16>(), prop::collection::vec(insertable_byte(), 1..8))
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        1 => (any::<u16>(), any::<u8>()).prop_map(|(at, len)| Mutation::Delete { at, len }),
        6 => (any::<u16>(), nasty_value()).prop_map(|(node, value)| Mutation::Replace { node, value }),
    ]
}

fn insertable_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        prop::sample::select(b"{}[]\",:\\0-9eE.+-ntf \n\r\t".to_vec()),
        any::<u8>(),
    ]
}

/// An input after its mutations; shown as (lossy) text when a property fails.
#[derive(Clone, PartialEq, Eq)]
pub struct Damaged(pub Vec<u8>);

impl std::fmt::Debug for Damaged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(&self.0))
    }
}

impl std::ops::Deref for Damaged {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl std::borrow::Borrow<[u8]> for Damaged {
    fn borrow(&self) -> &[u8] {
        &self.0
    }
}

/// Up to `mutations` mutations applied in turn to one of `seeds`.
pub fn damaged(
    seeds: Vec<Vec<u8>>,
    mutations: std::ops::Range<usize>,
) -> impl Strategy<Value = Damaged> {
    damaged_focused(seeds, &[], mutations)
}

/// As [`damaged`], with half of the replaced JSON values drawn from those under a key in
/// `focus` (when the input has any): the fields a parser reads, in payloads with hundreds of
/// others.
pub fn damaged_focused(
    seeds: Vec<Vec<u8>>,
    focus: &'static [&'static str],
    mutations: std::ops::Range<usize>,
) -> impl Strategy<Value = Damaged> {
    let count = seeds.len();
    (
        0..count.max(1),
        prop::collection::vec(mutation(), mutations),
    )
        .prop_map(move |(index, steps)| {
            let start = seeds.get(index).cloned().unwrap_or_default();
            Damaged(
                steps
                    .iter()
                    .fold(start, |input, step| apply(&input, step, focus)),
            )
        })
}

/// `input` damaged by `mutation` (a replaced value is one under a key in `focus`, if any).
pub fn apply(input: &[u8], mutation: &Mutation, focus: &[&str]) -> Vec<u8> {
    let position_of = |at: u16| {
        if input.is_empty() {
            0
        } else {
            usize::from(at) % (input.len() + 1)
        }
    };
    let mut out = input.to_vec();
    match mutation {
        Mutation::Keep => {}
        Mutation::Truncate(thousandths) => {
            out.truncate(input.len() * usize::from(*thousandths) / 1000);
        }
        Mutation::FlipByte { at: position, mask } => {
            if !out.is_empty() {
                let i = position_of(*position) % out.len();
                out[i] ^= mask;
            }
        }
        Mutation::Insert {
            at: position,
            bytes,
        } => {
            let i = position_of(*position);
            out.splice(i..i, bytes.iter().copied());
        }
        Mutation::Delete { at: position, len } => {
            let i = position_of(*position);
            let end = (i + usize::from(*len)).min(out.len());
            out.drain(i..end);
        }
        Mutation::Replace { node, value } => {
            if let Ok(mut parsed) = serde_json::from_slice::<Value>(input) {
                let all = pointers(&parsed);
                let focused: Vec<&String> = all
                    .iter()
                    .filter(|p| p.rsplit('/').next().is_some_and(|key| focus.contains(&key)))
                    .collect();
                // Every other draw ignores the focus, so that any value may still be replaced.
                let node = usize::from(*node);
                let target = if focused.is_empty() || node % 2 == 1 {
                    &all[node % all.len()]
                } else {
                    focused[node / 2 % focused.len()]
                };
                if let Some(slot) = parsed.pointer_mut(target) {
                    *slot = value.clone();
                }
                out = serde_json::to_vec(&parsed).unwrap_or(out);
            }
        }
    }
    out
}

/// The JSON pointers of every value in `root`, the root (`""`) first, in document order.
fn pointers(root: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![(String::new(), root)];
    while let Some((pointer, node)) = pending.pop() {
        let children: Vec<(String, &Value)> = match node {
            Value::Object(map) => map
                .iter()
                .map(|(key, child)| (key.replace('~', "~0").replace('/', "~1"), child))
                .collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, child)| (i.to_string(), child))
                .collect(),
            _ => Vec::new(),
        };
        for (token, child) in children.into_iter().rev() {
            pending.push((format!("{pointer}/{token}"), child));
        }
        found.push(pointer);
    }
    found
}

/// The non-blank lines of `text`, as owned byte strings (the seeds of a line parser).
pub fn lines_of(text: &str) -> Vec<Vec<u8>> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.as_bytes().to_vec())
        .collect()
}
