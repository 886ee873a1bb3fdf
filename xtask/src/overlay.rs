//! The overlay beside the vendored document, as `regen` applies it.
//!
//! `openapi.json` stays as upstream serves it; `openapi.overlay.json` says
//! what it gets wrong or leaves out (see the codegen's `overlay` module).
//! `regen` applies the overlay to both documents before it generates and
//! compares them, as `build.rs` does, so the report describes the client
//! users will get. It also says what the overlay did to the new document:
//! which actions touch the operations the regen adds or changes, and which
//! actions match nothing any more. A stale action is a finding for the
//! maintainer (upstream fixed or moved what it patched), never silence.

use crate::error::Result;
use nebius_tokenfactory_codegen::normalize::visit;
use nebius_tokenfactory_codegen::overlay::{self, Applied, Overlay};
use serde_json::Value;
use std::path::Path;

/// The overlay of the repository at `root`, if it has one.
pub fn load(root: &Path) -> Result<Option<Overlay>> {
    Ok(Overlay::read(&root.join(overlay::FILE_NAME))?)
}

/// `doc` with `overlay` applied, and what each action did; `doc` itself
/// when there is no overlay.
pub fn apply(doc: &Value, overlay: Option<&Overlay>) -> Result<(Value, Applied)> {
    let mut doc = doc.clone();
    let applied = match overlay {
        Some(overlay) => overlay.apply(&mut doc)?,
        None => Applied::default(),
    };
    Ok((doc, applied))
}

/// The lines `regen` prints about the overlay on the new document: each
/// action that touches an operation the regen adds or changes, with that
/// operation, then each action that matched nothing. Empty without an
/// overlay.
pub fn findings(old: &Value, new: &Value, applied: &Applied) -> Vec<String> {
    let mut lines = Vec::new();
    for (path, method, op) in visit::operations(new) {
        let pointer = format!(
            "/paths/{}/{method}",
            path.replace('~', "~0").replace('/', "~1")
        );
        let change = match old.pointer(&pointer) {
            None => "added",
            Some(before) if before != op => "changed",
            Some(_) => continue,
        };
        for action in applied.touching(&pointer) {
            lines.push(format!(
                "overlay {} touches {} {path} ({change})",
                action.label(),
                method.to_uppercase()
            ));
        }
    }
    for action in applied.stale() {
        lines.push(format!(
            "overlay {} matches nothing in the new document: upstream may have fixed or moved it; update or remove the action",
            action.label()
        ));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn findings_name_the_actions_on_new_or_changed_operations_and_the_stale_ones() {
        let overlay = Overlay::from_value(&json!({"overlay": "1.0.0", "info": {"title": "t"}, "actions": [
            {"target": "$.paths['/v1/models'].get", "update": {"operationId": "list_models"}, "description": "rename"},
            {"target": "$.paths['/v1/kept'].get", "update": {"summary": "s"}, "description": "same"},
            {"target": "$.paths['/v1/gone'].get", "remove": true, "description": "old"}
        ]}))
        .unwrap();
        let old = json!({"paths": {"/v1/kept": {"get": {"operationId": "kept", "summary": "s"}}}});
        let new = json!({"paths": {
            "/v1/kept": {"get": {"operationId": "kept"}},
            "/v1/models": {"get": {"operationId": "show"}}
        }});
        let (old, _) = apply(&old, Some(&overlay)).unwrap();
        let (new, applied) = apply(&new, Some(&overlay)).unwrap();
        assert_eq!(
            findings(&old, &new, &applied),
            [
                "overlay action 1 (rename) touches GET /v1/models (added)",
                "overlay action 3 (old) matches nothing in the new document: upstream may have fixed or moved it; update or remove the action"
            ]
        );
    }
}
