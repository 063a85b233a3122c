//! The demo organisation for `serve --demo`: loaded into an empty database only.

use secrecy::SecretString;

use crate::admin::{self, AddUser};
use crate::auth::secret;
use crate::error::Result;
use crate::state::AppState;
use crate::store::accounts;

pub const DEMO_ADMIN_EMAIL: &str = "admin@demo.agentmeter.dev";

/// Teams of the demo organisation, with their managers.
const TEAMS: [(&str, &str, &str); 4] = [
    ("Platform", "maria.lopez@demo.agentmeter.dev", "Maria Lopez"),
    ("Payments", "james.okafor@demo.agentmeter.dev", "James Okafor"),
    ("Mobile", "sofia.rossi@demo.agentmeter.dev", "Sofia Rossi"),
    ("Data", "chen.wei@demo.agentmeter.dev", "Chen Wei"),
];

/// Fills an empty database with the demo organisation and prints the admin's login.
pub async fn load_if_empty(state: &AppState) -> Result<()> {
    if accounts::user_count(&state.db).await? > 0 {
        eprintln!("demo: the database already has users; nothing loaded (log in with your existing accounts)");
        return Ok(());
    }
    let password = secret::random_secret().chars().take(20).collect::<String>();
    admin::add_user(
        &state.db,
        AddUser {
            email: DEMO_ADMIN_EMAIL.into(),
            name: "Demo Admin".into(),
            role: "admin".into(),
            password: Some(SecretString::from(password.clone())),
            ..AddUser::default()
        },
    )
    .await?;
    for (team, manager_email, manager_name) in TEAMS {
        admin::add_team(&state.db, team).await?;
        admin::add_user(
            &state.db,
            AddUser {
                email: manager_email.into(),
                name: manager_name.into(),
                role: "manager".into(),
                teams: vec![team.into()],
                password: Some(SecretString::from(password.clone())),
                ..AddUser::default()
            },
        )
        .await?;
    }
    println!("demo admin: {DEMO_ADMIN_EMAIL}");
    println!("demo password: {password}");
    Ok(())
}
