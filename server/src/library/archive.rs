//! Unpacking an uploaded folder (.zip or .tar.gz) into memory, refusing anything that could
//! escape the folder or exhaust the server: paths outside it, links, device files, and archives
//! that expand past the limits (zip bombs). Nothing touches the disk.

use std::io::{Cursor, Read};

use super::limits::Limits;
use super::LibraryError;

/// A regular file of the uploaded folder: its path inside the folder and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    pub path: String,
    pub bytes: Vec<u8>,
    pub executable: bool,
}

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];

/// The files of an archive, a single top folder stripped (an archive of `my-skill/` holds
/// `my-skill/SKILL.md`; the item's files are `SKILL.md`, …).
pub fn unpack(archive: &[u8], limits: &Limits) -> Result<Vec<UploadedFile>, LibraryError> {
    let mut files = if archive.starts_with(ZIP_MAGIC) {
        unpack_zip(archive, limits)?
    } else if archive.starts_with(GZIP_MAGIC) {
        unpack_tar_gz(archive, limits)?
    } else {
        return Err(LibraryError::Archive(
            "not a .zip or .tar.gz archive".into(),
        ));
    };
    strip_common_folder(&mut files);
    Ok(files)
}

/// Counts what an archive expands to, and refuses it as soon as it exceeds a limit.
struct Budget<'a> {
    limits: &'a Limits,
    compressed: u64,
    expanded: u64,
    files: usize,
}

impl Budget<'_> {
    /// Reads one entry, at most one byte past the per-file limit (an entry may lie about its size).
    fn read(&mut self, path: &str, reader: impl Read) -> Result<Vec<u8>, LibraryError> {
        self.files += 1;
        if self.files > self.limits.max_files {
            return Err(LibraryError::TooLarge(format!(
                "more than {} files",
                self.limits.max_files
            )));
        }
        let mut bytes = Vec::new();
        reader
            .take(self.limits.max_file_bytes + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| LibraryError::Archive(format!("{path}: {e}")))?;
        if bytes.len() as u64 > self.limits.max_file_bytes {
            return Err(LibraryError::TooLarge(format!(
                "{path} is larger than {} bytes",
                self.limits.max_file_bytes
            )));
        }
        self.expanded += bytes.len() as u64;
        if self.expanded > self.limits.max_item_bytes {
            return Err(LibraryError::TooLarge(format!(
                "the files add up to more than {} bytes",
                self.limits.max_item_bytes
            )));
        }
        // A zip bomb expands far beyond what honest text compresses to; small archives are let
        // through whatever their ratio (a few KiB of repeated text compresses very well).
        if self.expanded > self.limits.ratio_floor_bytes
            && self.expanded > self.compressed.max(1) * self.limits.max_compression_ratio
        {
            return Err(LibraryError::TooLarge(format!(
                "the archive expands more than {} times its size (a zip bomb?)",
                self.limits.max_compression_ratio
            )));
        }
        Ok(bytes)
    }
}

fn unpack_zip(archive: &[u8], limits: &Limits) -> Result<Vec<UploadedFile>, LibraryError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(archive))
        .map_err(|e| LibraryError::Archive(format!("zip: {e}")))?;
    let mut budget = Budget {
        limits,
        compressed: archive.len() as u64,
        expanded: 0,
        files: 0,
    };
    let mut files = Vec::new();
    for index in 0..zip.len() {
        let entry = zip
            .by_index(index)
            .map_err(|e| LibraryError::Archive(format!("zip entry {index}: {e}")))?;
        let name = entry.name().to_owned();
        let path = safe_path(&name)?;
        let mode = entry.unix_mode().unwrap_or(0o644);
        if entry.is_symlink() || is_link_or_device(mode) {
            return Err(LibraryError::Path(format!(
                "{name} is a link or device file; only regular files may be uploaded"
            )));
        }
        if entry.is_dir() {
            continue;
        }
        let executable = mode & 0o111 != 0;
        let bytes = budget.read(&name, entry)?;
        files.push(UploadedFile {
            path,
            bytes,
            executable,
        });
    }
    Ok(files)
}

/// Unix file type bits other than a regular file or a directory.
fn is_link_or_device(mode: u32) -> bool {
    const TYPE_MASK: u32 = 0o170000;
    const REGULAR: u32 = 0o100000;
    const DIRECTORY: u32 = 0o040000;
    let kind = mode & TYPE_MASK;
    kind != 0 && kind != REGULAR && kind != DIRECTORY
}

fn unpack_tar_gz(archive: &[u8], limits: &Limits) -> Result<Vec<UploadedFile>, LibraryError> {
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    let mut budget = Budget {
        limits,
        compressed: archive.len() as u64,
        expanded: 0,
        files: 0,
    };
    let mut files = Vec::new();
    let entries = tar
        .entries()
        .map_err(|e| LibraryError::Archive(format!("tar: {e}")))?;
    for entry in entries {
        let entry = entry.map_err(|e| LibraryError::Archive(format!("tar: {e}")))?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let path = safe_path(&name)?;
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            continue;
        }
        // PAX and GNU extension headers are read by the tar crate itself; anything else but a
        // regular file (links, devices, FIFOs) is refused.
        if !(kind.is_file() || kind == tar::EntryType::Continuous) {
            return Err(LibraryError::Path(format!(
                "{name} is a link or device file; only regular files may be uploaded"
            )));
        }
        let executable = entry.header().mode().unwrap_or(0o644) & 0o111 != 0;
        let bytes = budget.read(&name, entry)?;
        files.push(UploadedFile {
            path,
            bytes,
            executable,
        });
    }
    Ok(files)
}

/// A relative path with `/` separators and no `.`, `..` or empty parts; anything else is refused
/// (absolute paths, drive letters, backslashes, NUL).
pub fn safe_path(name: &str) -> Result<String, LibraryError> {
    let refuse = |why: &str| LibraryError::Path(format!("{name:?}: {why}"));
    if name.starts_with('/') || name.contains('\\') || name.contains(':') {
        return Err(refuse("absolute paths are not allowed"));
    }
    if name.chars().any(char::is_control) {
        return Err(refuse("control characters are not allowed"));
    }
    let parts: Vec<&str> = name
        .trim_end_matches('/')
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.contains(&"..") {
        return Err(refuse("paths must stay inside the folder (no ..)"));
    }
    if parts.is_empty() {
        return Err(refuse("empty path"));
    }
    Ok(parts.join("/"))
}

/// Drops a folder every file sits in, unless the item's own files are already at the root.
fn strip_common_folder(files: &mut [UploadedFile]) {
    let at_root = files
        .iter()
        .any(|f| f.path == "SKILL.md" || f.path == "HOOK.md");
    let Some(first) = files.first().and_then(|f| f.path.split_once('/')) else {
        return;
    };
    let folder = format!("{}/", first.0);
    if at_root || !files.iter().all(|f| f.path.starts_with(&folder)) {
        return;
    }
    for file in files.iter_mut() {
        file.path = file.path[folder.len()..].to_owned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_folder_are_refused() {
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "C:/x",
            "a\\b",
            "a/\u{0}b",
            "",
        ] {
            assert!(safe_path(bad).is_err(), "{bad:?} must be refused");
        }
        assert_eq!(safe_path("./a//b/").expect("fine"), "a/b");
    }

    #[test]
    fn a_common_top_folder_is_stripped_but_not_an_item_at_the_root() {
        let file = |p: &str| UploadedFile {
            path: p.into(),
            bytes: Vec::new(),
            executable: false,
        };
        let mut nested = vec![file("my-skill/SKILL.md"), file("my-skill/ref/a.md")];
        strip_common_folder(&mut nested);
        assert_eq!(nested[1].path, "ref/a.md");
        let mut root = vec![file("SKILL.md")];
        strip_common_folder(&mut root);
        assert_eq!(root[0].path, "SKILL.md");
    }

    #[test]
    fn link_and_device_modes_are_recognised() {
        assert!(is_link_or_device(0o120777));
        assert!(is_link_or_device(0o020644));
        assert!(!is_link_or_device(0o100755));
        assert!(!is_link_or_device(0o040755));
        assert!(!is_link_or_device(0o644));
    }
}
