-- OpenTelemetry from Claude Code (issue 15).
--
-- Metric series: one row per (user, metric, session, attribute set). Cumulative series keep the
-- point last counted, so that each new point is stored as its change since that one and a
-- re-sent point adds nothing. `series_key` is a hash of the metric, session and every attribute;
-- `attributes` keeps only those safe to store (see server/src/telemetry/attributes.rs).
CREATE TABLE telemetry_series (
    id             INTEGER PRIMARY KEY,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    series_key     TEXT NOT NULL,
    metric         TEXT NOT NULL,
    session_id     TEXT NOT NULL,
    kind           TEXT,
    model          TEXT,
    tool_name      TEXT,
    decision       TEXT,
    attributes     TEXT NOT NULL,
    last_start_ns  INTEGER,
    last_time_ns   INTEGER,
    last_value     REAL,
    UNIQUE (user_id, series_key)
);

-- What each point added, at the point's time (`ts`, epoch ms). Delta points are stored as they
-- came; a retried batch carries the same (start, time) and is dropped by the unique key.
CREATE TABLE telemetry_metric_deltas (
    series_id  INTEGER NOT NULL REFERENCES telemetry_series(id) ON DELETE CASCADE,
    start_ns   INTEGER NOT NULL,
    time_ns    INTEGER NOT NULL,
    ts         INTEGER NOT NULL,
    value      REAL NOT NULL,
    UNIQUE (series_id, start_ns, time_ns)
);
CREATE INDEX telemetry_metric_deltas_ts ON telemetry_metric_deltas (ts);

-- Log events (user_prompt, api_request, api_error, tool_result, tool_decision, ... and unknown
-- ones), keyed by a hash of the whole record so a retried export stores nothing twice. No text
-- the user or the model wrote is kept: `attributes` holds numbers, flags and known enumerations.
-- `cost_usd` is Claude Code's own estimate of an api_request, kept beside the server's.
CREATE TABLE telemetry_events (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    record_key  TEXT NOT NULL,
    event_name  TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    prompt_id   TEXT,
    request_id  TEXT,
    ts          INTEGER NOT NULL,
    model       TEXT,
    tool_name   TEXT,
    decision    TEXT,
    cost_usd    REAL,
    attributes  TEXT NOT NULL,
    UNIQUE (user_id, record_key)
);
CREATE INDEX telemetry_events_user_ts ON telemetry_events (user_id, ts);

-- Edit accept/reject decisions the log uploader found in transcripts, per request and tool
-- (the same request key as usage_events).
CREATE TABLE uploaded_edit_decisions (
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    dedupe_key  TEXT NOT NULL,
    tool_name   TEXT NOT NULL,
    session_id  TEXT NOT NULL,
    ts          INTEGER NOT NULL,
    accepted    INTEGER NOT NULL,
    rejected    INTEGER NOT NULL,
    UNIQUE (user_id, dedupe_key, tool_name)
);
CREATE INDEX uploaded_edit_decisions_user_ts ON uploaded_edit_decisions (user_id, ts);

-- Claude Code requests are stored under their request id alone (`message.id:requestId` becomes
-- `requestId`): Claude Code's telemetry names a request by its id only, and one request id is
-- one message, so the uploader's copy and the telemetry copy of a request meet on one key.
-- Stored keys are rewritten unless two rows would meet (then both stay as they are).
CREATE TEMP TABLE request_keys AS
    SELECT id, user_id, substr(dedupe_key, instr(dedupe_key, ':') + 1) AS request_key
    FROM usage_events
    WHERE tool = 'claude-code'
      AND instr(dedupe_key, ':') > 1
      AND length(dedupe_key) > instr(dedupe_key, ':')
      AND instr(substr(dedupe_key, instr(dedupe_key, ':') + 1), ':') = 0;
CREATE INDEX temp.request_keys_key ON request_keys (user_id, request_key);
DELETE FROM request_keys
WHERE EXISTS (SELECT 1 FROM request_keys other
              WHERE other.user_id = request_keys.user_id
                AND other.request_key = request_keys.request_key
                AND other.id <> request_keys.id)
   OR EXISTS (SELECT 1 FROM usage_events e
              WHERE e.user_id = request_keys.user_id AND e.tool = 'claude-code'
                AND e.dedupe_key = request_keys.request_key);
UPDATE usage_events
SET dedupe_key = (SELECT request_key FROM request_keys r WHERE r.id = usage_events.id)
WHERE id IN (SELECT id FROM request_keys);
DROP TABLE request_keys;
