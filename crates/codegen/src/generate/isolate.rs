//! Finding what progenitor cannot generate, at the smallest unit.
//!
//! The normalisation passes remove every failure known from real FastAPI
//! documents. What they do not foresee must still cost as little as
//! possible, never the whole document:
//!
//! - **A component schema** typify refuses or panics on is degraded step by
//!   step: first its `default`s go, then its `pattern`s, then both; only if
//!   that is not enough does it become an untyped JSON value.
//! - **An operation** progenitor refuses or panics on is left out.
//!
//! Both searches bisect, so a document of a thousand schemas with one bad
//! one costs a dozen runs of progenitor, not a thousand. Each finding is
//! reported with the message progenitor gave.

use super::progenitor::{self, Output};
use super::Options;
use crate::emit::open_enum::OpenEnum;
use crate::normalize::{operations, visit, Degraded, Skipped};
use crate::Error;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// The outcome of one trial: progenitor's message when it fails.
type Trial = Result<Result<(), String>, Error>;

/// Finds the items that make `trial` fail, one at a time.
///
/// `trial(k)` runs with the first `k` items as they are and the rest
/// neutralised; `trial(0)` must succeed. Each culprit found is handed to
/// `fix`, which neutralises it for good (so the next `trial` no longer
/// fails on it) and says whether that worked. Returns every culprit with
/// the message it failed with.
fn culprits(
    n: usize,
    trial: &mut dyn FnMut(usize) -> Trial,
    fix: &mut dyn FnMut(usize, &str) -> Result<bool, Error>,
) -> Result<Vec<(usize, String)>, Error> {
    let mut found = Vec::new();
    let mut good = 0;
    loop {
        let mut reason = match trial(n)? {
            Ok(()) => return Ok(found),
            Err(reason) => reason,
        };
        if good >= n {
            // Every item is as it was found to work, and still it fails:
            // no single item explains the failure.
            return Err(Error::Generation(reason));
        }
        // The shortest failing prefix ends with a culprit.
        let mut bad = n;
        while bad - good > 1 {
            let mid = (good + bad) / 2;
            match trial(mid)? {
                Ok(()) => good = mid,
                Err(e) => {
                    bad = mid;
                    reason = e;
                }
            }
        }
        if !fix(bad - 1, &reason)? {
            return Err(Error::Generation(reason));
        }
        found.push((bad - 1, reason));
        good = bad;
    }
}

/// Degrades the component schemas that keep the components from generating.
///
/// A culprit schema loses, in turn: just the `default`s that fail (found
/// by the same bisection, among its own defaults); all its `pattern`s; and
/// last, its type.
pub(crate) fn schemas(
    doc: &mut Value,
    enums: &[OpenEnum],
    options: &Options,
    degraded: &mut Vec<Degraded>,
) -> Result<(), Error> {
    let mut probe = doc.clone();
    probe["paths"] = json!({});
    let names: Vec<String> = probe
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    // Runs progenitor with the first `k` schemas as they now are in
    // `probe`, the rest untyped.
    let run = |probe: &Value, k: usize| -> Trial {
        let mut trial = probe.clone();
        if let Some(schemas) = trial
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
        {
            for name in &names[k..] {
                schemas.insert(name.clone(), json!({}));
            }
        }
        Ok(progenitor::run(&trial, enums, options)?.map(|_| ()))
    };
    if let Err(reason) = run(&probe, 0)? {
        return Err(Error::Generation(format!(
            "the document does not generate even with every component schema untyped: {reason}"
        )));
    }
    let probe = std::cell::RefCell::new(probe);
    let found = culprits(
        names.len(),
        &mut |k| run(&probe.borrow(), k),
        &mut |index, reason| {
            let pointer = format!("/components/schemas/{}", escape(&names[index]));
            let changes = weaken(&probe, &pointer, index + 1, &run)?;
            let fixed = !changes.is_empty();
            for change in changes {
                degraded.push(Degraded {
                    pointer: format!("#{}", change.0),
                    change: change.1,
                    reason: format!("progenitor cannot generate it: {reason}"),
                });
            }
            Ok(fixed)
        },
    );
    if let Err(Error::Generation(reason)) = &found {
        return Err(Error::Generation(format!(
            "the component schemas do not generate, even with the failing one untyped: {reason}"
        )));
    }
    found?;
    let probe = probe.into_inner();
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for name in &names {
            schemas.insert(name.clone(), probe["components"]["schemas"][name].clone());
        }
    }
    Ok(())
}

/// Weakens the schema at `pointer` in `probe` until `run(probe, k)`
/// succeeds; returns each change as `(pointer, what)`, or nothing if even
/// an untyped schema fails.
fn weaken(
    probe: &std::cell::RefCell<Value>,
    pointer: &str,
    k: usize,
    run: &dyn Fn(&Value, usize) -> Trial,
) -> Result<Vec<(String, String)>, Error> {
    let original = probe.borrow().pointer(pointer).cloned().unwrap_or_default();
    let set = |schema: Value| {
        if let Some(slot) = probe.borrow_mut().pointer_mut(pointer) {
            *slot = schema;
        }
    };
    // Only the defaults that fail.
    let defaults = keyword_pointers(&original, "default");
    if !defaults.is_empty() {
        let dropped_cell = std::cell::RefCell::new(Vec::new());
        let result = culprits(
            defaults.len(),
            &mut |kept| {
                let mut schema = original.clone();
                for (i, at) in defaults.iter().enumerate() {
                    if i >= kept || dropped_cell.borrow().contains(&i) {
                        remove_at(&mut schema, at, "default");
                    }
                }
                set(schema);
                run(&probe.borrow(), k)
            },
            &mut |i, _| {
                dropped_cell.borrow_mut().push(i);
                Ok(true)
            },
        );
        let dropped = dropped_cell.into_inner();
        let mut schema = original.clone();
        for i in &dropped {
            remove_at(&mut schema, &defaults[*i], "default");
        }
        set(schema);
        if result.is_ok() && run(&probe.borrow(), k)?.is_ok() {
            return Ok(dropped
                .iter()
                .map(|i| {
                    let at = &defaults[*i];
                    let value = original.pointer(at).and_then(|s| s.get("default"));
                    (
                        format!("{pointer}{at}"),
                        format!(
                            "the default `{}` is dropped",
                            value.map(Value::to_string).unwrap_or_default()
                        ),
                    )
                })
                .collect());
        }
    }
    for (keywords, change) in [
        (&["pattern"][..], "its patterns are not checked"),
        (
            &["default", "pattern"][..],
            "its defaults and patterns are dropped",
        ),
    ] {
        set(without(&original, keywords));
        if run(&probe.borrow(), k)?.is_ok() {
            return Ok(vec![(pointer.to_string(), change.to_string())]);
        }
    }
    let mut untyped = Map::new();
    if let Some(d) = original.get("description") {
        untyped.insert("description".into(), d.clone());
    }
    set(Value::Object(untyped));
    if run(&probe.borrow(), k)?.is_ok() {
        return Ok(vec![(
            pointer.to_string(),
            "it is an untyped JSON value (`serde_json::Value`)".to_string(),
        )]);
    }
    set(original);
    Ok(Vec::new())
}

/// The pointers, relative to `schema`, of the sub-schemas holding `keyword`.
fn keyword_pointers(schema: &Value, keyword: &str) -> Vec<String> {
    let mut copy = schema.clone();
    let mut out = Vec::new();
    visit::walk_schema_at(&mut copy, &mut |at, s| {
        if s.get(keyword).is_some() {
            out.push(at.to_string());
        }
    });
    out
}

fn remove_at(schema: &mut Value, at: &str, keyword: &str) {
    if let Some(obj) = schema.pointer_mut(at).and_then(Value::as_object_mut) {
        obj.remove(keyword);
    }
}

/// `schema` without `keywords`, at any depth (but not inside `properties`
/// maps, where they are property names).
fn without(schema: &Value, keywords: &[&str]) -> Value {
    let mut out = schema.clone();
    visit::walk_schema(&mut out, &mut |s| {
        if let Some(obj) = s.as_object_mut() {
            for k in keywords {
                obj.remove(*k);
            }
        }
    });
    out
}

/// Generates `doc`, leaving out every operation progenitor cannot handle;
/// returns what it generated and what it left out.
pub(crate) fn operations(
    doc: &mut Value,
    enums: &[OpenEnum],
    options: &Options,
) -> Result<(Output, Vec<Skipped>), Error> {
    let whole = match progenitor::run(doc, enums, options)? {
        Ok(out) => return Ok((out, Vec::new())),
        Err(e) => e,
    };
    let all: Vec<(String, String)> = visit::operations(doc)
        .map(|(path, method, _)| (path.to_string(), method.to_string()))
        .collect();
    let mut search = Search {
        doc,
        enums,
        options,
        failing: Vec::new(),
    };
    search.find(&all)?;
    if search.failing.is_empty() {
        return Err(Error::Generation(whole));
    }
    let skipped: Vec<Skipped> = search
        .failing
        .into_iter()
        .map(|((path, method), reason)| {
            let operation_id = doc
                .pointer(&format!("/paths/{}/{method}/operationId", escape(&path)))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            Skipped {
                method: method.to_uppercase(),
                path,
                operation_id,
                reason: format!("progenitor cannot generate it: {reason}"),
            }
        })
        .collect();
    operations::remove(doc, &skipped);
    match progenitor::run(doc, enums, options)? {
        Ok(out) => Ok((out, skipped)),
        Err(e) => Err(Error::Generation(format!(
            "the client does not generate even without the operations that fail: {e}"
        ))),
    }
}

type OperationKey = (String, String);

struct Search<'a> {
    doc: &'a Value,
    enums: &'a [OpenEnum],
    options: &'a Options,
    failing: Vec<(OperationKey, String)>,
}

impl Search<'_> {
    /// Runs progenitor with only `ops` (and the components they need).
    fn run(&self, ops: &[OperationKey]) -> Result<Result<(), String>, Error> {
        let trial = only(self.doc, ops);
        Ok(progenitor::run(&trial, self.enums, self.options)?.map(|_| ()))
    }

    /// Records, from `ops`, each operation that fails.
    fn find(&mut self, ops: &[OperationKey]) -> Result<(), Error> {
        let reason = match self.run(ops)? {
            Ok(()) => return Ok(()),
            Err(reason) => reason,
        };
        if let [op] = ops {
            self.failing.push((op.clone(), reason));
            return Ok(());
        }
        let (left, right) = ops.split_at(ops.len() / 2);
        let before = self.failing.len();
        self.find(left)?;
        self.find(right)?;
        if self.failing.len() > before {
            return Ok(());
        }
        // Each half generates, the two together do not: add the right
        // half's operations one by one, and leave out the one that breaks.
        let mut kept: Vec<OperationKey> = left.to_vec();
        for op in right {
            kept.push(op.clone());
            if let Err(reason) = self.run(&kept)? {
                kept.pop();
                self.failing.push((
                    op.clone(),
                    format!("it cannot be generated beside the others: {reason}"),
                ));
            }
        }
        Ok(())
    }
}

/// `doc` with only the operations `ops`, and only the component schemas
/// they reach: smaller trials run faster, and a component that generates in
/// the whole document generates among fewer.
fn only(doc: &Value, ops: &[OperationKey]) -> Value {
    let mut trial = doc.clone();
    let mut paths = Map::new();
    for (path, method) in ops {
        let Some(op) = doc.pointer(&format!("/paths/{}/{method}", escape(path))) else {
            continue;
        };
        let item = paths
            .entry(path.clone())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("a path item is an object");
        item.insert(method.clone(), op.clone());
    }
    trial["paths"] = Value::Object(paths);
    let reached = reachable(&trial);
    if let Some(schemas) = trial
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        schemas.retain(|name, _| reached.contains(name));
    }
    trial
}

/// The component schemas that `doc`'s paths refer to, directly or not.
fn reachable(doc: &Value) -> BTreeSet<String> {
    const PREFIX: &str = "#/components/schemas/";
    fn refs(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(obj) => {
                if let Some(Value::String(r)) = obj.get("$ref") {
                    if let Some(name) = r.strip_prefix(PREFIX) {
                        out.push(name.replace("~1", "/").replace("~0", "~"));
                    }
                }
                obj.values().for_each(|v| refs(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let mut seen = BTreeSet::new();
    let mut queue = Vec::new();
    refs(&doc["paths"], &mut queue);
    while let Some(name) = queue.pop() {
        if seen.insert(name.clone()) {
            if let Some(schema) = doc.pointer(&format!("/components/schemas/{}", escape(&name))) {
                refs(schema, &mut queue);
            }
        }
    }
    seen
}

/// A string as one JSON pointer token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reachable_follows_references_through_components() {
        let doc = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json":
                {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
            "components": {"schemas": {
                "A": {"properties": {"b": {"$ref": "#/components/schemas/B"}}},
                "B": {"items": {"$ref": "#/components/schemas/A"}},
                "C": {}
            }}
        });
        assert_eq!(reachable(&doc).into_iter().collect::<Vec<_>>(), ["A", "B"]);
    }

    #[test]
    fn culprits_are_found_one_by_one_by_bisection() {
        // Items 3 and 7 of 10 fail whenever they are kept.
        let bad = [3usize, 7];
        let mut fixed: Vec<usize> = Vec::new();
        let mut runs = 0;
        let fixed_cell = std::cell::RefCell::new(&mut fixed);
        let found = culprits(
            10,
            &mut |k| {
                runs += 1;
                let fixed = fixed_cell.borrow();
                Ok(match bad.iter().find(|b| **b < k && !fixed.contains(b)) {
                    Some(b) => Err(format!("item {b}")),
                    None => Ok(()),
                })
            },
            &mut |i, _| {
                fixed_cell.borrow_mut().push(i);
                Ok(true)
            },
        )
        .unwrap();
        assert_eq!(
            found,
            [(3, "item 3".to_string()), (7, "item 7".to_string())]
        );
        assert!(runs <= 12, "{runs} runs");
    }

    #[test]
    fn keywords_are_found_and_dropped_at_any_depth_but_not_as_property_names() {
        let s = json!({"description": "d", "type": "object", "default": {},
            "properties": {"default": {"type": "string", "pattern": "x", "default": "y"}}});
        assert_eq!(keyword_pointers(&s, "default"), ["/properties/default", ""]);
        assert_eq!(
            without(&s, &["default"]),
            json!({"description": "d", "type": "object",
                "properties": {"default": {"type": "string", "pattern": "x"}}})
        );
    }
}
