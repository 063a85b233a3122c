-- Several server instances on one database (issue 16).
--
-- The data version: one row, moved on after every write that reports read (uploads, webhooks,
-- admin edits, the server CLI). Each instance files its computed reports under the version it
-- read, so a write through one instance makes every instance compute afresh.
CREATE TABLE data_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);

-- Failed (or not yet judged) login attempts, one row per account and one per client IP, at `at`
-- (epoch ms). Counted within the login window by every instance; older rows are deleted as
-- attempts come in.
CREATE TABLE login_failures (
    id      BIGSERIAL PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('account', 'ip')),
    subject TEXT NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX login_failures_subject ON login_failures (kind, subject, at);
CREATE INDEX login_failures_at ON login_failures (at);
