//! Removing known credentials from text the server sends back.
//!
//! A server may echo a request: FastAPI's validation errors quote the
//! input, a proxy may quote headers. Everything the runtime keeps from a
//! response for an error or a log (messages, excerpts, JSON bodies,
//! validation details) goes through a [`Scrubber`] that knows the API key
//! and every [`Secret`] the call serialised.

use crate::Secret;

/// How much of a body goes into errors and TRACE logs, in characters.
pub(crate) const EXCERPT: usize = 512;

/// The credentials one call must not leak.
pub(crate) struct Scrubber<'a> {
    pub api_key: &'a Secret,
    pub secrets: &'a [Secret],
}

impl Scrubber<'_> {
    /// `text` with every known credential replaced by `[REDACTED]`.
    pub fn text(&self, mut text: String) -> String {
        for secret in std::iter::once(self.api_key).chain(self.secrets) {
            let value = secret.expose();
            if !value.is_empty() && text.contains(value) {
                text = text.replace(value, "[REDACTED]");
            }
        }
        text
    }

    /// `value` with every string in it scrubbed.
    pub fn json(&self, value: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match value {
            Value::String(s) => Value::String(self.text(s)),
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.json(v)).collect()),
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (self.text(k), self.json(v)))
                    .collect(),
            ),
            other => other,
        }
    }

    /// The start of a body, as text, scrubbed, cut at a character boundary.
    pub fn excerpt(&self, body: &[u8]) -> String {
        // Scrub more than is kept: the excerpt's characters take up to 4
        // bytes each, and a secret cut by the window must still be whole.
        let window = &body[..body.len().min(EXCERPT * 4 + 256)];
        let text = self.text(String::from_utf8_lossy(window).trim().to_string());
        let mut excerpt = cut(text, EXCERPT);
        if window.len() < body.len() && !excerpt.ends_with('…') {
            excerpt.push('…');
        }
        excerpt
    }
}

/// `text` cut to `max` characters, and marked with `…` if anything was.
pub(crate) fn cut(text: String, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => {
            let mut out = text[..end].to_string();
            out.push('…');
            out
        }
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_known_credential_is_removed_from_text_and_json() {
        let key = Secret::from("sk-key");
        let secrets = [Secret::from("s3-secret"), Secret::from("")];
        let scrub = Scrubber {
            api_key: &key,
            secrets: &secrets,
        };
        assert_eq!(
            scrub.text("bad key sk-key and s3-secret".into()),
            "bad key [REDACTED] and [REDACTED]"
        );
        assert_eq!(
            scrub.json(
                json!({"input": {"s3_secret_key": "s3-secret"}, "n": 1, "sk-key": ["sk-key"]})
            ),
            json!({"input": {"s3_secret_key": "[REDACTED]"}, "n": 1, "[REDACTED]": ["[REDACTED]"]})
        );
        let long = format!("{}sk-key", "é".repeat(600));
        let excerpt = scrub.excerpt(long.as_bytes());
        assert_eq!(excerpt.chars().count(), EXCERPT + 1);
        assert!(excerpt.ends_with('…'));
        // Scrubbing shortens nothing into looking cut.
        assert_eq!(scrub.excerpt(b"key sk-key"), "key [REDACTED]");
        assert_eq!(cut("abc".into(), 3), "abc");
        assert_eq!(cut("abcd".into(), 3), "abc…");
    }
}
