//! How large an uploaded item may be (from the settings).

use crate::settings::Settings;

/// Size limits of one uploaded item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub max_file_bytes: u64,
    pub max_item_bytes: u64,
    pub max_files: usize,
    /// Largest ratio of expanded to compressed size, past `ratio_floor_bytes` expanded.
    pub max_compression_ratio: u64,
    pub ratio_floor_bytes: u64,
}

impl Limits {
    pub fn from_settings(settings: &Settings) -> Limits {
        Limits {
            max_file_bytes: settings.library_max_file_bytes,
            max_item_bytes: settings.library_max_item_bytes,
            max_files: settings.library_max_files,
            max_compression_ratio: settings.library_max_compression_ratio,
            ratio_floor_bytes: 1024 * 1024,
        }
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::from_settings(&Settings::default())
    }
}
