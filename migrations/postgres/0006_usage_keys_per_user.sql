-- Security issue #10: a request's key is unique per user, not across users (anyone who knew a
-- colleague's message.id:requestId could take that usage over), and the hourly rollup gets the
-- unique key it always implied, so two uploads refreshing the same hours can never both leave
-- their rows. The rollup is rebuilt from the raw events, which repairs any double counts the
-- missing key let in.
ALTER TABLE usage_events DROP CONSTRAINT usage_events_tool_dedupe_key_key;
ALTER TABLE usage_events ADD CONSTRAINT usage_events_user_tool_dedupe_key UNIQUE (user_id, tool, dedupe_key);

DELETE FROM usage_hourly;
INSERT INTO usage_hourly (user_id, hour, tool, model, project, repository, session_id, priced, events,
    input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, cost_usd, edits, edits_unreviewed)
SELECT user_id, (ts / 3600000) * 3600000, tool, model, project, repository, session_id,
    CASE WHEN cost_usd IS NULL THEN 0 ELSE 1 END,
    COUNT(*),
    CAST(SUM(input_tokens) AS BIGINT),
    CAST(SUM(output_tokens) AS BIGINT),
    CAST(SUM(cache_write_5m_tokens + cache_write_1h_tokens) AS BIGINT),
    CAST(SUM(cache_read_tokens) AS BIGINT),
    CAST(SUM(cost_usd) AS DOUBLE PRECISION),
    CAST(SUM(edit_calls) AS BIGINT),
    CAST(SUM(CASE WHEN permission_mode IN ('acceptEdits', 'bypassPermissions') THEN edit_calls ELSE 0 END) AS BIGINT)
FROM usage_events
GROUP BY user_id, (ts / 3600000) * 3600000, tool, model, project, repository, session_id,
    CASE WHEN cost_usd IS NULL THEN 0 ELSE 1 END;

ALTER TABLE usage_hourly ADD CONSTRAINT usage_hourly_bucket
    UNIQUE NULLS NOT DISTINCT (user_id, hour, tool, model, project, repository, session_id, priced);
