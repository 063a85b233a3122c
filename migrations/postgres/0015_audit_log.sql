-- People lifecycle (issue 16): who did what to whom, and one-time password-reset links.
--
-- One row per admin action, through the pages, the API or the server CLI. `actor` is the
-- admin's e-mail, `cli` for the server command line or `system` for set-up code (demo);
-- `action` a dotted name (`user.deactivate`); `subject` what it acted on (an e-mail, a team
-- name, a token id); `before` / `after` the subject's state as JSON (NULL when it did not exist
-- or no longer does). Never updated or deleted by the server.
CREATE TABLE audit_log (
    id      BIGSERIAL PRIMARY KEY,
    at      BIGINT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    before  JSONB,
    after   JSONB
);
CREATE INDEX audit_log_actor ON audit_log (actor, id);
CREATE INDEX audit_log_action ON audit_log (action, id);

-- A password-reset link: only the SHA-256 of its random token is kept. Good once (`used_at`),
-- until `expires_at` (epoch ms); issuing a new link for a user deletes their unused ones.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at    BIGINT
);
CREATE INDEX password_resets_user ON password_resets (user_id);
