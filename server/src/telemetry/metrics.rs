//! OTLP metrics to data points of series: every sum point, delta or cumulative, with the series
//! it belongs to. Points that cannot be counted are refused one by one, named by their path.

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::metric::Data;
use opentelemetry_proto::tonic::metrics::v1::number_data_point::Value;
use opentelemetry_proto::tonic::metrics::v1::{AggregationTemporality, NumberDataPoint};
use sha2::{Digest, Sha256};

use crate::telemetry::attributes::{hash_field, short_hex, Attributes, MAX_IDENTIFIER_BYTES};
use crate::telemetry::Rejections;

/// Which series a point belongs to, and what is stored of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Hash of the metric, session, resource, scope and every attribute of the point.
    pub series_key: String,
    pub metric: String,
    /// `session.id`, empty when the exporter sends none.
    pub session_id: String,
    /// The `type` attribute: added/removed, input/output/cacheRead/cacheCreation, user/cli.
    pub kind: Option<String>,
    pub model: Option<String>,
    pub tool_name: Option<String>,
    pub decision: Option<String>,
    /// The storable attributes as a JSON object.
    pub attributes: String,
}

/// How a sum reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Temporality {
    /// Each point is the change over `[start, time]`.
    Delta,
    /// Each point is the total since `start`.
    Cumulative,
}

/// One data point of a sum.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricPoint {
    pub series: Series,
    pub temporality: Temporality,
    pub monotonic: bool,
    pub start_ns: i64,
    pub time_ns: i64,
    pub value: f64,
}

/// Every countable point of `request`; the others are added to `rejected`.
pub fn metric_points(
    request: &ExportMetricsServiceRequest,
    rejected: &mut Rejections,
) -> Vec<MetricPoint> {
    let mut points = Vec::new();
    for (r, resource_metrics) in request.resource_metrics.iter().enumerate() {
        let resource: &[_] = resource_metrics
            .resource
            .as_ref()
            .map_or(&[], |res| &res.attributes);
        for (s, scope_metrics) in resource_metrics.scope_metrics.iter().enumerate() {
            let scope = scope_metrics
                .scope
                .as_ref()
                .map_or("", |sc| sc.name.as_str());
            for (m, metric) in scope_metrics.metrics.iter().enumerate() {
                let path = format!("resourceMetrics[{r}].scopeMetrics[{s}].metrics[{m}]");
                let sum = match &metric.data {
                    Some(Data::Sum(sum)) => sum,
                    Some(other) => {
                        let (kind, n) = match other {
                            Data::Gauge(g) => ("gauge", g.data_points.len()),
                            Data::Histogram(h) => ("histogram", h.data_points.len()),
                            Data::ExponentialHistogram(h) => {
                                ("exponential histogram", h.data_points.len())
                            }
                            Data::Summary(x) => ("summary", x.data_points.len()),
                            Data::Sum(_) => ("sum", 0),
                        };
                        rejected.add_many(
                            n as i64,
                            format!("{path} ({}): a {kind}; only sums are stored", metric.name),
                        );
                        continue;
                    }
                    None => continue,
                };
                let temporality =
                    match AggregationTemporality::try_from(sum.aggregation_temporality) {
                        Ok(AggregationTemporality::Delta) => Temporality::Delta,
                        Ok(AggregationTemporality::Cumulative) => Temporality::Cumulative,
                        _ => {
                            rejected.add_many(
                                sum.data_points.len() as i64,
                                format!(
                                    "{path} ({}): aggregation temporality is unspecified",
                                    metric.name
                                ),
                            );
                            continue;
                        }
                    };
                for (p, point) in sum.data_points.iter().enumerate() {
                    let context = SeriesContext {
                        metric: &metric.name,
                        resource,
                        scope,
                    };
                    match metric_point(&context, point, temporality, sum.is_monotonic) {
                        Ok(point) => points.push(point),
                        Err(reason) => rejected.add(format!(
                            "{path}.sum.dataPoints[{p}] ({}): {reason}",
                            metric.name
                        )),
                    }
                }
            }
        }
    }
    points
}

/// What a point's series identity depends on besides the point itself.
struct SeriesContext<'a> {
    metric: &'a str,
    resource: &'a [opentelemetry_proto::tonic::common::v1::KeyValue],
    scope: &'a str,
}

fn metric_point(
    context: &SeriesContext<'_>,
    point: &NumberDataPoint,
    temporality: Temporality,
    monotonic: bool,
) -> Result<MetricPoint, String> {
    if context.metric.is_empty() || context.metric.len() > MAX_IDENTIFIER_BYTES {
        return Err("the metric name is empty or too long".into());
    }
    let attributes = Attributes(&point.attributes);
    attributes.check_count()?;
    let value = match point.value {
        Some(Value::AsDouble(d)) => d,
        Some(Value::AsInt(i)) => i as f64,
        None => return Err("no value".into()),
    };
    if !value.is_finite() {
        return Err("the value is not a finite number".into());
    }
    if monotonic && value < 0.0 {
        return Err("a monotonic sum cannot be negative".into());
    }
    let time_ns = i64::try_from(point.time_unix_nano).map_err(|_| "the time is out of range")?;
    let start_ns =
        i64::try_from(point.start_time_unix_nano).map_err(|_| "the start time is out of range")?;
    if time_ns == 0 {
        return Err("the time is missing".into());
    }
    if start_ns > time_ns {
        return Err("the start time is after the time".into());
    }
    let resource = Attributes(context.resource);
    let session_id = match attributes.identifier("session.id")? {
        Some(session) => session,
        None => resource.identifier("session.id")?.unwrap_or(""),
    };
    let mut hasher = Sha256::new();
    hash_field(&mut hasher, context.metric.as_bytes());
    hash_field(&mut hasher, session_id.as_bytes());
    hash_field(&mut hasher, context.scope.as_bytes());
    resource.hash_into(&mut hasher);
    attributes.hash_into(&mut hasher);
    let owned = |s: Option<&str>| s.map(str::to_owned);
    Ok(MetricPoint {
        series: Series {
            series_key: short_hex(hasher),
            metric: context.metric.to_owned(),
            session_id: session_id.to_owned(),
            kind: owned(attributes.identifier("type")?),
            model: owned(attributes.identifier("model")?),
            tool_name: owned(attributes.identifier("tool_name")?),
            decision: owned(attributes.identifier("decision")?),
            attributes: attributes.storable_json(),
        },
        temporality,
        monotonic,
        start_ns,
        time_ns,
        value,
    })
}
