-- The shared library of skills and hooks (issue 12).
--
-- An item (a skill or a hook) belongs to one team, or to the whole organisation (team_id NULL);
-- its name is unique within that team. Versions are immutable: a version's files never change
-- after publishing, and `content_hash` (sha256 over its sorted paths and file hashes) names its
-- content. A version is 'pending' until a reviewer approves or rejects it.
CREATE TABLE library_items (
    id            INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('skill', 'hook')),
    name          TEXT NOT NULL,
    team_id       INTEGER REFERENCES teams(id) ON DELETE CASCADE,
    owner_id      INTEGER NOT NULL REFERENCES users(id),
    description   TEXT NOT NULL,
    tags          TEXT NOT NULL DEFAULT '[]',
    created_at    INTEGER NOT NULL,
    withdrawn_at  INTEGER,
    withdrawn_by  INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX library_items_name_per_team ON library_items (COALESCE(team_id, 0), name);

CREATE TABLE library_versions (
    id            INTEGER PRIMARY KEY,
    item_id       INTEGER NOT NULL REFERENCES library_items(id) ON DELETE CASCADE,
    version       INTEGER NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    author_id     INTEGER NOT NULL REFERENCES users(id),
    description   TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    size_bytes    INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    reviewer_id   INTEGER REFERENCES users(id),
    reviewed_at   INTEGER,
    review_note   TEXT,
    UNIQUE (item_id, version)
);
CREATE INDEX library_versions_status ON library_versions (status);

-- The files of a version, UTF-8 text only.
CREATE TABLE library_files (
    version_id  INTEGER NOT NULL REFERENCES library_versions(id) ON DELETE CASCADE,
    path        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    executable  INTEGER NOT NULL DEFAULT 0,
    content     TEXT NOT NULL,
    PRIMARY KEY (version_id, path)
);

-- Who synced which version: the first and the last sync that brought it to their machine.
CREATE TABLE library_installs (
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    version_id       INTEGER NOT NULL REFERENCES library_versions(id) ON DELETE CASCADE,
    first_synced_at  INTEGER NOT NULL,
    last_synced_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, version_id)
);
CREATE INDEX library_installs_version ON library_installs (version_id);
