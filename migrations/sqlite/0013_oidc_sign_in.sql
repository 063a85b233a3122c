-- OIDC single sign-on (issue 16). A person is known to the identity provider by (issuer, subject),
-- which stays when their e-mail changes; one agentmeter user per subject of an issuer.
CREATE TABLE oidc_identities (
    issuer      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_user ON oidc_identities (user_id);

-- Sign-ins on their way through the identity provider: the state (stored as its hash), the nonce
-- the ID token must carry and the PKCE verifier, kept in the database so that any instance can
-- finish a sign-in another one started. Used once, then deleted; expired ones are purged.
CREATE TABLE oidc_pending_logins (
    state_hash     TEXT PRIMARY KEY,
    nonce          TEXT NOT NULL,
    pkce_verifier  TEXT NOT NULL,
    next_path      TEXT,
    expires_at     INTEGER NOT NULL
);
CREATE INDEX oidc_pending_logins_expiry ON oidc_pending_logins (expires_at);
