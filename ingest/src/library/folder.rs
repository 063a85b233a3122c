//! The local marketplace folder: every file checked against the server's content hash first,
//! then the folder replaced as a whole only when something differs, so running sync twice
//! changes nothing and an item the server no longer lists (withdrawn) is gone.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::wire_library::MarketplaceFile;

/// What a folder holds: path -> (content, executable).
type Tree = BTreeMap<String, (Vec<u8>, bool)>;

/// Checks every file's hash and path; nothing is written when one fails.
pub fn verify(files: &[MarketplaceFile]) -> Result<()> {
    for file in files {
        let actual = hex::encode(Sha256::digest(file.content.as_bytes()));
        if actual != file.sha256 {
            return Err(Error::InvalidArgument(format!(
                "library file {} does not match its hash (expected {}, got {actual}); nothing was changed",
                file.path, file.sha256
            )));
        }
        let inside = Path::new(&file.path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !inside || file.path.is_empty() {
            return Err(Error::InvalidArgument(format!(
                "library file {:?} would land outside the library folder; nothing was changed",
                file.path
            )));
        }
    }
    Ok(())
}

fn read_tree(root: &Path) -> Result<Tree> {
    let mut tree = Tree::new();
    if !root.exists() {
        return Ok(tree);
    }
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
            let entry = entry.map_err(|e| Error::io(&dir, e))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
            if kind.is_dir() {
                pending.push(path);
                continue;
            }
            let relative = path
                .strip_prefix(root)
                .map_err(|_| Error::InvalidArgument(format!("{}", path.display())))?
                .to_string_lossy()
                .replace('\\', "/");
            let bytes = fs::read(&path).map_err(|e| Error::io(&path, e))?;
            tree.insert(relative, (bytes, is_executable(&path)));
        }
    }
    Ok(tree)
}

/// Makes `root` hold exactly `files`; false when it already did.
pub fn write(root: &Path, files: &[MarketplaceFile]) -> Result<bool> {
    verify(files)?;
    let wanted: Tree = files
        .iter()
        .map(|f| {
            (
                f.path.clone(),
                (f.content.as_bytes().to_vec(), f.executable),
            )
        })
        .collect();
    if read_tree(root)? == wanted {
        return Ok(false);
    }
    let parent = root.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let staging = sibling(root, "new");
    let _ = fs::remove_dir_all(&staging);
    for file in files {
        let path = staging.join(&file.path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        fs::write(&path, file.content.as_bytes()).map_err(|e| Error::io(&path, e))?;
        set_executable(&path, file.executable)?;
    }
    let old = sibling(root, "old");
    let _ = fs::remove_dir_all(&old);
    if root.exists() {
        fs::rename(root, &old).map_err(|e| Error::io(root, e))?;
    }
    fs::rename(&staging, root).map_err(|e| Error::io(root, e))?;
    let _ = fs::remove_dir_all(&old);
    Ok(true)
}

fn sibling(root: &Path, what: &str) -> PathBuf {
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "library".into());
    root.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
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

#[cfg(unix)]
fn set_executable(path: &Path, executable: bool) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = if executable { 0o755 } else { 0o644 };
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(|e| Error::io(path, e))
}

#[cfg(not(unix))]
fn set_executable(_path: &Path, _executable: bool) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, content: &str) -> MarketplaceFile {
        MarketplaceFile {
            path: path.into(),
            sha256: hex::encode(Sha256::digest(content.as_bytes())),
            executable: path.ends_with(".sh"),
            content: content.into(),
        }
    }

    #[test]
    fn the_folder_is_written_once_and_replaced_when_the_library_changes() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().join("library");
        let v1 = [file("a/SKILL.md", "one"), file("b/run.sh", "#!/bin/sh\n")];
        assert!(write(&root, &v1).expect("write"));
        assert!(
            !write(&root, &v1).expect("again"),
            "a second sync changes nothing"
        );
        let v2 = [file("a/SKILL.md", "two")];
        assert!(write(&root, &v2).expect("write"));
        assert!(
            !root.join("b/run.sh").exists(),
            "a withdrawn item is removed"
        );
        assert_eq!(
            fs::read_to_string(root.join("a/SKILL.md")).expect("read"),
            "two"
        );
    }

    #[test]
    fn a_file_that_does_not_match_its_hash_or_escapes_the_folder_writes_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let root = dir.path().join("library");
        let mut tampered = file("a/SKILL.md", "one");
        tampered.content = "evil".into();
        assert!(write(&root, &[tampered]).is_err());
        assert!(write(&root, &[file("../x", "one")]).is_err());
        assert!(!root.exists());
    }
}
