-- Issue 11: usage_hourly is written only by a usage upload (store::rollup, inside
-- store::usage::upsert_batch), and every new bucket paid for two things no reader needs:
-- * the foreign key to users, checked once per inserted row (one SELECT ... FOR KEY SHARE each):
--   the upload takes that lock on its user once per batch already, as for usage_events since
--   0008, and deleting a user still deletes their buckets, through the trigger below;
-- * the (user_id, hour) index: the bucket key's unique index starts with the same two columns
--   and serves the same lookups.
-- Measured in docs/bench-ingest.md: the rollup upsert of a 5,000-event batch (about 340 new
-- buckets) goes from about 6 to 3 ms.
ALTER TABLE usage_hourly DROP CONSTRAINT usage_hourly_user_id_fkey;
DROP INDEX usage_hourly_user_hour;

CREATE FUNCTION usage_delete_of_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM usage_events WHERE user_id = OLD.id;
    DELETE FROM usage_hourly WHERE user_id = OLD.id;
    RETURN OLD;
END
$$;
DROP TRIGGER users_delete_usage_events ON users;
DROP FUNCTION usage_events_delete_of_user();
CREATE TRIGGER users_delete_usage BEFORE DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION usage_delete_of_user();
