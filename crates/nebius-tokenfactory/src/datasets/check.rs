//! Everything an upload checks before it sends a byte.
//!
//! The body of an upload is written while it is sent, so a row that does
//! not fit the schema must be found first: a pre-pass over the fields and
//! the rows, whose cost is a fraction of writing them.
//!
//! - JSON rows ([`RowCheck::Every`]) are written, one at a time into one
//!   reused buffer, and each is checked against the schema in full.
//! - Typed rows ([`RowCheck::NullsOnly`]) fit the schema they were derived
//!   from, but for one case: a `null` serde_json writes where a column
//!   forbids it (a non-finite float). [`precheck`] finds those rows
//!   without writing anything; only they are written and checked in full.

use super::precheck::needs_full_check;
use super::schema::{Column, DatasetSchema};
use super::validate::check_row;
use nebius_tokenfactory_api::runtime::{InvalidInput, Problem, Problems};
use serde::Serialize;

/// Which rows [`check_upload`] checks against the schema in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowCheck {
    /// Every row: rows whose shape the compiler does not know (JSON values).
    Every,
    /// Rows of a type the schema was derived from: only those the pre-pass
    /// finds a forbidden `null` in.
    NullsOnly,
}

/// Checks the upload's name, folder, schema and rows; nothing is sent
/// unless this passes.
pub(crate) fn check_upload<R: Serialize>(
    name: &str,
    folder: &str,
    schema: &DatasetSchema,
    rows: &[R],
    check: RowCheck,
) -> Result<(), InvalidInput> {
    let mut problems = Problems::default();
    Problem::blank_fields([("name", name), ("folder", folder)])
        .into_iter()
        .for_each(|p| problems.push(p));
    let schema_problems = schema.problems();
    // Rows checked against a broken schema only report its breakage again.
    let check_rows = schema_problems.is_empty();
    schema_problems.into_iter().for_each(|p| problems.push(p));
    if rows.is_empty() {
        problems.push(Problem::field(
            "rows",
            "there are none; a dataset needs at least one row",
        ));
    }
    let columns = schema.columns();
    let mut scratch = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let full = match check {
            RowCheck::Every => true,
            RowCheck::NullsOnly => match needs_full_check(row, columns) {
                Ok(full) => full,
                Err(e) => {
                    problems.push(unwritable(index, &e.to_string()));
                    continue;
                }
            },
        };
        if full {
            check_in_full(row, index, columns, check_rows, &mut scratch, &mut problems);
        }
    }
    problems.finish()
}

/// Writes `row` as JSON and checks it against `columns`.
fn check_in_full<R: Serialize>(
    row: &R,
    index: usize,
    columns: &[Column],
    check_rows: bool,
    scratch: &mut Vec<u8>,
    problems: &mut Problems,
) {
    scratch.clear();
    match serde_json::to_writer(&mut *scratch, row) {
        Ok(()) if check_rows => check_row(scratch, index, columns, problems),
        Ok(()) => {}
        Err(e) => problems.push(unwritable(index, &e.to_string())),
    }
}

fn unwritable(index: usize, error: &str) -> Problem {
    Problem::row(index, None, "a row serde_json can write", error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::ColumnType;
    use serde_json::{json, Value};

    #[test]
    fn empty_fields_and_rows_are_refused() {
        let err = check_upload::<Value>(" ", "", &DatasetSchema::new(), &[], RowCheck::Every)
            .unwrap_err();
        let lines: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "name: must not be empty",
                "folder: must not be empty",
                "schema: no columns",
                "rows: there are none; a dataset needs at least one row"
            ]
        );
    }

    #[test]
    fn typed_rows_with_forbidden_nulls_are_found() {
        #[derive(Serialize)]
        struct Row {
            x: f64,
        }
        let schema = DatasetSchema::new().column("x", ColumnType::Double);
        let rows = [Row { x: 1.0 }, Row { x: f64::NAN }, Row { x: 2.0 }];
        let err = check_upload("n", "/f", &schema, &rows, RowCheck::NullsOnly).unwrap_err();
        let lines: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
        assert_eq!(lines, ["row 1, column `x`: expected double, found null"]);
    }

    #[test]
    fn json_rows_are_checked_in_full() {
        let schema = DatasetSchema::new().column("text", ColumnType::String);
        let rows = [json!({"text": "a"}), json!({"text": 3})];
        let err = check_upload("n", "/f", &schema, &rows, RowCheck::Every).unwrap_err();
        assert_eq!(err.problems().len(), 1, "{err}");
        assert!(err.problems()[0].to_string().starts_with("row 1"), "{err}");
    }

    /// Map keys serde_json refuses, each in an otherwise fine typed row: the
    /// check refuses the row, naming it, as serde_json would while sending.
    #[test]
    fn typed_rows_with_map_keys_serde_json_refuses_are_refused() {
        use std::collections::{BTreeMap, HashMap};

        /// A map whose one key is a NaN, which serde_json cannot write.
        struct NanKey;
        impl Serialize for NanKey {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry(&f64::NAN, &1)?;
                map.end()
            }
        }
        #[derive(Serialize, PartialEq, Eq, PartialOrd, Ord)]
        enum Key {
            Tagged(u8),
        }
        #[derive(Serialize)]
        struct Row<M> {
            text: &'static str,
            tags: M,
        }
        fn refused<M: Serialize>(tags: M) -> Vec<String> {
            let schema = DatasetSchema::new().column("text", ColumnType::String);
            let rows = [Row { text: "b", tags }];
            let err = check_upload("n", "/f", &schema, &rows, RowCheck::NullsOnly).unwrap_err();
            let lines: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
            // serde_json refuses the same row.
            assert!(serde_json::to_vec(&rows[0]).is_err());
            lines
        }
        let cases = [
            refused(HashMap::from([((1u8, 2u8), 1)])),
            refused(BTreeMap::from([(None::<String>, 1)])),
            refused(BTreeMap::from([((), 1)])),
            refused(BTreeMap::from([(Key::Tagged(1), 1)])),
            refused(BTreeMap::from([(serde_bytes_key(), 1)])),
            refused(NanKey),
        ];
        for lines in cases {
            assert_eq!(lines.len(), 1, "{lines:?}");
            assert!(lines[0].starts_with("row 0: "), "{lines:?}");
        }
        // What serde_json writes as keys passes: numbers, booleans, chars.
        let schema = DatasetSchema::new().column("text", ColumnType::String);
        let rows = [Row {
            text: "a",
            tags: (
                BTreeMap::from([(1u8, 1)]),
                BTreeMap::from([(true, 1)]),
                BTreeMap::from([(u128::MAX, 1)]),
                BTreeMap::from([('c', 1)]),
                BTreeMap::from([(Some("k"), 1)]),
            ),
        }];
        serde_json::to_vec(&rows[0]).unwrap();
        check_upload("n", "/f", &schema, &rows, RowCheck::NullsOnly).unwrap();
    }

    /// A key that serialises as bytes.
    fn serde_bytes_key() -> BytesKey {
        BytesKey
    }

    #[derive(PartialEq, Eq, PartialOrd, Ord)]
    struct BytesKey;

    impl Serialize for BytesKey {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(b"k")
        }
    }
}
