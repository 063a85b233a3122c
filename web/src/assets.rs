//! Static assets (CSS, JS, icon) embedded in the binary, with content-hash ETags.
//!
//! Templates link them through [`asset_href`], which appends `?v=<hash>` so browsers can cache
//! them forever and still pick up a new build at once.

/// One embedded static file, ready to be served under `/static/<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticAsset {
    /// The file's bytes.
    pub bytes: &'static [u8],
    /// The `Content-Type` header value.
    pub content_type: &'static str,
    /// A strong ETag (quoted) derived from the content, e.g. `"5f3a9c0e12ab34cd"`.
    pub etag: &'static str,
    /// The bare content hash, used as the `?v=` cache-busting parameter.
    pub version: &'static str,
}

macro_rules! embedded {
    ($name:literal, $content_type:literal) => {{
        const BYTES: &[u8] = include_bytes!(concat!("../static/", $name));
        const HASH: [u8; 18] = quoted_hex(fnv1a(BYTES));
        StaticAsset {
            bytes: BYTES,
            content_type: $content_type,
            etag: as_str(&HASH),
            version: as_str(HASH.split_at(1).1.split_at(16).0),
        }
    }};
}

const ASSETS: [(&str, StaticAsset); 3] = [
    ("app.css", embedded!("app.css", "text/css; charset=utf-8")),
    (
        "app.js",
        embedded!("app.js", "text/javascript; charset=utf-8"),
    ),
    ("favicon.svg", embedded!("favicon.svg", "image/svg+xml")),
];

/// Looks up an embedded asset by its path below `/static/` (a leading `/static/` or `/` and any
/// `?v=` query are ignored). Unknown paths give `None`.
pub fn static_asset(path: &str) -> Option<StaticAsset> {
    let path = path.split('?').next().unwrap_or_default();
    let name = path.trim_start_matches('/').trim_start_matches("static/");
    ASSETS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, asset)| *asset)
}

/// The URL templates use for an asset: `/static/<name>?v=<hash>`, or `/static/<name>` if unknown.
pub fn asset_href(name: &str) -> String {
    match static_asset(name) {
        Some(asset) => format!("/static/{name}?v={}", asset.version),
        None => format!("/static/{name}"),
    }
}

const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

const fn quoted_hex(mut hash: u64) -> [u8; 18] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [b'"'; 18];
    let mut i = 16;
    while i > 0 {
        out[i] = DIGITS[(hash & 0xf) as usize];
        hash >>= 4;
        i -= 1;
    }
    out
}

const fn as_str(bytes: &[u8]) -> &str {
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => panic!("hex digits are ASCII"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_assets_by_any_spelling_of_their_path() {
        let css = static_asset("/static/app.css?v=123").expect("css is embedded");
        assert_eq!(css.content_type, "text/css; charset=utf-8");
        assert_eq!(
            static_asset("app.js").map(|a| a.content_type),
            Some("text/javascript; charset=utf-8")
        );
        assert!(static_asset("../Cargo.toml").is_none());
    }

    #[test]
    fn etag_is_a_quoted_content_hash_and_version_is_its_inside() {
        let css = static_asset("app.css").expect("css is embedded");
        assert_eq!(css.etag.len(), 18);
        assert_eq!(css.etag, format!("\"{}\"", css.version));
        assert_ne!(
            css.etag,
            static_asset("app.js").expect("js is embedded").etag
        );
        assert_eq!(
            asset_href("app.css"),
            format!("/static/app.css?v={}", css.version)
        );
    }
}
