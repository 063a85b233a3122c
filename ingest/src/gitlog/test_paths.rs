//! Which changed files are tests: configurable glob patterns over repository-relative paths.

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use crate::error::Error;

/// The default test-file patterns.
pub const DEFAULT_TEST_PATTERNS: [&str; 8] = [
    "**/tests/**",
    "**/test/**",
    "**/*_test.*",
    "**/*.test.*",
    "**/*_spec.*",
    "**/*.spec.*",
    "**/__tests__/**",
    "**/test_*.py",
];

/// A compiled set of test-file globs. `*` does not cross `/`; `**` does.
#[derive(Debug, Clone)]
pub struct TestPathPatterns {
    patterns: Vec<String>,
    set: GlobSet,
}

impl TestPathPatterns {
    /// Compiles the given patterns; an invalid glob is an error naming it.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<Self, Error> {
        let mut builder = GlobSetBuilder::new();
        for pattern in patterns {
            builder.add(compile_glob(pattern.as_ref())?);
        }
        let set = builder.build().map_err(|e| Error::BadPattern {
            pattern: patterns
                .iter()
                .map(|p| p.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            reason: e.to_string(),
        })?;
        Ok(Self {
            patterns: patterns.iter().map(|p| p.as_ref().to_string()).collect(),
            set,
        })
    }

    /// The patterns as given.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// Whether a repository-relative path is a test file.
    pub fn is_test(&self, path: &str) -> bool {
        self.set.is_match(path)
    }
}

impl Default for TestPathPatterns {
    fn default() -> Self {
        let set = DEFAULT_TEST_PATTERNS
            .iter()
            .filter_map(|p| compile_glob(p).ok())
            .fold(GlobSetBuilder::new(), |mut b, g| {
                b.add(g);
                b
            })
            .build()
            .unwrap_or_else(|_| GlobSet::empty());
        Self {
            patterns: DEFAULT_TEST_PATTERNS
                .iter()
                .map(|p| p.to_string())
                .collect(),
            set,
        }
    }
}

/// One glob with `*` confined to a path segment.
pub(crate) fn compile_glob(pattern: &str) -> Result<Glob, Error> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| Error::BadPattern {
            pattern: pattern.to_string(),
            reason: e.kind().to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_patterns_classify_common_test_layouts() {
        let patterns = TestPathPatterns::default();
        for path in [
            "tests/main.rs",
            "server/tests/api.rs",
            "pkg/test/util.go",
            "pkg/store_test.go",
            "web/app.test.ts",
            "lib/user_spec.rb",
            "src/app.spec.js",
            "src/__tests__/button.jsx",
            "test_models.py",
            "app/test_views.py",
        ] {
            assert!(patterns.is_test(path), "{path} should be a test");
        }
        for path in [
            "src/main.rs",
            "testing/notes.md",
            "latest/x.rs",
            "contest.py",
            "src/tester.rs",
        ] {
            assert!(!patterns.is_test(path), "{path} should not be a test");
        }
    }

    #[test]
    fn custom_patterns_replace_the_defaults_and_bad_ones_are_rejected() {
        let patterns = TestPathPatterns::new(&["qa/**"]).expect("valid glob");
        assert!(patterns.is_test("qa/smoke.sh"));
        assert!(!patterns.is_test("tests/main.rs"));
        assert!(matches!(
            TestPathPatterns::new(&["src/[a"]),
            Err(Error::BadPattern { .. })
        ));
    }
}
