//! Critical paths: per-repository globs (`migrations/**`, `**/auth/**`, `billing/**`) naming the
//! files whose changes need the strictest review.
//!
//! Globs match repository-relative paths; `*` stays within one path segment, `**` spans any
//! number of segments (including none), matching is case-sensitive as paths are.

use std::fmt;

use globset::{GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};

use crate::ReviewsError;

/// A validated critical-path glob. Parse, don't validate: build it with `TryFrom`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CriticalGlob {
    pattern: String,
    matcher: GlobMatcher,
}

impl CriticalGlob {
    /// The glob as written.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }

    /// Whether a repository-relative path matches.
    pub fn is_match(&self, path: &str) -> bool {
        self.matcher.is_match(path)
    }
}

impl TryFrom<&str> for CriticalGlob {
    type Error = ReviewsError;

    fn try_from(pattern: &str) -> Result<Self, Self::Error> {
        let pattern = pattern.trim();
        let invalid = |reason: &str| ReviewsError::InvalidGlob {
            glob: pattern.to_string(),
            reason: reason.to_string(),
        };
        if pattern.is_empty() {
            return Err(invalid("empty"));
        }
        if pattern.starts_with('/') || pattern.contains('\\') {
            return Err(invalid(
                "use a repository-relative path with forward slashes",
            ));
        }
        if pattern.len() > 500 {
            return Err(invalid("longer than 500 characters"));
        }
        let glob = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| invalid(&e.kind().to_string()))?;
        Ok(CriticalGlob {
            pattern: pattern.to_string(),
            matcher: glob.compile_matcher(),
        })
    }
}

impl TryFrom<String> for CriticalGlob {
    type Error = ReviewsError;

    fn try_from(pattern: String) -> Result<Self, Self::Error> {
        CriticalGlob::try_from(pattern.as_str())
    }
}

impl From<CriticalGlob> for String {
    fn from(glob: CriticalGlob) -> String {
        glob.pattern
    }
}

impl PartialEq for CriticalGlob {
    fn eq(&self, other: &Self) -> bool {
        self.pattern == other.pattern
    }
}

impl Eq for CriticalGlob {}

impl fmt::Display for CriticalGlob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.pattern)
    }
}

/// The critical-path globs of one repository, compiled together.
#[derive(Debug, Clone)]
pub struct CriticalPaths {
    globs: Vec<CriticalGlob>,
    set: GlobSet,
}

impl CriticalPaths {
    /// Compiles a repository's globs.
    pub fn new(globs: Vec<CriticalGlob>) -> Self {
        let mut builder = GlobSetBuilder::new();
        for glob in &globs {
            // Each pattern already compiled alone in `CriticalGlob::try_from`.
            if let Ok(g) = GlobBuilder::new(glob.as_str())
                .literal_separator(true)
                .build()
            {
                builder.add(g);
            }
        }
        let set = builder.build().unwrap_or_else(|_| GlobSet::empty());
        CriticalPaths { globs, set }
    }

    /// Parses and compiles glob strings, failing on the first invalid one.
    pub fn parse<S: AsRef<str>>(patterns: &[S]) -> Result<Self, ReviewsError> {
        let globs = patterns
            .iter()
            .map(|p| CriticalGlob::try_from(p.as_ref()))
            .collect::<Result<_, _>>()?;
        Ok(CriticalPaths::new(globs))
    }

    pub fn globs(&self) -> &[CriticalGlob] {
        &self.globs
    }

    /// Whether a path matches any glob.
    pub fn is_critical(&self, path: &str) -> bool {
        self.set.is_match(path)
    }

    /// The given paths that match any glob, sorted and without repeats.
    pub fn matching<'a, I: IntoIterator<Item = &'a str>>(&self, paths: I) -> Vec<String> {
        let mut hits: Vec<String> = paths
            .into_iter()
            .filter(|p| self.is_critical(p))
            .map(str::to_string)
            .collect();
        hits.sort();
        hits.dedup();
        hits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_examples_match_the_paths_they_name() {
        let critical =
            CriticalPaths::parse(&["migrations/**", "**/auth/**", "billing/**"]).expect("valid");
        for path in [
            "migrations/001_init.sql",
            "server/src/auth/session.rs",
            "auth/mod.rs",
            "billing/invoice.rs",
        ] {
            assert!(critical.is_critical(path), "{path}");
        }
        for path in [
            "src/migrations.rs",
            "server/authz/mod.rs",
            "docs/billing.md",
            "web/billing/x.ts",
        ] {
            assert!(!critical.is_critical(path), "{path}");
        }
    }

    #[test]
    fn matching_returns_the_critical_paths_once_in_order() {
        let critical = CriticalPaths::parse(&["billing/**"]).expect("valid");
        let hits = critical.matching(["src/a.rs", "billing/z.rs", "billing/a.rs", "billing/z.rs"]);
        assert_eq!(hits, vec!["billing/a.rs", "billing/z.rs"]);
    }

    #[test]
    fn invalid_globs_are_refused_with_the_glob_named() {
        for bad in ["", "   ", "/etc/**", "src\\auth", "src/[a"] {
            assert!(
                matches!(
                    CriticalGlob::try_from(bad),
                    Err(ReviewsError::InvalidGlob { .. })
                ),
                "{bad:?}"
            );
        }
        let glob = CriticalGlob::try_from(" **/auth/** ").expect("valid");
        assert_eq!(glob.as_str(), "**/auth/**");
        assert_eq!(
            serde_json::to_string(&glob).expect("serializes"),
            "\"**/auth/**\""
        );
        assert!(serde_json::from_str::<CriticalGlob>("\"src/[a\"").is_err());
    }
}
