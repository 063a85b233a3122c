-- Reviews (issue 14): the answer to an alert. A critical, AI-assisted pull request merged without
-- review is acknowledged by a manager of the author's team (or an admin), who assigns a user to
-- review it after the merge, with an optional note. One row per pull request: acknowledging it
-- again replaces the row (the audit log keeps every version). Times are epoch ms.
CREATE TABLE review_acknowledgements (
    pull_request_id   BIGINT PRIMARY KEY REFERENCES pull_requests(id) ON DELETE CASCADE,
    acknowledged_by   BIGINT REFERENCES users(id) ON DELETE SET NULL,
    acknowledged_at   BIGINT NOT NULL,
    reviewer_user_id  BIGINT REFERENCES users(id) ON DELETE SET NULL,
    note              TEXT
);
