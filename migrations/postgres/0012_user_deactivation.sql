-- People lifecycle (issue 16): a deactivated user keeps their history but can no longer sign in
-- or use their tokens. NULL = active; otherwise when (Unix epoch milliseconds) they were deactivated.
ALTER TABLE users ADD COLUMN deactivated_at BIGINT;
