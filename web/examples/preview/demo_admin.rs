//! Demo data for the admin pages.

use agentmeter_web::pages::{
    AdminIdentitiesPage, AdminPlanCatalogPage, AdminRepositoriesPage, AdminSection, AdminTeamsPage,
    AdminTokensPage, AdminUsersPage, AdminWebhooksPage, ApiTokenRow, Choice, FilterBar, FlashKind,
    NavSection, NewApiToken, NewUserForm, RepositoryRow, Role, TeamRow, UnmatchedIdentityRow,
    UserRow, WebhookDeliveryRow, WebhookEndpoint, WebhookSecretRow,
};
use agentmeter_web::{Figure, Template};

use crate::demo::{chrome, Pages, TEAMS};
use crate::demo_analytics::catalog;

const PEOPLE: [(&str, &str, Role, &str); 6] = [
    ("Maya Okafor", "maya@acme.dev", Role::Admin, ""),
    (
        "Jonas Berg",
        "jonas@acme.dev",
        Role::Manager,
        "Platform, Payments",
    ),
    ("Li Wei", "li.wei@acme.dev", Role::Developer, "Platform"),
    (
        "Sara Kowalski",
        "sara@acme.dev",
        Role::Developer,
        "Payments",
    ),
    (
        "Dmitri Volkov",
        "dmitri@acme.dev",
        Role::Developer,
        "Payments",
    ),
    (
        "Aisha Rahman",
        "aisha@acme.dev",
        Role::Developer,
        "Data & ML",
    ),
];

fn users() -> AdminUsersPage {
    AdminUsersPage {
        chrome: chrome(NavSection::Admin(AdminSection::Users))
            .with_flash(FlashKind::Success, "Added Aisha Rahman."),
        users: PEOPLE
            .iter()
            .map(|(name, email, role, teams)| UserRow {
                email: (*email).into(),
                name: (*name).into(),
                role: *role,
                teams: (*teams).into(),
                github: email.split('@').next().unwrap_or_default().into(),
                gitlab: String::new(),
                plan: if *role == Role::Developer {
                    "Claude Max 5x".into()
                } else {
                    String::new()
                },
            })
            .collect(),
        filters: FilterBar {
            action: "/admin/users".into(),
            ..FilterBar::default()
        },
        pager: None,
        form: NewUserForm {
            plans: vec![
                Choice::new("pro", "Claude Pro", None),
                Choice::new("max5", "Claude Max 5x", None),
            ],
            known_teams: TEAMS.iter().map(|t| t.to_string()).collect(),
            ..NewUserForm::default()
        },
    }
}

fn teams() -> AdminTeamsPage {
    AdminTeamsPage {
        chrome: chrome(NavSection::Admin(AdminSection::Teams)),
        teams: TEAMS
            .iter()
            .zip([12, 11, 9, 8])
            .enumerate()
            .map(|(i, (t, n))| TeamRow {
                id: (i + 1).to_string(),
                name: (*t).into(),
                members: Figure::count(n),
                managers: "Jonas Berg".into(),
            })
            .collect(),
        new_team_name: String::new(),
        error: None,
    }
}

fn tokens() -> AdminTokensPage {
    AdminTokensPage {
        chrome: chrome(NavSection::Admin(AdminSection::Tokens)),
        tokens: PEOPLE
            .iter()
            .enumerate()
            .map(|(i, (_, email, _, _))| ApiTokenRow {
                id: i.to_string(),
                name: "laptop".into(),
                owner_email: (*email).into(),
                created: format!("Jan {}, 2025", 6 + i),
                last_used: if i == 3 {
                    "Never".into()
                } else {
                    "Mar 28, 2025 09:14".into()
                },
                revoked: i == 4,
            })
            .collect(),
        new_token: Some(NewApiToken {
            name: "laptop".into(),
            owner_email: "aisha@acme.dev".into(),
            secret: "am_live_7fQ2kP9xVw3LmN8rT1sY6bZ0cD4eH5jK".into(),
        }),
        owner_emails: PEOPLE.iter().map(|p| p.1.to_string()).collect(),
        error: None,
    }
}

fn repositories() -> AdminRepositoriesPage {
    let repo = |id: &str, name: &str, globs: &[&str], prs: i64| RepositoryRow {
        id: id.into(),
        name: name.into(),
        provider: "GitHub".into(),
        critical_globs: globs.iter().map(|g| g.to_string()).collect(),
        pull_requests: Figure::count(prs),
        last_event: "Mar 28, 2025 16:10".into(),
    };
    AdminRepositoriesPage {
        chrome: chrome(NavSection::Admin(AdminSection::Repositories)),
        repositories: vec![
            repo(
                "1",
                "acme/payments-api",
                &["src/billing/**", "src/ledger/**"],
                412,
            ),
            repo("2", "acme/platform", &["auth/**", "infra/secrets/**"], 388),
            repo("3", "acme/mobile-app", &[], 203),
        ],
        error: None,
    }
}

fn sources() -> Result<Pages, askama::Error> {
    let plans = AdminPlanCatalogPage {
        chrome: chrome(NavSection::Admin(AdminSection::PlanCatalog)),
        catalog: catalog(),
        limits: vec![agentmeter_web::pages::PlanLimitsRow {
            id: 1,
            vendor: "Anthropic".into(),
            plan: "Claude Pro".into(),
            dates: String::new(),
            limit_5h_usd: "10".into(),
            limit_week_usd: "60".into(),
        }],
        policy: vec![agentmeter_web::pages::PolicyVendorField {
            key: "0".into(),
            vendor: "Anthropic".into(),
            tools: "Claude Code".into(),
            restricted: true,
            allow_pay_as_you_go: false,
            plans: vec![agentmeter_web::pages::PolicyPlanField {
                key: "0_0".into(),
                name: "Claude Team Premium seat (2026 pricing)".into(),
                allowed: true,
                min_seats: 5,
            }],
        }],
        error: None,
    };
    let webhooks = AdminWebhooksPage {
        chrome: chrome(NavSection::Admin(AdminSection::Webhooks)),
        secrets: vec![
            WebhookSecretRow {
                provider: "GitHub".into(),
                scope: "All repositories".into(),
                set_at: "Jan 6, 2025".into(),
                last_delivery: "Mar 28, 2025 16:10".into(),
                healthy: true,
            },
            WebhookSecretRow {
                provider: "GitLab".into(),
                scope: "acme/infra".into(),
                set_at: "Feb 2, 2025".into(),
                last_delivery: "Mar 1, 2025 08:00".into(),
                healthy: false,
            },
        ],
        endpoints: vec![
            WebhookEndpoint {
                provider: "GitHub".into(),
                url: "https://agentmeter.acme.dev/api/v1/webhooks/github".into(),
                element_id: "payload-url-github".into(),
            },
            WebhookEndpoint {
                provider: "GitLab".into(),
                url: "https://agentmeter.acme.dev/api/v1/webhooks/gitlab".into(),
                element_id: "payload-url-gitlab".into(),
            },
        ],
        deliveries: vec![WebhookDeliveryRow {
            repository: "acme/payments-api".into(),
            provider: "GitHub".into(),
            event: "pull_request".into(),
            status: "Accepted".into(),
            received: "Mar 28, 2025 16:10".into(),
        }],
        error: None,
    };
    let identities = AdminIdentitiesPage {
        chrome: chrome(NavSection::Admin(AdminSection::Identities)),
        identities: vec![
            UnmatchedIdentityRow {
                id: "1".into(),
                provider: "GitHub".into(),
                login: "dv-laptop".into(),
                email: "dmitri@home.example".into(),
                events: Figure::count(14),
                last_seen: Figure::new("Mar 27, 2025", 2.0),
            },
            UnmatchedIdentityRow {
                id: "2".into(),
                provider: "GitLab".into(),
                login: "ci-bot".into(),
                email: String::new(),
                events: Figure::count(212),
                last_seen: Figure::new("Mar 28, 2025", 3.0),
            },
        ],
        users: PEOPLE
            .iter()
            .map(|p| Choice::new(p.1, format!("{} ({})", p.0, p.1), None))
            .collect(),
    };
    Ok(vec![
        ("admin-plans".into(), plans.render()?),
        ("admin-webhooks".into(), webhooks.render()?),
        ("admin-identities".into(), identities.render()?),
    ])
}

pub fn pages() -> Result<Pages, askama::Error> {
    let mut pages = vec![
        ("admin-users".into(), users().render()?),
        ("admin-teams".into(), teams().render()?),
        ("admin-tokens".into(), tokens().render()?),
        ("admin-repositories".into(), repositories().render()?),
    ];
    pages.extend(sources()?);
    Ok(pages)
}
