//! What every signed-in page shares: product name, current user, navigation, CSRF token, flash.

use super::FilterBar;
use crate::assets::asset_href;

/// The signed-in person's role, which decides the navigation they see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Sees everything, including the admin pages.
    Admin,
    /// Sees the teams they manage.
    Manager,
    /// Sees only their own usage.
    Developer,
}

impl Role {
    /// The role as shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Manager => "Manager",
            Role::Developer => "Developer",
        }
    }
}

/// The person the page is rendered for.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedInUser {
    /// Display name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// Role.
    pub role: Role,
}

impl SignedInUser {
    /// Up to two initials for the avatar: `Ada Lovelace` -> `AL`.
    pub fn initials(&self) -> String {
        let initials: String = self
            .name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .take(2)
            .collect();
        if initials.is_empty() {
            "?".to_owned()
        } else {
            initials.to_uppercase()
        }
    }
}

/// The top-level section a page belongs to (highlighted in the navigation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NavSection {
    Overview,
    Spend,
    Plans,
    Adoption,
    Productivity,
    Reviews,
    /// The shared library of skills and hooks.
    Library,
    /// The signed-in developer's own page (`/me`).
    MyUsage,
    Admin(AdminSection),
    /// Pages outside the navigation (errors).
    Elsewhere,
}

/// The tabs of the admin area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminSection {
    Users,
    Teams,
    Tokens,
    Repositories,
    PlanCatalog,
    Webhooks,
    Identities,
    Budgets,
    Alerts,
    Outbox,
    Audit,
}

const SECTIONS: [(NavSection, &str, &str); 8] = [
    (NavSection::Overview, "Overview", "/"),
    (NavSection::Spend, "Spend", "/spend"),
    (NavSection::Plans, "Plans", "/plans"),
    (NavSection::Adoption, "Adoption", "/adoption"),
    (NavSection::Productivity, "Productivity", "/productivity"),
    (NavSection::Reviews, "Reviews", "/reviews"),
    (NavSection::Library, "Library", "/library"),
    (NavSection::MyUsage, "My usage", "/me"),
];

const ADMIN_TABS: [(AdminSection, &str, &str); 11] = [
    (AdminSection::Users, "Users", "/admin/users"),
    (AdminSection::Teams, "Teams", "/admin/teams"),
    (AdminSection::Tokens, "API tokens", "/admin/tokens"),
    (
        AdminSection::Repositories,
        "Repositories",
        "/admin/repositories",
    ),
    (AdminSection::PlanCatalog, "Plan catalog", "/admin/plans"),
    (AdminSection::Webhooks, "Webhook secrets", "/admin/webhooks"),
    (
        AdminSection::Identities,
        "Git identities",
        "/admin/identities",
    ),
    (AdminSection::Budgets, "Budgets", "/admin/budgets"),
    (AdminSection::Alerts, "Alerts", "/admin/alerts"),
    (AdminSection::Outbox, "Outbox", "/admin/outbox"),
    (AdminSection::Audit, "Audit log", "/admin/audit"),
];

/// One navigation entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NavLink {
    pub label: &'static str,
    pub href: String,
    pub active: bool,
}

/// A one-time message shown at the top of the page after an action.
#[derive(Debug, Clone, PartialEq)]
pub struct Flash {
    pub kind: FlashKind,
    pub message: String,
}

/// The colour of a [`Flash`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Error,
    Info,
}

impl Flash {
    /// The CSS class for this message.
    pub fn class(&self) -> &'static str {
        match self.kind {
            FlashKind::Success => "flash flash-success",
            FlashKind::Error => "flash flash-error",
            FlashKind::Info => "flash flash-info",
        }
    }
}

/// The frame around every page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageChrome {
    /// Shown in the top bar and the window title.
    pub product_name: String,
    /// `None` on the login page and on errors before sign-in.
    pub user: Option<SignedInUser>,
    /// Highlighted navigation entry.
    pub active: NavSection,
    /// Sent by the logout form and every other POST form as `csrf_token`.
    pub csrf_token: String,
    /// A message from the previous action.
    pub flash: Option<Flash>,
    /// The organisation's time zone, named in the footer (e.g. `Europe/Paris`).
    pub time_zone: String,
    /// The page's filters that the navigation's data pages carry (see
    /// [`FilterBar::carried_query`]); empty on pages without filters.
    pub carried: String,
}

impl PageChrome {
    /// The frame of a signed-in page.
    pub fn new(user: SignedInUser, active: NavSection, csrf_token: impl Into<String>) -> Self {
        Self {
            product_name: "agentmeter".to_owned(),
            user: Some(user),
            active,
            csrf_token: csrf_token.into(),
            flash: None,
            time_zone: "UTC".to_owned(),
            carried: String::new(),
        }
    }

    /// The frame of a page seen before sign-in.
    pub fn signed_out(csrf_token: impl Into<String>) -> Self {
        Self {
            user: None,
            ..Self::new(placeholder_user(), NavSection::Elsewhere, csrf_token)
        }
    }

    /// Adds a flash message.
    pub fn with_flash(mut self, kind: FlashKind, message: impl Into<String>) -> Self {
        self.flash = Some(Flash {
            kind,
            message: message.into(),
        });
        self
    }

    /// Names the time zone dates are shown in.
    pub fn in_time_zone(mut self, time_zone: impl Into<String>) -> Self {
        self.time_zone = time_zone.into();
        self
    }

    /// Makes the navigation keep the page's chosen filters.
    pub fn carrying(mut self, filters: &FilterBar) -> Self {
        self.carried = filters.carried_query();
        self
    }

    /// The sections this user may open, the active one marked.
    pub fn nav(&self) -> Vec<NavLink> {
        let Some(user) = &self.user else {
            return Vec::new();
        };
        let mut links: Vec<NavLink> = SECTIONS
            .iter()
            .filter(|(section, _, _)| {
                user.role != Role::Developer
                    || matches!(section, NavSection::MyUsage | NavSection::Library)
            })
            .map(|&(section, label, href)| NavLink {
                label,
                // The library has filters of its own; every other section reads the page's.
                href: if self.carried.is_empty() || section == NavSection::Library {
                    href.to_owned()
                } else {
                    format!("{href}?{}", self.carried)
                },
                active: section == self.active,
            })
            .collect();
        if user.role == Role::Admin {
            let active = matches!(self.active, NavSection::Admin(_));
            links.push(NavLink {
                label: "Admin",
                href: "/admin/users".to_owned(),
                active,
            });
        }
        links
    }

    /// The product name's link: the Overview under the page's filters.
    pub fn home_href(&self) -> String {
        if self.carried.is_empty() {
            "/".to_owned()
        } else {
            format!("/?{}", self.carried)
        }
    }

    /// The admin area's tabs, the active one marked.
    pub fn admin_tabs(&self) -> Vec<NavLink> {
        ADMIN_TABS
            .iter()
            .map(|&(tab, label, href)| NavLink {
                label,
                href: href.to_owned(),
                active: self.active == NavSection::Admin(tab),
            })
            .collect()
    }

    /// `/static/app.css?v=…`
    pub fn stylesheet_href(&self) -> String {
        asset_href("app.css")
    }

    /// `/static/app.js?v=…`
    pub fn script_href(&self) -> String {
        asset_href("app.js")
    }

    /// `/static/favicon.svg?v=…`
    pub fn icon_href(&self) -> String {
        asset_href("favicon.svg")
    }
}

fn placeholder_user() -> SignedInUser {
    SignedInUser {
        name: String::new(),
        email: String::new(),
        role: Role::Developer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chrome(role: Role) -> PageChrome {
        let user = SignedInUser {
            name: "Ada Lovelace".into(),
            email: "ada@example.com".into(),
            role,
        };
        PageChrome::new(user, NavSection::Spend, "t")
    }

    #[test]
    fn each_role_sees_its_own_navigation() {
        let labels = |role| {
            chrome(role)
                .nav()
                .iter()
                .map(|l| l.label)
                .collect::<Vec<_>>()
        };
        assert_eq!(labels(Role::Developer), vec!["Library", "My usage"]);
        assert!(
            labels(Role::Manager).contains(&"Spend") && !labels(Role::Manager).contains(&"Admin")
        );
        assert_eq!(labels(Role::Admin).last(), Some(&"Admin"));
        assert!(chrome(Role::Admin)
            .nav()
            .iter()
            .any(|l| l.label == "Spend" && l.active));
        assert!(PageChrome::signed_out("t").nav().is_empty());
    }

    #[test]
    fn data_sections_carry_the_filters_and_the_library_and_admin_do_not() {
        let filters = FilterBar {
            team: Some("R&D".into()),
            tool: Some("codex".into()),
            ..FilterBar::default()
        };
        let nav = chrome(Role::Admin).carrying(&filters).nav();
        let href = |label: &str| {
            nav.iter()
                .find(|l| l.label == label)
                .map(|l| l.href.clone())
                .expect(label)
        };
        assert_eq!(href("Spend"), "/spend?team=R%26D&tool=codex");
        assert_eq!(href("My usage"), "/me?team=R%26D&tool=codex");
        assert_eq!(href("Library"), "/library");
        assert_eq!(href("Admin"), "/admin/users");
        assert_eq!(
            chrome(Role::Admin).carrying(&filters).home_href(),
            "/?team=R%26D&tool=codex"
        );
    }

    #[test]
    fn initials_come_from_the_first_two_words() {
        assert_eq!(
            chrome(Role::Admin).user.expect("signed in").initials(),
            "AL"
        );
    }
}
