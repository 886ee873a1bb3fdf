//! Open enums: string enums that keep values the spec does not list.
//!
//! typify generates closed enums, so a response carrying a status that the
//! vendored spec does not know (say `"ARCHIVED"`) would fail to decode, and
//! the whole call with it. Every string enum of two or more values in
//! `components.schemas` is instead generated here, with one variant per
//! known value and an `Unknown(String)` variant that keeps anything else.
//! Such an enum serialises to the same string it was read from.
//! progenitor is told to use these types in place of its own
//! (`with_replacement`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

/// An enum found in the normalised document.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenEnum {
    /// The Rust type name, as typify names the component.
    pub name: String,
    /// The schema's description, for the doc comment.
    pub description: Option<String>,
    /// The known values, in document order.
    pub values: Vec<String>,
}

/// Finds the component enums that are generated as open enums.
pub fn find(doc: &Value) -> Vec<OpenEnum> {
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    schemas
        .iter()
        .filter_map(|(key, schema)| {
            let obj = schema.as_object()?;
            if !crate::normalize::is_open_enum(obj)
                || obj.get("nullable") == Some(&Value::Bool(true))
            {
                return None;
            }
            let values = obj["enum"]
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .map(String::from);
            Some(OpenEnum {
                name: rust_name(key),
                description: obj
                    .get("description")
                    .and_then(Value::as_str)
                    .map(String::from),
                values: values.collect(),
            })
        })
        .collect()
}

/// Whether a component schema is generated as an open enum: a string enum
/// of two or more values that is not `nullable` (a nullable one stays a
/// closed enum inside an `Option`).
pub fn is_open(schema: &serde_json::Map<String, Value>) -> bool {
    crate::normalize::is_open_enum(schema) && schema.get("nullable") != Some(&Value::Bool(true))
}

/// A Rust type or variant name for `input`, as typify makes them.
pub fn rust_name(input: &str) -> String {
    crate::names::type_name(input)
}

impl OpenEnum {
    /// The Rust definition: the enum, its serde impls, `Display`, `FromStr`
    /// and conversions from strings.
    pub fn emit(&self) -> TokenStream {
        let name = format_ident!("{}", self.name);
        let mut used: Vec<String> = Vec::new();
        let variants: Vec<_> = self
            .values
            .iter()
            .map(|value| {
                let mut v = rust_name(value);
                while used.contains(&v) {
                    v.push('_');
                }
                used.push(v.clone());
                format_ident!("{}", v)
            })
            .collect();
        let mut unknown = "Unknown".to_string();
        while used.contains(&unknown) {
            unknown.push('_');
        }
        let unknown = format_ident!("{}", unknown);
        let values = &self.values;
        let value_docs = values.iter().map(|v| format!("`{v}`"));
        let doc = match &self.description {
            Some(d) => format!("{d}\n\nValues this client does not know decode as [`Self::{unknown}`]."),
            None => format!("One of the values listed; values this client does not know decode as [`Self::{unknown}`]."),
        };
        quote! {
            #[doc = #doc]
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            #[non_exhaustive]
            pub enum #name {
                #(
                    #[doc = #value_docs]
                    #variants,
                )*
                /// A value that this version of the client does not know, kept as received.
                #unknown(::std::string::String),
            }

            impl #name {
                /// The value as it goes on the wire.
                pub fn as_str(&self) -> &str {
                    match self {
                        #( Self::#variants => #values, )*
                        Self::#unknown(value) => value.as_str(),
                    }
                }
            }

            impl ::std::convert::From<&str> for #name {
                fn from(value: &str) -> Self {
                    match value {
                        #( #values => Self::#variants, )*
                        other => Self::#unknown(other.to_string()),
                    }
                }
            }

            impl ::std::convert::From<::std::string::String> for #name {
                fn from(value: ::std::string::String) -> Self {
                    match Self::from(value.as_str()) {
                        Self::#unknown(_) => Self::#unknown(value),
                        known => known,
                    }
                }
            }

            impl ::std::str::FromStr for #name {
                type Err = ::std::convert::Infallible;
                fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                    Ok(Self::from(value))
                }
            }

            impl ::std::fmt::Display for #name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl ::serde::Serialize for #name {
                fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> ::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                    ::std::string::String::deserialize(deserializer).map(Self::from)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_component_string_enums_of_two_or_more_values() {
        let doc = json!({"components": {"schemas": {
            "DatasetStatus": {"type": "string", "enum": ["READY", "PENDING"], "description": "d"},
            "SchemaOptionType": {"type": "string", "enum": ["option"]},
            "Level": {"type": "integer", "enum": [1, 2]},
            "Thing": {"type": "object"}
        }}});
        assert_eq!(
            find(&doc),
            [OpenEnum {
                name: "DatasetStatus".into(),
                description: Some("d".into()),
                values: vec!["READY".into(), "PENDING".into()]
            }]
        );
    }

    #[test]
    fn names_follow_typify() {
        assert_eq!(rust_name("ColumnSchema-Input"), "ColumnSchemaInput");
        assert_eq!(rust_name("READY"), "Ready");
        assert_eq!(rust_name("text-generation"), "TextGeneration");
        assert_eq!(rust_name("1h"), "X1h");
        assert_eq!(rust_name("self"), "Self_");
    }

    #[test]
    fn colliding_variant_names_stay_distinct() {
        let e = OpenEnum {
            name: "E".into(),
            description: None,
            values: vec!["a-b".into(), "a_b".into(), "unknown".into()],
        };
        let code = e.emit().to_string();
        assert!(code.contains("AB ,") && code.contains("AB_ ,"), "{code}");
        assert!(
            code.contains("Unknown_ (:: std :: string :: String)"),
            "{code}"
        );
    }
}
