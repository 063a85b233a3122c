-- Issue 11: uploaded_edit_decisions is written only by a usage upload, in the transaction of
-- store::usage::upsert_batch, which locks its user once (SELECT ... FOR KEY SHARE) before it
-- writes. Each decision row still paid for what usage_events and usage_hourly no longer do
-- (0008, 0018, 0019):
-- * the foreign key to users, one more SELECT ... FOR KEY SHARE per row: deleting a user still
--   deletes their decisions, through the trigger below;
-- * its unique key compared under the database's locale: a request key and a tool name are
--   identifiers, equality is all any statement asks of them, and bytewise order ("C") answers it
--   the same with memcmp. Changing the collation rebuilds the key's index; the rows stay.
-- Measured in docs/bench-ingest.md.
ALTER TABLE uploaded_edit_decisions DROP CONSTRAINT uploaded_edit_decisions_user_id_fkey;
ALTER TABLE uploaded_edit_decisions
    ALTER COLUMN dedupe_key TYPE TEXT COLLATE "C",
    ALTER COLUMN tool_name TYPE TEXT COLLATE "C";

CREATE OR REPLACE FUNCTION usage_delete_of_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM usage_events WHERE user_id = OLD.id;
    DELETE FROM usage_hourly WHERE user_id = OLD.id;
    DELETE FROM uploaded_edit_decisions WHERE user_id = OLD.id;
    RETURN OLD;
END
$$;
