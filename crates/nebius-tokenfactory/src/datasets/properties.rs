//! Property tests: validation and body building never panic, valid rows
//! always pass and round-trip, and any wrong value is caught with its row.

use super::body::{buffered, UploadFields};
use super::check::{check_upload, RowCheck};
use super::{ColumnType, Dataset, DatasetSchema};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn column_type() -> impl Strategy<Value = ColumnType> {
    let primitive = prop_oneof![
        Just(ColumnType::String),
        Just(ColumnType::Integer),
        Just(ColumnType::Boolean),
        Just(ColumnType::Float),
        Just(ColumnType::Double),
        Just(ColumnType::Json),
    ];
    primitive.prop_recursive(2, 4, 1, |inner| inner.prop_map(ColumnType::option))
}

fn schema() -> impl Strategy<Value = DatasetSchema> {
    proptest::collection::vec(column_type(), 1..6).prop_map(|types| {
        types
            .into_iter()
            .enumerate()
            .fold(DatasetSchema::new(), |s, (i, t)| {
                s.column(format!("c{i}"), t)
            })
    })
}

/// Any JSON value, a few levels deep. Floats are multiples of 1/8, which
/// print and parse back exactly.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-8_000_000i32..8_000_000).prop_map(|n| json!(n as f64 / 8.0)),
        "[a-z\"\\\\ null]{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map("[a-z0-9_]{1,4}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A value that fits `t`.
fn value_for(t: &ColumnType) -> BoxedStrategy<Value> {
    match t {
        ColumnType::String => "[a-zA-Z0-9 \"\\\\é]{0,12}".prop_map(Value::from).boxed(),
        ColumnType::Integer => any::<i64>().prop_map(Value::from).boxed(),
        ColumnType::Boolean => any::<bool>().prop_map(Value::from).boxed(),
        ColumnType::Float | ColumnType::Double => (-100_000i32..100_000)
            .prop_map(|n| json!(n as f64 / 8.0))
            .boxed(),
        ColumnType::Json => any_json().boxed(),
        ColumnType::Null => Just(Value::Null).boxed(),
        ColumnType::Option(inner) => prop_oneof![Just(Value::Null), value_for(inner)].boxed(),
    }
}

fn valid_rows(schema: &DatasetSchema) -> impl Strategy<Value = Vec<Value>> {
    let row: Vec<BoxedStrategy<(String, Value)>> = schema
        .columns()
        .iter()
        .map(|c| {
            let name = c.name.clone();
            value_for(&c.column_type)
                .prop_map(move |v| (name.clone(), v))
                .boxed()
        })
        .collect();
    proptest::collection::vec(
        row.prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        1..8,
    )
}

/// A value that a column of type `t` refuses, if there is one.
fn wrong_for(t: &ColumnType) -> Option<Value> {
    match t {
        ColumnType::Json => None,
        ColumnType::Option(inner) => wrong_for(inner),
        ColumnType::String | ColumnType::Null => Some(json!(1)),
        ColumnType::Integer | ColumnType::Boolean | ColumnType::Float | ColumnType::Double => {
            Some(json!("text"))
        }
    }
}

/// What an upload of `rows` checks and, if they pass, sends.
fn upload<R: serde::Serialize>(
    schema: &DatasetSchema,
    rows: &[R],
    check: RowCheck,
) -> Result<bytes::Bytes, super::InvalidInput> {
    check_upload("d", "/f", schema, rows, check)?;
    let json = schema.request_json();
    let fields = UploadFields {
        name: "d",
        folder: "/f",
        schema_json: &json,
        ai_project_id: None,
    };
    Ok(buffered(&fields, rows).expect("checked rows are written"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_rows_against_any_schema_never_panic(schema in schema(), rows in proptest::collection::vec(any_json(), 0..6)) {
        let _ = upload(&schema, &rows, RowCheck::Every);
    }

    #[test]
    fn valid_rows_pass_and_round_trip((schema, rows) in schema().prop_flat_map(|s| { let r = valid_rows(&s); (Just(s), r) })) {
        let body = upload(&schema, &rows, RowCheck::Every).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let parsed: Value = serde_json::from_slice(&body).unwrap();
        prop_assert_eq!(parsed["rows"].as_array().unwrap(), &rows);
    }

    #[test]
    fn a_wrong_value_is_caught_in_its_row(
        (schema, rows, row, column) in schema()
            .prop_flat_map(|s| { let r = valid_rows(&s); (Just(s), r) })
            .prop_flat_map(|(s, r)| { let n = r.len(); let c = s.columns().len(); (Just(s), Just(r), 0..n, 0..c) })
    ) {
        let target = &schema.columns()[column];
        let Some(wrong) = wrong_for(&target.column_type) else {
            return Ok(()); // Json columns accept every value.
        };
        let mut rows = rows;
        rows[row][&target.name] = wrong;
        let err = upload(&schema, &rows, RowCheck::Every).unwrap_err();
        prop_assert!(
            err.problems().iter().any(|p| p.row == Some(row) && p.column.as_deref() == Some(target.name.as_str())),
            "{}", err
        );
    }

    #[test]
    fn responses_decode_or_fail_without_panicking(value in any_json()) {
        let _ = serde_json::from_value::<Dataset>(value.clone());
        let _ = serde_json::from_value::<nebius_tokenfactory_api::types::HttpValidationError>(value);
    }

    #[test]
    fn responses_with_unknown_values_and_extra_fields_decode(
        status in "[A-Z_]{1,12}",
        extra in proptest::collection::btree_map("x_[a-z]{1,6}", any_json(), 0..4),
        column_type in "[a-z]{1,8}",
    ) {
        let mut response = json!({
            "id": "ds", "name": "n", "status": status, "folder": "/f", "current_version": "v",
            "created_at": 1, "error": null, "metadata": {"k": ["a"]},
            "schema": [{"name": "c", "type": {"name": column_type}}],
            "current_version_origin": {"type": status}
        });
        for (k, v) in extra {
            response[k.as_str()] = v.clone();
            response["schema"][0][k.as_str()] = v;
        }
        let dataset: Dataset = serde_json::from_value(response).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(dataset.status.as_str(), status.as_str());
    }
}

#[test]
fn typed_rows_with_non_finite_floats_are_caught() {
    #[derive(serde::Serialize)]
    struct Row {
        x: f32,
        y: Option<f64>,
    }
    let schema = DatasetSchema::new()
        .column("x", ColumnType::Float)
        .column("y", ColumnType::option(ColumnType::Double));
    let ok = [
        Row { x: 1.0, y: None },
        Row {
            x: 2.0,
            y: Some(f64::INFINITY),
        },
    ];
    // Infinity in an option column becomes null, which the column allows.
    assert!(upload(&schema, &ok, RowCheck::NullsOnly).is_ok());
    let bad = [Row {
        x: f32::NAN,
        y: None,
    }];
    let err = upload(&schema, &bad, RowCheck::NullsOnly).unwrap_err();
    assert_eq!(
        err.problems()[0].to_string(),
        "row 0, column `x`: expected float, found null"
    );
}
