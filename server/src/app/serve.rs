//! The accept loop: HTTP/1 connections with a deadline for their request heads and a cap on how
//! many are open at once, closed gracefully on shutdown.
//!
//! Shutdown (SIGTERM or SIGINT) stops accepting at once (the listener is closed, so a load
//! balancer's next connection goes to another instance) and waits for the requests in flight to
//! be answered; idle keep-alive connections are closed, busy ones after their response.
//!
//! `axum::serve` sets no timer on its connections, so hyper's header read timeout never runs
//! there and a client that opens connections and never finishes a request line holds each one
//! open forever.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::extract::ConnectInfo;
use axum::{Extension, Router};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::Layer;

use crate::error::Result;

/// What a connection may cost.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// From opening (or the end of the previous response) to the end of the request head.
    pub header_read_timeout: Duration,
    /// Connections served at once.
    pub max_open: usize,
}

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in flight
/// finish. Handlers see the peer address as `ConnectInfo<std::net::SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let slots = Arc::new(Semaphore::new(limits.max_open.max(1)));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A client past the cap waits in the listen backlog, not in a task of ours.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot
                .context("connection slots closed")?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    pause_after_accept_error(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(Extension(ConnectInfo(peer)).layer(router.clone()));
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(%peer, "connection closed: {e}");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Serves `router` on `listener` beside another server (the metrics on `metrics_bind`); returns
/// that server's shutdown signal, which completes with `shutdown` once this one has stopped too.
pub fn serve_beside(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> impl Future<Output = ()> + Send + 'static {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let beside = tokio::spawn(serve(listener, router, limits, async {
        // A dropped sender (the main server gone) stops this one too.
        let _ = stopped.await;
    }));
    async move {
        shutdown.await;
        let _ = stop.send(());
        match beside.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!("{e}"),
            Err(e) => tracing::error!("server task: {e}"),
        }
    }
}

/// A failed accept: the client that gave up before we accepted it is no news; anything else
/// (out of file descriptors) is logged and waited out instead of spinning.
async fn pause_after_accept_error(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        e.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::warn!("cannot accept a connection: {e}");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
