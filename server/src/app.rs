//! `Application`: builds the state and router, binds the listener, serves until a shutdown signal.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue, Request};
use axum::middleware;
use axum::Router;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::db::Db;
use crate::error::Result;
use crate::routes;
use crate::settings::Settings;
use crate::state::AppState;

mod serve;
#[cfg(test)]
mod tests;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Content Security Policy: our own scripts and styles only, no inline code, no framing.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Completes on SIGINT or SIGTERM.
type ShutdownSignal = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A server bound to its port, ready to run.
pub struct Application {
    listener: TcpListener,
    /// The OTLP/gRPC receiver's listener, when `otlp_grpc_bind` is set.
    otlp_grpc: Option<TcpListener>,
    /// The Prometheus metrics' own listener, when `metrics_bind` is set.
    metrics: Option<TcpListener>,
    router: Router,
    state: AppState,
    shutdown: ShutdownSignal,
}

impl Application {
    /// Connects to the database, runs migrations and binds `settings.bind` (port 0 allowed).
    pub async fn build(settings: Settings) -> Result<Application> {
        let db = Db::connect(&settings.database_url).await?;
        db.migrate().await?;
        crate::analytics::catalog::seed_if_empty(&db).await?;
        Application::build_with_db(settings, db).await
    }

    pub async fn build_with_db(settings: Settings, db: Db) -> Result<Application> {
        let listener = TcpListener::bind(settings.bind).await?;
        let otlp_grpc = match settings.otlp_grpc_bind {
            Some(addr) => Some(TcpListener::bind(addr).await?),
            None => None,
        };
        let metrics = match settings.metrics_bind {
            Some(addr) => Some(TcpListener::bind(addr).await?),
            None => None,
        };
        let state = AppState::new(db, settings)?;
        let router = router(state.clone());
        Ok(Application {
            listener,
            otlp_grpc,
            metrics,
            router,
            state,
            shutdown: shutdown_signal()?,
        })
    }

    pub fn local_addr(&self) -> Result<SocketAddr> {
        Ok(self.listener.local_addr()?)
    }

    /// Where OTLP/gRPC is served, when it is.
    pub fn otlp_grpc_addr(&self) -> Result<Option<SocketAddr>> {
        Ok(self
            .otlp_grpc
            .as_ref()
            .map(TcpListener::local_addr)
            .transpose()?)
    }

    /// Where the metrics are served on an address of their own, when they are.
    pub fn metrics_addr(&self) -> Result<Option<SocketAddr>> {
        Ok(self
            .metrics
            .as_ref()
            .map(TcpListener::local_addr)
            .transpose()?)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT or SIGTERM, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> Result<()> {
        let settings = &self.state.settings;
        let limits = serve::ConnectionLimits {
            header_read_timeout: Duration::from_secs(settings.header_read_timeout_secs),
            max_open: settings.max_open_connections,
        };
        let shutdown: ShutdownSignal = match self.otlp_grpc {
            Some(grpc) => Box::pin(crate::telemetry::grpc::serve_beside(
                grpc,
                self.state.clone(),
                self.shutdown,
            )),
            None => self.shutdown,
        };
        let shutdown: ShutdownSignal = match self.metrics {
            Some(metrics) => {
                if let Ok(addr) = metrics.local_addr() {
                    tracing::info!("metrics on http://{addr}/metrics");
                }
                let router = routes::metrics_only(self.state.clone());
                Box::pin(serve::serve_beside(metrics, router, limits, shutdown))
            }
            None => shutdown,
        };
        serve::serve(self.listener, self.router, limits, shutdown).await
    }
}

/// The whole route table wrapped in the cross-cutting layers.
pub fn router(state: AppState) -> Router {
    let body_limit = state.settings.request_body_limit_bytes;
    let timeout = Duration::from_secs(state.settings.request_timeout_secs);
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let request_id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %request.method(), path = %request.uri().path(), request_id)
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(CompressionLayer::new())
        // Inside compression, to read the refusals it rewrites; outside the timeout, to rewrite
        // the timeout's 408 too.
        .layer(middleware::from_fn(routes::middleware::refusals))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, timeout))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(DefaultBodyLimit::max(body_limit));
    // Outermost, so that it judges a write by the status the client is finally answered.
    let note_writes =
        middleware::from_fn_with_state(state.clone(), routes::middleware::note_writes);
    let measure = middleware::from_fn_with_state(state.clone(), routes::middleware::measure);
    routes::table(state)
        .layer(layers)
        .layer(note_writes)
        .layer(measure)
}

/// Listens for SIGINT and SIGTERM from now on. The handlers are installed at once, not when the
/// server first waits on them: a signal sent as soon as the address is announced must still stop
/// the server gracefully rather than kill it.
fn shutdown_signal() -> Result<ShutdownSignal> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(Box::pin(async move {
            tokio::select! {
                _ = interrupt.recv() => {},
                _ = terminate.recv() => {},
            }
            tracing::info!("shutting down");
        }))
    }
    #[cfg(not(unix))]
    Ok(Box::pin(async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down");
    }))
}
