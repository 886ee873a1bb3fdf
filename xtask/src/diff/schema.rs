//! Structural comparison of two schemas.
//!
//! Both sides are first reduced to the schema that carries the type, with
//! nullability set apart, so that OpenAPI 3.0 (`nullable: true`) and 3.1
//! (`anyOf: [X, {type: null}]`, `type: [X, "null"]`) compare equal, and
//! FastAPI's `allOf: [{$ref}]` wrapper is the `$ref` itself.
//!
//! A `$ref` to a component on both sides is not followed: the component is
//! compared once, in its own group, and two refs are equal when they name
//! the same component or a renamed one. So cycles cannot recurse. A ref
//! facing an inline schema is resolved and compared structurally, with the
//! refs being expanded kept on a stack so that a recursive schema stops.

use super::kind::{classify, Event, Place};
use super::report::Change;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Keys that do not change what a schema accepts or how it is generated.
const METADATA: [&str; 10] = [
    "title",
    "description",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "xml",
    "default",
];

/// Keys that give a schema its structure.
const STRUCTURE: [&str; 12] = [
    "$ref",
    "type",
    "properties",
    "items",
    "additionalProperties",
    "enum",
    "const",
    "anyOf",
    "oneOf",
    "allOf",
    "format",
    "prefixItems",
];

/// How deep a comparison may go before it stops, whatever the input.
const MAX_DEPTH: usize = 64;

/// The prefix of a component schema reference.
pub const SCHEMA_REF: &str = "#/components/schemas/";

/// Escapes one JSON pointer segment.
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The two documents and the schema renames found between them.
#[derive(Clone, Copy)]
pub struct Docs<'a> {
    /// The old document.
    pub old: &'a Value,
    /// The new document.
    pub new: &'a Value,
    /// Old component name → new component name, for renames.
    pub renames: &'a HashMap<String, String>,
}

/// Follows `$ref`s to other parts of `doc` (not only schemas), returning the
/// target and its pointer; a dangling or looping ref gives the input back.
pub fn resolve<'v>(doc: &'v Value, value: &'v Value, pointer: String) -> (&'v Value, String) {
    let (mut value, mut pointer) = (value, pointer);
    for _ in 0..16 {
        let Some(target) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        else {
            break;
        };
        match doc.pointer(target) {
            Some(next) => {
                value = next;
                pointer = target.to_string();
            }
            None => break,
        }
    }
    (value, pointer)
}

/// A schema reduced to what carries its type.
struct View<'v> {
    schema: &'v Value,
    pointer: String,
    nullable: bool,
}

fn is_null(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("null")
}

fn has_structure_besides(obj: &Map<String, Value>, keyword: &str) -> bool {
    STRUCTURE
        .iter()
        .any(|k| *k != keyword && obj.contains_key(*k))
}

fn view(schema: &Value, pointer: String) -> View<'_> {
    let (mut schema, mut pointer, mut nullable) = (schema, pointer, false);
    for _ in 0..16 {
        let Some(obj) = schema.as_object() else { break };
        if obj.get("nullable") == Some(&Value::Bool(true)) {
            nullable = true;
        }
        if let Some(Value::Array(types)) = obj.get("type") {
            if types.iter().any(|t| t == "null") {
                nullable = true;
            }
        }
        let mut next = None;
        for keyword in ["anyOf", "oneOf"] {
            if let Some(Value::Array(arms)) = obj.get(keyword) {
                let real: Vec<(usize, &Value)> = arms
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| !is_null(a))
                    .collect();
                if real.len() < arms.len() {
                    nullable = true;
                    if let [(i, arm)] = real[..] {
                        if !has_structure_besides(obj, keyword) {
                            next = Some((arm, format!("{pointer}/{keyword}/{i}")));
                        }
                    }
                }
            }
        }
        if next.is_none() {
            if let Some(Value::Array(arms)) = obj.get("allOf") {
                if arms.len() == 1 && !has_structure_besides(obj, "allOf") {
                    next = Some((&arms[0], format!("{pointer}/allOf/0")));
                }
            }
        }
        match next {
            Some((arm, p)) => {
                schema = arm;
                pointer = p;
            }
            None => break,
        }
    }
    View {
        schema,
        pointer,
        nullable,
    }
}

/// What a reduced schema is, for comparison.
enum Shape<'v> {
    Ref(&'v str),
    Union(&'static str, Vec<(usize, &'v Value)>),
    AllOf(Vec<(usize, &'v Value)>),
    Typed(Vec<String>),
    Any,
}

fn shape(schema: &Value) -> Shape<'_> {
    let Some(obj) = schema.as_object() else {
        return Shape::Any;
    };
    if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
        return Shape::Ref(r);
    }
    for keyword in ["anyOf", "oneOf"] {
        if let Some(Value::Array(arms)) = obj.get(keyword) {
            return Shape::Union(
                keyword,
                arms.iter()
                    .enumerate()
                    .filter(|(_, a)| !is_null(a))
                    .collect(),
            );
        }
    }
    if let Some(Value::Array(arms)) = obj.get("allOf") {
        return Shape::AllOf(arms.iter().enumerate().collect());
    }
    let types = types(obj);
    if types.is_empty() {
        Shape::Any
    } else {
        Shape::Typed(types)
    }
}

/// The JSON types of a schema, `null` left out, sorted; inferred from
/// `properties`, `items` or the enum values when `type` is missing.
fn types(obj: &Map<String, Value>) -> Vec<String> {
    let mut out: Vec<String> = match obj.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        _ if obj.contains_key("properties") || obj.contains_key("additionalProperties") => {
            vec!["object".into()]
        }
        _ if obj.contains_key("items") || obj.contains_key("prefixItems") => vec!["array".into()],
        _ => match enum_values(obj) {
            Some(values) if !values.is_empty() && values.iter().all(Value::is_string) => {
                vec!["string".into()]
            }
            _ => Vec::new(),
        },
    };
    out.retain(|t| t != "null");
    out.sort();
    out.dedup();
    out
}

/// `enum`, or `const` as a one-value enum (3.1), without null.
fn enum_values(obj: &Map<String, Value>) -> Option<Vec<Value>> {
    if let Some(Value::Array(values)) = obj.get("enum") {
        return Some(values.iter().filter(|v| !v.is_null()).cloned().collect());
    }
    obj.get("const")
        .filter(|v| !v.is_null())
        .map(|v| vec![v.clone()])
}

/// The component name of a local schema ref.
pub fn ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix(SCHEMA_REF)
}

/// A schema described in a few words, for explanations.
fn describe(schema: &Value) -> String {
    match shape(schema) {
        Shape::Ref(r) => format!("`{}`", ref_name(r).unwrap_or(r)),
        Shape::Union(keyword, arms) => format!("a {keyword} of {} arms", arms.len()),
        Shape::AllOf(arms) => format!("an allOf of {} parts", arms.len()),
        Shape::Typed(types) => {
            let obj = schema.as_object();
            let mut out = types.join(" or ");
            if let Some(values) = obj.and_then(enum_values) {
                out = format!("an enum of {} {out} values", values.len());
            }
            if let Some(items) = obj.and_then(|o| o.get("items")) {
                if types == ["array"] {
                    out = format!("array of {}", describe(view(items, String::new()).schema));
                }
            }
            if let Some(format) = obj.and_then(|o| o.get("format")).and_then(Value::as_str) {
                let _ = write!(out, " ({format})");
            }
            out
        }
        Shape::Any => "any value".into(),
    }
}

/// A key that two schemas of the same shape share: the schema without
/// metadata, keys sorted, `required` sorted, refs renamed through `rename`.
pub fn fingerprint(schema: &Value, rename: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    write_fingerprint(schema, rename, &mut out, 0);
    out
}

fn write_fingerprint(
    value: &Value,
    rename: &dyn Fn(&str) -> Option<String>,
    out: &mut String,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        out.push('…');
        return;
    }
    match value {
        Value::Object(obj) => {
            let mut keys: Vec<&String> = obj
                .keys()
                .filter(|k| !METADATA.contains(&k.as_str()))
                .collect();
            keys.sort();
            out.push('{');
            for key in keys {
                let _ = write!(out, "{key:?}:");
                match (key.as_str(), &obj[key]) {
                    ("$ref", Value::String(r)) => {
                        let r = ref_name(r)
                            .and_then(rename)
                            .map(|n| format!("{SCHEMA_REF}{n}"))
                            .unwrap_or(r.clone());
                        let _ = write!(out, "{r:?}");
                    }
                    ("required", Value::Array(names)) => {
                        let mut names: Vec<String> = names.iter().map(Value::to_string).collect();
                        names.sort();
                        let _ = write!(out, "[{}]", names.join(","));
                    }
                    // Property names are keys, not schemas: keep their metadata-like names.
                    ("properties", Value::Object(props)) => {
                        let mut names: Vec<&String> = props.keys().collect();
                        names.sort();
                        out.push('{');
                        for name in names {
                            let _ = write!(out, "{name:?}:");
                            write_fingerprint(&props[name], rename, out, depth + 1);
                            out.push(',');
                        }
                        out.push('}');
                    }
                    (_, v) => write_fingerprint(v, rename, out, depth + 1),
                }
                out.push(',');
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for item in items {
                write_fingerprint(item, rename, out, depth + 1);
                out.push(',');
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Compares schemas for one [`Place`] and collects the changes.
pub struct Walker<'a> {
    docs: Docs<'a>,
    place: Place,
    /// Refs being expanded against an inline schema, to stop on cycles.
    stack: Vec<String>,
    /// Whether the schema being compared is an optional property: its Rust
    /// field is an `Option` already, so a null decodes as `None`.
    optional_property: bool,
    /// What was found.
    pub changes: Vec<Change>,
}

impl<'a> Walker<'a> {
    /// A walker for schemas in `place`.
    pub fn new(docs: Docs<'a>, place: Place) -> Self {
        Self {
            docs,
            place,
            stack: Vec::new(),
            optional_property: false,
            changes: Vec::new(),
        }
    }

    fn emit(&mut self, event: Event, label: &str, location: &str) {
        let change = classify(
            &event,
            self.place,
            &format!("`{label}`"),
            location.to_string(),
        );
        self.changes.push(change);
    }

    fn same_ref(&self, old: &str, new: &str) -> bool {
        match (ref_name(old), ref_name(new)) {
            (Some(o), Some(n)) => o == n || self.docs.renames.get(o).is_some_and(|r| r == n),
            _ => old == new,
        }
    }

    /// Compares `old` (at `old_ptr`) with `new` (at `new_ptr`); `label`
    /// names the place in explanations, such as `CreateDatasetResponse.status`.
    pub fn compare(&mut self, old: &Value, new: &Value, old_ptr: &str, new_ptr: &str, label: &str) {
        self.compare_at(old, new, old_ptr.to_string(), new_ptr.to_string(), label, 0);
    }

    fn compare_at(
        &mut self,
        old: &Value,
        new: &Value,
        old_ptr: String,
        new_ptr: String,
        label: &str,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let optional = std::mem::take(&mut self.optional_property);
        let o = view(old, old_ptr);
        let n = view(new, new_ptr.clone());
        match (o.nullable, n.nullable) {
            (false, true) => self.emit(Event::BecameNullable { optional }, label, &new_ptr),
            (true, false) => self.emit(Event::NoLongerNullable, label, &new_ptr),
            _ => {}
        }
        match (shape(o.schema), shape(n.schema)) {
            (Shape::Ref(a), Shape::Ref(b)) => {
                if !self.same_ref(a, b) {
                    let event = Event::TypeChanged {
                        from: describe(o.schema),
                        to: describe(n.schema),
                    };
                    self.emit(event, label, &n.pointer);
                }
            }
            (Shape::Ref(a), _) => {
                let event = Event::NamedTypeChanged {
                    from: describe(o.schema),
                    to: "an inline schema".into(),
                };
                self.expand(a, true, o, n, label, event, depth);
            }
            (_, Shape::Ref(b)) => {
                let event = Event::NamedTypeChanged {
                    from: "an inline schema".into(),
                    to: describe(n.schema),
                };
                self.expand(b, false, o, n, label, event, depth);
            }
            (Shape::Union(_, a), Shape::Union(keyword, b)) => {
                self.arms(keyword, &a, &b, &o, &n, label, depth)
            }
            (Shape::AllOf(a), Shape::AllOf(b)) => self.arms("allOf", &a, &b, &o, &n, label, depth),
            (Shape::Typed(a), Shape::Typed(b)) => {
                if a != b {
                    let event = Event::TypeChanged {
                        from: describe(o.schema),
                        to: describe(n.schema),
                    };
                    self.emit(event, label, &n.pointer);
                } else {
                    self.typed(&o, &n, label, depth);
                }
            }
            (Shape::Any, Shape::Any) => {}
            _ => {
                let event = Event::TypeChanged {
                    from: describe(o.schema),
                    to: describe(n.schema),
                };
                self.emit(event, label, &n.pointer);
            }
        }
    }

    /// A ref on one side, inline on the other: report the named type
    /// change, then compare the ref's target with the inline schema.
    #[allow(clippy::too_many_arguments)]
    fn expand(
        &mut self,
        reference: &str,
        old_side: bool,
        o: View,
        n: View,
        label: &str,
        event: Event,
        depth: usize,
    ) {
        let doc = if old_side {
            self.docs.old
        } else {
            self.docs.new
        };
        let target = reference.strip_prefix('#').and_then(|p| doc.pointer(p));
        let key = format!("{}{reference}", if old_side { "old:" } else { "new:" });
        let Some(target) = target.filter(|_| !self.stack.contains(&key)) else {
            if !self.stack.contains(&key) {
                let event = Event::TypeChanged {
                    from: describe(o.schema),
                    to: describe(n.schema),
                };
                self.emit(event, label, &n.pointer);
            }
            return;
        };
        self.emit(event, label, &n.pointer);
        self.stack.push(key);
        let target_ptr = reference.trim_start_matches('#').to_string();
        if old_side {
            self.compare_at(target, n.schema, target_ptr, n.pointer, label, depth + 1);
        } else {
            self.compare_at(o.schema, target, o.pointer, target_ptr, label, depth + 1);
        }
        self.stack.pop();
    }

    fn arm_key(&self, arm: &Value, old_side: bool) -> String {
        let renames = self.docs.renames;
        let rename = |name: &str| {
            if old_side {
                renames.get(name).cloned()
            } else {
                None
            }
        };
        fingerprint(arm, &rename)
    }

    /// Compares union or allOf arms: equal arms (same ref, same shape)
    /// pair first; the rest pair in order when they have the same JSON type
    /// and are compared inside; what is left was added or removed.
    #[allow(clippy::too_many_arguments)]
    fn arms(
        &mut self,
        keyword: &str,
        old: &[(usize, &Value)],
        new: &[(usize, &Value)],
        o: &View,
        n: &View,
        label: &str,
        depth: usize,
    ) {
        let old_keyword = ["anyOf", "oneOf", "allOf"]
            .into_iter()
            .find(|k| o.schema.get(*k).is_some())
            .unwrap_or(keyword);
        let old_keys: Vec<String> = old.iter().map(|(_, a)| self.arm_key(a, true)).collect();
        let new_keys: Vec<String> = new.iter().map(|(_, a)| self.arm_key(a, false)).collect();
        let mut old_used = vec![false; old.len()];
        let mut new_used = vec![false; new.len()];
        for (j, key) in new_keys.iter().enumerate() {
            if let Some(i) = (0..old.len()).find(|&i| !old_used[i] && old_keys[i] == *key) {
                old_used[i] = true;
                new_used[j] = true;
            }
        }
        let tag = |arm: &Value| match shape(view(arm, String::new()).schema) {
            Shape::Typed(t) => Some(t.join(",")),
            Shape::Union(..) => Some("union".into()),
            Shape::AllOf(..) => Some("allOf".into()),
            Shape::Ref(_) | Shape::Any => None,
        };
        for j in 0..new.len() {
            if new_used[j] {
                continue;
            }
            let Some(tag_new) = tag(new[j].1) else {
                continue;
            };
            if let Some(i) =
                (0..old.len()).find(|&i| !old_used[i] && tag(old[i].1).as_ref() == Some(&tag_new))
            {
                old_used[i] = true;
                new_used[j] = true;
                let (oi, oa) = old[i];
                let (ni, na) = new[j];
                self.compare_at(
                    oa,
                    na,
                    format!("{}/{old_keyword}/{oi}", o.pointer),
                    format!("{}/{keyword}/{ni}", n.pointer),
                    &format!("{label}|{ni}"),
                    depth + 1,
                );
            }
        }
        for (i, (index, arm)) in old.iter().enumerate() {
            if !old_used[i] {
                let event = Event::ArmRemoved {
                    keyword: old_keyword.into(),
                    arm: describe(arm),
                };
                self.emit(
                    event,
                    label,
                    &format!("{}/{old_keyword}/{index}", o.pointer),
                );
            }
        }
        for (j, (index, arm)) in new.iter().enumerate() {
            if !new_used[j] {
                let event = Event::ArmAdded {
                    keyword: keyword.into(),
                    arm: describe(arm),
                };
                self.emit(event, label, &format!("{}/{keyword}/{index}", n.pointer));
            }
        }
    }

    /// Same JSON type on both sides: format, enum values, properties,
    /// items and additional properties.
    fn typed(&mut self, o: &View, n: &View, label: &str, depth: usize) {
        let (Some(old), Some(new)) = (o.schema.as_object(), n.schema.as_object()) else {
            return;
        };
        let format = |obj: &Map<String, Value>| {
            obj.get("format")
                .and_then(Value::as_str)
                .unwrap_or("none")
                .to_string()
        };
        if format(old) != format(new) {
            let event = Event::FormatChanged {
                from: format(old),
                to: format(new),
            };
            self.emit(event, label, &n.pointer);
        }
        match (enum_values(old), enum_values(new)) {
            (Some(a), Some(b)) => {
                let open = nebius_tokenfactory_codegen::open_enum::is_open(old);
                for value in b.iter().filter(|v| !a.contains(v)) {
                    let event = Event::EnumValueAdded {
                        value: value.to_string(),
                        open,
                    };
                    self.emit(event, label, &format!("{}/enum", n.pointer));
                }
                for value in a.iter().filter(|v| !b.contains(v)) {
                    self.emit(
                        Event::EnumValueRemoved {
                            value: value.to_string(),
                        },
                        label,
                        &format!("{}/enum", o.pointer),
                    );
                }
            }
            (None, None) => {}
            _ => {
                let event = Event::TypeChanged {
                    from: describe(o.schema),
                    to: describe(n.schema),
                };
                self.emit(event, label, &n.pointer);
            }
        }
        self.properties(old, new, o, n, label, depth);
        if let (Some(a), Some(b)) = (old.get("items"), new.get("items")) {
            let (op, np) = (
                format!("{}/items", o.pointer),
                format!("{}/items", n.pointer),
            );
            self.compare_at(a, b, op, np, &format!("{label}[]"), depth + 1);
        }
        match (
            old.get("additionalProperties"),
            new.get("additionalProperties"),
        ) {
            (Some(a @ Value::Object(_)), Some(b @ Value::Object(_))) => {
                let (op, np) = (
                    format!("{}/additionalProperties", o.pointer),
                    format!("{}/additionalProperties", n.pointer),
                );
                self.compare_at(a, b, op, np, &format!("{label}{{}}"), depth + 1);
            }
            (Some(Value::Object(_)), _) | (_, Some(Value::Object(_)))
                if !old.contains_key("properties") && !new.contains_key("properties") =>
            {
                let event = Event::TypeChanged {
                    from: describe(o.schema),
                    to: describe(n.schema),
                };
                self.emit(event, label, &n.pointer);
            }
            _ => {}
        }
    }

    fn properties(
        &mut self,
        old: &Map<String, Value>,
        new: &Map<String, Value>,
        o: &View,
        n: &View,
        label: &str,
        depth: usize,
    ) {
        let empty = Map::new();
        fn props(obj: &Map<String, Value>) -> Option<&Map<String, Value>> {
            obj.get("properties").and_then(Value::as_object)
        }
        let (old_props, new_props) = (props(old).unwrap_or(&empty), props(new).unwrap_or(&empty));
        let required = |obj: &Map<String, Value>, name: &str| {
            obj.get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|v| v == name))
        };
        for (name, old_schema) in old_props {
            let child = format!("{label}.{name}");
            let op = format!("{}/properties/{}", o.pointer, escape(name));
            match new_props.get(name) {
                None => self.emit(
                    Event::PropertyRemoved {
                        required: required(old, name),
                    },
                    &child,
                    &op,
                ),
                Some(new_schema) => {
                    let np = format!("{}/properties/{}", n.pointer, escape(name));
                    match (required(old, name), required(new, name)) {
                        (false, true) => self.emit(Event::BecameRequired, &child, &np),
                        (true, false) => self.emit(Event::BecameOptional, &child, &np),
                        _ => {}
                    }
                    self.optional_property = !required(new, name);
                    self.compare_at(old_schema, new_schema, op, np, &child, depth + 1);
                }
            }
        }
        for name in new_props.keys().filter(|k| !old_props.contains_key(*k)) {
            let np = format!("{}/properties/{}", n.pointer, escape(name));
            self.emit(
                Event::PropertyAdded {
                    required: required(new, name),
                },
                &format!("{label}.{name}"),
                &np,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::kind::{ChangeKind, Severity};
    use serde_json::json;

    fn kinds(old: Value, new: Value, place: Place) -> Vec<(ChangeKind, String)> {
        let doc = json!({});
        let renames = HashMap::new();
        let mut walker = Walker::new(
            Docs {
                old: &doc,
                new: &doc,
                renames: &renames,
            },
            place,
        );
        walker.compare(&old, &new, "/o", "/n", "X");
        walker
            .changes
            .into_iter()
            .map(|c| (c.kind, c.location))
            .collect()
    }

    #[test]
    fn nullable_forms_of_3_0_and_3_1_are_equal() {
        let v30 = json!({"type": "string", "nullable": true});
        let v31 = json!({"anyOf": [{"type": "string"}, {"type": "null"}]});
        let list = json!({"type": ["string", "null"]});
        assert!(kinds(v30.clone(), v31.clone(), Place::Response).is_empty());
        assert!(kinds(v31, list.clone(), Place::Response).is_empty());
        assert!(kinds(list, v30, Place::Response).is_empty());
    }

    #[test]
    fn becoming_nullable_breaks_responses_only() {
        let old = json!({"type": "string"});
        let new = json!({"anyOf": [{"type": "string"}, {"type": "null"}]});
        assert_eq!(
            kinds(old.clone(), new.clone(), Place::Response),
            [(ChangeKind::ResponsePropertyBecameNullable, "/n".into())]
        );
        let change = |old_required: bool| {
            let wrap = |p: Value| json!({"type": "object", "required": if old_required { json!(["p"]) } else { json!([]) }, "properties": {"p": p}});
            let renames = HashMap::new();
            let docs = Docs {
                old: &Value::Null,
                new: &Value::Null,
                renames: &renames,
            };
            let mut w = Walker::new(docs, Place::Response);
            w.compare(
                &wrap(json!({"type": "string"})),
                &wrap(json!({"type": "string", "nullable": true})),
                "",
                "",
                "S",
            );
            w.changes
                .into_iter()
                .map(|c| c.severity)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            change(true),
            [Severity::Breaking],
            "a required field becomes an Option"
        );
        assert_eq!(
            change(false),
            [Severity::Compatible],
            "an optional field already is one"
        );
        assert_eq!(
            kinds(old, new, Place::Request),
            [(ChangeKind::RequestPropertyBecameNullable, "/n".into())]
        );
    }

    #[test]
    fn allof_wrappers_are_their_ref() {
        let old = json!({"$ref": "#/components/schemas/A"});
        let new = json!({"allOf": [{"$ref": "#/components/schemas/A"}], "description": "d"});
        assert!(kinds(old, new, Place::Response).is_empty());
    }

    #[test]
    fn union_arms_pair_by_ref_then_by_type() {
        let old = json!({"anyOf": [{"$ref": "#/components/schemas/A"}, {"type": "object", "properties": {"x": {"type": "string"}}}]});
        let new = json!({"anyOf": [
            {"type": "object", "properties": {"x": {"type": "integer"}}},
            {"$ref": "#/components/schemas/A"},
            {"$ref": "#/components/schemas/B"}
        ]});
        assert_eq!(
            kinds(old, new, Place::Response),
            [
                (
                    ChangeKind::ResponsePropertyTypeChanged,
                    "/n/anyOf/0/properties/x".into()
                ),
                (ChangeKind::ResponseUnionArmAdded, "/n/anyOf/2".into())
            ]
        );
    }

    #[test]
    fn fingerprints_ignore_metadata_and_order() {
        let a = json!({"title": "A", "type": "object", "required": ["b", "a"], "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}});
        let b = json!({"properties": {"b": {"type": "integer", "description": "x"}, "a": {"type": "string"}}, "required": ["a", "b"], "type": "object", "title": "B"});
        assert_eq!(fingerprint(&a, &|_| None), fingerprint(&b, &|_| None));
    }

    #[test]
    fn a_ref_against_an_inline_recursive_schema_stops() {
        let doc = json!({"components": {"schemas": {"Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}}}}});
        let renames = HashMap::new();
        let mut walker = Walker::new(
            Docs {
                old: &doc,
                new: &doc,
                renames: &renames,
            },
            Place::Response,
        );
        let inline = json!({"type": "object", "properties": {"next": {"type": "object", "properties": {"next": {"type": "string"}}}}});
        walker.compare(
            &json!({"$ref": "#/components/schemas/Node"}),
            &inline,
            "/o",
            "/n",
            "X",
        );
        assert!(walker
            .changes
            .iter()
            .any(|c| c.kind == ChangeKind::ResponsePropertyTypeChanged));
    }
}
