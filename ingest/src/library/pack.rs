//! A folder as the .tar.gz the server takes: regular files only, paths relative to the folder,
//! the executable bit kept. A link or device file is refused here already, naming it.

use std::fs;
use std::path::Path;

use flate2::write::GzEncoder;
use flate2::Compression;

use crate::error::{Error, Result};

/// Packs `dir` (its contents, not the folder itself).
pub fn pack(dir: &Path) -> Result<Vec<u8>> {
    if !fs::metadata(dir).map_err(|e| Error::io(dir, e))?.is_dir() {
        return Err(Error::InvalidArgument(format!(
            "{} is not a folder",
            dir.display()
        )));
    }
    let mut files = Vec::new();
    collect(dir, dir, &mut files)?;
    files.sort();
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::default()));
    for relative in files {
        let path = dir.join(&relative);
        let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(if is_executable(&path) { 0o755 } else { 0o644 });
        header.set_entry_type(tar::EntryType::Regular);
        builder
            .append_data(&mut header, &relative, bytes.as_slice())
            .map_err(|e| Error::io(&path, e))?;
    }
    let encoder = builder.into_inner().map_err(|e| Error::io(dir, e))?;
    encoder.finish().map_err(|e| Error::io(dir, e))
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let kind = fs::symlink_metadata(&path)
            .map_err(|e| Error::io(&path, e))?
            .file_type();
        let name = entry.file_name();
        if name == ".git" {
            continue;
        }
        if kind.is_dir() {
            collect(root, &path, out)?;
        } else if kind.is_file() {
            let relative = path
                .strip_prefix(root)
                .map_err(|_| Error::InvalidArgument(format!("{} is outside", path.display())))?;
            let text = relative.to_str().ok_or_else(|| {
                Error::InvalidArgument(format!("{}: the path is not UTF-8", path.display()))
            })?;
            out.push(text.replace('\\', "/"));
        } else {
            return Err(Error::InvalidArgument(format!(
                "{} is a link or device file; only regular files can be published",
                path.display()
            )));
        }
    }
    Ok(())
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(_path: &Path) -> bool {
    false
}
