//! The OpenTelemetry receiver: Claude Code's own metrics and log events, sent over OTLP (HTTP or
//! gRPC) with a developer's API token, stored per developer.
//!
//! `api_request` events become usage events through the same store as the log uploader's, under
//! the same request key, so a request seen both ways counts once and is priced by the server's
//! table. Metric sums (delta or cumulative) are stored as what each point added. Log records are
//! kept without any text the user or the model wrote. Records that cannot be stored are refused
//! one by one and named (OTLP partial success); the rest of the export is stored.

pub mod activity;
pub mod attributes;
pub mod cumulative;
pub mod decode;
pub mod grpc;
pub mod logs;
pub mod metrics;
pub mod slots;

use std::collections::HashMap;

use chrono::Utc;
use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;

use crate::auth::secret;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::telemetry::{self as store, Delta};
use crate::store::{tokens, usage};
use cumulative::Counted;
use metrics::Temporality;

/// Refused records are named in the answer up to this many; the rest are only counted.
const NAMED_REJECTIONS: usize = 10;

/// The records of an export that were refused, and why.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Rejections {
    pub count: i64,
    reasons: Vec<String>,
}

impl Rejections {
    pub fn add(&mut self, reason: String) {
        self.add_many(1, reason);
    }

    pub fn add_many(&mut self, count: i64, reason: String) {
        if count == 0 {
            return;
        }
        self.count += count;
        if self.reasons.len() < NAMED_REJECTIONS {
            self.reasons.push(reason);
        }
    }

    /// The OTLP `error_message`: each refused record (up to ten) and why; empty when none was.
    pub fn message(&self) -> String {
        if self.count == 0 {
            return String::new();
        }
        let named = self.reasons.len() as i64;
        let more = match self.count - named {
            0 => String::new(),
            n => format!("; and {n} more"),
        };
        format!("{} refused: {}{more}", self.count, self.reasons.join("; "))
    }
}

/// The developer an `Authorization` header's API token belongs to; any other caller is refused
/// before anything is read or stored.
pub async fn authenticate(state: &AppState, authorization: Option<&str>) -> Result<i64> {
    let token = authorization
        .and_then(|header| header.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
        .filter(|token| !token.is_empty())
        .ok_or(Error::Unauthorized)?;
    tokens::authenticate(&state.db, &secret::digest(token))
        .await?
        .ok_or(Error::Unauthorized)
}

/// Stores the sum points of a metrics export; returns the points refused.
pub async fn export_metrics(
    state: &AppState,
    user_id: i64,
    request: &ExportMetricsServiceRequest,
) -> Result<Rejections> {
    let mut rejected = Rejections::default();
    let points = metrics::metric_points(request, &mut rejected);
    if points.is_empty() {
        return Ok(rejected);
    }
    let mut tx = store::begin_metrics_export(&state.db, user_id).await?;
    let series: Vec<_> = points.iter().map(|p| &p.series).collect();
    let stored = store::series(&mut tx, user_id, &series).await?;
    let mut last_points = HashMap::new();
    let mut deltas = Vec::with_capacity(points.len());
    for point in &points {
        let Some(series) = stored.get(&point.series.series_key) else {
            return Err(Error::Internal(anyhow::anyhow!("a series was not stored")));
        };
        let counted = match point.temporality {
            Temporality::Delta => Counted::New {
                delta: point.value,
                last: cumulative::LastPoint {
                    start_ns: point.start_ns,
                    time_ns: point.time_ns,
                    value: point.value,
                },
            },
            Temporality::Cumulative => {
                // Within one export a series may carry several points: each counts against the
                // one before it.
                let last = last_points.get(&series.id).copied().or(series.last());
                let counted = cumulative::count(last, point_of(point), point.monotonic);
                if let Counted::New { last, .. } = counted {
                    last_points.insert(series.id, last);
                }
                counted
            }
        };
        if let Counted::New { delta, .. } = counted {
            if delta != 0.0 {
                deltas.push(Delta {
                    series_id: series.id,
                    start_ns: point.start_ns,
                    time_ns: point.time_ns,
                    value: delta,
                });
            }
        }
    }
    store::insert_deltas(&mut tx, &deltas).await?;
    let last_points: Vec<_> = last_points.into_iter().collect();
    store::save_last_points(&mut tx, &last_points).await?;
    tx.commit().await?;
    Ok(rejected)
}

fn point_of(point: &metrics::MetricPoint) -> cumulative::LastPoint {
    cumulative::LastPoint {
        start_ns: point.start_ns,
        time_ns: point.time_ns,
        value: point.value,
    }
}

/// Stores the records of a logs export, and the usage of its `api_request` events (priced with
/// the server's table, keyed by request id like the uploader's copies); returns the records
/// refused.
pub async fn export_logs(
    state: &AppState,
    user_id: i64,
    request: &ExportLogsServiceRequest,
) -> Result<Rejections> {
    let mut rejected = Rejections::default();
    let logged = logs::log_events(request, Utc::now(), &mut rejected);
    if !logged.requests.is_empty() {
        let priced: Vec<usage::PricedEvent> = logged
            .requests
            .into_iter()
            .map(|event| usage::PricedEvent {
                cost_usd: agentmeter_ingest::cost_usd(&state.prices, &event),
                event,
            })
            .collect();
        usage::upsert_batch(&state.db, user_id, &priced).await?;
    }
    store::insert_events(&state.db, user_id, &logged.events).await?;
    Ok(rejected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_ten_refusals_and_counts_the_rest() {
        let mut rejected = Rejections::default();
        assert_eq!(rejected.message(), "");
        for i in 0..12 {
            rejected.add(format!("record {i}: bad"));
        }
        let message = rejected.message();
        assert!(message.starts_with("12 refused: record 0: bad; record 1: bad"));
        assert!(message.ends_with("record 9: bad; and 2 more"), "{message}");
    }
}
