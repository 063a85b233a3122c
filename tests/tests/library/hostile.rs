//! Archives built to escape the folder or exhaust the server are refused whole: nothing is
//! stored, and the error says why.

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::support::{for_each_backend, Backend, TestApp, TestUser};

const SKILL: &str = "---\nname: safe\ndescription: A fine skill.\n---\nBody\n";

/// A .tar.gz from raw headers, so that names and entry types tar's own builder refuses can be
/// written: (name, entry type, content).
fn tar_gz(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    for (name, kind, content) in entries {
        let mut header = tar::Header::new_gnu();
        let raw = &mut header.as_gnu_mut().expect("gnu header").name;
        raw[..name.len()].copy_from_slice(name.as_bytes());
        header.set_entry_type(*kind);
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        if *kind == tar::EntryType::Symlink {
            header.set_link_name("/etc/passwd").expect("link name");
        }
        header.set_cksum();
        builder.append(&header, *content).expect("append");
    }
    builder.into_inner().expect("tar").finish().expect("gzip")
}

fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in entries {
        writer.start_file(*name, options).expect("zip entry");
        writer.write_all(content).expect("zip write");
    }
    writer.finish().expect("zip").into_inner()
}

fn zip_with_symlink() -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    writer.start_file("SKILL.md", options).expect("entry");
    writer.write_all(SKILL.as_bytes()).expect("write");
    writer
        .add_symlink("notes.md", "/etc/passwd", options)
        .expect("symlink");
    writer.finish().expect("zip").into_inner()
}

/// Text that does not compress much: letters from a linear congruential generator.
fn letters(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            b'a' + ((state >> 33) % 26) as u8
        })
        .collect()
}

async fn publish(app: &TestApp, user: &TestUser, body: Vec<u8>) -> (u16, String) {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/library/items"))
        .bearer_auth(&user.token)
        .body(body)
        .send()
        .await
        .expect("publish");
    (
        response.status().as_u16(),
        response.text().await.expect("body"),
    )
}

async fn hostile_archives_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.add_team("Platform").await;
    let dev = app
        .add_user("dev@example.com", "developer", &["Platform"])
        .await;
    let zeros = vec![0u8; 50 * 1024 * 1024];
    let just_under_a_mebibyte = vec![b'a'; 1024 * 1024 - 1];
    // Six files of 900 kB that barely compress: 5.4 MB, over the 5 MiB an item may hold.
    let noise: Vec<Vec<u8>> = (0..6).map(|seed| letters(900_000, seed)).collect();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "path traversal",
            tar_gz(&[
                ("SKILL.md", tar::EntryType::Regular, SKILL.as_bytes()),
                ("../../etc/cron.d/x", tar::EntryType::Regular, b"x"),
            ]),
            "no ..",
        ),
        (
            "absolute path",
            zip(&[("SKILL.md", SKILL.as_bytes()), ("/etc/passwd", b"x")]),
            "absolute paths are not allowed",
        ),
        (
            "symlink in a tar",
            tar_gz(&[
                ("SKILL.md", tar::EntryType::Regular, SKILL.as_bytes()),
                ("notes.md", tar::EntryType::Symlink, b""),
            ]),
            "link or device",
        ),
        ("symlink in a zip", zip_with_symlink(), "link or device"),
        (
            "device file",
            tar_gz(&[
                ("SKILL.md", tar::EntryType::Regular, SKILL.as_bytes()),
                ("tty", tar::EntryType::Char, b""),
            ]),
            "link or device",
        ),
        (
            "a 50 MB file",
            tar_gz(&[
                ("SKILL.md", tar::EntryType::Regular, SKILL.as_bytes()),
                ("big.md", tar::EntryType::Regular, &zeros),
            ]),
            "larger than 1048576 bytes",
        ),
        (
            "zip bomb",
            zip(&[
                ("SKILL.md", SKILL.as_bytes()),
                ("a.md", &just_under_a_mebibyte),
                ("b.md", &just_under_a_mebibyte),
            ]),
            "zip bomb",
        ),
        (
            "items over the total size",
            zip(&[
                ("SKILL.md", SKILL.as_bytes()),
                ("p0.md", &noise[0]),
                ("p1.md", &noise[1]),
                ("p2.md", &noise[2]),
                ("p3.md", &noise[3]),
                ("p4.md", &noise[4]),
                ("p5.md", &noise[5]),
            ]),
            "add up to more than",
        ),
        (
            "invalid front matter",
            zip(&[("SKILL.md", b"---\nname: Not A Slug\ndescription: x\n---\n")]),
            "lowercase letters",
        ),
        (
            "missing front matter",
            zip(&[("SKILL.md", b"# Just a title\n")]),
            "front matter",
        ),
        (
            "not UTF-8",
            zip(&[
                ("SKILL.md", SKILL.as_bytes()),
                ("logo.png", &[0x89, 0x50, 0x4e, 0x47, 0xff]),
            ]),
            "not UTF-8",
        ),
        (
            "not an archive",
            b"plain text".to_vec(),
            "not a .zip or .tar.gz",
        ),
    ];
    for (what, body, reason) in cases {
        let (status, text) = publish(&app, &dev, body).await;
        assert_eq!(status, 422, "{what}: {text}");
        assert!(
            text.contains(reason),
            "{what}: expected {reason:?} in {text}"
        );
    }
    let items = app.get_json(&dev, "/api/v1/library/items").await;
    assert_eq!(items, serde_json::json!([]), "nothing was stored");
    for table in ["library_items", "library_versions", "library_files"] {
        let (count,): (i64,) =
            sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&app.sql)
                .await
                .expect("count");
        assert_eq!(count, 0, "{table}");
    }
    let (status, text) = publish(&app, &dev, zip(&[("safe/SKILL.md", SKILL.as_bytes())])).await;
    assert_eq!(
        (status, text.contains("\"version\":1")),
        (201, true),
        "{text}"
    );
}

#[tokio::test]
async fn hostile_archives_are_refused_with_their_reason_and_nothing_is_stored() {
    for_each_backend(hostile_archives_are_refused).await;
}
