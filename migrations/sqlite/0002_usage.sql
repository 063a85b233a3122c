-- Usage events uploaded by collectors: one row per billed model request.
-- (tool, dedupe_key) identifies a request across uploads and machines; on conflict the copy with
-- the larger token total wins.
CREATE TABLE usage_events (
    id                     INTEGER PRIMARY KEY,
    user_id                INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tool                   TEXT NOT NULL,
    dedupe_key             TEXT NOT NULL,
    session_id             TEXT NOT NULL,
    project                TEXT,
    repository             TEXT,
    git_branch             TEXT,
    ts                     INTEGER NOT NULL,
    model                  TEXT NOT NULL,
    input_tokens           INTEGER NOT NULL,
    output_tokens          INTEGER NOT NULL,
    cache_write_5m_tokens  INTEGER NOT NULL,
    cache_write_1h_tokens  INTEGER NOT NULL,
    cache_read_tokens      INTEGER NOT NULL,
    reasoning_tokens       INTEGER,
    total_tokens           INTEGER NOT NULL,
    speed                  TEXT,
    cost_usd               REAL,
    tool_calls             TEXT NOT NULL,
    edit_calls             INTEGER NOT NULL,
    lines_added            INTEGER NOT NULL,
    lines_removed          INTEGER NOT NULL,
    permission_mode        TEXT,
    is_subagent            INTEGER NOT NULL,
    received_at            INTEGER NOT NULL,
    UNIQUE (tool, dedupe_key)
);
CREATE INDEX usage_events_user_ts ON usage_events (user_id, ts);
CREATE INDEX usage_events_ts ON usage_events (ts);
CREATE INDEX usage_events_repo_branch ON usage_events (repository, git_branch);
