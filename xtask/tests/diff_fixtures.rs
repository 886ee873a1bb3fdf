//! `cargo xtask diff` classifies each fixture pair as expected: the seed
//! document (tests/fixtures/seed/openapi.json, a copy of openapi.json)
//! against an edited copy per change kind, plus small pairs for
//! parameters, recursion, and OpenAPI 3.0 YAML against 3.1 JSON.

mod common;

use common::{fixture, seed, xtask};
use xtask::diff::{diff, kind::Severity};
use xtask::spec::{load, Source};

/// (kind, severity, location) of every change from `old` to `new`.
fn changes(old: &std::path::Path, new: &std::path::Path) -> Vec<(String, Severity, String)> {
    let old = load(&Source::Path(old.into()), std::time::Duration::from_secs(1)).unwrap();
    let new = load(&Source::Path(new.into()), std::time::Duration::from_secs(1)).unwrap();
    diff(&old, &new)
        .changes()
        .map(|c| (c.kind.as_str().to_string(), c.severity, c.location.clone()))
        .collect()
}

use Severity::{Breaking as B, Compatible as C, PotentiallyBreaking as P};

/// Each edited copy of the seed, and exactly the changes it must give.
/// An expected change: kind, severity, location.
type Expected = (&'static str, Severity, &'static str);

const SEED_PAIRS: &[(&str, &[Expected])] = &[
    (
        "operation_added.json",
        &[(
            "operation_added",
            C,
            "/paths/~1v1~1datasets~1{dataset_id}/get",
        )],
    ),
    (
        "operation_removed.json",
        &[("operation_removed", B, "/paths/~1v1~1datasets/post")],
    ),
    (
        "operation_id_changed.json",
        &[(
            "operation_id_changed",
            B,
            "/paths/~1v1~1datasets/post/operationId",
        )],
    ),
    (
        "operation_id_changed_same_method.json",
        &[(
            "operation_id_changed",
            C,
            "/paths/~1v1~1datasets/post/operationId",
        )],
    ),
    // The SDK sends its key as `Authorization: Bearer`, which satisfies
    // both the old and the new requirement of these two.
    (
        "operation_security_changed.json",
        &[("security_changed", C, "/paths/~1v1~1datasets/post/security")],
    ),
    (
        "security_changed.json",
        &[("security_changed", C, "/security")],
    ),
    // An API key in a header of its own: no client sends one.
    (
        "security_api_key.json",
        &[
            ("security_changed", B, "/paths/~1v1~1datasets/post/security"),
            ("security_changed", B, "/security"),
            (
                "security_changed",
                P,
                "/components/securitySchemes/HTTPBearer",
            ),
            (
                "security_changed",
                C,
                "/components/securitySchemes/APIKeyHeader",
            ),
        ],
    ),
    (
        "request_property_added_required.json",
        &[(
            "request_property_added_required",
            B,
            "/components/schemas/CreateDatasetRequestUpload/properties/format",
        )],
    ),
    (
        "request_property_added_optional.json",
        &[(
            "request_property_added_optional",
            P,
            "/components/schemas/CreateDatasetRequestUpload/properties/description",
        )],
    ),
    (
        "request_property_removed.json",
        &[(
            "request_property_removed",
            B,
            "/components/schemas/CreateDatasetRequestS3/properties/s3_region",
        )],
    ),
    (
        "request_property_became_required.json",
        &[(
            "request_property_became_required",
            B,
            "/components/schemas/CreateDatasetRequestS3/properties/ai_project_id",
        )],
    ),
    (
        "request_property_type_changed.json",
        &[(
            "request_property_type_changed",
            B,
            "/components/schemas/CreateDatasetRequestUpload/properties/rows/items",
        )],
    ),
    // SchemaPrimitiveType is sent (ColumnSchema-Input) and received (ColumnSchema-Output).
    (
        "request_enum_value_added.json",
        &[
            (
                "request_enum_value_added",
                C,
                "/components/schemas/SchemaPrimitiveType/enum",
            ),
            (
                "response_enum_value_added",
                C,
                "/components/schemas/SchemaPrimitiveType/enum",
            ),
        ],
    ),
    (
        "request_enum_value_removed.json",
        &[
            (
                "request_enum_value_removed",
                B,
                "/components/schemas/SchemaPrimitiveType/enum",
            ),
            (
                "response_enum_value_removed",
                P,
                "/components/schemas/SchemaPrimitiveType/enum",
            ),
        ],
    ),
    (
        "request_union_arm_removed.json",
        &[(
            "request_union_arm_removed",
            B,
            "/paths/~1v1~1datasets/post/requestBody/content/application~1json/schema/anyOf/1",
        )],
    ),
    (
        "response_property_added.json",
        &[(
            "response_property_added",
            C,
            "/components/schemas/CreateDatasetResponse/properties/row_count",
        )],
    ),
    (
        "response_property_removed_required.json",
        &[(
            "response_property_removed_required",
            B,
            "/components/schemas/CreateDatasetResponse/properties/folder",
        )],
    ),
    (
        "response_property_removed_optional.json",
        &[(
            "response_property_removed_optional",
            P,
            "/components/schemas/CreateDatasetResponse/properties/ai_project_id",
        )],
    ),
    (
        "response_property_became_nullable.json",
        &[(
            "response_property_became_nullable",
            B,
            "/components/schemas/CreateDatasetResponse/properties/current_version",
        )],
    ),
    (
        "response_property_type_changed.json",
        &[(
            "response_property_type_changed",
            B,
            "/components/schemas/CreateDatasetResponse/properties/created_at",
        )],
    ),
    // Open enums: a new response value decodes as `Unknown`, so it is compatible here.
    (
        "response_enum_value_added.json",
        &[(
            "response_enum_value_added",
            C,
            "/components/schemas/DatasetStatus/enum",
        )],
    ),
    (
        "response_union_arm_added.json",
        &[(
            "response_union_arm_added",
            B,
            "/components/schemas/ColumnSchema-Output/properties/type/anyOf/2",
        )],
    ),
    (
        "request_media_type_added.json",
        &[(
            "request_media_type_added",
            C,
            "/paths/~1v1~1datasets/post/requestBody/content/application~1x-yaml",
        )],
    ),
    (
        "request_media_type_removed.json",
        &[
            (
                "request_media_type_removed",
                B,
                "/paths/~1v1~1datasets/post/requestBody/content/application~1json",
            ),
            (
                "request_media_type_added",
                C,
                "/paths/~1v1~1datasets/post/requestBody/content/application~1x-www-form-urlencoded",
            ),
        ],
    ),
    (
        "response_media_type_added.json",
        &[(
            "response_media_type_added",
            P,
            "/paths/~1v1~1datasets/post/responses/200/content/text~1event-stream",
        )],
    ),
    (
        "response_media_type_removed.json",
        &[(
            "response_media_type_removed",
            B,
            "/paths/~1v1~1datasets/post/responses/422/content/application~1json",
        )],
    ),
    (
        "response_status_added.json",
        &[(
            "response_status_added",
            P,
            "/paths/~1v1~1datasets/post/responses/404",
        )],
    ),
    (
        "response_status_removed.json",
        &[(
            "response_status_removed",
            P,
            "/paths/~1v1~1datasets/post/responses/422",
        )],
    ),
    (
        "schema_renamed.json",
        &[("schema_renamed", B, "/components/schemas/DatasetOrigin")],
    ),
    // `SchemaOption-Output` and `SchemaOptionOutput` give the same Rust type name; the schema refers to itself.
    (
        "schema_renamed_same_rust_name.json",
        &[(
            "schema_renamed",
            C,
            "/components/schemas/SchemaOptionOutput",
        )],
    ),
    // The same document in OpenAPI 3.0 form (nullable: true), as YAML.
    ("seed_openapi_3_0.yaml", &[]),
];

#[test]
fn each_edited_copy_of_the_seed_gives_its_changes() {
    let mut failures = Vec::new();
    for (name, expected) in SEED_PAIRS {
        let got = changes(&seed(), &fixture(name));
        let expected: Vec<(String, Severity, String)> = expected
            .iter()
            .map(|(k, s, l)| (k.to_string(), *s, l.to_string()))
            .collect();
        if got != expected {
            failures.push(format!(
                "{name}:\n  expected {expected:?}\n  got      {got:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_kind_of_the_issue_table_has_a_fixture() {
    let covered: Vec<&str> = SEED_PAIRS
        .iter()
        .flat_map(|(_, e)| e.iter().map(|(k, _, _)| *k))
        .collect();
    let params = changes(&fixture("params_old.yaml"), &fixture("params_new.json"));
    let covered: Vec<&str> = covered
        .into_iter()
        .chain(params.iter().map(|(k, _, _)| k.as_str()))
        .collect();
    for kind in [
        "operation_added",
        "operation_removed",
        "operation_id_changed",
        "parameter_added_required",
        "parameter_added_optional",
        "parameter_removed",
        "parameter_type_changed",
        "parameter_became_required",
        "request_property_added_required",
        "request_property_added_optional",
        "request_property_removed",
        "request_property_became_required",
        "request_property_type_changed",
        "request_enum_value_removed",
        "request_enum_value_added",
        "response_property_removed_required",
        "response_property_removed_optional",
        "response_property_added",
        "response_property_became_nullable",
        "response_property_type_changed",
        "response_enum_value_added",
        "request_media_type_added",
        "request_media_type_removed",
        "response_media_type_added",
        "response_media_type_removed",
        "response_status_added",
        "response_status_removed",
        "security_changed",
        "schema_renamed",
    ] {
        assert!(covered.contains(&kind), "no fixture covers {kind}");
    }
}

#[test]
fn parameters_and_a_recursive_schema_across_3_0_yaml_and_3_1_json() {
    let path = "/paths/~1v1~1models~1{model_id}/get/parameters";
    assert_eq!(
        changes(&fixture("params_old.yaml"), &fixture("params_new.json")),
        [
            ("parameter_removed".to_string(), B, format!("{path}/0")),
            (
                "parameter_type_changed".to_string(),
                B,
                format!("{path}/0/schema")
            ),
            (
                "parameter_became_required".to_string(),
                B,
                format!("{path}/1/required")
            ),
            (
                "parameter_added_required".to_string(),
                B,
                format!("{path}/3")
            ),
            (
                "parameter_added_optional".to_string(),
                C,
                format!("{path}/4")
            ),
            // `type: [string, null]` against `type: string`.
            // Optional, so generated as an `Option` already: null decodes.
            (
                "response_property_became_nullable".to_string(),
                C,
                "/components/schemas/Tree/properties/label".to_string()
            ),
            // A recursive ref against an inline copy: compared, and the walk stops.
            (
                "response_property_type_changed".to_string(),
                P,
                "/components/schemas/Tree/properties/parent".to_string()
            ),
        ]
    );
}

#[test]
fn the_cli_prints_each_format_and_applies_fail_on() {
    let (old, new) = (seed(), fixture("response_property_removed_required.json"));
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    // The documents alone: one change on the wire.
    let (code, text, _) = xtask(&["diff", old, new, "--wire-only"]);
    assert_eq!(code, 0);
    assert!(
        text.contains("1 breaking, 0 potentially breaking, 0 compatible"),
        "{text}"
    );
    assert!(text.contains("schema CreateDatasetResponse"), "{text}");
    assert!(!text.contains("Rust API"), "{text}");
    // With the generated clients: the field is gone from the response type
    // and its builder, two compile breaks beside the wire change.
    let (code, text, _) = xtask(&["diff", old, new]);
    assert_eq!(code, 0);
    assert!(
        text.contains("3 breaking, 0 potentially breaking, 0 compatible"),
        "{text}"
    );
    assert!(
        text.contains("[compile-break] `types::CreateDatasetResponse.folder` removed"),
        "{text}"
    );
    let (_, markdown, _) = xtask(&["diff", old, new, "--format", "markdown"]);
    assert!(
        markdown.contains("| breaking | `response_property_removed_required` |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- **compile-break** from `/components/schemas/CreateDatasetResponse/properties/folder` (response_property_removed_required): 1 field, 1 setter: `types::CreateDatasetResponse.folder`, `types::builder::CreateDatasetResponse::folder`\n"),
        "{markdown}"
    );
    let (_, json, _) = xtask(&["diff", old, new, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["summary"]["breaking"], 3);
    assert_eq!(
        json["groups"][0]["subject"]["name"],
        "CreateDatasetResponse"
    );
    assert_eq!(json["rust"][0]["verdict"], "compile-break");
    let (code, _, stderr) = xtask(&["diff", old, new, "--fail-on", "breaking"]);
    assert_eq!(code, 1);
    assert_eq!(stderr, "error: 3 change(s) at or above `breaking` found\n");
    let compatible = fixture("response_property_added.json");
    let compatible = compatible.to_str().unwrap();
    assert_eq!(
        xtask(&["diff", old, compatible, "--fail-on", "breaking"]).0,
        0
    );
    assert_eq!(xtask(&["diff", old, compatible, "--fail-on", "any"]).0, 1);
    assert_eq!(xtask(&["diff", old, old, "--fail-on", "any"]).0, 0);
    let (code, _, stderr) = xtask(&["diff", old]);
    assert_eq!(code, 2);
    assert!(stderr.contains("diff takes two documents"), "{stderr}");
}
