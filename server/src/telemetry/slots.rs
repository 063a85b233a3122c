//! How many exports are stored at once. An exporter past the limit is told to come back (429
//! over HTTP, RESOURCE_EXHAUSTED with a retry delay over gRPC) rather than queued: OTLP exporters
//! retry with backoff, and a queue would only hold their connections open.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{Error, Result};

/// Seconds an exporter turned away is asked to wait.
pub const RETRY_AFTER_SECS: u64 = 1;

/// The export slots of one transport.
#[derive(Debug, Clone)]
pub struct ExportSlots(Arc<Semaphore>);

impl ExportSlots {
    pub fn new(slots: usize) -> ExportSlots {
        ExportSlots(Arc::new(Semaphore::new(slots.max(1))))
    }

    /// A free slot, held until the export is stored; none free is a 429.
    pub fn take(&self) -> Result<OwnedSemaphorePermit> {
        self.0
            .clone()
            .try_acquire_owned()
            .map_err(|_| Error::TooManyRequests {
                retry_after_secs: RETRY_AFTER_SECS,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_past_the_limit_is_asked_to_retry() {
        let slots = ExportSlots::new(1);
        let held = slots.take().expect("one slot");
        assert!(matches!(
            slots.take(),
            Err(Error::TooManyRequests {
                retry_after_secs: 1
            })
        ));
        drop(held);
        assert!(slots.take().is_ok());
    }
}
