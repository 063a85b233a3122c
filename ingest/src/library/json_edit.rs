//! Edits a JSON document as text, so that everything the edit does not touch stays byte for byte
//! as the user wrote it (key order, spacing, escapes, number formats): the members of an object
//! are located by scanning, and a member is replaced, added before the closing brace, or removed.

/// A member of an object: its key and the byte spans of the whole member and of its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub key: String,
    /// From the opening quote of the key.
    pub start: usize,
    pub value_start: usize,
    pub value_end: usize,
}

/// The members of the object whose `{` is at `open`, and the position of its `}`.
pub fn members(text: &str, open: usize) -> Option<(Vec<Member>, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(open) != Some(&b'{') {
        return None;
    }
    let mut at = skip_space(bytes, open + 1);
    let mut found = Vec::new();
    if bytes.get(at) == Some(&b'}') {
        return Some((found, at));
    }
    loop {
        let start = at;
        let key_end = skip_string(bytes, at)?;
        let key: String = serde_json::from_str(&text[start..key_end]).ok()?;
        at = skip_space(bytes, key_end);
        if bytes.get(at) != Some(&b':') {
            return None;
        }
        let value_start = skip_space(bytes, at + 1);
        let value_end = skip_value(bytes, value_start)?;
        found.push(Member {
            key,
            start,
            value_start,
            value_end,
        });
        at = skip_space(bytes, value_end);
        match bytes.get(at) {
            Some(b',') => at = skip_space(bytes, at + 1),
            Some(b'}') => return Some((found, at)),
            _ => return None,
        }
    }
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

fn skip_string(bytes: &[u8], at: usize) -> Option<usize> {
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let mut i = at + 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn skip_value(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => skip_string(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = at;
            while let Some(&b) = bytes.get(i) {
                match b {
                    b'"' => {
                        i = skip_string(bytes, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => {
            let mut i = at;
            while bytes
                .get(i)
                .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
            {
                i += 1;
            }
            (i > at).then_some(i)
        }
    }
}

/// The indentation of the line holding byte `at`.
fn indent_at(text: &str, at: usize) -> &str {
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

/// `value` (pretty JSON) re-indented to sit at `indent`.
fn reindent(value: &str, indent: &str) -> String {
    value.replace('\n', &format!("\n{indent}"))
}

/// Sets `key` of the object at `open` to `value` (JSON text): its value replaced if present,
/// else a member added after the last one, indented like it. None if the object cannot be read.
pub fn set_member(text: &str, open: usize, key: &str, value: &serde_json::Value) -> Option<String> {
    let (found, close) = members(text, open)?;
    if let Some(member) = found.iter().find(|m| m.key == key) {
        let indent = indent_at(text, member.start);
        let pretty = reindent(&serde_json::to_string_pretty(value).ok()?, indent);
        return Some(format!(
            "{}{pretty}{}",
            &text[..member.value_start],
            &text[member.value_end..]
        ));
    }
    let key_json = serde_json::to_string(key).ok()?;
    match found.last() {
        Some(last) => {
            let multiline = text[open..last.start].contains('\n');
            let indent = indent_at(text, last.start).to_owned();
            let pretty = reindent(&serde_json::to_string_pretty(value).ok()?, &indent);
            let separator = if multiline {
                format!(",\n{indent}")
            } else {
                ", ".to_owned()
            };
            Some(format!(
                "{}{separator}{key_json}: {pretty}{}",
                &text[..last.value_end],
                &text[last.value_end..]
            ))
        }
        None => {
            let outer = indent_at(text, open).to_owned();
            let indent = format!("{outer}  ");
            let pretty = reindent(&serde_json::to_string_pretty(value).ok()?, &indent);
            Some(format!(
                "{}\n{indent}{key_json}: {pretty}\n{outer}{}",
                &text[..=open],
                &text[close..]
            ))
        }
    }
}

/// Removes `key` from the object at `open`, with the comma that separated it.
pub fn remove_member(text: &str, open: usize, key: &str) -> Option<String> {
    let (found, _) = members(text, open)?;
    let index = found.iter().position(|m| m.key == key)?;
    let member = &found[index];
    let (cut_from, cut_to) = if index > 0 {
        (found[index - 1].value_end, member.value_end)
    } else if let Some(next) = found.get(1) {
        (member.start, next.start)
    } else {
        (open + 1, skip_space(text.as_bytes(), member.value_end))
    };
    Some(format!("{}{}", &text[..cut_from], &text[cut_to..]))
}

/// Where the top-level object of `text` opens.
pub fn root_object(text: &str) -> Option<usize> {
    let at = skip_space(text.as_bytes(), 0);
    (text.as_bytes().get(at) == Some(&b'{')).then_some(at)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const SETTINGS: &str = "{\n    \"model\":   \"opus\",\n    \"hooks\": {\"Stop\": [{\"hooks\": [{\"type\": \"command\", \"command\": \"echo \\\"}\\\"\"}]}]},\n    \"n\": 1.50\n}\n";

    #[test]
    fn adding_a_member_keeps_every_other_byte() {
        let open = root_object(SETTINGS).expect("object");
        let edited =
            set_member(SETTINGS, open, "enabledPlugins", &json!({"p@m": true})).expect("edit");
        assert_eq!(
            edited,
            SETTINGS.replace(
                "1.50\n}",
                "1.50,\n    \"enabledPlugins\": {\n      \"p@m\": true\n    }\n}"
            )
        );
        let again =
            set_member(&edited, open, "enabledPlugins", &json!({"p@m": true})).expect("edit");
        assert_eq!(again, edited, "setting the same value changes nothing");
    }

    #[test]
    fn members_are_replaced_in_place_and_removed_with_their_comma() {
        let text = "{\"a\": 1, \"b\": {\"x\": [1, \"]\"]}, \"c\": 3}";
        let (found, close) = members(text, 0).expect("members");
        assert_eq!(
            found.iter().map(|m| m.key.as_str()).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert_eq!(close, text.len() - 1);
        assert_eq!(
            set_member(text, 0, "b", &json!(2)).expect("set"),
            "{\"a\": 1, \"b\": 2, \"c\": 3}"
        );
        assert_eq!(
            remove_member(text, 0, "a").expect("rm"),
            "{\"b\": {\"x\": [1, \"]\"]}, \"c\": 3}"
        );
        assert_eq!(
            remove_member(text, 0, "c").expect("rm"),
            "{\"a\": 1, \"b\": {\"x\": [1, \"]\"]}}"
        );
        assert_eq!(remove_member("{ \"a\": 1 }", 0, "a").expect("rm"), "{}");
        assert_eq!(
            set_member("{}", 0, "k", &json!(true)).expect("set"),
            "{\n  \"k\": true\n}"
        );
    }
}
