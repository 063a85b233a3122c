//! Newtypes parsed at the edges: a value of one of these types is already valid.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// What a user may see and do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything.
    Admin,
    /// The teams they manage, and their own data.
    Manager,
    /// Their own data only.
    Developer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Developer => "developer",
        }
    }
}

impl TryFrom<&str> for Role {
    type Error = Error;

    fn try_from(value: &str) -> Result<Role> {
        match value.trim().to_ascii_lowercase().as_str() {
            "admin" => Ok(Role::Admin),
            "manager" => Ok(Role::Manager),
            "developer" => Ok(Role::Developer),
            other => Err(Error::BadRequest(format!(
                "role must be admin, manager or developer (got {other:?})"
            ))),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A syntactically plausible email address, stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Email(String);

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for Email {
    type Error = Error;

    fn try_from(value: &str) -> Result<Email> {
        let value = value.trim().to_lowercase();
        let valid = value.len() <= 254
            && !value.chars().any(|c| c.is_whitespace() || c.is_control())
            && matches!(value.split_once('@'), Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
        if valid {
            Ok(Email(value))
        } else {
            Err(Error::BadRequest(format!(
                "{value:?} is not an email address"
            )))
        }
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A team name: 1 to 80 printable characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct TeamName(String);

impl TeamName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for TeamName {
    type Error = Error;

    fn try_from(value: &str) -> Result<TeamName> {
        let value = value.trim();
        if value.is_empty() || value.chars().count() > 80 || value.chars().any(char::is_control) {
            return Err(Error::BadRequest(format!(
                "team name must be 1 to 80 printable characters (got {value:?})"
            )));
        }
        Ok(TeamName(value.to_owned()))
    }
}

/// A display name: 1 to 120 printable characters, trimmed.
pub fn person_name(value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > 120 || value.chars().any(char::is_control) {
        return Err(Error::BadRequest(format!(
            "name must be 1 to 120 printable characters (got {value:?})"
        )));
    }
    Ok(value.to_owned())
}

/// A GitHub or GitLab login, stored lower-case (both services treat logins case-insensitively).
pub fn forge_login(value: &str) -> Result<String> {
    let value = value.trim().trim_start_matches('@').to_lowercase();
    let valid = !value.is_empty()
        && value.len() <= 100
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(value)
    } else {
        Err(Error::BadRequest(format!(
            "{value:?} is not a GitHub/GitLab login"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::try_from("  Ada@Example.COM ")
                .expect("valid")
                .as_str(),
            "ada@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_rejected() {
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "a b@example.com",
            "a@b@c",
        ] {
            assert!(Email::try_from(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn roles_parse_case_insensitively_and_reject_others() {
        assert_eq!(Role::try_from("Manager").expect("valid"), Role::Manager);
        assert!(Role::try_from("owner").is_err());
    }

    #[test]
    fn logins_drop_a_leading_at_sign() {
        assert_eq!(forge_login("@Octocat").expect("valid"), "octocat");
        assert!(forge_login("not valid").is_err());
    }
}
