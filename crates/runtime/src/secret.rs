//! The type of credential fields in generated types.
//!
//! A `Secret` serialised into a request is also remembered by the call that
//! sends it ([`crate::scope`]), which scrubs it from anything the server
//! sends back: FastAPI's validation errors quote the input.

use std::fmt;

/// A credential, such as an S3 secret key.
///
/// It goes on the wire as the plain string, but `Debug` and `Display`
/// print `[REDACTED]`, so the types that hold it can be logged. The
/// codegen's `secrets` pass decides which fields are credentials.
///
/// Text the server sends back is scrubbed of every credential of 8 bytes
/// or more; a shorter one is left in place, since replacing each of its
/// occurrences would mangle the text around it (`Invalid to[REDACTED]en`
/// for the key `k`), and so short a value protects nothing anyway.
///
/// ```
/// use nebius_tokenfactory_runtime::Secret;
///
/// let key = Secret::from("hunter2");
/// assert_eq!(format!("{key:?} {key}"), "Secret([REDACTED]) [REDACTED]");
/// assert_eq!(key.expose(), "hunter2");
/// assert_eq!(serde_json::to_string(&key).unwrap(), "\"hunter2\"");
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The credential itself. Keep the result out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The credential as an HTTP header value, marked sensitive (so that
    /// it never follows a redirect to another origin, and never prints);
    /// within a call, it is also remembered and scrubbed from what the
    /// server sends back. Generated code sends a credential header or
    /// cookie parameter through it.
    pub fn header_value(
        &self,
    ) -> Result<reqwest::header::HeaderValue, reqwest::header::InvalidHeaderValue> {
        crate::scope::remember_secret(self);
        let mut value = reqwest::header::HeaderValue::from_str(&self.0)?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_string())
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        crate::scope::remember_secret(self);
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}
