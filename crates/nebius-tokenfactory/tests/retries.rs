//! Which failures are retried, how often, and after how long a wait.

mod common;

use common::{client, dataset_json, reviews, upload_reviews, CapturedLogs, Reply, ScriptedServer};
use nebius_tokenfactory::{Error, RetryPolicy};
use std::time::Duration;

async fn upload(server: &ScriptedServer, policy: Option<RetryPolicy>) -> Result<String, Error> {
    let mut builder = client(&server.url);
    if let Some(policy) = policy {
        builder = builder.with_retry_policy(policy);
    }
    let c = builder.build().unwrap();
    upload_reviews(&c).await.map(|d| d.name)
}

/// A policy whose own backoff is an hour: a test using it finishes only if
/// the server's Retry-After was read and obeyed instead.
fn server_decides() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_secs(3600), Duration::from_secs(3600))
}

/// Fails the test, rather than hang it, when a retry waits the backoff.
async fn within_a_minute<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(60), f)
        .await
        .expect("the retry waited the hour-long backoff: the server's Retry-After was ignored")
}

#[tokio::test]
async fn rate_limits_and_unavailable_are_retried_after_the_servers_wait() {
    succeeds_after_the_servers_waits(vec![
        Reply::new(429, "{}").header("retry-after-ms", "5"),
        Reply::new(503, "{}").header("retry-after", "0"),
    ])
    .await;
}

/// Serves `refusals`, then a success, to an upload whose own backoff is an
/// hour: it succeeds only if every wait the server asked for was obeyed.
async fn succeeds_after_the_servers_waits(mut replies: Vec<Reply>) {
    let attempts = replies.len() + 1;
    replies.push(Reply::new(200, dataset_json("d")));
    let server = ScriptedServer::start(replies);
    let name = within_a_minute(upload(&server, Some(server_decides())))
        .await
        .unwrap();
    assert_eq!(name, "d");
    assert_eq!(server.received().len(), attempts);
}

#[tokio::test]
async fn retries_stop_at_the_maximum_and_return_the_last_error() {
    let server = ScriptedServer::start(vec![
        Reply::new(429, r#"{"detail": "slow down"}"#).header("retry-after", "0"),
        Reply::new(429, r#"{"detail": "slow down"}"#).header("retry-after", "0"),
        Reply::new(429, r#"{"detail": "slow down"}"#).header("retry-after", "0"),
        Reply::new(200, dataset_json("never")),
    ]);
    let err = upload(&server, None).await.unwrap_err();
    assert!(
        matches!(err, Error::RateLimited { retry_after: Some(d), .. } if d == Duration::ZERO),
        "{err:?}"
    );
    assert_eq!(
        server.received().len(),
        3,
        "1 attempt + 2 retries by default"
    );
}

#[tokio::test]
async fn ambiguous_failures_are_not_retried_by_default() {
    for status in [500, 502, 504, 408] {
        let server = ScriptedServer::start(vec![
            Reply::new(status, "{}"),
            Reply::new(200, dataset_json("d")),
        ]);
        let err = upload(&server, None).await.unwrap_err();
        assert_eq!(err.status(), Some(status), "{err}");
        assert_eq!(
            server.received().len(),
            1,
            "{status} must not be retried by default"
        );
    }
}

#[tokio::test]
async fn ambiguous_failures_are_retried_on_opt_in() {
    let server = ScriptedServer::start(vec![
        Reply::new(500, "{}"),
        Reply::new(502, "{}"),
        Reply::new(200, dataset_json("d")),
    ]);
    let policy = RetryPolicy::default()
        .with_ambiguous_retries(true)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(2));
    assert_eq!(upload(&server, Some(policy)).await.unwrap(), "d");
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn final_statuses_are_never_retried() {
    for status in [400, 401, 403, 404, 409, 422] {
        let server = ScriptedServer::start(vec![
            Reply::new(status, "{}"),
            Reply::new(200, dataset_json("d")),
        ]);
        let policy = RetryPolicy::default().with_ambiguous_retries(true);
        assert!(upload(&server, Some(policy)).await.is_err());
        assert_eq!(server.received().len(), 1, "{status}");
    }
}

#[tokio::test]
async fn retries_can_be_turned_off_per_client_and_per_call() {
    let server = ScriptedServer::start(vec![
        Reply::new(429, "{}"),
        Reply::new(200, dataset_json("d")),
    ]);
    assert!(upload(&server, Some(RetryPolicy::none())).await.is_err());
    assert_eq!(server.received().len(), 1);

    let server = ScriptedServer::start(vec![
        Reply::new(503, "{}"),
        Reply::new(200, dataset_json("d")),
    ]);
    let c = client(&server.url).build().unwrap();
    let err = c
        .datasets()
        .upload("d", "/f", &reviews())
        .max_retries(0)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let past = httpdate_in_the_past();
    succeeds_after_the_servers_waits(vec![Reply::new(429, "{}").header("retry-after", &past)])
        .await;
}

fn httpdate_in_the_past() -> String {
    // A fixed date: "wait until then" is "now".
    "Sun, 06 Nov 1994 08:49:37 GMT".to_string()
}

#[tokio::test]
async fn refused_connections_are_retried_and_then_reported() {
    let logs = CapturedLogs::default();
    let _guard = logs.install(tracing::Level::INFO);
    let url = common::closed_port_url();
    let c = client(&url).build().unwrap();
    let err = upload_reviews(&c).await.unwrap_err();
    assert_eq!(
        logs.text().matches("retrying").count(),
        2,
        "nothing was sent, so both retries are safe"
    );
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert!(err.is_retryable());
    assert!(
        err.to_string().starts_with("cannot reach the API: "),
        "{err}"
    );
}

#[tokio::test]
async fn timeouts_after_sending_are_not_retried_by_default() {
    let server = ScriptedServer::start(vec![
        Reply::new(200, dataset_json("slow")).delayed(Duration::from_millis(800)),
        Reply::new(200, dataset_json("d")),
    ]);
    let c = client(&server.url)
        .with_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = upload_reviews(&c).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { after } if after == Duration::from_millis(100)),
        "{err:?}"
    );
    assert_eq!(server.received().len(), 1);
}
