//! Column schemas: built by hand, derived from a Rust type, or inferred
//! from sample rows.

use super::{InvalidInput, Problem};
use nebius_tokenfactory_api::types as api;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// The type of a dataset column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ColumnType {
    /// Text.
    String,
    /// A whole number in the `i64` range.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A 32-bit float.
    Float,
    /// A 64-bit float.
    Double,
    /// Any JSON value: nested objects, lists, maps.
    Json,
    /// Only `null`.
    Null,
    /// The inner type, or `null` (or absent).
    Option(Box<ColumnType>),
}

impl ColumnType {
    /// `inner` or null: `ColumnType::option(ColumnType::String)`.
    pub fn option(inner: ColumnType) -> Self {
        ColumnType::Option(Box::new(inner))
    }

    /// Whether a row may hold `null` here, or leave the column out.
    pub fn is_nullable(&self) -> bool {
        matches!(
            self,
            ColumnType::Option(_) | ColumnType::Json | ColumnType::Null
        )
    }

    fn to_api(&self) -> api::ColumnSchemaInputType {
        match self {
            ColumnType::Option(inner) => api::SchemaOptionInput {
                name: api::SchemaOptionType::Option,
                item: match inner.to_api() {
                    api::ColumnSchemaInputType::Primitive(p) => {
                        api::SchemaOptionInputItem::Primitive(p)
                    }
                    api::ColumnSchemaInputType::OptionInput(o) => {
                        api::SchemaOptionInputItem::OptionInput(Box::new(o))
                    }
                },
            }
            .into(),
            primitive => api::SchemaPrimitive {
                name: primitive.primitive_name(),
            }
            .into(),
        }
    }

    fn primitive_name(&self) -> api::SchemaPrimitiveType {
        match self {
            ColumnType::String => api::SchemaPrimitiveType::String,
            ColumnType::Integer => api::SchemaPrimitiveType::Integer,
            ColumnType::Boolean => api::SchemaPrimitiveType::Boolean,
            ColumnType::Float => api::SchemaPrimitiveType::Float,
            ColumnType::Double => api::SchemaPrimitiveType::Double,
            ColumnType::Json => api::SchemaPrimitiveType::Json,
            ColumnType::Null => api::SchemaPrimitiveType::Null,
            ColumnType::Option(_) => unreachable!("options are not primitive"),
        }
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnType::Option(inner) => write!(f, "option<{inner}>"),
            other => f.write_str(other.primitive_name().as_str()),
        }
    }
}

/// A named, typed column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The column name, as the key in each row.
    pub name: String,
    /// What the column holds.
    pub column_type: ColumnType,
}

impl Column {
    /// A column called `name` holding `column_type`.
    pub fn new(name: impl Into<String>, column_type: ColumnType) -> Self {
        Self {
            name: name.into(),
            column_type,
        }
    }
}

/// The columns of a dataset, in order.
///
/// ```
/// use nebius_tokenfactory::datasets::{ColumnType, DatasetSchema};
///
/// let schema = DatasetSchema::new()
///     .column("text", ColumnType::String)
///     .column("score", ColumnType::option(ColumnType::Double));
/// assert_eq!(schema.to_string(), "text: string, score: option<double>");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DatasetSchema {
    columns: Vec<Column>,
}

impl DatasetSchema {
    /// A schema without columns.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a column.
    pub fn column(mut self, name: impl Into<String>, column_type: ColumnType) -> Self {
        self.columns.push(Column::new(name, column_type));
        self
    }

    /// The columns, in order.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The schema of rows of type `T`, from its `schemars::JsonSchema`
    /// (which follows its serde attributes).
    ///
    /// | Rust type | column type |
    /// |---|---|
    /// | `String`, `&str`, `char`, unit-only enums | string |
    /// | `i8` … `i64`, `u8` … `u32` | integer |
    /// | `bool` | boolean |
    /// | `f32` | float |
    /// | `f64` | double |
    /// | `Option<T>` | option of T |
    /// | structs, maps, `Vec`, `serde_json::Value` | json |
    ///
    /// `u64`, `usize`, `i128` and `u128` can exceed the column's `i64`
    /// range, and tuples and enums with data have no column type: they are
    /// refused with an error naming the field.
    ///
    /// ```
    /// use nebius_tokenfactory::datasets::{ColumnType, DatasetSchema};
    ///
    /// #[derive(serde::Serialize, schemars::JsonSchema)]
    /// struct Review {
    ///     text: String,
    ///     stars: u8,
    ///     helpful: Option<bool>,
    ///     tags: Vec<String>,
    /// }
    ///
    /// let schema = DatasetSchema::from_type::<Review>().unwrap();
    /// assert_eq!(schema.to_string(), "text: string, stars: integer, helpful: option<boolean>, tags: json");
    /// ```
    pub fn from_type<T: schemars::JsonSchema>() -> Result<Self, InvalidInput> {
        // The serialising side: `skip_serializing`, `rename(serialize = ..)`
        // and `skip_serializing_if` then show as they reach the wire.
        let root = schemars::generate::SchemaSettings::default()
            .for_serialize()
            .into_generator()
            .into_root_schema_for::<T>();
        let root = root.as_value();
        let defs = root.get("$defs").cloned().unwrap_or(Value::Null);
        let type_name = T::schema_name();
        let object = resolve(root, &defs);
        let Some(properties) = object.get("properties").and_then(Value::as_object) else {
            return Err(InvalidInput::one(Problem::schema(format!(
                "the row type `{type_name}` is not a struct with named fields, so it has no columns"
            ))));
        };
        let mut schema = DatasetSchema::new();
        let mut problems = Vec::new();
        if object
            .get("additionalProperties")
            .is_some_and(|a| a != &Value::Bool(false))
        {
            // `#[serde(flatten)]` of a map: keys no schema can list.
            problems.push(Problem::schema(format!(
                "the row type `{type_name}` writes keys of its own choosing (a flattened map), which no column schema can list"
            )));
        }
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        for (name, property) in properties {
            // A field serde may leave out (`skip_serializing_if`) must be an
            // option column, which a row may lack.
            let optional = !required.contains(&name.as_str());
            match column_type(property, &defs) {
                Ok(t) if optional && !t.is_nullable() => schema
                    .columns
                    .push(Column::new(name.clone(), ColumnType::option(t))),
                Ok(t) => schema.columns.push(Column::new(name.clone(), t)),
                Err(why) => {
                    problems.push(Problem::column(name, format!("{why} (in `{type_name}`)")))
                }
            }
        }
        InvalidInput::check(problems)?;
        Ok(schema)
    }

    /// A schema that fits all of `rows`: a column for every key seen, of
    /// the type its values have; `option` where a row lacks the key or holds
    /// null; `double` where integers and floats mix; `json` for objects,
    /// lists, mixed types, and keys that only ever hold null. Keys keep the
    /// order in which they first appear.
    ///
    /// ```
    /// use nebius_tokenfactory::datasets::DatasetSchema;
    /// use serde_json::json;
    ///
    /// let rows = [json!({"text": "a", "n": 1}), json!({"text": "b", "n": 2.5, "extra": null})];
    /// let schema = DatasetSchema::infer(&rows).unwrap();
    /// assert_eq!(schema.to_string(), "text: string, n: double, extra: json");
    /// ```
    pub fn infer(rows: &[Value]) -> Result<Self, InvalidInput> {
        let mut seen: Vec<(String, Option<ColumnType>, usize, bool)> = Vec::new(); // name, type, rows with it, had null
        for (index, row) in rows.iter().enumerate() {
            let Some(row) = row.as_object() else {
                return Err(InvalidInput::one(Problem::row(
                    index,
                    None,
                    "expected an object",
                    kind(row),
                )));
            };
            for (key, value) in row {
                let position = match seen.iter().position(|(n, ..)| n == key) {
                    Some(p) => p,
                    None => {
                        seen.push((key.clone(), None, 0, false));
                        seen.len() - 1
                    }
                };
                let entry = &mut seen[position];
                entry.2 += 1;
                if value.is_null() {
                    entry.3 = true;
                    continue;
                }
                let here = value_type(value);
                entry.1 = Some(match entry.1.take() {
                    None => here,
                    Some(prev) => merge(prev, here),
                });
            }
        }
        if seen.is_empty() {
            return Err(InvalidInput::one(Problem::schema(
                "no rows with keys to infer a schema from".into(),
            )));
        }
        let columns = seen.into_iter().map(|(name, t, count, had_null)| {
            let t = t.unwrap_or(ColumnType::Json); // Only nulls seen: any type may follow.
            let optional = (had_null || count < rows.len()) && !t.is_nullable();
            Column::new(name, if optional { ColumnType::option(t) } else { t })
        });
        Ok(DatasetSchema {
            columns: columns.collect(),
        })
    }

    /// Checks the schema itself: not empty, names not empty and unique.
    pub(crate) fn problems(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        if self.columns.is_empty() {
            problems.push(Problem::schema("no columns".into()));
        }
        for (i, column) in self.columns.iter().enumerate() {
            if column.name.trim().is_empty() {
                problems.push(Problem::schema(format!("column {i} has an empty name")));
            } else if self.columns[..i].iter().any(|c| c.name == column.name) {
                problems.push(Problem::column(
                    &column.name,
                    "the column name appears twice".into(),
                ));
            }
        }
        problems
    }

    /// The schema as it goes in the request body.
    pub(crate) fn request_json(&self) -> Vec<u8> {
        serde_json::to_vec(&self.to_api()).expect("column schemas always serialise")
    }

    /// The schema as the generated API types have it, for calls made
    /// through the generated client ([`crate::api`]) directly.
    pub fn to_api(&self) -> Vec<api::ColumnSchemaInput> {
        self.columns
            .iter()
            .map(|c| api::ColumnSchemaInput {
                name: c.name.clone(),
                type_: c.column_type.to_api(),
            })
            .collect()
    }
}

impl fmt::Display for DatasetSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, c) in self.columns.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}: {}", c.name, c.column_type)?;
        }
        Ok(())
    }
}

/// A schema with its request JSON, ready for any number of uploads.
#[derive(Debug)]
pub(crate) struct PreparedSchema {
    pub schema: DatasetSchema,
    pub json: Vec<u8>,
}

impl PreparedSchema {
    pub(crate) fn new(schema: DatasetSchema) -> Self {
        Self {
            json: schema.request_json(),
            schema,
        }
    }

    /// The schema of row type `T`, derived once per type for the process:
    /// deriving runs schemars and costs more than sending a small upload.
    /// Keyed by schemars' `schema_id`, which differs between types whose
    /// schemas differ; only successes are kept.
    pub(crate) fn of<T: schemars::JsonSchema>() -> Result<Arc<Self>, InvalidInput> {
        type Cache = Mutex<HashMap<Cow<'static, str>, Arc<PreparedSchema>>>;
        static CACHE: OnceLock<Cache> = OnceLock::new();
        let cache = CACHE.get_or_init(Default::default);
        let id = T::schema_id();
        if let Some(hit) = cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
        {
            return Ok(hit.clone());
        }
        let prepared = Arc::new(Self::new(DatasetSchema::from_type::<T>()?));
        cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, prepared.clone());
        Ok(prepared)
    }
}

fn resolve<'a>(schema: &'a Value, defs: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix("#/$defs/")
            .and_then(|name| defs.get(name))
            .map(|s| resolve(s, defs))
            .unwrap_or(schema),
        None => schema,
    }
}

fn is_null_schema(s: &Value) -> bool {
    s.get("type").and_then(Value::as_str) == Some("null")
}

/// The column type of one property schema, or why there is none.
fn column_type(schema: &Value, defs: &Value) -> Result<ColumnType, String> {
    let schema = resolve(schema, defs);
    let Some(obj) = schema.as_object() else {
        return Ok(ColumnType::Json); // `true`: any value (serde_json::Value).
    };
    for key in ["anyOf", "oneOf"] {
        if let Some(Value::Array(arms)) = obj.get(key) {
            let rest: Vec<&Value> = arms.iter().filter(|a| !is_null_schema(a)).collect();
            if rest.len() == 1 && rest.len() < arms.len() {
                return Ok(ColumnType::option(column_type(rest[0], defs)?));
            }
            if arms.iter().all(|a| is_string_constant(resolve(a, defs))) {
                return Ok(ColumnType::String); // Unit enums with doc comments.
            }
            return Err("enums with data and untagged unions have no column type; use a struct or serde_json::Value".into());
        }
    }
    match obj.get("type") {
        Some(Value::Array(types)) => {
            let rest: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
            if rest.len() == 1 && rest.len() < types.len() {
                let mut inner: Map<String, Value> = obj.clone();
                inner.insert("type".into(), rest[0].clone());
                return Ok(ColumnType::option(column_type(&Value::Object(inner), defs)?));
            }
            Err("a value of several JSON types has no column type".into())
        }
        Some(Value::String(t)) => match t.as_str() {
            "string" => Ok(ColumnType::String),
            "boolean" => Ok(ColumnType::Boolean),
            "null" => Ok(ColumnType::Null),
            "object" => Ok(ColumnType::Json),
            "array" if obj.contains_key("prefixItems") => {
                Err("tuples have no column type; use a struct, or a Vec for a json column".into())
            }
            "array" => Ok(ColumnType::Json),
            "number" => Ok(match obj.get("format").and_then(Value::as_str) {
                Some("float") => ColumnType::Float,
                _ => ColumnType::Double,
            }),
            "integer" => match obj.get("format").and_then(Value::as_str) {
                Some(f @ ("uint64" | "uint" | "int128" | "uint128")) => Err(format!(
                    "{} values can exceed the integer column's i64 range; use i64 (or u32 and smaller)",
                    rust_integer(f)
                )),
                _ => Ok(ColumnType::Integer),
            },
            other => Err(format!("the JSON type `{other}` has no column type")),
        },
        _ if obj.contains_key("enum") || obj.contains_key("const") => {
            let values = obj.get("enum").and_then(Value::as_array).cloned().unwrap_or_default();
            if values.iter().chain(obj.get("const")).all(Value::is_string) {
                Ok(ColumnType::String)
            } else {
                Err("an enum of non-string values has no column type".into())
            }
        }
        _ => Ok(ColumnType::Json),
    }
}

fn is_string_constant(s: &Value) -> bool {
    s.get("const").is_some_and(Value::is_string)
        || s.get("enum")
            .and_then(Value::as_array)
            .is_some_and(|v| v.iter().all(Value::is_string))
}

fn rust_integer(format: &str) -> &'static str {
    match format {
        "uint64" => "u64",
        "uint" => "usize",
        "int128" => "i128",
        _ => "u128",
    }
}

fn value_type(value: &Value) -> ColumnType {
    match value {
        Value::String(_) => ColumnType::String,
        Value::Bool(_) => ColumnType::Boolean,
        Value::Number(n) if n.is_i64() => ColumnType::Integer,
        // Beyond i64: no integer column holds it, and a double would lose it.
        Value::Number(n) if n.is_u64() => ColumnType::Json,
        Value::Number(_) => ColumnType::Double,
        Value::Null => ColumnType::Null,
        Value::Array(_) | Value::Object(_) => ColumnType::Json,
    }
}

fn merge(a: ColumnType, b: ColumnType) -> ColumnType {
    match (a, b) {
        (a, b) if a == b => a,
        (ColumnType::Integer, ColumnType::Double) | (ColumnType::Double, ColumnType::Integer) => {
            ColumnType::Double
        }
        _ => ColumnType::Json,
    }
}

/// The JSON kind of a value, for messages, worded as the row checks word it.
pub(crate) fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a float",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemars::JsonSchema;
    use serde::Serialize;
    use serde_json::json;
    use std::collections::HashMap;

    #[allow(dead_code)]
    #[derive(Serialize, JsonSchema)]
    struct Inner {
        a: i32,
    }

    #[allow(dead_code)]
    #[derive(Serialize, JsonSchema)]
    enum Mood {
        Happy,
        Sad,
    }

    #[allow(dead_code)]
    #[derive(Serialize, JsonSchema)]
    struct Everything {
        s: String,
        i8_: i8,
        i64_: i64,
        u32_: u32,
        b: bool,
        f: f32,
        d: f64,
        opt_s: Option<String>,
        opt_inner: Option<Inner>,
        opt_opt: Option<Option<i64>>,
        inner: Inner,
        list: Vec<i32>,
        map: HashMap<String, f64>,
        value: serde_json::Value,
        mood: Mood,
        #[serde(rename = "renamed")]
        original: String,
    }

    #[test]
    fn every_rust_type_maps_to_its_column_type() {
        let schema = DatasetSchema::from_type::<Everything>().unwrap();
        assert_eq!(
            schema.to_string(),
            "s: string, i8_: integer, i64_: integer, u32_: integer, b: boolean, f: float, d: double, \
             opt_s: option<string>, opt_inner: option<json>, opt_opt: option<integer>, inner: json, \
             list: json, map: json, value: json, mood: string, renamed: string"
        );
    }

    #[allow(dead_code)]
    #[derive(Serialize, JsonSchema)]
    #[serde(untagged)]
    enum Either {
        N(i64),
        S(String),
    }

    #[allow(dead_code)]
    #[derive(Serialize, JsonSchema)]
    struct Unmappable {
        ok: String,
        big: u64,
        pair: (i32, String),
        either: Either,
        count: usize,
    }

    #[test]
    fn unmappable_fields_are_named() {
        let err = DatasetSchema::from_type::<Unmappable>().unwrap_err();
        let text = err.to_string();
        assert_eq!(err.total(), 4, "{text}");
        assert!(
            text.contains("column `big`: u64 values can exceed the integer column's i64 range"),
            "{text}"
        );
        assert!(
            text.contains("column `pair`: tuples have no column type"),
            "{text}"
        );
        assert!(
            text.contains("column `either`: enums with data and untagged unions"),
            "{text}"
        );
        assert!(text.contains("column `count`: usize values"), "{text}");
    }

    #[allow(dead_code)]
    #[derive(Serialize, JsonSchema)]
    struct SerdeShaped {
        #[serde(rename(serialize = "wire_name", deserialize = "other"))]
        renamed: String,
        #[serde(skip_serializing_if = "String::is_empty")]
        sometimes: String,
        #[serde(skip_serializing)]
        never: String,
        #[serde(default)]
        defaulted: i32,
    }

    #[test]
    fn the_schema_follows_serialisation() {
        assert_eq!(
            DatasetSchema::from_type::<SerdeShaped>()
                .unwrap()
                .to_string(),
            "wire_name: string, sometimes: option<string>, defaulted: integer"
        );
    }

    #[allow(dead_code)]
    #[derive(Serialize, JsonSchema)]
    struct Flattened {
        id: i64,
        #[serde(flatten)]
        rest: HashMap<String, String>,
    }

    #[test]
    fn flattened_maps_are_refused() {
        let err = DatasetSchema::from_type::<Flattened>().unwrap_err();
        assert!(err.to_string().contains("a flattened map"), "{err}");
    }

    #[test]
    fn non_struct_rows_are_refused() {
        let err = DatasetSchema::from_type::<Vec<i32>>().unwrap_err();
        assert!(
            err.to_string()
                .contains("is not a struct with named fields"),
            "{err}"
        );
    }

    #[test]
    fn inference_widens_and_makes_options() {
        let rows = [
            json!({"a": 1, "b": "x", "c": [1], "d": true}),
            json!({"a": 2.5, "b": null, "c": {"k": 1}, "e": 3}),
        ];
        assert_eq!(
            DatasetSchema::infer(&rows).unwrap().to_string(),
            "a: double, b: option<string>, c: json, d: option<boolean>, e: option<integer>"
        );
        assert!(DatasetSchema::infer(&[json!([1])]).is_err());
        assert_eq!(
            DatasetSchema::infer(&[json!({"big": u64::MAX})])
                .unwrap()
                .to_string(),
            "big: json"
        );
        assert!(DatasetSchema::infer(&[]).is_err());
    }

    #[test]
    fn option_columns_reach_the_wire_nested() {
        let schema = DatasetSchema::new().column(
            "x",
            ColumnType::option(ColumnType::option(ColumnType::String)),
        );
        assert_eq!(
            serde_json::to_value(schema.to_api()).unwrap(),
            json!([{"name": "x", "type": {"name": "option", "item": {"name": "option", "item": {"name": "string"}}}}])
        );
    }

    #[test]
    fn schema_problems() {
        assert_eq!(DatasetSchema::new().problems().len(), 1);
        let dup = DatasetSchema::new()
            .column("a", ColumnType::String)
            .column("a", ColumnType::Integer)
            .column(" ", ColumnType::Json);
        let problems: Vec<String> = dup.problems().iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "column `a`: the column name appears twice",
                "schema: column 2 has an empty name"
            ]
        );
    }
}
