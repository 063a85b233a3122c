-- Review outcomes: repositories, pull requests and their reviews from GitHub/GitLab webhooks,
-- pushes, commits from the git collector, webhook deliveries and identities matched to no user.
-- Times are Unix epoch milliseconds (UTC); lists are JSON arrays in TEXT; flags are 0/1.

-- A repository, named `host/owner/name` in lower case. The webhook secret is write-only.
CREATE TABLE repositories (
    id                     INTEGER PRIMARY KEY,
    name                   TEXT NOT NULL UNIQUE,
    provider               TEXT NOT NULL CHECK (provider IN ('github', 'gitlab', 'git')),
    webhook_secret         TEXT,
    webhook_secret_set_at  INTEGER,
    critical_globs         TEXT NOT NULL DEFAULT '[]',
    last_event_at          INTEGER,
    created_at             INTEGER NOT NULL
);

-- Global webhook secrets set on the admin page (the settings file's secrets apply when absent).
CREATE TABLE webhook_secrets (
    provider    TEXT PRIMARY KEY CHECK (provider IN ('github', 'gitlab')),
    secret      TEXT NOT NULL,
    set_at      INTEGER NOT NULL
);

-- One row per delivery accepted: a replay of the same key adds nothing.
CREATE TABLE webhook_deliveries (
    id             INTEGER PRIMARY KEY,
    provider       TEXT NOT NULL,
    delivery_key   TEXT NOT NULL,
    event          TEXT NOT NULL,
    repository_id  INTEGER REFERENCES repositories(id) ON DELETE SET NULL,
    received_at    INTEGER NOT NULL,
    UNIQUE (provider, delivery_key)
);

-- A pull (merge) request with its cached classification. The body is never stored: only the
-- AI markers found in it.
CREATE TABLE pull_requests (
    id                  INTEGER PRIMARY KEY,
    repository_id       INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    number              INTEGER NOT NULL,
    url                 TEXT NOT NULL,
    title               TEXT NOT NULL,
    author_login        TEXT,
    author_forge_id     INTEGER,
    author_email        TEXT,
    author_user_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    head_branch         TEXT NOT NULL,
    base_branch         TEXT NOT NULL,
    body_ai_markers     TEXT NOT NULL DEFAULT '[]',
    state               TEXT NOT NULL CHECK (state IN ('open', 'closed', 'merged')),
    created_at          INTEGER NOT NULL,
    merged_at           INTEGER,
    closed_at           INTEGER,
    lines_added         INTEGER,
    lines_removed       INTEGER,
    ai_assisted         INTEGER NOT NULL DEFAULT 0,
    ai_reasons          TEXT NOT NULL DEFAULT '[]',
    critical            INTEGER NOT NULL DEFAULT 0,
    critical_paths      TEXT NOT NULL DEFAULT '[]',
    outcome             TEXT CHECK (outcome IN ('approved', 'unreviewed', 'rubber-stamped')),
    change_size         INTEGER NOT NULL DEFAULT 0,
    first_review_at     INTEGER,
    updated_at          INTEGER NOT NULL,
    UNIQUE (repository_id, number)
);
CREATE INDEX pull_requests_merged ON pull_requests (merged_at);
CREATE INDEX pull_requests_author ON pull_requests (author_user_id);

-- A review or GitLab approval; `review_key` is GitHub's review id or the approval's reviewer+time.
CREATE TABLE reviews (
    id                 INTEGER PRIMARY KEY,
    pull_request_id    INTEGER NOT NULL REFERENCES pull_requests(id) ON DELETE CASCADE,
    review_key         TEXT NOT NULL,
    reviewer_login     TEXT NOT NULL,
    reviewer_forge_id  INTEGER,
    reviewer_user_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    state              TEXT NOT NULL,
    submitted_at       INTEGER NOT NULL,
    dismissed          INTEGER NOT NULL DEFAULT 0,
    UNIQUE (pull_request_id, review_key)
);

-- Times new code reached a branch: push events and PR `synchronize` deliveries.
CREATE TABLE pushes (
    id             INTEGER PRIMARY KEY,
    repository_id  INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    branch         TEXT NOT NULL,
    head_sha       TEXT NOT NULL,
    pushed_at      INTEGER NOT NULL,
    UNIQUE (repository_id, branch, head_sha, pushed_at)
);

-- Commits named by push events, with the paths they touched (no line counts in payloads).
CREATE TABLE pushed_commits (
    id             INTEGER PRIMARY KEY,
    repository_id  INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    branch         TEXT NOT NULL,
    sha            TEXT NOT NULL,
    committed_at   INTEGER NOT NULL,
    author_email   TEXT,
    author_login   TEXT,
    paths          TEXT NOT NULL DEFAULT '[]',
    ai_markers     TEXT NOT NULL DEFAULT '[]',
    UNIQUE (repository_id, branch, sha)
);

-- Commits from `agentmeter collect git`, idempotent by (repository, sha).
CREATE TABLE commits (
    id                  INTEGER PRIMARY KEY,
    repository          TEXT NOT NULL,
    sha                 TEXT NOT NULL,
    parents             TEXT NOT NULL DEFAULT '[]',
    author_email        TEXT NOT NULL,
    author_name         TEXT NOT NULL,
    author_user_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    authored_at         INTEGER NOT NULL,
    committed_at        INTEGER NOT NULL,
    paths               TEXT NOT NULL DEFAULT '[]',
    lines_added         INTEGER NOT NULL,
    lines_removed       INTEGER NOT NULL,
    test_lines_added    INTEGER NOT NULL,
    test_lines_removed  INTEGER NOT NULL,
    ai_markers          TEXT NOT NULL DEFAULT '[]',
    branches            TEXT NOT NULL DEFAULT '[]',
    uploaded_by         INTEGER REFERENCES users(id) ON DELETE SET NULL,
    received_at         INTEGER NOT NULL,
    UNIQUE (repository, sha)
);
CREATE INDEX commits_authored ON commits (authored_at);

-- Forge logins and commit emails seen in events: matched to a user by an admin, or still
-- unmatched (`user_id` NULL). Never deleted, so no author is dropped.
CREATE TABLE identities (
    id          INTEGER PRIMARY KEY,
    provider    TEXT NOT NULL CHECK (provider IN ('github', 'gitlab', 'git')),
    login       TEXT NOT NULL,
    email       TEXT NOT NULL,
    user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
    events      INTEGER NOT NULL DEFAULT 0,
    last_seen   INTEGER NOT NULL,
    UNIQUE (provider, login, email)
);
