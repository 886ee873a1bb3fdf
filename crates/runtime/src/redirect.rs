//! Which redirects are followed.
//!
//! Request bodies carry rows and credentials (an S3 secret key), and the
//! bearer token carries the account. reqwest's own policy resends a body on
//! 307 and 308, and on 301 and 302 for methods other than POST, to any
//! host, so the transport builds its HTTP client with redirects off
//! ([`crate::http_client`]) and follows them here instead:
//!
//! | redirect | followed |
//! |---|---|
//! | to plain http from https | never |
//! | to the same origin (scheme, host, port) | always, with the request as it was |
//! | 303 to another origin; 301 or 302 of a POST to another origin | yes, as a GET without body, token or cookies |
//! | any other to another origin | only if the request has no body, and without token or cookies |
//!
//! At most [`MAX_REDIRECTS`] in a row. A redirect that is not followed
//! comes back as the response, and so as an error that names where it led.

use reqwest::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, LOCATION};
use reqwest::{Method, StatusCode, Url};

/// How many redirects in a row are followed.
pub const MAX_REDIRECTS: usize = 10;

/// Builds the HTTP client the transport expects: redirects off (followed
/// here), TLS set up, and `connect_timeout` to open a connection.
pub fn http_client(connect_timeout: std::time::Duration) -> Result<reqwest::Client, crate::Error> {
    crate::ensure_crypto_provider();
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(crate::Error::HttpClient)
}

/// Sends `request`, following the redirects the rules allow.
pub(crate) async fn follow(
    http: &reqwest::Client,
    mut request: reqwest::Request,
) -> reqwest::Result<reqwest::Response> {
    let mut hops = 0;
    loop {
        // A copy to redirect with; for a stream body there is none, and the
        // redirect is not followed.
        let copy = (hops < MAX_REDIRECTS)
            .then(|| request.try_clone())
            .flatten();
        let response = http.execute(request).await?;
        match copy.and_then(|copy| next_request(copy, &response)) {
            Some(next) => {
                request = next;
                hops += 1;
            }
            None => return Ok(response),
        }
    }
}

/// The request to send after `response`, if it is a redirect to follow.
fn next_request(
    mut request: reqwest::Request,
    response: &reqwest::Response,
) -> Option<reqwest::Request> {
    let status = response.status();
    if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    let next = request.url().join(location).ok()?;
    let from = request.url().clone();
    if from.scheme() == "https" && next.scheme() != "https" {
        return None;
    }
    let same_origin = same_origin(&from, &next);
    let drops_body = status == StatusCode::SEE_OTHER
        || (matches!(status.as_u16(), 301 | 302) && request.method() == Method::POST);
    if drops_body {
        if request.method() != Method::HEAD {
            *request.method_mut() = Method::GET;
        }
        *request.body_mut() = None;
        for header in [CONTENT_TYPE, CONTENT_LENGTH] {
            request.headers_mut().remove(header);
        }
    } else if request.body().is_some() && !same_origin {
        return None;
    }
    if !same_origin {
        for header in [AUTHORIZATION, COOKIE] {
            request.headers_mut().remove(header);
        }
    }
    *request.url_mut() = next;
    Some(request)
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn request(method: Method, url: &str, body: bool) -> reqwest::Request {
        let mut r = reqwest::Request::new(method, url.parse().unwrap());
        r.headers_mut()
            .insert(AUTHORIZATION, HeaderValue::from_static("Bearer k"));
        if body {
            *r.body_mut() = Some("{\"rows\": []}".into());
        }
        r
    }

    fn redirect(status: u16, location: &str) -> reqwest::Response {
        let mut r = http::Response::new("");
        *r.status_mut() = StatusCode::from_u16(status).unwrap();
        r.headers_mut()
            .insert(LOCATION, HeaderValue::from_str(location).unwrap());
        reqwest::Response::from(r)
    }

    #[test]
    fn same_origin_redirects_keep_the_request() {
        let next = next_request(
            request(Method::POST, "https://api.example/v1/datasets/", true),
            &redirect(307, "/v1/datasets"),
        )
        .unwrap();
        assert_eq!(next.url().as_str(), "https://api.example/v1/datasets");
        assert_eq!(next.method(), Method::POST);
        assert!(next.body().is_some() && next.headers().contains_key(AUTHORIZATION));
    }

    #[test]
    fn a_body_never_goes_to_another_origin_or_over_plain_http() {
        for status in [301, 302, 307, 308] {
            assert!(
                next_request(
                    request(Method::PUT, "https://api.example/a", true),
                    &redirect(status, "https://evil.example/a"),
                )
                .is_none(),
                "{status}"
            );
        }
        assert!(next_request(
            request(Method::GET, "https://api.example/a", false),
            &redirect(302, "http://api.example/a"),
        )
        .is_none());
    }

    #[test]
    fn bodyless_or_see_other_redirects_go_elsewhere_without_credentials() {
        let next = next_request(
            request(Method::POST, "https://api.example/a", true),
            &redirect(303, "https://files.example/b?sig=1"),
        )
        .unwrap();
        assert_eq!(next.method(), Method::GET);
        assert!(next.body().is_none() && !next.headers().contains_key(AUTHORIZATION));
        let next = next_request(
            request(Method::GET, "https://api.example/a", false),
            &redirect(307, "https://files.example/b"),
        )
        .unwrap();
        assert_eq!(next.url().host_str(), Some("files.example"));
        assert!(!next.headers().contains_key(AUTHORIZATION));
        assert!(next_request(
            request(Method::GET, "https://api.example/a", false),
            &redirect(200, "https://files.example/b"),
        )
        .is_none());
    }
}
