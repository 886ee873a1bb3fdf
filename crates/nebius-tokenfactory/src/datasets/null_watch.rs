//! Spotting, while a typed row is written, the one way it can miss its
//! derived schema: a `null` in a column that does not allow one.
//!
//! A row of a type the schema was derived from fits it by construction,
//! except that serde_json writes a non-finite float as `null`. Rather than
//! scan or re-parse every row afterwards, this formatter watches the
//! top-level values as serde_json writes them and raises a flag when a
//! `null` lands in a column that is not nullable (or under a key it cannot
//! read). It writes exactly what serde_json's compact formatter writes.

use super::schema::Column;
use serde_json::ser::{CharEscape, Formatter};
use std::cell::Cell;
use std::io::{self, Write};

/// Longest key kept for the column lookup; longer keys count as unknown.
const MAX_KEY: usize = 64;

/// A compact formatter that flags `null`s where the columns forbid them.
/// One per row: serde_json keeps the formatter, so the flag is a `Cell`
/// the caller holds.
pub(crate) struct NullWatch<'a> {
    columns: &'a [Column],
    flagged: &'a Cell<bool>,
    depth: usize,
    in_key: bool,
    key: [u8; MAX_KEY],
    key_len: usize,
    key_unreadable: bool,
}

impl<'a> NullWatch<'a> {
    /// A formatter for one row, setting `flagged` if the row needs a full check.
    pub(crate) fn new(columns: &'a [Column], flagged: &'a Cell<bool>) -> Self {
        Self {
            columns,
            flagged,
            depth: 0,
            in_key: false,
            key: [0; MAX_KEY],
            key_len: 0,
            key_unreadable: false,
        }
    }

    fn null_allowed_here(&self) -> bool {
        if self.depth != 1 {
            // Inside a json column (any value allowed), or the row itself
            // is null, which the full check reports.
            return self.depth > 1;
        }
        if self.key_unreadable {
            return false;
        }
        let key = &self.key[..self.key_len];
        self.columns
            .iter()
            .find(|c| c.name.as_bytes() == key)
            .is_some_and(|c| c.column_type.is_nullable())
    }
}

impl Formatter for NullWatch<'_> {
    fn write_null<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        if !self.null_allowed_here() {
            self.flagged.set(true);
        }
        writer.write_all(b"null")
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        writer.write_all(b"}")
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth += 1;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        writer.write_all(b"]")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if self.depth == 1 {
            self.in_key = true;
            self.key_len = 0;
            self.key_unreadable = false;
        }
        if first {
            Ok(())
        } else {
            writer.write_all(b",")
        }
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.in_key = false;
        Ok(())
    }

    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if self.in_key {
            let bytes = fragment.as_bytes();
            match self.key.get_mut(self.key_len..self.key_len + bytes.len()) {
                Some(slot) => {
                    slot.copy_from_slice(bytes);
                    self.key_len += bytes.len();
                }
                None => self.key_unreadable = true,
            }
        }
        writer.write_all(fragment.as_bytes())
    }

    fn write_char_escape<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        if self.in_key {
            // Rare in column names; the full check reads such keys properly.
            self.key_unreadable = true;
        }
        serde_json::ser::CompactFormatter.write_char_escape(writer, escape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::{ColumnType, DatasetSchema};
    use serde::Serialize;
    use std::collections::BTreeMap;

    fn write<T: Serialize>(columns: &[Column], value: &T) -> (String, bool) {
        let mut out = Vec::new();
        let flagged = Cell::new(false);
        value
            .serialize(&mut serde_json::Serializer::with_formatter(
                &mut out,
                NullWatch::new(columns, &flagged),
            ))
            .unwrap();
        (String::from_utf8(out).unwrap(), flagged.get())
    }

    fn schema() -> DatasetSchema {
        DatasetSchema::new()
            .column("x", ColumnType::Double)
            .column("maybe", ColumnType::option(ColumnType::Double))
            .column("blob", ColumnType::Json)
    }

    #[test]
    fn output_is_serde_jsons_compact_form() {
        let value = serde_json::json!({"x": 1.5, "maybe": null, "blob": {"a": [null, "q\"\n"], "b": {}}, "k\u{1}": []});
        let (text, _) = write(schema().columns(), &value);
        assert_eq!(text, serde_json::to_string(&value).unwrap());
    }

    #[test]
    fn flags_nulls_only_where_the_column_forbids_them() {
        let columns = schema();
        let columns = columns.columns();
        let row = |x: f64, maybe: Option<f64>| {
            let mut m = BTreeMap::new();
            m.insert("x", serde_json::json!(x));
            m.insert("maybe", serde_json::json!(maybe));
            m.insert("blob", serde_json::json!([null]));
            m
        };
        assert!(
            !write(columns, &row(1.0, None)).1,
            "None in an option column, null inside json"
        );
        assert!(!write(columns, &row(1.0, Some(2.0))).1);

        #[derive(Serialize)]
        struct Typed {
            x: f64,
            maybe: Option<f64>,
        }
        assert!(
            write(
                columns,
                &Typed {
                    x: f64::NAN,
                    maybe: None
                }
            )
            .1,
            "NaN in a double column"
        );
        assert!(
            !write(
                columns,
                &Typed {
                    x: 1.0,
                    maybe: Some(f64::INFINITY)
                }
            )
            .1,
            "an option column allows null"
        );

        #[derive(Serialize)]
        struct Unknown {
            #[serde(rename = "not a column")]
            y: Option<i32>,
            #[serde(rename = "x\n")]
            escaped: Option<i32>,
        }
        assert!(
            write(
                columns,
                &Unknown {
                    y: None,
                    escaped: Some(1)
                }
            )
            .1,
            "a null under an unknown key"
        );
        let long = "k".repeat(100);
        assert!(
            write(columns, &BTreeMap::from([(long, ())])).1,
            "a key too long to read"
        );
    }
}
