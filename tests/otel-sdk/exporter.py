#!/usr/bin/env python3
"""Sends metrics and log records to an OTLP endpoint through the real OpenTelemetry Python SDK and
its OTLP exporters, the way a team's own tooling would; prints one JSON line per answer seen.

    exporter.py --endpoint http://127.0.0.1:PORT --token TOKEN --protocol http|grpc
                --temporality cumulative|delta --scenario counts|bad|oversized

Scenarios (the Rust test tests/tests/telemetry/python_sdk.rs knows the figures they hold):
  counts     lines (3 + 2 added, 1 removed), edit decisions (Edit accept, Edit reject, Write accept),
             30.5 s active, two api_request events (sonnet 100/10/300/200, haiku 1000/100/0/0)
             and an api_error. Over HTTP, the first answer of each signal is lost on the way back
             (the exporter sends the same bytes again); over gRPC each batch is exported twice.
  bad        an api_request without a model, a record with 300 attributes, one good record, and
             a histogram beside a good counter: the server names what it refuses.
  oversized  one record carrying a 100 kB prompt (stored without it), then a batch over the
             server's body limit (refused whole with 413).
"""
import argparse
import json
import os
import sys

# Let the SDK keep 300 attributes on a record, so that the server's own limit is what refuses it.
os.environ.setdefault("OTEL_ATTRIBUTE_COUNT_LIMIT", "1000")

import requests  # noqa: E402
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceResponse  # noqa: E402
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (  # noqa: E402
    ExportMetricsServiceResponse,
)
from opentelemetry.sdk._logs import LoggerProvider  # noqa: E402
from opentelemetry.sdk._logs.export import (  # noqa: E402
    BatchLogRecordProcessor,
    LogRecordExporter,
    SimpleLogRecordProcessor,
)  # noqa: E402
from opentelemetry.sdk.metrics import Counter, Histogram, MeterProvider, UpDownCounter  # noqa: E402
from opentelemetry.sdk.metrics.export import AggregationTemporality, PeriodicExportingMetricReader  # noqa: E402
from opentelemetry.sdk.resources import Resource  # noqa: E402

T0_NS = 1_796_119_200_000_000_000  # 2026-12-01T10:00:00Z, the day the test reads
RESOURCE = Resource.create({"service.name": "team-tooling", "service.version": "1.0"})


def emit(line):
    print(json.dumps(line), flush=True)


class WatchedSession(requests.Session):
    """Records every answer; loses the first answer of each path when `lose_first` is set (the
    request reached the server, the exporter sees a dropped connection and sends it again)."""

    def __init__(self, lose_first):
        super().__init__()
        self.lose_first = lose_first
        self.lost = set()

    def request(self, method, url, **kwargs):
        response = super().request(method, url, **kwargs)
        path = url.split("://", 1)[-1].split("/", 1)[-1]
        line = {"path": "/" + path, "status": response.status_code,
                "retry_after": response.headers.get("retry-after")}
        if response.status_code == 200:
            answer = ExportLogsServiceResponse() if path.endswith("logs") else ExportMetricsServiceResponse()
            answer.ParseFromString(response.content)
            if answer.HasField("partial_success"):
                partial = answer.partial_success
                line["rejected"] = getattr(partial, "rejected_log_records", 0) or getattr(
                    partial, "rejected_data_points", 0)
                line["message"] = partial.error_message
        emit(line)
        if self.lose_first and path not in self.lost:
            self.lost.add(path)
            raise requests.exceptions.ConnectionError("answer lost on the way back")
        return response


class ExportTwice(LogRecordExporter):
    """Exports each batch twice, as an exporter does when its first answer never came."""

    def __init__(self, inner):
        self.inner = inner

    def export(self, batch):
        first = self.inner.export(batch)
        second = self.inner.export(batch)
        emit({"signal": "logs", "results": [first.name, second.name]})
        return second

    def shutdown(self):
        self.inner.shutdown()

    def force_flush(self, timeout_millis=30000):
        return True


def log_exporter(args, lose_first):
    if args.protocol == "http":
        from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter

        return OTLPLogExporter(endpoint=f"{args.endpoint}/v1/logs", timeout=20,
                               headers={"Authorization": f"Bearer {args.token}"},
                               session=WatchedSession(lose_first))
    from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter

    exporter = OTLPLogExporter(endpoint=args.endpoint.split("://", 1)[-1], insecure=True, timeout=20,
                               headers=(("authorization", f"Bearer {args.token}"),))
    return ExportTwice(exporter) if lose_first else exporter


def metric_exporter(args, lose_first):
    temporality = {
        "cumulative": AggregationTemporality.CUMULATIVE,
        "delta": AggregationTemporality.DELTA,
    }[args.temporality]
    preferred = {Counter: temporality, UpDownCounter: temporality, Histogram: temporality}
    if args.protocol == "http":
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        return OTLPMetricExporter(endpoint=f"{args.endpoint}/v1/metrics", timeout=20,
                                  headers={"Authorization": f"Bearer {args.token}"},
                                  session=WatchedSession(lose_first), preferred_temporality=preferred)
    from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter

    return OTLPMetricExporter(endpoint=args.endpoint.split("://", 1)[-1], insecure=True, timeout=20,
                              headers=(("authorization", f"Bearer {args.token}"),),
                              preferred_temporality=preferred)


def batch_logger_of(exporter):
    """A logger whose records go out in one batch when its provider shuts down."""
    provider = LoggerProvider(resource=RESOURCE)
    provider.add_log_record_processor(BatchLogRecordProcessor(exporter, schedule_delay_millis=3_600_000))
    return provider, provider.get_logger("com.example.team-tooling")


def logger_of(log_exporter):
    provider = LoggerProvider(resource=RESOURCE)
    provider.add_log_record_processor(SimpleLogRecordProcessor(log_exporter))
    return provider, provider.get_logger("com.example.team-tooling")


def record(logger, name, offset_ms, attributes):
    logger.emit(timestamp=T0_NS + offset_ms * 1_000_000, observed_timestamp=T0_NS + offset_ms * 1_000_000,
                body=f"claude_code.{name}", event_name=name,
                attributes={"event.name": name, "session.id": "py1", **attributes})


def api_request(request_id, model, tokens):
    input_tokens, output_tokens, cache_read, cache_creation = tokens
    return {"request_id": request_id, "model": model, "input_tokens": input_tokens,
            "output_tokens": output_tokens, "cache_read_tokens": cache_read,
            "cache_creation_tokens": cache_creation, "cost_usd": 0.001}


def counts(args):
    provider, logger = logger_of(log_exporter(args, lose_first=True))
    record(logger, "user_prompt", 0, {"prompt": "the secret roadmap", "prompt_length": 18})
    record(logger, "api_request", 10, api_request("req_py_a", "claude-sonnet-4-5", (100, 10, 300, 200)))
    record(logger, "api_request", 20, api_request("req_py_b", "claude-haiku-4-5", (1000, 100, 0, 0)))
    record(logger, "api_error", 30, {"model": "claude-sonnet-4-5", "status_code": 529})
    provider.shutdown()

    reader = PeriodicExportingMetricReader(metric_exporter(args, lose_first=True),
                                           export_interval_millis=3_600_000)
    meters = MeterProvider(resource=RESOURCE, metric_readers=[reader])
    meter = meters.get_meter("com.example.team-tooling")
    lines = meter.create_counter("claude_code.lines_of_code.count")
    decisions = meter.create_counter("claude_code.code_edit_tool.decision")
    active = meter.create_counter("claude_code.active_time.total", unit="s")
    session = {"session.id": "py1"}
    lines.add(3, {**session, "type": "added"})
    decisions.add(1, {**session, "tool_name": "Edit", "decision": "accept"})
    meters.force_flush()
    lines.add(2, {**session, "type": "added"})
    lines.add(1, {**session, "type": "removed"})
    decisions.add(1, {**session, "tool_name": "Edit", "decision": "reject"})
    decisions.add(1, {**session, "tool_name": "Write", "decision": "accept"})
    active.add(30.5, {**session, "type": "user"})
    meters.force_flush()
    # Nothing new: a cumulative exporter sends the same totals again at a later time.
    meters.force_flush()
    meters.shutdown()


def bad(args):
    no_model = api_request("req_py_bad", "x", (1, 1, 0, 0))
    del no_model["model"]
    provider, logger = batch_logger_of(log_exporter(args, lose_first=False))
    record(logger, "api_request", 0, api_request("req_py_ok", "claude-sonnet-4-5", (10, 1, 0, 0)))
    record(logger, "api_request", 1, no_model)
    record(logger, "tool_result", 2, {f"extra_{n}": n for n in range(300)})
    provider.shutdown()

    reader = PeriodicExportingMetricReader(metric_exporter(args, lose_first=False),
                                           export_interval_millis=3_600_000)
    meters = MeterProvider(resource=RESOURCE, metric_readers=[reader])
    meter = meters.get_meter("com.example.team-tooling")
    meter.create_counter("claude_code.active_time.total").add(12, {"session.id": "py2", "type": "cli"})
    meter.create_histogram("request_duration_ms").record(42, {"session.id": "py2"})
    meters.shutdown()


def oversized(args):
    provider, logger = logger_of(log_exporter(args, lose_first=False))
    record(logger, "user_prompt", 0, {"prompt": "secret " * 15_000, "prompt_length": 105_000})
    provider.shutdown()
    provider, logger = batch_logger_of(log_exporter(args, lose_first=False))
    for n in range(6):
        record(logger, "user_prompt", 10 + n, {"prompt": "big " * 25_000, "prompt_length": 100_000})
    provider.shutdown()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--protocol", choices=["http", "grpc"], required=True)
    parser.add_argument("--temporality", choices=["cumulative", "delta"], default="cumulative")
    parser.add_argument("--scenario", choices=["counts", "bad", "oversized"], required=True)
    args = parser.parse_args()
    {"counts": counts, "bad": bad, "oversized": oversized}[args.scenario](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
