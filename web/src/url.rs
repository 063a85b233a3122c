//! Percent-encoding for the links pages build: RFC 3986 unreserved characters are kept, every
//! other byte of the UTF-8 text is encoded.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

const UNRESERVED_KEPT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
const EMAIL_SEGMENT: &AsciiSet = &UNRESERVED_KEPT.remove(b'@');
const PATH_IN_QUERY: &AsciiSet = &UNRESERVED_KEPT.remove(b'/');

/// A query value or any other single component: `R&D / Platform` -> `R%26D%20%2F%20Platform`.
pub fn component(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED_KEPT).to_string()
}

/// An email as a path segment, `@` kept for readable links: `/developers/ana@example.com`.
pub fn email_segment(text: &str) -> String {
    utf8_percent_encode(text, EMAIL_SEGMENT).to_string()
}

/// A local path carried in a query value (`/login?next=/spend%3Fteam%3DCore`), `/` kept.
pub fn path_in_query(text: &str) -> String {
    utf8_percent_encode(text, PATH_IN_QUERY).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_and_non_ascii_bytes_are_encoded() {
        assert_eq!(component("R&D / Platform"), "R%26D%20%2F%20Platform");
        assert_eq!(component("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(component("é"), "%C3%A9");
        assert_eq!(email_segment("ana+x@example.com"), "ana%2Bx@example.com");
        assert_eq!(path_in_query("/admin/users?x=1"), "/admin/users%3Fx%3D1");
    }
}
