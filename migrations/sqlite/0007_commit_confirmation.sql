-- Security issue #10: a commit counts for its author only when the author's own collector sent
-- it, or a signed webhook push from the forge carries it (checked when reading). A colleague's
-- upload of someone else's commit is kept for PR classification, marked unconfirmed.
ALTER TABLE commits ADD COLUMN author_confirmed INTEGER NOT NULL DEFAULT 0;
UPDATE commits SET author_confirmed = 1 WHERE author_user_id IS NOT NULL AND uploaded_by = author_user_id;
CREATE INDEX pushed_commits_sha ON pushed_commits (sha);
