-- Issue 11: usage_events takes every upload and pays for each index on every row. No reader
-- needs the index on the time alone any more: the latest event and raw-event reports go through
-- (user_id, ts) one user at a time (store::reports). The (repository, git_branch) index stays:
-- sessions on a branch seek it here (store::branch_sessions).
-- Flags and JSON keep SQLite's INTEGER 0/1 and TEXT, which sqlx decodes as bool and JSON.
DROP INDEX usage_events_ts;
