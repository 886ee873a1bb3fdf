//! Checking rows against a column schema before anything is sent.
//!
//! The check reads a row's serialised JSON, as the server will, with a
//! serde visitor that compares each value with its column's type. It
//! allocates nothing per value, and it is the same for typed rows and for
//! `serde_json::Value` rows.

use super::schema::{Column, ColumnType};
use nebius_tokenfactory_api::runtime::{Problem, Problems};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Checks one serialised row against `columns`, adding what is wrong to `problems`.
pub(crate) fn check_row(json: &[u8], row: usize, columns: &[Column], problems: &mut Problems) {
    let mut de = serde_json::Deserializer::from_slice(json);
    let seed = RowSeed {
        row,
        columns,
        problems,
    };
    if let Err(e) = seed.deserialize(&mut de) {
        // Only possible for bytes that are not JSON, which serde_json does not write.
        problems.push(Problem::row(row, None, "valid JSON", &e.to_string()));
    }
}

struct RowSeed<'a> {
    row: usize,
    columns: &'a [Column],
    problems: &'a mut Problems,
}

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = vec![false; self.columns.len()];
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match self.columns.iter().position(|c| c.name == key) {
                Some(i) => {
                    seen[i] = true;
                    let column = &self.columns[i];
                    let found = map.next_value_seed(KindSeed {
                        integer_range_checked: true,
                    })?;
                    if !accepts(&column.column_type, found) {
                        self.problems.push(Problem::row(
                            self.row,
                            Some(&column.name),
                            &format!("expected {}", column.column_type),
                            found.describe(),
                        ));
                    }
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                    self.problems.push(Problem {
                        row: Some(self.row),
                        column: Some(key.into_owned()),
                        message: "the key is not in the schema".into(),
                    });
                }
            }
        }
        for (column, seen) in self.columns.iter().zip(seen) {
            if !seen && !column.column_type.is_nullable() {
                self.problems.push(Problem::row(
                    self.row,
                    Some(&column.name),
                    &format!("expected {}", column.column_type),
                    "no value (only option and json columns may be left out)",
                ));
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        self.not_an_object("an array")
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.not_an_object("a string")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.not_an_object("a boolean")
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.not_an_object("a number")
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.not_an_object("a number")
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.not_an_object("a number")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.not_an_object("null")
    }
}

impl RowSeed<'_> {
    fn not_an_object<E>(self, found: &str) -> Result<(), E> {
        self.problems
            .push(Problem::row(self.row, None, "expected an object", found));
        Ok(())
    }
}

/// The JSON kind of a value, as far as column types care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Null,
    Boolean,
    Integer,
    IntegerOutOfRange,
    Float,
    String,
    Array,
    Object,
}

impl Kind {
    fn describe(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Boolean => "a boolean",
            Kind::Integer => "an integer",
            Kind::IntegerOutOfRange => "an integer outside the i64 range",
            Kind::Float => "a float",
            Kind::String => "a string",
            Kind::Array => "an array",
            Kind::Object => "an object",
        }
    }
}

fn accepts(column: &ColumnType, found: Kind) -> bool {
    match column {
        ColumnType::Json => true,
        ColumnType::Null => found == Kind::Null,
        ColumnType::Option(inner) => found == Kind::Null || accepts(inner, found),
        ColumnType::String => found == Kind::String,
        ColumnType::Integer => found == Kind::Integer,
        ColumnType::Boolean => found == Kind::Boolean,
        ColumnType::Float | ColumnType::Double => matches!(found, Kind::Integer | Kind::Float),
    }
}

/// Reads one value and says what kind it is, skipping nested contents.
struct KindSeed {
    integer_range_checked: bool,
}

impl<'de> DeserializeSeed<'de> for KindSeed {
    type Value = Kind;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Kind, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KindSeed {
    type Value = Kind;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E>(self) -> Result<Kind, E> {
        Ok(Kind::Null)
    }
    fn visit_none<E>(self) -> Result<Kind, E> {
        Ok(Kind::Null)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Kind, E> {
        Ok(Kind::Boolean)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Kind, E> {
        Ok(Kind::Integer)
    }
    fn visit_u64<E>(self, v: u64) -> Result<Kind, E> {
        Ok(if self.integer_range_checked && v > i64::MAX as u64 {
            Kind::IntegerOutOfRange
        } else {
            Kind::Integer
        })
    }
    fn visit_i128<E>(self, _: i128) -> Result<Kind, E> {
        Ok(Kind::IntegerOutOfRange)
    }
    fn visit_u128<E>(self, _: u128) -> Result<Kind, E> {
        Ok(Kind::IntegerOutOfRange)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Kind, E> {
        Ok(Kind::Float)
    }
    fn visit_str<E>(self, _: &str) -> Result<Kind, E> {
        Ok(Kind::String)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Kind, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Kind::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Kind, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Kind::Object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::{DatasetSchema, InvalidInput, MAX_LISTED_PROBLEMS};
    use serde_json::json;

    fn check(schema: &DatasetSchema, rows: &[serde_json::Value]) -> Result<(), InvalidInput> {
        let mut problems = Problems::default();
        for (i, row) in rows.iter().enumerate() {
            check_row(
                &serde_json::to_vec(row).unwrap(),
                i,
                schema.columns(),
                &mut problems,
            );
        }
        problems.finish()
    }

    fn schema() -> DatasetSchema {
        DatasetSchema::new()
            .column("text", ColumnType::String)
            .column("n", ColumnType::Integer)
            .column("score", ColumnType::option(ColumnType::Double))
            .column("ok", ColumnType::Boolean)
            .column("extra", ColumnType::Json)
    }

    #[test]
    fn valid_rows_pass() {
        let rows = [
            json!({"text": "a", "n": 1, "score": 1.5, "ok": true, "extra": {"k": [1]}}),
            json!({"text": "b", "n": -9223372036854775808i64, "score": null, "ok": false}),
            json!({"n": 9223372036854775807i64, "text": "c", "score": 3, "ok": true, "extra": null}),
        ];
        assert_eq!(check(&schema(), &rows), Ok(()));
    }

    #[test]
    fn every_kind_of_problem_is_reported_with_row_and_column() {
        let rows = [
            json!({"n": 1, "ok": true}),
            json!({"text": null, "n": 1, "ok": true}),
            json!({"text": 5, "n": 1.5, "ok": "yes"}),
            json!({"text": "x", "n": 18446744073709551615u64, "ok": true}),
            json!({"text": "x", "n": 1, "ok": true, "surprise": 1}),
            json!(["not", "an", "object"]),
        ];
        let err = check(&schema(), &rows).unwrap_err();
        let lines: Vec<String> = err.problems().iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "row 0, column `text`: expected string, found no value (only option and json columns may be left out)",
                "row 1, column `text`: expected string, found null",
                "row 2, column `text`: expected string, found an integer",
                "row 2, column `n`: expected integer, found a float",
                "row 2, column `ok`: expected boolean, found a string",
                "row 3, column `n`: expected integer, found an integer outside the i64 range",
                "row 4, column `surprise`: the key is not in the schema",
                "row 5: expected an object, found an array",
            ]
        );
        assert_eq!(err.total(), 8);
    }

    #[test]
    fn the_listing_is_capped_but_the_count_is_not() {
        let rows: Vec<_> = (0..50)
            .map(|_| json!({"text": 1, "n": 1, "ok": true}))
            .collect();
        let err = check(&schema(), &rows).unwrap_err();
        assert_eq!(err.total(), 50);
        assert_eq!(err.problems().len(), MAX_LISTED_PROBLEMS);
        let text = err.to_string();
        assert!(
            text.starts_with(
                "invalid input, nothing was sent: 50 problems (the first 20 listed)\n  - row 0"
            ),
            "{text}"
        );
    }
}
