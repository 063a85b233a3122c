-- Plan policy (issue 14): which plans the recommendations may propose, set by an admin.
--
-- A vendor with a row here is restricted: only its listed plans (by catalog name, so every dated
-- price of the plan counts) may be recommended, and pay-as-you-go only when allowed. A vendor
-- without a row may be recommended any plan of the catalog. Changes are recorded in audit_log.
CREATE TABLE plan_policy_vendors (
    vendor              TEXT PRIMARY KEY,
    allow_pay_as_you_go BOOLEAN NOT NULL,
    updated_at          BIGINT NOT NULL
);

-- An allowed plan of a restricted vendor; `min_seats`: the plan is only recommended when at
-- least this many developers of the organisation would hold it in the month (1 = no minimum).
CREATE TABLE plan_policy_plans (
    vendor     TEXT NOT NULL REFERENCES plan_policy_vendors(vendor) ON DELETE CASCADE,
    plan_name  TEXT NOT NULL,
    min_seats  BIGINT NOT NULL CHECK (min_seats >= 1),
    PRIMARY KEY (vendor, plan_name)
);
