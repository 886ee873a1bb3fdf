//! Query parameters in `deepObject` style, which progenitor does not send.
//!
//! `?metadata[key]=value` is how pydantic and FastAPI describe a map in the
//! query (`style: deepObject`). progenitor writes every query parameter in
//! `form` style, where a map becomes `?key=value` and loses its name. The
//! generator marks such parameters, and the generated code sends them
//! through [`DeepObject`] instead.

use serde::ser::{Serialize, SerializeSeq, Serializer};
use serde_json::Value;

/// A value sent as `name[key]=value` pairs; nested objects add a `[key]`
/// each, lists repeat their key, and `null` or an absent value sends
/// nothing.
///
/// ```
/// use nebius_tokenfactory_runtime::DeepObject;
/// nebius_tokenfactory_runtime::ensure_crypto_provider();
/// let filter = serde_json::json!({"tags": ["a", "b"], "tier": "pro"});
/// let url = reqwest::Url::parse_with_params("https://x/", &[("q", "1")]).unwrap();
/// let request = reqwest::Client::new().get(url).query(&DeepObject::new("metadata", &filter)).build().unwrap();
/// assert_eq!(
///     request.url().query(),
///     Some("q=1&metadata%5Btags%5D=a&metadata%5Btags%5D=b&metadata%5Btier%5D=pro")
/// );
/// ```
pub struct DeepObject<'a, T: ?Sized> {
    name: &'a str,
    value: &'a T,
}

impl<'a, T: ?Sized> DeepObject<'a, T> {
    /// `value`, to be sent as the parameter `name`.
    pub fn new(name: &'a str, value: &'a T) -> Self {
        Self { name, value }
    }
}

impl<T: Serialize + ?Sized> Serialize for DeepObject<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = serde_json::to_value(self.value).map_err(serde::ser::Error::custom)?;
        let mut pairs = Vec::new();
        flatten(self.name.to_string(), &value, &mut pairs);
        let mut seq = serializer.serialize_seq(Some(pairs.len()))?;
        for pair in &pairs {
            seq.serialize_element(pair)?;
        }
        seq.end()
    }
}

fn flatten(key: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (k, v) in map {
                flatten(format!("{key}[{k}]"), v, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                flatten(key.clone(), item, out);
            }
        }
        Value::String(s) => out.push((key, s.clone())),
        other => out.push((key, other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(value: serde_json::Value) -> String {
        crate::ensure_crypto_provider();
        let request = reqwest::Client::new()
            .get("https://x/")
            .query(&DeepObject::new("m", &value))
            .build()
            .unwrap();
        request.url().query().unwrap_or_default().to_string()
    }

    #[test]
    fn maps_nest_lists_repeat_and_nulls_vanish() {
        assert_eq!(
            query(serde_json::json!({"a": {"b": 1}, "c": [true, false], "d": null})),
            "m%5Ba%5D%5Bb%5D=1&m%5Bc%5D=true&m%5Bc%5D=false"
        );
        assert_eq!(query(serde_json::Value::Null), "");
    }
}
