//! The configured AI Studio project, on every operation that takes one.
//!
//! Most operations of the API take the project as an optional query
//! parameter (`ai_project_id`), and some as a property of their JSON body.
//! The generator marks where in each endpoint ([`ProjectParameter`]), so the
//! project a client is configured with reaches every such call with no code
//! per operation. A call that names its own project keeps it: the
//! parameter is added only where the request does not carry it already.

use crate::endpoint::ProjectParameter;
use reqwest::header::{HeaderValue, CONTENT_LENGTH};

/// Puts `project` where `parameter` says, unless `request` has it already.
pub(crate) fn apply(request: &mut reqwest::Request, parameter: ProjectParameter, project: &str) {
    match parameter {
        ProjectParameter::Query(name) => {
            let url = request.url_mut();
            if !url.query_pairs().any(|(key, _)| key == name) {
                url.query_pairs_mut().append_pair(name, project);
            }
        }
        ProjectParameter::Body(name) => {
            let Some(body) = request.body().and_then(reqwest::Body::as_bytes) else {
                // No body, or one written as it is sent (a stream, a form):
                // nothing to add the project to.
                return;
            };
            let Some(body) = with_property(body, name, project) else {
                return;
            };
            let length = HeaderValue::from(body.len());
            *request.body_mut() = Some(reqwest::Body::from(body));
            request.headers_mut().insert(CONTENT_LENGTH, length);
        }
    }
}

/// The JSON object `body` with `name` set to `value`, or `None` where it
/// is set already (to anything but null) or the body is not an object.
fn with_property(body: &[u8], name: &str, value: &str) -> Option<Vec<u8>> {
    let mut object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(body).ok()?;
    if object.get(name).is_some_and(|v| !v.is_null()) {
        return None;
    }
    object.insert(name.into(), value.into());
    serde_json::to_vec(&object).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(url: &str, body: Option<serde_json::Value>) -> reqwest::Request {
        let mut request = reqwest::Request::new(reqwest::Method::POST, url.parse().unwrap());
        if let Some(body) = body {
            *request.body_mut() = Some(serde_json::to_vec(&body).unwrap().into());
        }
        request
    }

    fn body(request: &reqwest::Request) -> serde_json::Value {
        serde_json::from_slice(request.body().unwrap().as_bytes().unwrap()).unwrap()
    }

    #[test]
    fn a_query_parameter_is_added_unless_the_call_named_one() {
        let mut r = request("http://h/v1/files?limit=2", None);
        apply(&mut r, ProjectParameter::Query("ai_project_id"), "p 1");
        assert_eq!(r.url().query(), Some("limit=2&ai_project_id=p+1"));
        let mut r = request("http://h/v1/files?ai_project_id=mine", None);
        apply(&mut r, ProjectParameter::Query("ai_project_id"), "p");
        assert_eq!(r.url().query(), Some("ai_project_id=mine"));
    }

    #[test]
    fn a_body_property_is_added_unless_the_call_set_one() {
        let mut r = request("http://h/v1/datasets", Some(json!({"name": "d"})));
        apply(&mut r, ProjectParameter::Body("ai_project_id"), "p");
        assert_eq!(body(&r), json!({"name": "d", "ai_project_id": "p"}));
        assert_eq!(
            r.headers()[CONTENT_LENGTH],
            r.body()
                .unwrap()
                .as_bytes()
                .unwrap()
                .len()
                .to_string()
                .as_str()
        );
        for set in [json!({"ai_project_id": "mine"}), json!([1]), json!("text")] {
            let mut r = request("http://h/v1/datasets", Some(set.clone()));
            apply(&mut r, ProjectParameter::Body("ai_project_id"), "p");
            assert_eq!(body(&r), set);
        }
        let mut r = request("http://h/v1/datasets", Some(json!({"ai_project_id": null})));
        apply(&mut r, ProjectParameter::Body("ai_project_id"), "p");
        assert_eq!(body(&r), json!({"ai_project_id": "p"}));
    }
}
