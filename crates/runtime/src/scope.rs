//! What one call remembers across its attempts.
//!
//! A call ([`crate::Transport::call`]) runs its attempts inside a
//! task-local scope. Code that runs inside it, but is not handed the call
//! (the serialisation of a generated body, progenitor's hook), leaves here
//! what the call needs: each [`Secret`] serialised into a request, to be
//! scrubbed from anything the server sends back, the latest response's
//! status, for errors that progenitor reports without it, and which retry
//! the running attempt is.

use crate::Secret;
use std::sync::{Arc, Mutex, PoisonError};

// An `Arc`: tokio moves a task-local's value in and out of its slot on
// every poll, and a pointer is the cheapest thing to move.
tokio::task_local! {
    static CALL: Arc<Mutex<State>>;
}

/// The state of the call in progress.
#[derive(Debug, Default, Clone)]
pub(crate) struct State {
    /// Credentials serialised into this call's requests.
    pub secrets: Vec<Secret>,
    /// Status of the latest response.
    pub status: Option<u16>,
    /// How many times the call has retried before the running attempt.
    pub retries: u32,
    /// The request holds a body that cannot be made again (a reader): the
    /// call makes one attempt.
    pub single_attempt: bool,
    /// Where a redirect of the same origin sent the call: its next attempt
    /// goes there, with its body written again.
    pub redirect: Option<reqwest::Url>,
    /// Whether the latest attempt ended at such a redirect.
    pub redirected: bool,
    /// The bound on JSON bodies, where the latest response's was larger.
    pub too_large: Option<usize>,
}

/// Runs `future` as one call.
pub(crate) async fn run<F: std::future::Future>(future: F) -> F::Output {
    CALL.scope(Arc::new(Mutex::new(State::default())), future)
        .await
}

/// Remembers a credential that is being serialised, if a call is running.
pub(crate) fn remember_secret(secret: &Secret) {
    let _ = CALL.try_with(|state| {
        let mut state = lock(state);
        if !secret.expose().is_empty() && !state.secrets.contains(secret) {
            state.secrets.push(secret.clone());
        }
    });
}

/// Records the status of the running call's latest response.
pub(crate) fn record_status(status: u16) {
    let _ = CALL.try_with(|state| lock(state).status = Some(status));
}

/// Records that the running call is about to make retry number `retries`
/// (0 for the first attempt).
pub(crate) fn record_attempt(retries: u32) {
    let _ = CALL.try_with(|state| {
        let mut state = lock(state);
        state.retries = retries;
        state.too_large = None;
    });
}

/// Sends the running call's next attempts to `url`: a redirect of the same
/// origin that its attempt could not follow with its body.
pub(crate) fn redirect_next_attempt(url: reqwest::Url) {
    let _ = CALL.try_with(|state| {
        let mut state = lock(state);
        state.redirect = Some(url);
        state.redirected = true;
    });
}

/// Where a redirect sent the running call, if one did.
pub(crate) fn redirect() -> Option<reqwest::Url> {
    CALL.try_with(|state| lock(state).redirect.clone())
        .ok()
        .flatten()
}

/// Whether the latest attempt ended at a redirect to follow with a new
/// attempt; asking clears it.
pub(crate) fn take_redirected() -> bool {
    CALL.try_with(|state| std::mem::take(&mut lock(state).redirected))
        .unwrap_or(false)
}

/// Records that the latest response's body was larger than `limit`.
pub(crate) fn record_too_large(limit: usize) {
    let _ = CALL.try_with(|state| lock(state).too_large = Some(limit));
}

/// The bound the latest response's body was larger than, if it was;
/// asking clears it.
pub(crate) fn take_too_large() -> Option<usize> {
    CALL.try_with(|state| lock(state).too_large.take())
        .ok()
        .flatten()
}

/// Marks the running call as one that cannot be retried.
pub(crate) fn forbid_retries() {
    let _ = CALL.try_with(|state| lock(state).single_attempt = true);
}

/// Whether the running call cannot be retried.
pub(crate) fn single_attempt() -> bool {
    CALL.try_with(|state| lock(state).single_attempt)
        .unwrap_or(false)
}

/// How many times the running call has retried (0 outside a call).
pub(crate) fn retries() -> u32 {
    CALL.try_with(|state| lock(state).retries).unwrap_or(0)
}

/// The credentials the running call has serialised (none outside a call).
pub(crate) fn secrets() -> Vec<Secret> {
    CALL.try_with(|state| lock(state).secrets.clone())
        .unwrap_or_default()
}

/// A copy of the running call's state (empty outside a call).
pub(crate) fn current() -> State {
    CALL.try_with(|state| lock(state).clone())
        .unwrap_or_default()
}

/// The state, whatever a panic elsewhere left it in.
fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn secrets_serialised_inside_a_call_are_remembered_once() {
        let secret = Secret::from("s3-secret");
        let state = run(async {
            serde_json::to_string(&secret).unwrap();
            serde_json::to_string(&secret).unwrap();
            record_status(422);
            current()
        })
        .await;
        assert_eq!(state.secrets, [secret]);
        assert_eq!(state.status, Some(422));
        // Outside a call nothing is kept, and nothing fails.
        serde_json::to_string(&Secret::from("x")).unwrap();
        assert!(current().secrets.is_empty());
    }
}
