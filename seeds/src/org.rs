//! Who is in the demo organisation: four teams with their managers and repositories, and 30
//! developers with their GitHub logins, plans, assistants and usage persona.

/// E-mail domain of every demo account.
pub const DOMAIN: &str = "demo.agentmeter.dev";
/// GitHub organisation owning the demo repositories.
pub const GITHUB_ORG: &str = "northwind-demo";
/// Critical-path globs the demo configures on every repository.
pub const CRITICAL_GLOBS: [&str; 2] = ["migrations/**", "**/auth/**"];

/// Claude plan of most developers.
pub const TEAM_STANDARD: &str = "Claude Team Standard seat (2026 pricing)";
/// Claude plan of the heaviest users.
pub const TEAM_PREMIUM: &str = "Claude Team Premium seat (2026 pricing)";
/// ChatGPT plan of the Codex users.
pub const CHATGPT_BUSINESS: &str = "ChatGPT Business standard seat (from 2026-04-02)";
/// ChatGPT plan of the one heavy Codex user.
pub const CHATGPT_PRO_5X: &str = "ChatGPT Pro (5x, $100 tier)";

/// A team, its manager and its main repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Team {
    pub name: &'static str,
    pub manager_name: &'static str,
    pub manager_login: &'static str,
    /// Repository name under [`GITHUB_ORG`].
    pub repository: &'static str,
}

/// How a developer uses assistants in the adoption quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Persona {
    /// Daily heavy user (the motivated minority).
    Power,
    /// Uses an assistant a few days a week.
    Regular,
    /// No plan; pays API prices for steady, moderate use (would save on a flat plan).
    PaygHeavy,
    /// Tries it now and then, on a seat.
    Light,
    /// No plan; tries it now and then (pay-as-you-go is right for them).
    PaygLight,
    /// Has a seat, never started.
    Never,
}

/// A developer of the demo organisation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Developer {
    pub name: &'static str,
    /// GitHub login; the e-mail is `<login>@` [`DOMAIN`].
    pub login: &'static str,
    pub team: &'static str,
    pub persona: Persona,
    /// Claude plan (catalog name); `None` = pay-as-you-go.
    pub claude_plan: Option<&'static str>,
    /// ChatGPT plan (catalog name) for Codex users.
    pub codex_plan: Option<&'static str>,
    /// Share of the developer's assistant spend that goes through Codex (0 = Claude Code only).
    pub codex_share: f64,
}

impl Developer {
    /// The developer's e-mail address.
    pub fn email(&self) -> String {
        format!("{}@{DOMAIN}", self.login)
    }

    /// Whether the developer ever starts using an assistant.
    pub fn starts(&self) -> bool {
        self.persona != Persona::Never
    }
}

/// The four teams.
pub const TEAMS: [Team; 4] = [
    Team {
        name: "Platform",
        manager_name: "Maria Lopez",
        manager_login: "maria.lopez",
        repository: "platform-infra",
    },
    Team {
        name: "Payments",
        manager_name: "James Okafor",
        manager_login: "james.okafor",
        repository: "payments-api",
    },
    Team {
        name: "Mobile",
        manager_name: "Sofia Rossi",
        manager_login: "sofia.rossi",
        repository: "mobile-app",
    },
    Team {
        name: "Data",
        manager_name: "Chen Wei",
        manager_login: "chen.wei",
        repository: "data-pipelines",
    },
];

const fn dev(
    name: &'static str,
    login: &'static str,
    team: &'static str,
    persona: Persona,
    claude_plan: Option<&'static str>,
) -> Developer {
    Developer {
        name,
        login,
        team,
        persona,
        claude_plan,
        codex_plan: None,
        codex_share: 0.0,
    }
}

const fn codex(d: Developer, plan: &'static str, share: f64) -> Developer {
    Developer {
        codex_plan: Some(plan),
        codex_share: share,
        ..d
    }
}

use Persona::*;
const STD: Option<&str> = Some(TEAM_STANDARD);
const PREMIUM: Option<&str> = Some(TEAM_PREMIUM);

/// The 30 developers, by team.
pub const DEVELOPERS: [Developer; 30] = [
    dev("Priya Nair", "priya-nair", "Platform", Power, PREMIUM),
    codex(
        dev("Tomasz Kowalski", "tkowalski", "Platform", Power, PREMIUM),
        CHATGPT_BUSINESS,
        0.3,
    ),
    dev("Aisha Bello", "aishabello", "Platform", Regular, STD),
    dev("Lukas Becker", "lbecker", "Platform", Regular, STD),
    dev(
        "Hannah Schmidt",
        "hannah-schmidt",
        "Platform",
        PaygHeavy,
        None,
    ),
    dev("Diego Fernandez", "dfernandez", "Platform", Light, STD),
    dev("Yuki Tanaka", "yukitanaka", "Platform", PaygLight, None),
    dev("Owen Gallagher", "ogallagher", "Platform", Never, STD),
    dev("Rahul Mehta", "rahul-mehta", "Payments", Power, PREMIUM),
    dev("Grace Liu", "graceliu", "Payments", Regular, STD),
    dev("Samuel Adeyemi", "sadeyemi", "Payments", Regular, STD),
    dev("Elena Popescu", "epopescu", "Payments", Regular, STD),
    dev("Marco Bianchi", "mbianchi", "Payments", Light, STD),
    dev("Fatima Zahra", "fzahra", "Payments", PaygLight, None),
    dev("Nina Petrova", "npetrova", "Payments", Never, STD),
    dev("Jordan Reyes", "jreyes", "Mobile", Power, PREMIUM),
    dev("Chloe Martin", "chloe-martin", "Mobile", Power, PREMIUM),
    dev("Ben Carter", "bencarter", "Mobile", Regular, STD),
    dev("Ama Owusu", "amaowusu", "Mobile", PaygHeavy, None),
    dev("Kenji Sato", "kenjisato", "Mobile", Light, STD),
    dev("Laura Jensen", "ljensen", "Mobile", Light, STD),
    dev("Ivan Horvat", "ihorvat", "Mobile", Never, STD),
    dev("Sara Cohen", "saracohen", "Mobile", Regular, STD),
    codex(
        dev("Mateus Silva", "mateus-silva", "Data", Power, STD),
        CHATGPT_PRO_5X,
        0.7,
    ),
    codex(
        dev("Olivia Brown", "obrown", "Data", Regular, STD),
        CHATGPT_BUSINESS,
        0.5,
    ),
    dev("Arjun Rao", "arjunrao", "Data", PaygHeavy, None),
    dev("Zoe Williams", "zoewilliams", "Data", Regular, STD),
    dev("Emeka Obi", "emekaobi", "Data", Light, STD),
    dev("Ingrid Larsen", "ilarsen", "Data", Light, STD),
    dev("Pavel Novak", "pnovak", "Data", Regular, STD),
];

/// The team named `name`.
pub fn team(name: &str) -> Option<&'static Team> {
    TEAMS.iter().find(|t| t.name == name)
}

/// Normalized repository identity (`github.com/<org>/<name>`), as collectors and webhooks name it.
pub fn repository_id(name: &str) -> String {
    format!("github.com/{GITHUB_ORG}/{name}")
}

/// Browser URL of a repository.
pub fn repository_url(name: &str) -> String {
    format!("https://github.com/{GITHUB_ORG}/{name}")
}

/// Working directory of a developer's checkout of a repository (the session `cwd`).
pub fn checkout_dir(login: &str, repository: &str) -> String {
    format!("/home/{login}/src/{repository}")
}

/// Numeric GitHub account id of a login (stable, fake).
pub fn github_id(login: &str) -> u64 {
    40_000_000
        + login
            .bytes()
            .fold(0u64, |h, b| (h * 131 + u64::from(b)) % 9_000_000)
}
