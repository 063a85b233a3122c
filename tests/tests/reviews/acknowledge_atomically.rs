//! Acknowledging an alert writes the acknowledgement and its audit entry in one transaction, on
//! both backends: when the audit entry cannot be written, no acknowledgement is kept either.

use serde_json::json;

use super::count;
use super::page_and_acknowledge::{acknowledge, org, Org, ALERT};
use crate::support::for_each_backend;

#[tokio::test]
async fn an_acknowledgement_is_stored_with_its_audit_entry_or_not_at_all() {
    for_each_backend(|backend| async move {
        let Org { app, admin, .. } = org(backend).await;
        let carol = json!({"reviewer": "carol@example.com"});
        let (refuse, allow) = if app.backend == "sqlite" {
            (
                vec![
                    "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
                     BEGIN SELECT RAISE(ABORT, 'audit refused'); END",
                ],
                "DROP TRIGGER refuse_audit",
            )
        } else {
            (
                vec![
                    "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ \
                     BEGIN RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql",
                    "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log \
                     FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
                ],
                "DROP TRIGGER refuse_audit ON audit_log",
            )
        };
        let audited = count(&app, "audit_log").await;
        for statement in refuse {
            sqlx::query(statement)
                .execute(&app.sql)
                .await
                .expect("trigger");
        }
        assert_eq!(acknowledge(&app, &admin, ALERT, carol.clone()).await, 500);
        assert_eq!(
            count(&app, "review_acknowledgements").await,
            0,
            "an acknowledgement without its audit entry, {}",
            app.backend
        );

        sqlx::query(allow)
            .execute(&app.sql)
            .await
            .expect("drop trigger");
        assert_eq!(acknowledge(&app, &admin, ALERT, carol).await, 200);
        assert_eq!(count(&app, "review_acknowledgements").await, 1);
        assert_eq!(
            count(&app, "audit_log").await,
            audited + 1,
            "{}",
            app.backend
        );
    })
    .await;
}
