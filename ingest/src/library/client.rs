//! The library endpoints of the server, with the caller's API token.

use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder, Response};
use serde::de::DeserializeOwned;

use crate::config::Target;
use crate::error::{Error, Result};
use crate::wire_library::{
    InstallReport, LibraryItem, LibraryVersion, Marketplace, PublishReceipt, ReviewRequest,
};

pub struct LibraryClient {
    base: String,
    token: String,
    http: Client,
}

impl LibraryClient {
    pub fn new(target: &Target) -> Result<LibraryClient> {
        let token = target.token.clone().ok_or(Error::NotLoggedIn)?;
        let http = Client::builder()
            .timeout(Duration::from_secs(120))
            .connect_timeout(Duration::from_secs(10))
            .user_agent(concat!("agentmeter/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Network(e.to_string()))?;
        Ok(LibraryClient {
            base: target.server.clone(),
            token,
            http,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}/api/v1/library{path}", self.base)
    }

    fn send<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T> {
        let response = request
            .bearer_auth(&self.token)
            .send()
            .map_err(|e| Error::Network(e.to_string()))?;
        decode(response)
    }

    /// Publishes a packed folder to `team` (or the caller's only team).
    pub fn publish(&self, archive: Vec<u8>, team: Option<&str>) -> Result<PublishReceipt> {
        let mut request = self
            .http
            .post(self.url("/items"))
            .header("Content-Type", "application/gzip")
            .body(archive);
        if let Some(team) = team {
            request = request.query(&[("team", team)]);
        }
        self.send(request)
    }

    pub fn items(&self) -> Result<Vec<LibraryItem>> {
        self.send(self.http.get(self.url("/items")))
    }

    pub fn review(
        &self,
        item_id: i64,
        version: i64,
        decision: &str,
        note: Option<String>,
    ) -> Result<LibraryVersion> {
        self.send(
            self.http
                .post(self.url(&format!("/items/{item_id}/versions/{version}/{decision}")))
                .json(&ReviewRequest { note }),
        )
    }

    pub fn withdraw(&self, item_id: i64) -> Result<()> {
        let response = self
            .http
            .post(self.url(&format!("/items/{item_id}/withdraw")))
            .bearer_auth(&self.token)
            .send()
            .map_err(|e| Error::Network(e.to_string()))?;
        if response.status().is_success() {
            Ok(())
        } else {
            decode::<serde_json::Value>(response).map(|_| ())
        }
    }

    pub fn marketplace(&self) -> Result<Marketplace> {
        self.send(self.http.get(self.url("/marketplace")))
    }

    pub fn report_installs(&self, report: &InstallReport) -> Result<serde_json::Value> {
        self.send(self.http.post(self.url("/installs")).json(report))
    }
}

fn decode<T: DeserializeOwned>(response: Response) -> Result<T> {
    let status = response.status();
    let text = response.text().map_err(|e| Error::Network(e.to_string()))?;
    if status.is_success() {
        return serde_json::from_str(&text).map_err(|e| Error::Server {
            status: status.as_u16(),
            message: format!("unexpected answer: {e}"),
        });
    }
    if status.as_u16() == 401 {
        return Err(Error::Unauthorized);
    }
    let message = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["error"].as_str().map(str::to_owned))
        .unwrap_or(text);
    Err(Error::Server {
        status: status.as_u16(),
        message,
    })
}
