//! The `[oidc]` table of the settings: single sign-on through an OpenID Connect provider
//! (`AGENTMETER_OIDC_*` in the environment). See README "Single sign-on".

use std::collections::BTreeMap;

use secrecy::SecretString;
use serde::Deserialize;

use crate::domain::Role;
use crate::error::StartupError;

/// Single sign-on; off while `issuer_url` is unset.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OidcSettings {
    /// The provider's issuer, e.g. `https://login.example.com/realms/acme`; its
    /// `/.well-known/openid-configuration` is read from there.
    pub issuer_url: Option<String>,
    /// The client registered for agentmeter at the provider.
    pub client_id: Option<String>,
    /// Its secret; none for a public client (PKCE alone).
    pub client_secret: Option<SecretString>,
    /// Shown on the login page: "Sign in with {provider_name}".
    pub provider_name: String,
    /// Where the provider sends the browser back; register it at the provider. Default:
    /// `public_url` (else `http://` + `bind`) + `/auth/oidc/callback`.
    pub redirect_url: Option<String>,
    /// Scopes asked for besides `openid` (e.g. add `groups` where the provider wants it).
    pub scopes: Vec<String>,
    /// Only e-mail addresses in these domains may sign in; empty lets any domain in.
    pub allowed_email_domains: Vec<String>,
    /// The ID-token claim that lists the person's groups.
    pub groups_claim: String,
    /// Group → team: a user created at first sign-in joins the teams of their groups.
    pub group_teams: BTreeMap<String, String>,
    /// Group → role (admin, manager, developer): a user created at first sign-in gets the
    /// highest role of their groups, developer when none is mapped.
    pub group_roles: BTreeMap<String, String>,
    /// Create a user at their first sign-in (just in time); when false only users an admin
    /// created beforehand (same e-mail) may sign in.
    pub jit_users: bool,
}

impl Default for OidcSettings {
    fn default() -> Self {
        OidcSettings {
            issuer_url: None,
            client_id: None,
            client_secret: None,
            provider_name: "SSO".to_owned(),
            redirect_url: None,
            scopes: vec!["email".to_owned(), "profile".to_owned()],
            allowed_email_domains: Vec::new(),
            groups_claim: "groups".to_owned(),
            group_teams: BTreeMap::new(),
            group_roles: BTreeMap::new(),
            jit_users: false,
        }
    }
}

impl OidcSettings {
    /// Whether single sign-on is configured.
    pub fn enabled(&self) -> bool {
        self.issuer_url.is_some()
    }

    /// Applies `AGENTMETER_OIDC_{name}`.
    pub(super) fn apply_env(&mut self, name: &str, value: &str) -> Result<(), StartupError> {
        let bad = |what: &str| {
            StartupError::Config(format!("AGENTMETER_OIDC_{name}={value:?}: expected {what}"))
        };
        match name {
            "ISSUER_URL" => self.issuer_url = Some(value.to_owned()),
            "CLIENT_ID" => self.client_id = Some(value.to_owned()),
            "CLIENT_SECRET" => self.client_secret = Some(SecretString::from(value.to_owned())),
            "PROVIDER_NAME" => self.provider_name = value.to_owned(),
            "REDIRECT_URL" => self.redirect_url = Some(value.to_owned()),
            "SCOPES" => self.scopes = list(value),
            "ALLOWED_EMAIL_DOMAINS" => self.allowed_email_domains = list(value),
            "GROUPS_CLAIM" => self.groups_claim = value.to_owned(),
            "GROUP_TEAMS" => self.group_teams = pairs(value).ok_or_else(|| bad("group=team,…"))?,
            "GROUP_ROLES" => self.group_roles = pairs(value).ok_or_else(|| bad("group=role,…"))?,
            "JIT_USERS" => {
                self.jit_users = super::parse_bool(value).ok_or_else(|| bad("true or false"))?
            }
            // Variables read elsewhere are not settings.
            _ => {}
        }
        Ok(())
    }

    pub(super) fn validate(&self) -> Result<(), StartupError> {
        let bad = |message: String| Err(StartupError::Config(format!("oidc: {message}")));
        let Some(issuer) = &self.issuer_url else {
            return Ok(());
        };
        if url::Url::parse(issuer).is_err() {
            return bad(format!("issuer_url {issuer:?} is not a URL"));
        }
        if self.client_id.as_deref().is_none_or(str::is_empty) {
            return bad("client_id is required with issuer_url".to_owned());
        }
        if let Some(redirect) = &self.redirect_url {
            if url::Url::parse(redirect).is_err() {
                return bad(format!("redirect_url {redirect:?} is not a URL"));
            }
        }
        for (group, role) in &self.group_roles {
            if Role::try_from(role.as_str()).is_err() {
                return bad(format!(
                    "group_roles: {group:?} = {role:?}: a role is admin, manager or developer"
                ));
            }
        }
        Ok(())
    }
}

/// `a, b,c` → `["a", "b", "c"]`.
fn list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `g1=Team A, g2=Team B` → a map; None when an item has no `=`.
fn pairs(value: &str) -> Option<BTreeMap<String, String>> {
    list(value)
        .iter()
        .map(|item| {
            let (key, value) = item.split_once('=')?;
            Some((key.trim().to_owned(), value.trim().to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_lists_and_maps_are_comma_separated() {
        let mut oidc = OidcSettings::default();
        oidc.apply_env("ALLOWED_EMAIL_DOMAINS", "example.com, example.org")
            .expect("domains");
        oidc.apply_env("GROUP_TEAMS", "eng-pay=Payments, eng-web = Web")
            .expect("teams");
        assert_eq!(oidc.allowed_email_domains, ["example.com", "example.org"]);
        assert_eq!(oidc.group_teams["eng-web"], "Web");
        assert!(oidc.apply_env("GROUP_ROLES", "admins").is_err());
    }

    #[test]
    fn oidc_variables_reach_the_oidc_table_and_password_login_off_needs_it() {
        let env = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(k, v)| (format!("AGENTMETER_{k}"), v.to_string()))
                .collect()
        };
        let settings = super::super::Settings::load(
            None,
            env(&[
                ("OIDC_ISSUER_URL", "https://idp.example.com"),
                ("OIDC_CLIENT_ID", "agentmeter"),
                ("OIDC_JIT_USERS", "yes"),
                ("PASSWORD_LOGIN", "false"),
            ]),
        )
        .expect("loads");
        assert!(settings.oidc.enabled() && settings.oidc.jit_users && !settings.password_login);
        let err = super::super::Settings::load(None, env(&[("PASSWORD_LOGIN", "off")]))
            .expect_err("no way to sign in");
        assert!(err.to_string().contains("password_login"), "{err}");
    }

    #[test]
    fn an_unknown_role_or_a_missing_client_id_is_refused() {
        let mut oidc = OidcSettings {
            issuer_url: Some("https://idp.example.com".into()),
            ..OidcSettings::default()
        };
        assert!(oidc.validate().is_err(), "client_id missing");
        oidc.client_id = Some("agentmeter".into());
        oidc.group_roles.insert("ops".into(), "owner".into());
        assert!(oidc.validate().is_err(), "owner is no role");
        oidc.group_roles.insert("ops".into(), "admin".into());
        assert!(oidc.validate().is_ok());
    }
}
