//! Which failures are retried, how often, and after how long a wait.

mod common;

use common::{client, dataset_json, upload_reviews, CapturedLogs, Fault, Reply, ScriptedServer};
use nebius_tokenfactory::{Error, RequestOptions, RetryPolicy};
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

/// A policy that retries at once, so that tests do not wait.
fn quick() -> RetryPolicy {
    RetryPolicy::default().with_backoff(Duration::from_millis(1), Duration::from_millis(2))
}

#[tokio::test]
async fn refusals_are_retried_after_the_servers_wait() {
    // 429 and a 503 that says when to come back: the server did not act.
    succeeds_after_the_servers_waits(vec![
        Reply::new(429, "{}").header("retry-after-ms", "5"),
        Reply::new(503, "{}").header("retry-after", "0"),
    ])
    .await;
}

#[tokio::test]
async fn request_timeouts_and_too_early_are_retried_as_not_processed() {
    for status in [408, 425] {
        let server = ScriptedServer::start(vec![
            Reply::new(status, "{}"),
            Reply::new(200, dataset_json("d")),
        ]);
        assert_eq!(
            upload(&server, Some(quick())).await.unwrap(),
            "d",
            "{status}"
        );
        assert_eq!(server.received().len(), 2, "{status}");
    }
}

#[tokio::test]
async fn the_servers_x_should_retry_decides_over_the_status() {
    // An upload is a POST: a 400 is never retried, unless the server says
    // to; a 429 always is, unless the server says not to.
    let server = ScriptedServer::start(vec![
        Reply::new(400, "{}").header("x-should-retry", "true"),
        Reply::new(200, dataset_json("d")),
    ]);
    assert_eq!(upload(&server, Some(quick())).await.unwrap(), "d");
    assert_eq!(server.received().len(), 2);

    let server = ScriptedServer::start(vec![
        Reply::new(429, r#"{"detail": "quota gone"}"#).header("x-should-retry", "false"),
        Reply::new(200, dataset_json("d")),
    ]);
    let err = upload(&server, Some(quick())).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert!(!err.is_transient() && !err.is_safe_to_retry(), "{err:?}");
    assert_eq!(server.received().len(), 1);
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
async fn ambiguous_failures_of_a_post_are_not_retried_by_default() {
    // A bare 503 may come from a proxy that forwarded the request already.
    for status in [500, 502, 503, 504] {
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
async fn ambiguous_failures_are_retried_for_an_operation_declared_idempotent() {
    let server = ScriptedServer::start(vec![
        Reply::new(503, "{}"),
        Reply::new(200, dataset_json("d")),
    ]);
    let policy = quick().with_idempotent("create_dataset", true);
    assert_eq!(upload(&server, Some(policy)).await.unwrap(), "d");
    assert_eq!(server.received().len(), 2);
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
        Reply::new(429, "{}"),
        Reply::new(200, dataset_json("d")),
    ]);
    let c = client(&server.url).build().unwrap();
    let once = c.with_options(RequestOptions::new().with_max_retries(0));
    let err = upload_reviews(&once).await.unwrap_err();
    assert_eq!(err.status(), Some(429));
    assert_eq!(server.received().len(), 1);
    // The client itself still retries.
    assert_eq!(upload_reviews(&c).await.unwrap().name, "d");
    assert_eq!(server.received().len(), 2);
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
        "nothing was sent, so both retries are safe: {err:?} {}",
        logs.text()
    );
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert!(err.is_transient() && err.is_safe_to_retry());
    assert!(
        err.to_string().starts_with("cannot reach the API: "),
        "{err}"
    );
}

#[tokio::test]
async fn timeouts_after_sending_are_retried_only_when_safe() {
    // The server answers each connection on its own thread, so a retry
    // would arrive while the first answer still waits: counting requests
    // when the call returns sees it.
    let slow_then_fine = || {
        ScriptedServer::start(vec![
            Reply::new(200, dataset_json("slow")).delayed(Duration::from_millis(800)),
            Reply::new(200, dataset_json("d")),
        ])
    };
    let server = slow_then_fine();
    let c = client(&server.url)
        .with_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let err = upload_reviews(&c).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { after, .. } if after == Duration::from_millis(100)),
        "{err:?}"
    );
    assert_eq!(
        server.received().len(),
        1,
        "a POST that timed out is not repeated"
    );

    let server = slow_then_fine();
    let c = client(&server.url)
        .with_timeout(Duration::from_millis(100))
        .with_retry_policy(quick().with_ambiguous_retries(true))
        .build()
        .unwrap();
    assert_eq!(upload_reviews(&c).await.unwrap().name, "d");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_connection_reset_mid_response_is_ambiguous() {
    let reset_then_fine = || {
        ScriptedServer::start(vec![
            Reply::new(200, dataset_json("half")).faulty(Fault::ResetMidBody),
            Reply::new(200, dataset_json("d")),
        ])
    };
    let server = reset_then_fine();
    let err = upload(&server, Some(quick())).await.unwrap_err();
    assert!(matches!(err, Error::Connection { .. }), "{err:?}");
    assert!(err.is_transient() && !err.is_safe_to_retry(), "{err:?}");
    assert_eq!(server.received().len(), 1);

    let server = reset_then_fine();
    let policy = quick().with_idempotent("create_dataset", true);
    assert_eq!(upload(&server, Some(policy)).await.unwrap(), "d");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_body_that_trickles_past_the_timeout_times_out() {
    let server =
        ScriptedServer::start(vec![Reply::new(200, dataset_json("slowly"))
            .faulty(Fault::Trickle(Duration::from_millis(20)))]);
    let c = client(&server.url)
        .with_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    // The headers come at once and the body (over 200 bytes, 20 ms each)
    // would arrive whole: only a timeout that covers the body fails it.
    let err = upload_reviews(&c).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}
