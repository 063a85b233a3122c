-- Security issue #10: a request's key is unique per user, not across users (anyone who knew a
-- colleague's message.id:requestId could take that usage over), and the hourly rollup gets the
-- unique key it always implied. SQLite cannot drop a table constraint, so usage_events is copied
-- into a new table; the rollup is rebuilt from the raw events.
CREATE TABLE usage_events_new (
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
    UNIQUE (user_id, tool, dedupe_key)
);
INSERT INTO usage_events_new SELECT * FROM usage_events;
DROP TABLE usage_events;
ALTER TABLE usage_events_new RENAME TO usage_events;
CREATE INDEX usage_events_user_ts ON usage_events (user_id, ts);
CREATE INDEX usage_events_ts ON usage_events (ts);
CREATE INDEX usage_events_repo_branch ON usage_events (repository, git_branch);

DELETE FROM usage_hourly;
INSERT INTO usage_hourly (user_id, hour, tool, model, project, repository, session_id, priced, events,
    input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, cost_usd, edits, edits_unreviewed)
SELECT user_id, (ts / 3600000) * 3600000, tool, model, project, repository, session_id,
    CASE WHEN cost_usd IS NULL THEN 0 ELSE 1 END,
    COUNT(*),
    SUM(input_tokens),
    SUM(output_tokens),
    SUM(cache_write_5m_tokens + cache_write_1h_tokens),
    SUM(cache_read_tokens),
    SUM(cost_usd),
    SUM(edit_calls),
    SUM(CASE WHEN permission_mode IN ('acceptEdits', 'bypassPermissions') THEN edit_calls ELSE 0 END)
FROM usage_events
GROUP BY user_id, (ts / 3600000) * 3600000, tool, model, project, repository, session_id,
    CASE WHEN cost_usd IS NULL THEN 0 ELSE 1 END;

-- A BLOB never equals a TEXT value, so x'00' stands for NULL without colliding with any text.
CREATE UNIQUE INDEX usage_hourly_bucket ON usage_hourly
    (user_id, hour, tool, model, IFNULL(project, x'00'), IFNULL(repository, x'00'), session_id, priced);
