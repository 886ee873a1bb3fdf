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
//! | 303 to another origin; 301 or 302 of a POST to another origin | yes, as a GET without body, token, cookies or other sensitive headers |
//! | any other to another origin | only if the request has no body, and without token, cookies or other sensitive headers |
//!
//! At most [`MAX_REDIRECTS`] in a row. A redirect that is not followed
//! comes back as the response, and so as an error that names where it led.
//!
//! A body written as it is sent (a streamed upload, a multipart form)
//! cannot be sent again from here. A redirect that drops the body is
//! followed all the same; one to the same origin that keeps it ends the
//! attempt, and the call makes the next attempt, with its body written
//! afresh, to where the redirect led (see [`Transport::call_with`](crate::Transport::call_with)).

use reqwest::header::{
    AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, LOCATION, TRANSFER_ENCODING,
};
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
        // What to redirect with: a copy of the request, or for a body that
        // cannot be copied (a stream), the request without it.
        let copy = (hops < MAX_REDIRECTS).then(|| copy(&request));
        let response = http.execute(request).await?;
        let Some((copy, body_lost)) = copy else {
            return Ok(response);
        };
        match next_request(copy, body_lost, &response) {
            Next::Follow(next) => {
                request = next;
                hops += 1;
            }
            Next::Again(url) => {
                crate::scope::redirect_next_attempt(url);
                return Ok(response);
            }
            Next::Stop => return Ok(response),
        }
    }
}

/// A copy of `request`, and whether its body was left out (it cannot be
/// copied).
fn copy(request: &reqwest::Request) -> (reqwest::Request, bool) {
    if let Some(copy) = request.try_clone() {
        return (copy, false);
    }
    let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    *copy.timeout_mut() = request.timeout().copied();
    (copy, true)
}

/// What to do after a response.
#[derive(Debug)]
enum Next {
    /// Send this request, here.
    Follow(reqwest::Request),
    /// Make the call's next attempt, with its body written again, to this
    /// URL of the same origin.
    Again(Url),
    /// The response is the answer.
    Stop,
}

/// The request to send after `response`, if it is a redirect to follow.
/// `body_lost` says that `request` is a copy without the body it had.
fn next_request(
    mut request: reqwest::Request,
    body_lost: bool,
    response: &reqwest::Response,
) -> Next {
    let status = response.status();
    if !matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308) {
        return Next::Stop;
    }
    let Some(location) = response
        .headers()
        .get(LOCATION)
        .and_then(|l| l.to_str().ok())
    else {
        return Next::Stop;
    };
    let Ok(next) = request.url().join(location) else {
        return Next::Stop;
    };
    let from = request.url().clone();
    if from.scheme() == "https" && next.scheme() != "https" {
        return Next::Stop;
    }
    let same_origin = same_origin(&from, &next);
    let drops_body = status == StatusCode::SEE_OTHER
        || (matches!(status.as_u16(), 301 | 302) && request.method() == Method::POST);
    if drops_body {
        if request.method() != Method::HEAD {
            *request.method_mut() = Method::GET;
        }
        *request.body_mut() = None;
        for header in [CONTENT_TYPE, CONTENT_LENGTH, TRANSFER_ENCODING] {
            request.headers_mut().remove(header);
        }
    } else if body_lost {
        return if same_origin {
            Next::Again(next)
        } else {
            Next::Stop
        };
    } else if request.body().is_some() && !same_origin {
        return Next::Stop;
    }
    if !same_origin {
        // The token, the cookies, and any header marked sensitive (a
        // gateway key given through `RequestOptions::with_header`).
        let headers = request.headers_mut();
        let credentials: Vec<_> = headers
            .iter()
            .filter(|(_, value)| value.is_sensitive())
            .map(|(name, _)| name.clone())
            .chain([AUTHORIZATION, COOKIE])
            .collect();
        for name in credentials {
            headers.remove(name);
        }
    }
    *request.url_mut() = next;
    Next::Follow(request)
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

    /// The request to follow with, if the redirect is followed here.
    fn followed(
        request: reqwest::Request,
        response: &reqwest::Response,
    ) -> Option<reqwest::Request> {
        match next_request(request, false, response) {
            Next::Follow(next) => Some(next),
            _ => None,
        }
    }

    #[test]
    fn a_body_that_cannot_be_copied_is_written_again_for_the_same_origin_only() {
        let from = "https://api.example/v1/datasets";
        let again = next_request(
            request(Method::POST, from, false),
            true,
            &redirect(307, "/v1/datasets/"),
        );
        assert!(
            matches!(again, Next::Again(url) if url.as_str() == "https://api.example/v1/datasets/")
        );
        let elsewhere = next_request(
            request(Method::POST, from, false),
            true,
            &redirect(308, "https://evil.example/"),
        );
        assert!(matches!(elsewhere, Next::Stop));
        // A redirect that drops the body needs none.
        let see_other = next_request(
            request(Method::POST, from, false),
            true,
            &redirect(303, "/results/1"),
        );
        assert!(matches!(see_other, Next::Follow(next) if next.method() == Method::GET));
    }

    #[test]
    fn same_origin_redirects_keep_the_request() {
        let next = followed(
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
                followed(
                    request(Method::PUT, "https://api.example/a", true),
                    &redirect(status, "https://evil.example/a"),
                )
                .is_none(),
                "{status}"
            );
        }
        assert!(followed(
            request(Method::GET, "https://api.example/a", false),
            &redirect(302, "http://api.example/a"),
        )
        .is_none());
    }

    #[test]
    fn bodyless_or_see_other_redirects_go_elsewhere_without_credentials() {
        let next = followed(
            request(Method::POST, "https://api.example/a", true),
            &redirect(303, "https://files.example/b?sig=1"),
        )
        .unwrap();
        assert_eq!(next.method(), Method::GET);
        assert!(next.body().is_none() && !next.headers().contains_key(AUTHORIZATION));
        let mut get = request(Method::GET, "https://api.example/a", false);
        let mut gateway_key = HeaderValue::from_static("gw-key");
        gateway_key.set_sensitive(true);
        get.headers_mut().insert("x-gateway-key", gateway_key);
        get.headers_mut()
            .insert("x-team", HeaderValue::from_static("search"));
        let next = followed(get, &redirect(307, "https://files.example/b")).unwrap();
        assert_eq!(next.url().host_str(), Some("files.example"));
        assert!(!next.headers().contains_key(AUTHORIZATION));
        // A header marked sensitive is a credential too; others go along.
        assert!(!next.headers().contains_key("x-gateway-key"));
        assert_eq!(next.headers()["x-team"], "search");
        assert!(followed(
            request(Method::GET, "https://api.example/a", false),
            &redirect(200, "https://files.example/b"),
        )
        .is_none());
    }
}
