//! Which redirects are followed: never one that would carry the rows or
//! the key to another origin.

mod common;

use common::{client, dataset_json, upload_reviews, Reply, ScriptedServer, KEY};
use nebius_tokenfactory::Error;

#[tokio::test]
async fn a_redirect_that_keeps_the_body_is_not_followed_to_another_origin() {
    let elsewhere = ScriptedServer::start(vec![Reply::new(200, dataset_json("stolen"))]);
    for status in [307, 308] {
        let api = ScriptedServer::start(vec![Reply::new(status, "").header(
            "location",
            &format!("{}/v1/datasets?sig=secret", elsewhere.url),
        )]);
        let c = client(&api.url).build().unwrap();
        let err = upload_reviews(&c).await.unwrap_err();
        assert!(matches!(err, Error::Api { .. }), "{status}: {err:?}");
        assert_eq!(
            err.to_string(),
            format!(
                "the API answered {status}: a redirect to {}/v1/datasets was not followed: it would \
                 resend the request body to another origin, or downgrade https to http",
                elsewhere.url
            )
        );
        assert_eq!(api.received().len(), 1);
    }
    assert!(
        elsewhere.received().is_empty(),
        "nothing may reach the other origin"
    );
}

#[tokio::test]
async fn a_redirect_that_drops_the_body_goes_elsewhere_as_a_get_without_body_or_key() {
    // 303 for any method; 301 and 302 for a POST (RFC 9110, 15.4).
    for status in [301, 302, 303] {
        let elsewhere = ScriptedServer::start(vec![Reply::new(200, dataset_json("result"))]);
        let api = ScriptedServer::start(vec![
            Reply::new(status, "").header("location", &format!("{}/results/1", elsewhere.url))
        ]);
        let c = client(&api.url).build().unwrap();
        assert_eq!(upload_reviews(&c).await.unwrap().name, "result", "{status}");
        let received = elsewhere.received();
        assert_eq!(
            received[0].request_line, "GET /results/1 HTTP/1.1",
            "{status}"
        );
        assert!(received[0].body.is_empty(), "{status}");
        assert_eq!(received[0].header("authorization"), None, "{status}");
    }
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed_with_the_request() {
    let api = ScriptedServer::start(vec![
        Reply::new(307, "").header("location", "/v1/datasets/"),
        Reply::new(200, dataset_json("d")),
    ]);
    let c = client(&api.url).build().unwrap();
    assert_eq!(upload_reviews(&c).await.unwrap().name, "d");
    let received = api.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].request_line, "POST /v1/datasets/ HTTP/1.1");
    assert_eq!(received[1].body, received[0].body);
    assert_eq!(
        received[1].header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
}
