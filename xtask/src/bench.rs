//! `cargo xtask bench-diff`: times the change report on two synthetic
//! documents of about 5 MB each. Run it in release mode:
//! `cargo run --release -p xtask -- bench-diff`.

use crate::diff;
use crate::diff::kind::Severity;
use crate::spec;
use serde_json::{json, Map, Value};
use std::io::Write;
use std::time::Instant;

/// A document with `operations` operations, each with its own request and
/// response schema of 20 properties, a shared enum and a recursive schema.
pub fn synthesize(operations: usize) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    schemas.insert(
        "Status".into(),
        json!({"type": "string", "enum": ["READY", "PENDING", "FAILED"]}),
    );
    schemas.insert(
        "Node".into(),
        json!({"type": "object", "properties": {"value": {"type": "string"}, "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}),
    );
    for i in 0..operations {
        let mut properties = Map::new();
        for p in 0..20 {
            let schema = match p % 5 {
                0 => {
                    json!({"type": "string", "title": format!("Field {p}"), "description": "A field of the synthetic benchmark schema."})
                }
                1 => json!({"type": "integer", "format": "int64", "description": "A count."}),
                2 => {
                    json!({"anyOf": [{"type": "string"}, {"type": "null"}], "description": "Maybe a string."})
                }
                3 => {
                    json!({"allOf": [{"$ref": "#/components/schemas/Status"}], "description": "The status."})
                }
                _ => json!({"type": "array", "items": {"$ref": "#/components/schemas/Node"}}),
            };
            properties.insert(format!("field_{p}"), schema);
        }
        let required: Vec<String> = (0..20).step_by(2).map(|p| format!("field_{p}")).collect();
        let object = json!({"type": "object", "properties": properties, "required": required, "title": format!("Thing{i}")});
        schemas.insert(format!("Thing{i}Request"), object.clone());
        schemas.insert(format!("Thing{i}Response"), object);
        paths.insert(
            format!("/v1/things{i}/{{thing_id}}"),
            json!({"post": {
                "operationId": format!("update_thing{i}_v1_things{i}__thing_id__post"),
                "parameters": [
                    {"name": "thing_id", "in": "path", "required": true, "schema": {"type": "string"}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer"}}
                ],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/Thing{i}Request")}}}},
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/Thing{i}Response")}}}},
                    "422": {"description": "Validation Error", "content": {"application/json": {"schema": {"type": "object"}}}}
                }
            }}),
        );
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "benchmark", "version": "1"},
        "paths": paths,
        "components": {"schemas": schemas}
    })
}

/// A changed copy: every tenth operation gets a new required request
/// property and, in turn, a response type change or a renamed schema; one operation
/// goes and one comes.
pub fn mutate(doc: &Value) -> Value {
    let mut doc = doc.clone();
    doc["info"]["version"] = "2".into();
    let count = doc["paths"].as_object().map_or(0, Map::len);
    for i in (0..count).step_by(10) {
        let schemas = &mut doc["components"]["schemas"];
        schemas[format!("Thing{i}Request")]["properties"]["added"] = json!({"type": "string"});
        if let Some(required) = schemas[format!("Thing{i}Request")]["required"].as_array_mut() {
            required.push("added".into());
        }
        if i % 20 == 0 {
            schemas[format!("Thing{i}Response")]["properties"]["field_1"] =
                json!({"type": "string"});
            continue;
        }
        if let Some(schemas) = schemas.as_object_mut() {
            if let Some(s) = schemas.shift_remove(&format!("Thing{i}Response")) {
                schemas.insert(format!("Thing{i}Reply"), s);
            }
        }
        let path = format!("/v1/things{i}/{{thing_id}}");
        doc["paths"][&path]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
            ["$ref"] = format!("#/components/schemas/Thing{i}Reply").into();
    }
    if let Some(values) = doc["components"]["schemas"]["Status"]["enum"].as_array_mut() {
        values.push("ARCHIVED".into());
    }
    if let Some(paths) = doc["paths"].as_object_mut() {
        paths.shift_remove("/v1/things1/{thing_id}");
        paths.insert(
            "/v1/extra".into(),
            json!({"get": {"operationId": "extra_v1_extra_get", "responses": {}}}),
        );
    }
    doc
}

/// Builds two documents of about `megabytes` MB and prints the time to
/// parse them and to compute the report.
pub fn run(megabytes: f64, out: &mut dyn Write) {
    // One operation of the synthetic shape (two schemas of 20 properties) is
    // about 9.3 kB of canonical text.
    let operations = ((megabytes * 1_000_000.0) / 9_300.0).max(1.0) as usize;
    let old_text = spec::canonical(&synthesize(operations));
    let new_text = spec::canonical(&mutate(&spec::parse(&old_text, "old").unwrap_or_default()));
    let started = Instant::now();
    let old = spec::parse(&old_text, "old").unwrap_or_default();
    let new = spec::parse(&new_text, "new").unwrap_or_default();
    let parsed = started.elapsed();
    let report = diff::diff(&old, &new);
    let total = started.elapsed();
    let _ = writeln!(
        out,
        "bench-diff: {operations} operations, {:.1} MB and {:.1} MB of JSON\n  parse both: {:.0} ms\n  diff:       {:.0} ms\n  total:      {:.0} ms\n  found {} changes ({} breaking)",
        old_text.len() as f64 / 1e6,
        new_text.len() as f64 / 1e6,
        parsed.as_secs_f64() * 1e3,
        (total - parsed).as_secs_f64() * 1e3,
        total.as_secs_f64() * 1e3,
        report.changes().count(),
        report.count(Severity::Breaking),
    );
    // The Rust verdicts generate both clients and compare their surfaces.
    let started = Instant::now();
    match diff::diff_generated(&old, &new) {
        Ok(report) => {
            let _ = writeln!(
                out,
                "  with the Rust API (generate both, extract and compare the surfaces): {:.0} ms\n  found {} Rust API changes ({} compile breaks)",
                started.elapsed().as_secs_f64() * 1e3,
                report.rust.len(),
                report.rust_count(diff::rust::Verdict::CompileBreak),
            );
        }
        Err(e) => {
            let _ = writeln!(out, "  with the Rust API: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_synthetic_pair_has_the_expected_changes() {
        let old = synthesize(20);
        let report = diff::diff(&old, &mutate(&old));
        let kinds: Vec<&str> = report.changes().map(|c| c.kind.as_str()).collect();
        for kind in [
            "request_property_added_required",
            "response_property_type_changed",
            "schema_renamed",
            "operation_removed",
            "operation_added",
            "response_enum_value_added",
        ] {
            assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
        }
    }
}
