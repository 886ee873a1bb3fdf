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

/// The shortest credential scrubbed out of text: shorter ones are left
/// alone. Replacing every occurrence of a one-letter "key" would mangle
/// any message (`Invalid to[REDACTED]en`), and a value that short is no
/// secret worth the name; real API keys are far longer.
pub(crate) const MIN_SECRET: usize = 8;

/// The shortest start of a credential that is redacted where it ends a
/// text cut from a longer one: the credential may go on past the cut.
const MIN_PREFIX: usize = 4;

/// The credentials one call must not leak.
///
/// The order is always: scrub the whole text, then cut it
/// ([`Scrubber::cut`], [`Scrubber::excerpt`]). Where the text was already
/// cut before it reached the scrubber (a body read up to a cap), a start
/// of a credential ending it is redacted too ([`Scrubber::cut_short`]).
pub(crate) struct Scrubber<'a> {
    pub api_key: &'a Secret,
    pub secrets: &'a [Secret],
}

impl Scrubber<'_> {
    fn values(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.api_key)
            .chain(self.secrets)
            .map(Secret::expose)
            .filter(|value| value.len() >= MIN_SECRET)
    }

    /// `text` with every known credential of at least [`MIN_SECRET`] bytes
    /// replaced by `[REDACTED]`.
    pub fn text(&self, mut text: String) -> String {
        for value in self.values() {
            if text.contains(value) {
                text = text.replace(value, "[REDACTED]");
            }
        }
        text
    }

    /// `text`, which was cut from a longer one at its end, scrubbed: every
    /// whole credential, and a start of one (of [`MIN_PREFIX`] characters
    /// or more) that ends the text, where the cut fell inside it.
    pub fn cut_short(&self, text: String) -> String {
        let mut text = self.text(text);
        let longest = self
            .values()
            .filter_map(|value| {
                // The longest start of `value`, shorter than all of it, that
                // ends `text`.
                (MIN_PREFIX..value.len())
                    .rev()
                    .filter(|&n| value.is_char_boundary(n))
                    .find(|&n| text.ends_with(&value[..n]))
            })
            .max();
        if let Some(n) = longest {
            text.truncate(text.len() - n);
            text.push_str("[REDACTED]");
        }
        text
    }

    /// `text` scrubbed, then cut to `max` characters (marked with `…`
    /// where it was): scrubbing first, no credential is cut in two.
    pub fn cut(&self, text: String, max: usize) -> String {
        cut(self.text(text), max)
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
        let cut_off = window.len() < body.len();
        let text = if cut_off {
            // A character cut in two by the window is left out, and a
            // credential the window cut is redacted up to the cut (leading
            // blanks, trimmed below, may bring it into the excerpt).
            let whole = match std::str::from_utf8(window) {
                Err(e) if e.error_len().is_none() => &window[..e.valid_up_to()],
                _ => window,
            };
            self.cut_short(String::from_utf8_lossy(whole).into_owned())
        } else {
            self.text(String::from_utf8_lossy(window).into_owned())
        };
        let mut excerpt = cut(text.trim().to_string(), EXCERPT);
        if cut_off && !excerpt.ends_with('…') {
            excerpt.push('…');
        }
        excerpt
    }
}

/// `text` cut to `max` characters, and marked with `…` if anything was.
/// Credentials are scrubbed before, never after: [`Scrubber::cut`].
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
        let key = Secret::from("sk-testkey");
        let secrets = [Secret::from("s3-secret"), Secret::from("")];
        let scrub = Scrubber {
            api_key: &key,
            secrets: &secrets,
        };
        assert_eq!(
            scrub.text("bad key sk-testkey and s3-secret".into()),
            "bad key [REDACTED] and [REDACTED]"
        );
        assert_eq!(
            scrub.json(
                json!({"input": {"s3_secret_key": "s3-secret"}, "n": 1, "sk-testkey": ["sk-testkey"]})
            ),
            json!({"input": {"s3_secret_key": "[REDACTED]"}, "n": 1, "[REDACTED]": ["[REDACTED]"]})
        );
        let long = format!("{}sk-testkey", "é".repeat(600));
        let excerpt = scrub.excerpt(long.as_bytes());
        assert_eq!(excerpt.chars().count(), EXCERPT + 1);
        assert!(excerpt.ends_with('…'));
        // Scrubbing shortens nothing into looking cut.
        assert_eq!(scrub.excerpt(b"key sk-testkey"), "key [REDACTED]");
        assert_eq!(cut("abc".into(), 3), "abc");
        assert_eq!(cut("abcd".into(), 3), "abc…");
    }

    #[test]
    fn credentials_too_short_to_be_secrets_are_left_alone() {
        let key = Secret::from("k");
        let scrub = Scrubber {
            api_key: &key,
            secrets: &[],
        };
        assert_eq!(scrub.text("Invalid token".into()), "Invalid token");
        let key = Secret::from("sk-12345");
        let scrub = Scrubber {
            api_key: &key,
            secrets: &[],
        };
        assert_eq!(scrub.text("key sk-12345".into()), "key [REDACTED]");
    }

    #[test]
    fn a_credential_cut_in_two_is_redacted_up_to_the_cut() {
        let key = Secret::from("sk-abcdefgh");
        let scrub = Scrubber {
            api_key: &key,
            secrets: &[],
        };
        assert_eq!(
            scrub.cut_short("bad key sk-abcd".into()),
            "bad key [REDACTED]"
        );
        // Too short a start to say.
        assert_eq!(scrub.cut_short("bad key sk-".into()), "bad key sk-");
        // Scrubbed first, then cut: the marker may be cut, the key never.
        assert_eq!(scrub.cut("key sk-abcdefgh".into(), 8), "key [RED…");
        let body = format!("{}sk-abcdefgh", " ".repeat(EXCERPT * 4 + 256 - 6));
        assert_eq!(scrub.excerpt(body.as_bytes()), "[REDACTED]…");
    }
}
