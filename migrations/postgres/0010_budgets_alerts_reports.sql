-- Issue 13: monthly budgets, alerts (rules, per-user subscriptions, outgoing webhooks, history and
-- their deliveries), notification preferences, the monthly cost report's send ledger, and the
-- jobs the in-process scheduler claims. Times are epoch milliseconds (BIGINT), as everywhere;
-- money is whole cents. Outbox rows (report sends, alert deliveries) are claimed before they are
-- sent: status 'sending' with a lease in claimed_until, so that several servers on one database,
-- or one restarted after a crash, send each row once.

-- One monthly budget per team, and one for the organisation (team_id NULL).
CREATE TABLE budgets (
    id             BIGSERIAL PRIMARY KEY,
    team_id        BIGINT REFERENCES teams(id) ON DELETE CASCADE,
    basis          TEXT NOT NULL CHECK (basis IN ('api_equivalent', 'plan_spend')),
    monthly_cents  BIGINT NOT NULL CHECK (monthly_cents > 0),
    updated_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX budgets_one_per_scope ON budgets (COALESCE(team_id, 0));

-- Organisation-wide switch of each kind of alert; `days` is the quiet spell of uploads_stopped.
CREATE TABLE alert_rules (
    kind     TEXT PRIMARY KEY,
    enabled  BOOLEAN NOT NULL,
    days     BIGINT
);
INSERT INTO alert_rules (kind, enabled, days) VALUES
    ('budget_forecast_over', TRUE, NULL),
    ('budget_actual_80', TRUE, NULL),
    ('budget_actual_100', TRUE, NULL),
    ('critical_pr_unreviewed', TRUE, NULL),
    ('uploads_stopped', TRUE, 7);

-- A manager's or admin's choice of alerts by e-mail; no row = yes.
CREATE TABLE alert_subscriptions (
    user_id  BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL REFERENCES alert_rules(kind) ON DELETE CASCADE,
    email    BOOLEAN NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- A user's opt-out of the monthly cost report; no row = receives it (if a manager or admin).
CREATE TABLE notification_preferences (
    user_id              BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    monthly_cost_report  BOOLEAN NOT NULL,
    updated_at           BIGINT NOT NULL
);

-- Outgoing webhooks every alert is posted to: generic JSON signed with HMAC-SHA256, or Slack's
-- incoming-webhook format.
CREATE TABLE alert_webhooks (
    id          BIGSERIAL PRIMARY KEY,
    url         TEXT NOT NULL,
    format      TEXT NOT NULL CHECK (format IN ('json', 'slack')),
    secret      TEXT NOT NULL,
    enabled     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT NOT NULL
);

-- Alert history: at most one alert per kind, subject and period.
CREATE TABLE alerts (
    id         BIGSERIAL PRIMARY KEY,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    period     TEXT NOT NULL,
    title      TEXT NOT NULL,
    detail     TEXT NOT NULL,
    link       TEXT,
    raised_at  BIGINT NOT NULL,
    UNIQUE (kind, subject, period)
);
CREATE INDEX alerts_raised ON alerts (raised_at);

-- One delivery per alert and recipient (an e-mail address or a webhook).
CREATE TABLE alert_deliveries (
    id               BIGSERIAL PRIMARY KEY,
    alert_id         BIGINT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    email            TEXT,
    webhook_id       BIGINT REFERENCES alert_webhooks(id) ON DELETE CASCADE,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT,
    claimed_by       TEXT,
    claimed_until    BIGINT,
    last_error       TEXT,
    sent_at          BIGINT,
    CHECK ((email IS NULL) <> (webhook_id IS NULL)),
    UNIQUE (alert_id, email),
    UNIQUE (alert_id, webhook_id)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);

-- The monthly cost report's send ledger: one row per (month, recipient), claimed before sending.
CREATE TABLE cost_report_sends (
    id               BIGSERIAL PRIMARY KEY,
    month            TEXT NOT NULL,
    user_id          BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email            TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT,
    claimed_by       TEXT,
    claimed_until    BIGINT,
    last_error       TEXT,
    sent_at          BIGINT,
    message          BYTEA,
    created_at       BIGINT NOT NULL,
    UNIQUE (month, user_id)
);
CREATE INDEX cost_report_sends_due ON cost_report_sends (status, next_attempt_at);

-- Scheduler jobs, one row per job and period, claimed with a lease by one server at a time.
CREATE TABLE scheduled_jobs (
    job            TEXT NOT NULL,
    period         TEXT NOT NULL,
    claimed_by     TEXT NOT NULL,
    claimed_until  BIGINT NOT NULL,
    finished_at    BIGINT,
    PRIMARY KEY (job, period)
);
