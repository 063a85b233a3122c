-- Issue 11: PostgreSQL's own types, and a usage_events table that costs less to write.
--
-- Flags stored as 0/1 BIGINT become BOOLEAN, lists and maps stored as JSON text become JSONB.
-- Times stay BIGINT epoch milliseconds, as on SQLite: the rollup's hour buckets and the
-- reports' local days are integer arithmetic written once for both backends.
-- (SQLite keeps INTEGER 0/1 and TEXT JSON, which sqlx decodes as bool and JSON already.)

-- JSON text that does not parse (none is written by the server, which always wrote valid
-- JSON) becomes the column's default instead of failing the migration.
CREATE FUNCTION agentmeter_0008_jsonb(text TEXT, fallback JSONB) RETURNS JSONB
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    RETURN text::jsonb;
EXCEPTION WHEN others THEN
    RETURN fallback;
END
$$;

ALTER TABLE team_members
    ALTER COLUMN is_manager DROP DEFAULT,
    ALTER COLUMN is_manager TYPE BOOLEAN USING is_manager <> 0,
    ALTER COLUMN is_manager SET DEFAULT FALSE;

ALTER TABLE repositories
    ALTER COLUMN critical_globs DROP DEFAULT,
    ALTER COLUMN critical_globs TYPE JSONB USING agentmeter_0008_jsonb(critical_globs, '[]'),
    ALTER COLUMN critical_globs SET DEFAULT '[]';

ALTER TABLE pull_requests
    ALTER COLUMN body_ai_markers DROP DEFAULT,
    ALTER COLUMN body_ai_markers TYPE JSONB USING agentmeter_0008_jsonb(body_ai_markers, '[]'),
    ALTER COLUMN body_ai_markers SET DEFAULT '[]',
    ALTER COLUMN ai_assisted DROP DEFAULT,
    ALTER COLUMN ai_assisted TYPE BOOLEAN USING ai_assisted <> 0,
    ALTER COLUMN ai_assisted SET DEFAULT FALSE,
    ALTER COLUMN ai_reasons DROP DEFAULT,
    ALTER COLUMN ai_reasons TYPE JSONB USING agentmeter_0008_jsonb(ai_reasons, '[]'),
    ALTER COLUMN ai_reasons SET DEFAULT '[]',
    ALTER COLUMN critical DROP DEFAULT,
    ALTER COLUMN critical TYPE BOOLEAN USING critical <> 0,
    ALTER COLUMN critical SET DEFAULT FALSE,
    ALTER COLUMN critical_paths DROP DEFAULT,
    ALTER COLUMN critical_paths TYPE JSONB USING agentmeter_0008_jsonb(critical_paths, '[]'),
    ALTER COLUMN critical_paths SET DEFAULT '[]';

ALTER TABLE reviews
    ALTER COLUMN dismissed DROP DEFAULT,
    ALTER COLUMN dismissed TYPE BOOLEAN USING dismissed <> 0,
    ALTER COLUMN dismissed SET DEFAULT FALSE;

ALTER TABLE pushed_commits
    ALTER COLUMN paths DROP DEFAULT,
    ALTER COLUMN paths TYPE JSONB USING agentmeter_0008_jsonb(paths, '[]'),
    ALTER COLUMN paths SET DEFAULT '[]',
    ALTER COLUMN ai_markers DROP DEFAULT,
    ALTER COLUMN ai_markers TYPE JSONB USING agentmeter_0008_jsonb(ai_markers, '[]'),
    ALTER COLUMN ai_markers SET DEFAULT '[]';

ALTER TABLE commits
    ALTER COLUMN parents DROP DEFAULT,
    ALTER COLUMN parents TYPE JSONB USING agentmeter_0008_jsonb(parents, '[]'),
    ALTER COLUMN parents SET DEFAULT '[]',
    ALTER COLUMN paths DROP DEFAULT,
    ALTER COLUMN paths TYPE JSONB USING agentmeter_0008_jsonb(paths, '[]'),
    ALTER COLUMN paths SET DEFAULT '[]',
    ALTER COLUMN ai_markers DROP DEFAULT,
    ALTER COLUMN ai_markers TYPE JSONB USING agentmeter_0008_jsonb(ai_markers, '[]'),
    ALTER COLUMN ai_markers SET DEFAULT '[]',
    ALTER COLUMN branches DROP DEFAULT,
    ALTER COLUMN branches TYPE JSONB USING agentmeter_0008_jsonb(branches, '[]'),
    ALTER COLUMN branches SET DEFAULT '[]',
    ALTER COLUMN author_confirmed DROP DEFAULT,
    ALTER COLUMN author_confirmed TYPE BOOLEAN USING author_confirmed <> 0,
    ALTER COLUMN author_confirmed SET DEFAULT FALSE;

-- The rollup's flag is part of its unique key, which the type change rebuilds.
ALTER TABLE usage_hourly
    ALTER COLUMN priced TYPE BOOLEAN USING priced <> 0;

ALTER TABLE usage_events
    ALTER COLUMN tool_calls TYPE JSONB USING agentmeter_0008_jsonb(tool_calls, '{}'),
    ALTER COLUMN is_subagent TYPE BOOLEAN USING is_subagent <> 0;

DROP FUNCTION agentmeter_0008_jsonb(TEXT, JSONB);

-- usage_events takes every upload; each index and constraint is paid on every row. Measured on
-- 500,000 rows inserted 5,000 a statement (docs/bench-ingest.md), the table's own insert took
-- 2.2x less time with only what the readers need (EXPLAIN of each reader, same doc):
-- * usage_events_ts and usage_events_repo_branch: no reader needs them any more. The latest
--   event and raw-event reports go through (user_id, ts) one user at a time, a user's commit
--   repositories through the rollup, and sessions on a branch compare LOWER(repository), which
--   that index could never serve on PostgreSQL.
-- * id: nothing reads it; the request key, unique already, becomes the primary key.
-- * the foreign key to users: its check ran once per inserted row. The upload takes the same
--   lock on its user once (FOR KEY SHARE, store::usage), and deleting a user still deletes their
--   events, through the trigger below.
DROP INDEX usage_events_ts;
DROP INDEX usage_events_repo_branch;
ALTER TABLE usage_events DROP CONSTRAINT usage_events_user_id_fkey;
ALTER TABLE usage_events DROP COLUMN id;
ALTER TABLE usage_events DROP CONSTRAINT usage_events_user_tool_dedupe_key;
ALTER TABLE usage_events ADD CONSTRAINT usage_events_pkey PRIMARY KEY (user_id, tool, dedupe_key);

CREATE FUNCTION usage_events_delete_of_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM usage_events WHERE user_id = OLD.id;
    RETURN OLD;
END
$$;
CREATE TRIGGER users_delete_usage_events BEFORE DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION usage_events_delete_of_user();
