-- Usage events uploaded by collectors: one row per billed model request.
-- (tool, dedupe_key) identifies a request across uploads and machines; on conflict the copy with
-- the larger token total wins.
CREATE TABLE usage_events (
    id                     BIGSERIAL PRIMARY KEY,
    user_id                BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tool                   TEXT NOT NULL,
    dedupe_key             TEXT NOT NULL,
    session_id             TEXT NOT NULL,
    project                TEXT,
    repository             TEXT,
    git_branch             TEXT,
    ts                     BIGINT NOT NULL,
    model                  TEXT NOT NULL,
    input_tokens           BIGINT NOT NULL,
    output_tokens          BIGINT NOT NULL,
    cache_write_5m_tokens  BIGINT NOT NULL,
    cache_write_1h_tokens  BIGINT NOT NULL,
    cache_read_tokens      BIGINT NOT NULL,
    reasoning_tokens       BIGINT,
    total_tokens           BIGINT NOT NULL,
    speed                  TEXT,
    cost_usd               DOUBLE PRECISION,
    tool_calls             TEXT NOT NULL,
    edit_calls             BIGINT NOT NULL,
    lines_added            BIGINT NOT NULL,
    lines_removed          BIGINT NOT NULL,
    permission_mode        TEXT,
    is_subagent            BIGINT NOT NULL,
    received_at            BIGINT NOT NULL,
    UNIQUE (tool, dedupe_key)
);
CREATE INDEX usage_events_user_ts ON usage_events (user_id, ts);
CREATE INDEX usage_events_ts ON usage_events (ts);
CREATE INDEX usage_events_repo_branch ON usage_events (repository, git_branch);
