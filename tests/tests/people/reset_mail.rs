//! With SMTP configured, a password-reset link also reaches the user by e-mail, from the admin
//! page and from the server CLI; when the SMTP server is down the link is still shown, and the
//! page says the e-mail failed.

use reqwest::StatusCode;
use secrecy::SecretString;

use super::password_reset::{link_path, set_password, NEW_PASSWORD};
use super::{people, post_form};
use crate::cost_reports::smtp_server::{header, SmtpServer};
use crate::support::app::{run, server_binary};
use crate::support::{for_each_backend, BrowserSession, TestApp};

const PAGE: &str = "/admin/users/dev%40example.com";

/// The plain-text part of a raw message, decoded.
fn text_part(message: &[u8]) -> String {
    let parsed = mailparse::parse_mail(message).expect("a MIME message");
    parsed
        .subparts
        .iter()
        .find(|p| p.ctype.mimetype == "text/plain")
        .expect("a text part")
        .get_body()
        .expect("its text")
}

#[tokio::test]
async fn with_smtp_the_link_is_also_emailed_from_the_page_and_the_cli() {
    for_each_backend(|backend| async move {
        let mut smtp = SmtpServer::start();
        let app = TestApp::spawn_with(backend, |s| {
            s.smtp_url = Some(SecretString::from(smtp.url()));
            s.mail_from = "agentmeter <admin@example.com>".into();
        })
        .await;
        let org = people(&app).await;

        let action = format!("{PAGE}/reset-password");
        let (status, _, html) = post_form(&app, &org.admin_session, PAGE, &action, &[]).await;
        assert_eq!(status, StatusCode::OK, "{}: {html}", app.backend);
        assert!(html.contains("e-mailed to dev@example.com"), "{html}");
        let shown = link_path(&html);
        let messages = smtp.messages();
        assert_eq!(messages.len(), 1, "{}", app.backend);
        assert_eq!(
            header(&messages[0], "X-RcptTo").as_deref(),
            Some("dev@example.com")
        );
        let text = text_part(&messages[0]);
        assert!(
            text.contains(&format!("http://{}{shown}", app.addr)),
            "the e-mail holds the link the page shows ({shown}): {text}"
        );

        let base = app.url("");
        let smtp_url = smtp.url();
        let env = [
            ("AGENTMETER_DATABASE_URL", app.database_url.as_str()),
            ("AGENTMETER_PUBLIC_URL", base.as_str()),
            ("AGENTMETER_SMTP_URL", smtp_url.as_str()),
            ("AGENTMETER_MAIL_FROM", "admin@example.com"),
        ];
        let output = run(
            server_binary(),
            &["user", "reset-password", "dev@example.com"],
            None,
            &env,
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(stderr.contains("e-mailed to dev@example.com"), "{stderr}");
        let printed = String::from_utf8_lossy(&output.stdout).trim().to_owned();
        let messages = smtp.messages();
        assert_eq!(messages.len(), 2, "{}", app.backend);
        let mailed = messages
            .iter()
            .map(|m| text_part(m))
            .find(|t| t.contains(&printed))
            .unwrap_or_else(|| panic!("no e-mail holds the CLI's link {printed}"));
        assert!(mailed.contains("24 hours"), "{mailed}");
        // The e-mailed link is the live one (the CLI's replaced the page's).
        let path = printed.trim_start_matches(&base).to_owned();
        let (status, _) = set_password(&app, &path, NEW_PASSWORD, NEW_PASSWORD).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{}", app.backend);
        BrowserSession::sign_in(&app, "dev@example.com", NEW_PASSWORD).await;

        // SMTP down: the link is still issued and shown, and the page says the e-mail failed.
        smtp.stop();
        let (status, _, html) = post_form(&app, &org.admin_session, PAGE, &action, &[]).await;
        assert_eq!(status, StatusCode::OK, "{}: {html}", app.backend);
        assert!(html.contains("failed"), "{html}");
        let path = link_path(&html);
        assert_eq!(
            reqwest::get(app.url(&path)).await.expect("GET").status(),
            StatusCode::OK,
            "the shown link works"
        );
        let output = run(
            server_binary(),
            &["user", "reset-password", "dev@example.com"],
            None,
            &env,
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "the link is printed all the same: {stderr}"
        );
        assert!(
            stderr.contains("warning: e-mailing it to dev@example.com failed"),
            "{stderr}"
        );
    })
    .await;
}
