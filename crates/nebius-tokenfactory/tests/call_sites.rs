//! Call sites written the way Rust users write them, compiled against
//! whichever document the client was generated from (the API's own, after
//! a regen, runs the examples too: scripts/upstream): plain values in
//! setters, an `Option` through `maybe_`, a body from a variant's builder,
//! the short paths of the README, and setters' errors that name the field,
//! the value and the rule.

use nebius_tokenfactory::api::types::{
    builder, ColumnSchemaInput, CreateDatasetRequest, CreateDatasetRequestUpload,
    CreateDatasetResponse, SchemaPrimitive,
};
use nebius_tokenfactory::multipart::Part;
#[allow(unused_imports)] // The paths the README gives must resolve.
use nebius_tokenfactory::stream::{Download, EventStream, JsonLines, StreamEnd};

fn upload() -> builder::CreateDatasetRequestUpload {
    CreateDatasetRequestUpload::builder()
        .name("reviews")
        .folder("/demo")
        .ai_project_id("project-1")
        .schema([ColumnSchemaInput::builder()
            .name("text")
            .type_(SchemaPrimitive::builder().name("string"))])
        .rows([serde_json::Map::from_iter([(
            "text".to_string(),
            serde_json::Value::from("Quick."),
        )])])
}

#[test]
fn plain_values_lists_of_builders_and_a_variants_builder_make_the_body() {
    let body = CreateDatasetRequest::try_from(upload()).unwrap();
    let json = serde_json::to_value(&body).unwrap();
    assert_eq!(json["name"], "reviews");
    assert_eq!(json["ai_project_id"], "project-1");
    assert_eq!(json["schema"][0]["type"]["name"], "string");
    assert_eq!(json["rows"][0]["text"], "Quick.");
}

#[test]
fn maybe_clears_what_a_setter_set() {
    let body = CreateDatasetRequestUpload::try_from(upload().maybe_ai_project_id(None)).unwrap();
    assert_eq!(body.ai_project_id, None);
    let json = serde_json::to_value(&body).unwrap();
    assert!(json.get("ai_project_id").is_none(), "{json}");
}

#[test]
fn an_integer_out_of_range_is_refused_naming_field_value_and_rule() {
    let err =
        CreateDatasetResponse::try_from(CreateDatasetResponse::builder().created_at(u64::MAX))
            .unwrap_err();
    assert_eq!(
        err.to_string(),
        "created_at: 18446744073709551615 is out of range for i64"
    );
    // And it converts into the SDK's error with `?`.
    let sdk: nebius_tokenfactory::Error = err.into();
    assert!(
        sdk.to_string().contains("created_at: 18446744073709551615"),
        "{sdk}"
    );
}

#[test]
fn a_union_that_no_variant_fits_says_what_failed_in_each() {
    let err = serde_json::from_value::<CreateDatasetRequest>(serde_json::json!({"name": "x"}))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("data did not match any variant of CreateDatasetRequest: "),
        "{err}"
    );
    for variant in ["S3: missing field", "Upload: missing field"] {
        assert!(err.contains(variant), "{err}");
    }
}

#[test]
fn a_part_is_made_from_bytes() {
    let part = Part::bytes("a,b\n").with_file_name("rows.csv");
    assert!(format!("{part:?}").contains("rows.csv"));
}
