//! What a spec change does to the generated Rust API, read from the
//! generator itself.
//!
//! Both documents are generated with the codegen, and the public surfaces
//! of the two clients ([`nebius_tokenfactory_codegen::surface`]) are
//! compared entry by entry, as cargo-semver-checks compares two releases:
//!
//! | surface change | verdict |
//! |---|---|
//! | an entry removed (type, field, variant, method, setter, conversion) | compile break |
//! | an entry's type or signature changed | compile break |
//! | a field added to a struct | compile break for struct literals only |
//! | a variant added to an enum | compile break for exhaustive matches only |
//! | anything else added | compatible |
//!
//! Each change is traced back to the spec with a JSON pointer into the
//! (normalised) document it came from: types to their component schemas,
//! fields to their properties, builders and methods to their operations,
//! setters to their parameters or body. What the surface cannot show (a
//! new required request property on the wire, a response property old
//! binaries need) stays with the spec comparison of [`super::operations`]
//! and [`super::components`].

use nebius_tokenfactory_codegen::names::{snake_name, type_name};
use nebius_tokenfactory_codegen::surface::{Entry, Kind, Surface};
use serde_json::{json, Value};
use std::collections::HashMap;

/// What a surface change means for code that uses the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Code that names the item stops compiling.
    CompileBreak,
    /// Only struct literals (a new field) or exhaustive matches (a new
    /// variant) stop compiling.
    LiteralBreak,
    /// Nothing that compiled stops compiling.
    Compatible,
}

impl Verdict {
    /// The stable name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::CompileBreak => "compile-break",
            Verdict::LiteralBreak => "compile-break-for-literals-and-matches",
            Verdict::Compatible => "compatible",
        }
    }
}

/// One change to the generated Rust API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustChange {
    /// What it means for users' code.
    pub verdict: Verdict,
    /// The surface entry: `types::Dataset.id`, `builder::GetDataset::send`.
    pub key: String,
    /// The entry in the old client, as the surface writes it.
    pub before: Option<String>,
    /// The entry in the new client.
    pub after: Option<String>,
    /// The spec change that caused it: a JSON pointer into the new
    /// document (into the old one for something removed), if found.
    pub cause: Option<String>,
}

impl RustChange {
    /// One line for a maintainer.
    pub fn explanation(&self) -> String {
        let what = match (&self.before, &self.after) {
            (Some(_), None) => "removed",
            (None, Some(_)) => "added",
            _ => "changed",
        };
        let effect = match self.verdict {
            Verdict::CompileBreak => "code that uses it stops compiling",
            Verdict::LiteralBreak => {
                if self.key.contains('.') {
                    "struct literals of the type stop compiling; builders and field access do not"
                } else {
                    "exhaustive matches on the enum stop compiling"
                }
            }
            Verdict::Compatible => "nothing that compiled breaks",
        };
        format!("`{}` {what}: {effect}", self.key)
    }

    /// The change as JSON.
    pub fn to_json(&self) -> Value {
        json!({
            "verdict": self.verdict.as_str(),
            "key": self.key,
            "before": self.before,
            "after": self.after,
            "cause": self.cause,
        })
    }
}

/// The changes from the `old` client's surface to the `new` one's; the
/// documents are the normalised ones each was generated from.
pub fn compare(old: &Surface, new: &Surface, old_doc: &Value, new_doc: &Value) -> Vec<RustChange> {
    let (old_index, new_index) = (Index::new(old_doc), Index::new(new_doc));
    let mut changes = Vec::new();
    for (key, before) in old.entries() {
        match new.get(key) {
            None => changes.push(RustChange {
                verdict: Verdict::CompileBreak,
                key: key.to_string(),
                before: Some(line(before)),
                after: None,
                cause: old_index.cause(key, before),
            }),
            Some(after) if after.kind != before.kind || after.signature != before.signature => {
                changes.push(RustChange {
                    verdict: Verdict::CompileBreak,
                    key: key.to_string(),
                    before: Some(line(before)),
                    after: Some(line(after)),
                    cause: new_index.cause(key, after),
                })
            }
            Some(_) => {}
        }
    }
    for (key, after) in new.entries() {
        if old.get(key).is_some() {
            continue;
        }
        let verdict = match after.kind {
            // A new field of a struct the old client had, or a new variant
            // of an enum it had.
            Kind::Field | Kind::Variant if old.get(owner(key)).is_some() => Verdict::LiteralBreak,
            _ => Verdict::Compatible,
        };
        changes.push(RustChange {
            verdict,
            key: key.to_string(),
            before: None,
            after: Some(line(after)),
            cause: new_index.cause(key, after),
        });
    }
    changes.sort_by(|a, b| a.verdict.cmp(&b.verdict).then_with(|| a.key.cmp(&b.key)));
    changes
}

/// The entry as the rendered surface writes it.
fn line(entry: &Entry) -> String {
    if entry.signature.is_empty() {
        entry.kind.as_str().to_string()
    } else {
        format!("{} {}", entry.kind.as_str(), entry.signature)
    }
}

/// The type or builder an entry belongs to: `types::X` of `types::X.f`,
/// of `types::X::V` and of `types::X::method`.
fn owner(key: &str) -> &str {
    if let Some((owner, _)) = key.rsplit_once('.') {
        return owner;
    }
    key.rsplit_once("::").map_or(key, |(owner, _)| owner)
}

/// Where each Rust name of a client comes from in its document.
struct Index<'a> {
    doc: &'a Value,
    /// Rust type name of each component schema -> its key.
    components: HashMap<String, String>,
    /// Operation id -> (path, method).
    operations: HashMap<String, (String, String)>,
}

impl<'a> Index<'a> {
    fn new(doc: &'a Value) -> Self {
        let components = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| schemas.keys().map(|k| (type_name(k), k.clone())).collect())
            .unwrap_or_default();
        let mut operations = HashMap::new();
        for (path, item) in doc
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            for (method, op) in item.as_object().into_iter().flatten() {
                // The operation's own id, and the id of its streaming call
                // beside JSON, which the codegen's `streams` pass names.
                let ids = [
                    op.get("operationId"),
                    op.pointer("/x-nebius-stream/stream_operation_id"),
                ];
                for id in ids.into_iter().flatten().filter_map(Value::as_str) {
                    operations.insert(id.to_string(), (path.clone(), method.clone()));
                }
            }
        }
        Self {
            doc,
            components,
            operations,
        }
    }

    /// The JSON pointer of what `key` was generated from.
    fn cause(&self, key: &str, entry: &Entry) -> Option<String> {
        if let Some(id) = &entry.operation_id {
            return self.operation(id, key);
        }
        let rest = key
            .strip_prefix("types::builder::")
            .or_else(|| key.strip_prefix("types::"))?;
        // `Type`, `Type.field`, `Type::Variant`, `Type: From<..>`.
        let ty = rest.split(['.', ':']).next().unwrap_or(rest).trim();
        let mut pointer = self.type_pointer(ty)?;
        let member = rest[ty.len()..].trim_start_matches(['.', ':', ' ']);
        if !member.is_empty() && matches!(entry.kind, Kind::Field | Kind::Setter) {
            if let Some(property) = self.property(&pointer, member) {
                pointer = format!("{pointer}/properties/{}", escape(&property));
            }
        }
        Some(pointer)
    }

    /// The pointer of an operation, or of the parameter a setter sets.
    fn operation(&self, id: &str, key: &str) -> Option<String> {
        let (path, method) = self.operations.get(id)?;
        let pointer = format!("/paths/{}/{method}", escape(path));
        let setter = key.rsplit("::").next().unwrap_or_default();
        if setter == "body" {
            return Some(format!("{pointer}/requestBody"));
        }
        let parameters = self
            .doc
            .pointer(&format!("{pointer}/parameters"))
            .and_then(Value::as_array);
        let index = parameters.and_then(|ps| {
            ps.iter().position(|p| {
                p.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| snake_name(n) == setter)
            })
        });
        Some(match index {
            Some(i) => format!("{pointer}/parameters/{i}"),
            None => pointer,
        })
    }

    /// The pointer of the schema a Rust type comes from: its component, or
    /// for a type typify named after a component and a property
    /// (`DatasetStatus` of `Dataset.status`), that property.
    fn type_pointer(&self, ty: &str) -> Option<String> {
        if let Some(key) = self.components.get(ty) {
            return Some(format!("/components/schemas/{}", escape(key)));
        }
        let (parent, key) = self
            .components
            .iter()
            .filter(|(name, _)| ty.starts_with(name.as_str()))
            .max_by_key(|(name, _)| name.len())?;
        let pointer = format!("/components/schemas/{}", escape(key));
        let suffix = &ty[parent.len()..];
        let property = self
            .doc
            .pointer(&format!("{pointer}/properties"))
            .and_then(Value::as_object)
            .and_then(|ps| ps.keys().find(|p| type_name(p) == suffix).cloned());
        Some(match property {
            Some(p) => format!("{pointer}/properties/{}", escape(&p)),
            None => pointer,
        })
    }

    /// The property of the schema at `pointer` whose Rust field is `field`.
    fn property(&self, pointer: &str, field: &str) -> Option<String> {
        self.doc
            .pointer(&format!("{pointer}/properties"))
            .and_then(Value::as_object)?
            .keys()
            .find(|p| snake_name(p) == field)
            .cloned()
    }
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surface(code: &str) -> Surface {
        nebius_tokenfactory_codegen::surface::extract(&format!("pub mod generated {{ {code} }}"))
            .unwrap()
    }

    #[test]
    fn removals_and_retypes_break_additions_to_types_break_literals() {
        let old = surface(
            "pub mod types { pub struct Dataset { pub id: String, pub size: i64 } pub enum Status { Ready } }",
        );
        let new = surface(
            "pub mod types { pub struct Dataset { pub id: String, pub size: String, pub tags: Vec<String> } pub enum Status { Ready, Failed } pub struct Fresh; }",
        );
        let doc = json!({"components": {"schemas": {
            "Dataset": {"properties": {"id": {}, "size": {}, "tags": {}}},
            "Status": {"enum": ["ready"]}
        }}});
        let changes = compare(&old, &new, &doc, &doc);
        let verdict = |key: &str| changes.iter().find(|c| c.key == key).map(|c| c.verdict);
        assert_eq!(verdict("types::Dataset.size"), Some(Verdict::CompileBreak));
        assert_eq!(verdict("types::Dataset.tags"), Some(Verdict::LiteralBreak));
        assert_eq!(
            verdict("types::Status::Failed"),
            Some(Verdict::LiteralBreak)
        );
        assert_eq!(verdict("types::Fresh"), Some(Verdict::Compatible));
        let size = changes
            .iter()
            .find(|c| c.key == "types::Dataset.size")
            .unwrap();
        assert_eq!(
            size.cause.as_deref(),
            Some("/components/schemas/Dataset/properties/size")
        );
        assert_eq!(size.before.as_deref(), Some("field i64"));
        assert_eq!(size.after.as_deref(), Some("field String"));
        // Compile breaks come first.
        assert_eq!(changes[0].verdict, Verdict::CompileBreak);
    }

    #[test]
    fn inline_types_trace_to_the_property_they_came_from() {
        let doc = json!({"components": {"schemas": {
            "Dataset": {"properties": {"status": {"enum": ["a"]}}}
        }}});
        let index = Index::new(&doc);
        assert_eq!(
            index.type_pointer("DatasetStatus").as_deref(),
            Some("/components/schemas/Dataset/properties/status")
        );
    }
}
