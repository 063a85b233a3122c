-- Review outcomes: repositories, pull requests and their reviews from GitHub/GitLab webhooks,
-- pushes, commits from the git collector, webhook deliveries and identities matched to no user.
-- Times are Unix epoch milliseconds (UTC); lists are JSON arrays in TEXT; flags are 0/1.

-- A repository, named `host/owner/name` in lower case. The webhook secret is write-only.
CREATE TABLE repositories (
    id                     BIGSERIAL PRIMARY KEY,
    name                   TEXT NOT NULL UNIQUE,
    provider               TEXT NOT NULL CHECK (provider IN ('github', 'gitlab', 'git')),
    webhook_secret         TEXT,
    webhook_secret_set_at  BIGINT,
    critical_globs         TEXT NOT NULL DEFAULT '[]',
    last_event_at          BIGINT,
    created_at             BIGINT NOT NULL
);

-- Global webhook secrets set on the admin page (the settings file's secrets apply when absent).
CREATE TABLE webhook_secrets (
    provider    TEXT PRIMARY KEY CHECK (provider IN ('github', 'gitlab')),
    secret      TEXT NOT NULL,
    set_at      BIGINT NOT NULL
);

-- One row per delivery accepted: a replay of the same key adds nothing.
CREATE TABLE webhook_deliveries (
    id             BIGSERIAL PRIMARY KEY,
    provider       TEXT NOT NULL,
    delivery_key   TEXT NOT NULL,
    event          TEXT NOT NULL,
    repository_id  BIGINT REFERENCES repositories(id) ON DELETE SET NULL,
    received_at    BIGINT NOT NULL,
    UNIQUE (provider, delivery_key)
);

-- A pull (merge) request with its cached classification. The body is never stored: only the
-- AI markers found in it.
CREATE TABLE pull_requests (
    id                  BIGSERIAL PRIMARY KEY,
    repository_id       BIGINT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    number              BIGINT NOT NULL,
    url                 TEXT NOT NULL,
    title               TEXT NOT NULL,
    author_login        TEXT,
    author_forge_id     BIGINT,
    author_email        TEXT,
    author_user_id      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    head_branch         TEXT NOT NULL,
    base_branch         TEXT NOT NULL,
    body_ai_markers     TEXT NOT NULL DEFAULT '[]',
    state               TEXT NOT NULL CHECK (state IN ('open', 'closed', 'merged')),
    created_at          BIGINT NOT NULL,
    merged_at           BIGINT,
    closed_at           BIGINT,
    lines_added         BIGINT,
    lines_removed       BIGINT,
    ai_assisted         BIGINT NOT NULL DEFAULT 0,
    ai_reasons          TEXT NOT NULL DEFAULT '[]',
    critical            BIGINT NOT NULL DEFAULT 0,
    critical_paths      TEXT NOT NULL DEFAULT '[]',
    outcome             TEXT CHECK (outcome IN ('approved', 'unreviewed', 'rubber-stamped')),
    change_size         BIGINT NOT NULL DEFAULT 0,
    first_review_at     BIGINT,
    updated_at          BIGINT NOT NULL,
    UNIQUE (repository_id, number)
);
CREATE INDEX pull_requests_merged ON pull_requests (merged_at);
CREATE INDEX pull_requests_author ON pull_requests (author_user_id);

-- A review or GitLab approval; `review_key` is GitHub's review id or the approval's reviewer+time.
CREATE TABLE reviews (
    id                 BIGSERIAL PRIMARY KEY,
    pull_request_id    BIGINT NOT NULL REFERENCES pull_requests(id) ON DELETE CASCADE,
    review_key         TEXT NOT NULL,
    reviewer_login     TEXT NOT NULL,
    reviewer_forge_id  BIGINT,
    reviewer_user_id   BIGINT REFERENCES users(id) ON DELETE SET NULL,
    state              TEXT NOT NULL,
    submitted_at       BIGINT NOT NULL,
    dismissed          BIGINT NOT NULL DEFAULT 0,
    UNIQUE (pull_request_id, review_key)
);

-- Times new code reached a branch: push events and PR `synchronize` deliveries.
CREATE TABLE pushes (
    id             BIGSERIAL PRIMARY KEY,
    repository_id  BIGINT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    branch         TEXT NOT NULL,
    head_sha       TEXT NOT NULL,
    pushed_at      BIGINT NOT NULL,
    UNIQUE (repository_id, branch, head_sha, pushed_at)
);

-- Commits named by push events, with the paths they touched (no line counts in payloads).
CREATE TABLE pushed_commits (
    id             BIGSERIAL PRIMARY KEY,
    repository_id  BIGINT NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    branch         TEXT NOT NULL,
    sha            TEXT NOT NULL,
    committed_at   BIGINT NOT NULL,
    author_email   TEXT,
    author_login   TEXT,
    paths          TEXT NOT NULL DEFAULT '[]',
    ai_markers     TEXT NOT NULL DEFAULT '[]',
    UNIQUE (repository_id, branch, sha)
);

-- Commits from `agentmeter collect git`, idempotent by (repository, sha).
CREATE TABLE commits (
    id                  BIGSERIAL PRIMARY KEY,
    repository          TEXT NOT NULL,
    sha                 TEXT NOT NULL,
    parents             TEXT NOT NULL DEFAULT '[]',
    author_email        TEXT NOT NULL,
    author_name         TEXT NOT NULL,
    author_user_id      BIGINT REFERENCES users(id) ON DELETE SET NULL,
    authored_at         BIGINT NOT NULL,
    committed_at        BIGINT NOT NULL,
    paths               TEXT NOT NULL DEFAULT '[]',
    lines_added         BIGINT NOT NULL,
    lines_removed       BIGINT NOT NULL,
    test_lines_added    BIGINT NOT NULL,
    test_lines_removed  BIGINT NOT NULL,
    ai_markers          TEXT NOT NULL DEFAULT '[]',
    branches            TEXT NOT NULL DEFAULT '[]',
    uploaded_by         BIGINT REFERENCES users(id) ON DELETE SET NULL,
    received_at         BIGINT NOT NULL,
    UNIQUE (repository, sha)
);
CREATE INDEX commits_authored ON commits (authored_at);

-- Forge logins and commit emails seen in events: matched to a user by an admin, or still
-- unmatched (`user_id` NULL). Never deleted, so no author is dropped.
CREATE TABLE identities (
    id          BIGSERIAL PRIMARY KEY,
    provider    TEXT NOT NULL CHECK (provider IN ('github', 'gitlab', 'git')),
    login       TEXT NOT NULL,
    email       TEXT NOT NULL,
    user_id     BIGINT REFERENCES users(id) ON DELETE SET NULL,
    events      BIGINT NOT NULL DEFAULT 0,
    last_seen   BIGINT NOT NULL,
    UNIQUE (provider, login, email)
);
