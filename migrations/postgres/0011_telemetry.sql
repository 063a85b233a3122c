-- OpenTelemetry from Claude Code (issue 15).
--
-- Metric series: one row per (user, metric, session, attribute set). Cumulative series keep the
-- point last counted, so that each new point is stored as its change since that one and a
-- re-sent point adds nothing. `series_key` is a hash of the metric, session and every attribute;
-- `attributes` keeps only those safe to store (see server/src/telemetry/attributes.rs).
CREATE TABLE telemetry_series (
    id             BIGSERIAL PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    series_key     TEXT NOT NULL,
    metric         TEXT NOT NULL,
    session_id     TEXT NOT NULL,
    kind           TEXT,
    model          TEXT,
    tool_name      TEXT,
    decision       TEXT,
    attributes     JSONB NOT NULL,
    last_start_ns  BIGINT,
    last_time_ns   BIGINT,
    last_value     DOUBLE PRECISION,
    UNIQUE (user_id, series_key)
);

-- What each point added, at the point's time (`ts`, epoch ms). Delta points are stored as they
-- came; a retried batch carries the same (start, time) and is dropped by the unique key.
CREATE TABLE telemetry_metric_deltas (
    series_id  BIGINT NOT NULL REFERENCES telemetry_series(id) ON DELETE CASCADE,
    start_ns   BIGINT NOT NULL,
    time_ns    BIGINT NOT NULL,
    ts         BIGINT NOT NULL,
    value      DOUBLE PRECISION NOT NULL,
    UNIQUE (series_id, start_ns, time_ns)
);
CREATE INDEX telemetry_metric_deltas_ts ON telemetry_metric_deltas (ts);

-- Log events (user_prompt, api_request, api_error, tool_result, tool_decision, ... and unknown
-- ones), keyed by a hash of the whole record so a retried export stores nothing twice. No text
-- the user or the model wrote is kept: `attributes` holds numbers, flags and known enumerations.
-- `cost_usd` is Claude Code's own estimate of an api_request, kept beside the server's.
CREATE TABLE telemetry_events (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    record_key  TEXT NOT NULL,
    event_name  TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    prompt_id   TEXT,
    request_id  TEXT,
    ts          BIGINT NOT NULL,
    model       TEXT,
    tool_name   TEXT,
    decision    TEXT,
    cost_usd    DOUBLE PRECISION,
    attributes  JSONB NOT NULL,
    UNIQUE (user_id, record_key)
);
CREATE INDEX telemetry_events_user_ts ON telemetry_events (user_id, ts);

-- Edit accept/reject decisions the log uploader found in transcripts, per request and tool
-- (the same request key as usage_events).
CREATE TABLE uploaded_edit_decisions (
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    dedupe_key  TEXT NOT NULL,
    tool_name   TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    ts          BIGINT NOT NULL,
    accepted    BIGINT NOT NULL,
    rejected    BIGINT NOT NULL,
    UNIQUE (user_id, dedupe_key, tool_name)
);
CREATE INDEX uploaded_edit_decisions_user_ts ON uploaded_edit_decisions (user_id, ts);

-- Claude Code requests are stored under their request id alone (`message.id:requestId` becomes
-- `requestId`): Claude Code's telemetry names a request by its id only, and one request id is
-- one message, so the uploader's copy and the telemetry copy of a request meet on one key.
-- Stored keys are rewritten unless two rows would meet (then both stay as they are).
CREATE TEMP TABLE request_keys ON COMMIT DROP AS
    SELECT user_id, dedupe_key AS old_key,
           substr(dedupe_key, strpos(dedupe_key, ':') + 1) AS request_key
    FROM usage_events
    WHERE tool = 'claude-code'
      AND strpos(dedupe_key, ':') > 1
      AND length(dedupe_key) > strpos(dedupe_key, ':')
      AND strpos(substr(dedupe_key, strpos(dedupe_key, ':') + 1), ':') = 0;
CREATE INDEX ON request_keys (user_id, request_key);
DELETE FROM request_keys r
WHERE EXISTS (SELECT 1 FROM request_keys other
              WHERE other.user_id = r.user_id
                AND other.request_key = r.request_key
                AND other.old_key <> r.old_key)
   OR EXISTS (SELECT 1 FROM usage_events e
              WHERE e.user_id = r.user_id AND e.tool = 'claude-code'
                AND e.dedupe_key = r.request_key);
UPDATE usage_events e
SET dedupe_key = r.request_key
FROM request_keys r
WHERE e.user_id = r.user_id AND e.tool = 'claude-code' AND e.dedupe_key = r.old_key;
