//! OpenAPI Overlays: what the upstream document gets wrong or leaves out,
//! said once, beside it, and applied before the passes.
//!
//! The vendored `openapi.json` stays as upstream serves it. Where it is
//! wrong for a client (a stream with examples but no item schema, a
//! download declared as JSON, names a user would not look for), an Overlay
//! document ([Overlay Specification 1.0](https://spec.openapis.org/overlay/v1.0.0.html))
//! beside it says so in ordered actions, each a JSONPath target (RFC 9535,
//! parsed by `serde_json_path`) with an `update` or `remove: true`. The
//! build script and the xtask apply it before the normalisation passes, so
//! the passes, the mocks and the change report all see its result.
//!
//! How an action applies, where the specification leaves room:
//!
//! - `update` on an object is merged into it: objects recursively, any other
//!   value (a string, a number, an array such as `required`) replacing the
//!   target's. The specification allows no other way to replace an array.
//! - `update` on an array appends the update to it.
//! - `remove: true` removes each selected node from its parent.
//! - An action whose target selects nothing is *stale*: nothing happens, and
//!   [`Applied::stale`] names it, so that a maintainer sees an overlay that
//!   no longer fits the document instead of a silent no-op.
//!
//! ```
//! use nebius_tokenfactory_codegen::overlay::Overlay;
//! use serde_json::json;
//!
//! let overlay = Overlay::from_value(&json!({
//!     "overlay": "1.0.0",
//!     "info": {"title": "fixes", "version": "1"},
//!     "actions": [
//!         {"target": "$.paths['/v1/models'].get", "update": {"operationId": "list_models"}},
//!         {"target": "$.paths['/v1/gone']", "remove": true}
//!     ]
//! })).unwrap();
//! let mut doc = json!({"paths": {"/v1/models": {"get": {"operationId": "show_available_models"}}}});
//! let applied = overlay.apply(&mut doc).unwrap();
//! assert_eq!(doc.pointer("/paths/~1v1~1models/get/operationId").unwrap(), "list_models");
//! assert_eq!(applied.actions[0].touched, ["/paths/~1v1~1models/get"]);
//! assert_eq!(applied.stale().count(), 1);
//! ```

use crate::Error;
use serde_json::{Map, Value};
use serde_json_path::JsonPath;

/// The conventional name of the overlay beside a vendored document.
pub const FILE_NAME: &str = "openapi.overlay.json";

/// A parsed overlay: its actions, in order.
#[derive(Debug, Clone)]
pub struct Overlay {
    /// `info.title`, for messages.
    pub title: String,
    /// The actions, in the order they apply.
    pub actions: Vec<Action>,
}

/// One action of an overlay.
#[derive(Debug, Clone)]
pub struct Action {
    /// The JSONPath expression, as written.
    pub target: String,
    path: JsonPath,
    /// Why the action exists, as the overlay says.
    pub description: Option<String>,
    /// What is merged into, or appended to, each selected node.
    pub update: Option<Value>,
    /// Whether the selected nodes are removed.
    pub remove: bool,
}

/// What applying an overlay did, action by action.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// One entry per action, in order.
    pub actions: Vec<ActionResult>,
}

/// What one action did.
#[derive(Debug, Clone, PartialEq)]
pub struct ActionResult {
    /// Its position in the overlay, from 0.
    pub index: usize,
    /// Its target, as written.
    pub target: String,
    /// Its description.
    pub description: Option<String>,
    /// The JSON pointers of the nodes it updated or removed; empty for a
    /// stale action.
    pub touched: Vec<String>,
}

impl ActionResult {
    /// How a report names the action: `action 3 (its description)`.
    pub fn label(&self) -> String {
        match &self.description {
            Some(d) => format!("action {} ({d})", self.index + 1),
            None => format!("action {} (`{}`)", self.index + 1, self.target),
        }
    }
}

impl Applied {
    /// The actions whose target selected nothing.
    pub fn stale(&self) -> impl Iterator<Item = &ActionResult> {
        self.actions.iter().filter(|a| a.touched.is_empty())
    }

    /// The actions that touched something at or under `pointer` (an
    /// operation's `/paths/~1v1~1models/get`, say).
    pub fn touching<'a>(&'a self, pointer: &'a str) -> impl Iterator<Item = &'a ActionResult> {
        self.actions.iter().filter(move |a| {
            a.touched.iter().any(|t| {
                t == pointer
                    || t.strip_prefix(pointer)
                        .is_some_and(|rest| rest.starts_with('/'))
                    || pointer
                        .strip_prefix(t.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        })
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::Overlay(message.into())
}

impl Overlay {
    /// Parses an overlay document: `overlay` 1.x, `info`, and at least one
    /// action with a target and an `update` or `remove`.
    pub fn from_value(value: &Value) -> Result<Self, Error> {
        let object = value
            .as_object()
            .ok_or_else(|| invalid("the overlay is not a JSON object"))?;
        let version = object
            .get("overlay")
            .and_then(Value::as_str)
            .ok_or_else(|| invalid("the overlay has no `overlay` version field"))?;
        if !version.starts_with("1.") {
            return Err(invalid(format!(
                "overlay version {version} is not supported; this reads Overlay Specification 1.x"
            )));
        }
        let title = value
            .pointer("/info/title")
            .and_then(Value::as_str)
            .unwrap_or("overlay")
            .to_string();
        let actions = object
            .get("actions")
            .and_then(Value::as_array)
            .filter(|a| !a.is_empty())
            .ok_or_else(|| invalid("the overlay has no `actions` (a list of at least one)"))?;
        let actions = actions
            .iter()
            .enumerate()
            .map(|(i, a)| {
                Action::from_value(a).map_err(|e| invalid(format!("action {}: {e}", i + 1)))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { title, actions })
    }

    /// The overlay in the file at `path`, or `None` if there is no such
    /// file.
    pub fn read(path: &std::path::Path) -> Result<Option<Self>, Error> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(invalid(format!("cannot read {}: {e}", path.display()))),
        };
        let value: Value = serde_json::from_str(&text)
            .map_err(|e| invalid(format!("{} is not valid JSON: {e}", path.display())))?;
        Self::from_value(&value).map(Some)
    }

    /// Applies every action to `doc`, in order.
    ///
    /// Fails, leaving `doc` as far as the failing action took it, when an
    /// action cannot apply as written: an update of a string or number, an
    /// update of an object that is not an object, a removal of the whole
    /// document. Callers apply to a copy they can drop.
    pub fn apply(&self, doc: &mut Value) -> Result<Applied, Error> {
        let mut applied = Applied::default();
        for (index, action) in self.actions.iter().enumerate() {
            let touched = action
                .apply(doc)
                .map_err(|e| invalid(format!("action {} (`{}`): {e}", index + 1, action.target)))?;
            applied.actions.push(ActionResult {
                index,
                target: action.target.clone(),
                description: action.description.clone(),
                touched,
            });
        }
        Ok(applied)
    }
}

impl Action {
    fn from_value(value: &Value) -> Result<Self, String> {
        let target = value
            .get("target")
            .and_then(Value::as_str)
            .ok_or("it has no `target`")?
            .to_string();
        let path =
            JsonPath::parse(&target).map_err(|e| format!("`{target}` is not JSONPath: {e}"))?;
        let remove = match value.get("remove") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err("`remove` is not a boolean".into()),
        };
        let update = value.get("update").cloned();
        if update.is_none() && !remove {
            return Err("it has neither `update` nor `remove: true`".into());
        }
        Ok(Self {
            target,
            path,
            description: value
                .get("description")
                .and_then(Value::as_str)
                .map(String::from),
            update,
            remove,
        })
    }

    /// Applies this action; the pointers of what it touched.
    fn apply(&self, doc: &mut Value) -> Result<Vec<String>, String> {
        let mut pointers: Vec<String> = self
            .path
            .query_located(doc)
            .dedup()
            .locations()
            .map(|l| l.to_json_pointer())
            .collect();
        if self.remove {
            // Last first, so that removing an array item leaves the
            // pointers of the earlier ones valid.
            pointers.sort_by(|a, b| b.cmp(a));
            for pointer in &pointers {
                remove(doc, pointer)?;
            }
            pointers.reverse();
        } else if let Some(update) = &self.update {
            for pointer in &pointers {
                let node = doc
                    .pointer_mut(pointer)
                    .ok_or_else(|| format!("{pointer} vanished while applying"))?;
                match (node, update) {
                    (Value::Object(target), Value::Object(update)) => merge(target, update),
                    (Value::Array(items), update) => items.push(update.clone()),
                    (Value::Object(_), _) => {
                        return Err(format!(
                            "{pointer} is an object, and the update is not: update its parent to replace it"
                        ))
                    }
                    _ => {
                        return Err(format!(
                            "{pointer} is a string, number, boolean or null; update the object that holds it"
                        ))
                    }
                }
            }
        }
        Ok(pointers)
    }
}

/// Merges `update` into `target`: objects recursively, other values
/// replacing.
fn merge(target: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (key, value) in update {
        match (target.get_mut(key), value) {
            (Some(Value::Object(inner)), Value::Object(update)) => merge(inner, update),
            _ => {
                target.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Removes the node at `pointer` from its parent.
fn remove(doc: &mut Value, pointer: &str) -> Result<(), String> {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return Err("the whole document cannot be removed".into());
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&key);
            Ok(())
        }
        Some(Value::Array(items)) => {
            let index: usize = key
                .parse()
                .map_err(|_| format!("{pointer} is not an array index"))?;
            if index < items.len() {
                items.remove(index);
            }
            Ok(())
        }
        _ => Err(format!("{pointer} has no parent to remove it from")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(actions: Value) -> Overlay {
        Overlay::from_value(&json!({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": actions}))
            .unwrap()
    }

    #[test]
    fn updates_merge_objects_and_replace_everything_else() {
        let mut doc = json!({"components": {"schemas": {"Chunk": {
            "required": ["id", "system_fingerprint"],
            "properties": {"id": {"type": "string", "title": "Id"}}
        }}}});
        overlay(json!([{"target": "$.components.schemas.Chunk", "update": {
            "required": ["id"],
            "properties": {"id": {"description": "the id"}, "new": {"type": "integer"}}
        }}]))
        .apply(&mut doc)
        .unwrap();
        assert_eq!(
            doc,
            json!({"components": {"schemas": {"Chunk": {
                "required": ["id"],
                "properties": {
                    "id": {"type": "string", "title": "Id", "description": "the id"},
                    "new": {"type": "integer"}
                }
            }}}})
        );
    }

    #[test]
    fn an_update_of_an_array_appends_and_removals_keep_indices_right() {
        let mut doc = json!({"tags": [{"name": "a"}, {"name": "b"}, {"name": "c"}]});
        let applied = overlay(json!([
            {"target": "$.tags", "update": {"name": "d"}},
            {"target": "$.tags[?@.name == 'a' || @.name == 'c']", "remove": true}
        ]))
        .apply(&mut doc)
        .unwrap();
        assert_eq!(doc, json!({"tags": [{"name": "b"}, {"name": "d"}]}));
        assert_eq!(applied.actions[1].touched, ["/tags/0", "/tags/2"]);
        assert_eq!(applied.stale().count(), 0);
    }

    #[test]
    fn actions_apply_in_order_and_stale_ones_are_named() {
        let mut doc = json!({"paths": {"/a": {"get": {"operationId": "x"}}}});
        let applied = overlay(json!([
            {"target": "$.paths['/a'].get", "remove": true},
            {"target": "$.paths['/a'].get", "update": {"operationId": "y"}, "description": "rename"}
        ]))
        .apply(&mut doc)
        .unwrap();
        assert_eq!(doc, json!({"paths": {"/a": {}}}));
        let stale: Vec<String> = applied.stale().map(ActionResult::label).collect();
        assert_eq!(stale, ["action 2 (rename)"]);
        assert_eq!(applied.touching("/paths/~1a/get").count(), 1);
        assert_eq!(applied.touching("/paths/~1b").count(), 0);
    }

    #[test]
    fn bad_overlays_and_bad_actions_are_refused_with_their_reason() {
        let refused = |value: Value| Overlay::from_value(&value).unwrap_err().to_string();
        assert!(refused(json!([])).contains("not a JSON object"));
        assert!(refused(json!({"overlay": "2.0.0", "actions": []})).contains("not supported"));
        assert!(refused(json!({"overlay": "1.0.0", "actions": []})).contains("no `actions`"));
        assert!(
            refused(json!({"overlay": "1.0.0", "actions": [{"target": "$["}]}))
                .contains("action 1: `$[` is not JSONPath")
        );
        assert!(
            refused(json!({"overlay": "1.0.0", "actions": [{"target": "$.a"}]}))
                .contains("neither `update` nor `remove: true`")
        );
        let mut doc = json!({"a": {"b": "text"}});
        let err = overlay(json!([{"target": "$.a.b", "update": {"c": 1}}]))
            .apply(&mut doc)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("action 1 (`$.a.b`): /a/b is a string"),
            "{err}"
        );
        let err = overlay(json!([{"target": "$", "remove": true}]))
            .apply(&mut doc)
            .unwrap_err()
            .to_string();
        assert!(err.contains("whole document"), "{err}");
    }
}
