//! Merging the requests of many file scans into one event per billed request: copies of a
//! request (content-block lines, resumed sessions replaying earlier lines, the same file
//! under two roots) are united on (tool, dedupe_key), keeping the copy with the largest token
//! total.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::scan::{FileScan, SkippedLine};
use crate::wire::{Tool, UsageEvent};

/// Requests merged across files: one event per (tool, dedupe_key), the largest copy kept.
#[derive(Debug, Default)]
pub struct Collected {
    pub events: Vec<UsageEvent>,
    /// Blank, malformed and truncated lines.
    pub skipped_lines: u64,
    pub skipped: Vec<SkippedLine>,
    /// For each event, the file its first copy was read from (an index into `files`).
    first_read_from: Vec<u32>,
    files: Vec<PathBuf>,
}

impl Collected {
    /// The file the first copy of `events[index]` was read from.
    pub fn first_read_from(&self, index: usize) -> Option<&Path> {
        let file = *self.first_read_from.get(index)?;
        self.files
            .get(usize::try_from(file).ok()?)
            .map(PathBuf::as_path)
    }
}

/// Merges the requests of many file scans (in the given order) into deduplicated events.
pub fn collect<'a>(scans: impl IntoIterator<Item = &'a mut FileScan>) -> Collected {
    let mut collector = Collector::default();
    for scan in scans {
        collector.add(scan);
    }
    collector.finish()
}

/// Merges file scans one at a time, so a caller can scan files in chunks and drop each
/// chunk's requests as soon as they are merged.
#[derive(Default)]
pub struct Collector {
    index: KeyIndex,
    events: Vec<UsageEvent>,
    uses: Vec<Vec<(String, crate::request::ToolUse)>>,
    out: Collected,
}

impl Collector {
    /// Takes the requests and skipped lines of one scan.
    pub fn add(&mut self, scan: &mut FileScan) {
        self.out.skipped_lines += scan.skipped_count;
        self.out.skipped.extend(scan.skipped.iter().cloned());
        let file = u32::try_from(self.out.files.len()).unwrap_or(u32::MAX);
        let mut new_requests = false;
        for request in std::mem::take(&mut scan.requests) {
            match self.index.find(&request.event, &self.events) {
                Some(i) => {
                    crate::request::merge_parts(&mut self.events[i], &mut self.uses[i], request)
                }
                None => {
                    self.index.insert(&request.event, self.events.len());
                    self.events.push(request.event);
                    self.uses.push(request.tool_uses);
                    self.out.first_read_from.push(file);
                    new_requests = true;
                }
            }
        }
        if new_requests {
            self.out.files.push(scan.file.path.clone());
        }
    }

    /// The deduplicated events.
    pub fn finish(self) -> Collected {
        let Collector {
            index,
            mut events,
            uses,
            mut out,
        } = self;
        drop(index);
        for (event, uses) in events.iter_mut().zip(uses) {
            crate::request::finish_event(event, uses);
        }
        events.shrink_to_fit();
        out.events = events;
        out
    }
}

/// (tool, dedupe_key) to position, stored as a 64-bit hash so keys are not copied; the rare
/// hash collision between different keys falls back to a map of full keys.
#[derive(Default)]
struct KeyIndex {
    by_hash: HashMap<u64, usize>,
    collided: HashMap<(Tool, String), usize>,
}

impl KeyIndex {
    fn hash(event: &UsageEvent) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (event.tool, event.dedupe_key.as_str()).hash(&mut h);
        h.finish()
    }

    fn find(&self, event: &UsageEvent, events: &[UsageEvent]) -> Option<usize> {
        match self.by_hash.get(&Self::hash(event)) {
            Some(&i)
                if events[i].tool == event.tool && events[i].dedupe_key == event.dedupe_key =>
            {
                Some(i)
            }
            Some(_) => self
                .collided
                .get(&(event.tool, event.dedupe_key.clone()))
                .copied(),
            None => None,
        }
    }

    fn insert(&mut self, event: &UsageEvent, position: usize) {
        match self.by_hash.entry(Self::hash(event)) {
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collided
                    .insert((event.tool, event.dedupe_key.clone()), position);
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(position);
            }
        }
    }
}
