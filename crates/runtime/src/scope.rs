//! What one call remembers across its attempts.
//!
//! A call ([`crate::Transport::call`]) runs its attempts inside a
//! task-local scope. Code that runs inside it, but is not handed the call
//! (the serialisation of a generated body, progenitor's hook), leaves here
//! what the call needs: each [`Secret`] serialised into a request, to be
//! scrubbed from anything the server sends back, and the latest response's
//! status and request id, for errors that progenitor reports without them.

use crate::Secret;
use std::cell::RefCell;

tokio::task_local! {
    static CALL: RefCell<State>;
}

/// The state of the call in progress.
#[derive(Debug, Default, Clone)]
pub(crate) struct State {
    /// Credentials serialised into this call's requests.
    pub secrets: Vec<Secret>,
    /// Status of the latest response.
    pub status: Option<u16>,
    /// `x-request-id` of the latest response.
    pub request_id: Option<String>,
    /// How many times the call has retried before the running attempt.
    pub retries: u32,
}

/// Runs `future` as one call, with `secrets` known from the start.
pub(crate) async fn run<F: std::future::Future>(secrets: Vec<Secret>, future: F) -> F::Output {
    let state = State {
        secrets,
        ..State::default()
    };
    CALL.scope(RefCell::new(state), future).await
}

/// Remembers a credential that is being serialised, if a call is running.
pub(crate) fn remember_secret(secret: &Secret) {
    let _ = CALL.try_with(|state| {
        let mut state = state.borrow_mut();
        if !secret.expose().is_empty() && !state.secrets.contains(secret) {
            state.secrets.push(secret.clone());
        }
    });
}

/// Records the latest response of the running call.
pub(crate) fn record_response(status: u16, request_id: Option<String>) {
    let _ = CALL.try_with(|state| {
        let mut state = state.borrow_mut();
        state.status = Some(status);
        state.request_id = request_id;
    });
}

/// Records that the running call is about to make retry number `retries`
/// (0 for the first attempt).
pub(crate) fn record_attempt(retries: u32) {
    let _ = CALL.try_with(|state| state.borrow_mut().retries = retries);
}

/// How many times the running call has retried (0 outside a call).
pub(crate) fn retries() -> u32 {
    CALL.try_with(|state| state.borrow().retries).unwrap_or(0)
}

/// A copy of the running call's state (empty outside a call).
pub(crate) fn current() -> State {
    CALL.try_with(|state| state.borrow().clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn secrets_serialised_inside_a_call_are_remembered_once() {
        let secret = Secret::from("s3-secret");
        let state = run(Vec::new(), async {
            serde_json::to_string(&secret).unwrap();
            serde_json::to_string(&secret).unwrap();
            record_response(422, Some("req-1".into()));
            current()
        })
        .await;
        assert_eq!(state.secrets, [secret]);
        assert_eq!(state.status, Some(422));
        assert_eq!(state.request_id.as_deref(), Some("req-1"));
        // Outside a call nothing is kept, and nothing fails.
        serde_json::to_string(&Secret::from("x")).unwrap();
        assert!(current().secrets.is_empty());
    }
}
