-- Plan catalog, seat assignments and the hourly usage rollup (metrics, issue 5).
-- The catalog is seeded in code at startup when empty (agentmeter_metrics::catalog::default_plans);
-- dates are ISO 'YYYY-MM-DD' text, inclusive; money in API-equivalent US dollars.
CREATE TABLE plan_catalog (
    id                  BIGSERIAL PRIMARY KEY,
    vendor              TEXT NOT NULL,
    name                TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('flat', 'usage-based', 'not-comparable')),
    usd_per_seat_month  DOUBLE PRECISION,
    limit_5h_usd        DOUBLE PRECISION,
    limit_week_usd      DOUBLE PRECISION,
    valid_from          TEXT,
    valid_to            TEXT,
    source              TEXT NOT NULL,
    notes               TEXT NOT NULL DEFAULT '',
    updated_at          BIGINT NOT NULL
);
CREATE INDEX plan_catalog_vendor ON plan_catalog (vendor, name);

-- A developer's current plan per vendor; no row = pay-as-you-go. Supersedes seat_plans (0001),
-- whose free-text plan names could not be priced.
CREATE TABLE seat_assignments (
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    vendor      TEXT NOT NULL,
    plan_id     BIGINT NOT NULL REFERENCES plan_catalog(id),
    since       BIGINT NOT NULL,
    PRIMARY KEY (user_id, vendor)
);
CREATE INDEX seat_assignments_plan ON seat_assignments (plan_id);

-- Usage summed per user, UTC hour (epoch ms of its start) and dimension, exact to usage_events:
-- every upload recomputes the (user, hour) buckets it touched from the raw events.
-- priced = 0 rows hold events whose cost is unknown (cost_usd NULL); priced = 1 rows sum known costs.
CREATE TABLE usage_hourly (
    user_id             BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hour                BIGINT NOT NULL,
    tool                TEXT NOT NULL,
    model               TEXT NOT NULL,
    project             TEXT,
    repository          TEXT,
    session_id          TEXT NOT NULL,
    priced              BIGINT NOT NULL,
    events              BIGINT NOT NULL,
    input_tokens        BIGINT NOT NULL,
    output_tokens       BIGINT NOT NULL,
    cache_write_tokens  BIGINT NOT NULL,
    cache_read_tokens   BIGINT NOT NULL,
    cost_usd            DOUBLE PRECISION,
    edits               BIGINT NOT NULL,
    edits_unreviewed    BIGINT NOT NULL
);
CREATE INDEX usage_hourly_user_hour ON usage_hourly (user_id, hour);
CREATE INDEX usage_hourly_hour ON usage_hourly (hour);
