-- Issue 13: monthly budgets, alerts (rules, per-user subscriptions, outgoing webhooks, history and
-- their deliveries), notification preferences, the monthly cost report's send ledger, and the
-- jobs the in-process scheduler claims. Times are epoch milliseconds, as everywhere; money is
-- whole cents; flags are INTEGER 0/1. Outbox rows (report sends, alert deliveries) are claimed
-- before they are sent: status 'sending' with a lease in claimed_until, so that a server
-- restarted after a crash sends each row once. (PostgreSQL has the same tables, native types.)

-- One monthly budget per team, and one for the organisation (team_id NULL).
CREATE TABLE budgets (
    id             INTEGER PRIMARY KEY,
    team_id        INTEGER REFERENCES teams(id) ON DELETE CASCADE,
    basis          TEXT NOT NULL CHECK (basis IN ('api_equivalent', 'plan_spend')),
    monthly_cents  INTEGER NOT NULL CHECK (monthly_cents > 0),
    updated_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX budgets_one_per_scope ON budgets (COALESCE(team_id, 0));

-- Organisation-wide switch of each kind of alert; `days` is the quiet spell of uploads_stopped.
CREATE TABLE alert_rules (
    kind     TEXT PRIMARY KEY,
    enabled  INTEGER NOT NULL,
    days     INTEGER
);
INSERT INTO alert_rules (kind, enabled, days) VALUES
    ('budget_forecast_over', 1, NULL),
    ('budget_actual_80', 1, NULL),
    ('budget_actual_100', 1, NULL),
    ('critical_pr_unreviewed', 1, NULL),
    ('uploads_stopped', 1, 7);

-- A manager's or admin's choice of alerts by e-mail; no row = yes.
CREATE TABLE alert_subscriptions (
    user_id  INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind     TEXT NOT NULL REFERENCES alert_rules(kind) ON DELETE CASCADE,
    email    INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- A user's opt-out of the monthly cost report; no row = receives it (if a manager or admin).
CREATE TABLE notification_preferences (
    user_id              INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    monthly_cost_report  INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);

-- Outgoing webhooks every alert is posted to: generic JSON signed with HMAC-SHA256, or Slack's
-- incoming-webhook format.
CREATE TABLE alert_webhooks (
    id          INTEGER PRIMARY KEY,
    url         TEXT NOT NULL,
    format      TEXT NOT NULL CHECK (format IN ('json', 'slack')),
    secret      TEXT NOT NULL,
    enabled     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL
);

-- Alert history: at most one alert per kind, subject and period.
CREATE TABLE alerts (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    period     TEXT NOT NULL,
    title      TEXT NOT NULL,
    detail     TEXT NOT NULL,
    link       TEXT,
    raised_at  INTEGER NOT NULL,
    UNIQUE (kind, subject, period)
);
CREATE INDEX alerts_raised ON alerts (raised_at);

-- One delivery per alert and recipient (an e-mail address or a webhook).
CREATE TABLE alert_deliveries (
    id               INTEGER PRIMARY KEY,
    alert_id         INTEGER NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
    email            TEXT,
    webhook_id       INTEGER REFERENCES alert_webhooks(id) ON DELETE CASCADE,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER,
    claimed_by       TEXT,
    claimed_until    INTEGER,
    last_error       TEXT,
    sent_at          INTEGER,
    CHECK ((email IS NULL) <> (webhook_id IS NULL)),
    UNIQUE (alert_id, email),
    UNIQUE (alert_id, webhook_id)
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);

-- The monthly cost report's send ledger: one row per (month, recipient), claimed before sending.
CREATE TABLE cost_report_sends (
    id               INTEGER PRIMARY KEY,
    month            TEXT NOT NULL,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email            TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER,
    claimed_by       TEXT,
    claimed_until    INTEGER,
    last_error       TEXT,
    sent_at          INTEGER,
    message          BLOB,
    created_at       INTEGER NOT NULL,
    UNIQUE (month, user_id)
);
CREATE INDEX cost_report_sends_due ON cost_report_sends (status, next_attempt_at);

-- Scheduler jobs, one row per job and period, claimed with a lease by one server at a time.
CREATE TABLE scheduled_jobs (
    job            TEXT NOT NULL,
    period         TEXT NOT NULL,
    claimed_by     TEXT NOT NULL,
    claimed_until  INTEGER NOT NULL,
    finished_at    INTEGER,
    PRIMARY KEY (job, period)
);
