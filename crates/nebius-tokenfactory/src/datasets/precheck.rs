//! The pre-pass over typed rows: which rows need a full check, found
//! without writing a byte.
//!
//! A row of a type the schema was derived from fits it by construction,
//! except that serde_json writes a non-finite float (or a `None` in a
//! column the schema does not mark nullable) as `null`. This serializer
//! walks a row as serde_json would write it, formats nothing, and answers
//! whether a `null` would land in a top-level column that forbids one (or
//! under a key that is no column). Only such rows are then written and
//! checked in full, so the whole pre-pass costs a traversal, a fraction of
//! writing the rows, and nothing is sent before every row has passed.
//!
//! Errors that the row's own `Serialize` raises come out here as they would
//! while sending, and so do map keys serde_json refuses ([`KeyText`] takes
//! the keys serde_json takes and refuses the others: `None`, `()`, bytes, a
//! sequence, a map, a struct, a tuple, an enum variant holding data, a
//! non-finite float), so such a row is refused as invalid input before a
//! byte is sent, instead of ending the upload part-way.

use super::schema::Column;
use serde::ser::{self, Serialize};
use std::fmt;

/// Whether `row` would put a `null` where `columns` forbid one, or what
/// error its `Serialize` raises.
pub(crate) fn needs_full_check<R: Serialize + ?Sized>(
    row: &R,
    columns: &[Column],
) -> Result<bool, Error> {
    row.serialize(Checker {
        columns,
        place: Place::Row,
    })
}

/// An error a row's `Serialize` raised.
#[derive(Debug)]
pub(crate) struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Where the value being walked sits.
#[derive(Clone, Copy)]
enum Place {
    /// The row itself.
    Row,
    /// The value of a struct field at the top: its column is looked up
    /// only if a `null` lands there, which is rare.
    Field {
        /// The field's position among the struct's fields.
        index: usize,
        /// Its name.
        key: &'static str,
    },
    /// The value of another top-level column: `null` is allowed only if
    /// it is nullable.
    Column { nullable: bool },
    /// Inside a column's value, where anything goes.
    Nested,
}

#[derive(Clone, Copy)]
struct Checker<'a> {
    columns: &'a [Column],
    place: Place,
}

impl<'a> Checker<'a> {
    fn nested(self) -> Self {
        Checker {
            place: Place::Nested,
            ..self
        }
    }

    /// The checker for the value of a struct field of this value.
    fn struct_field(self, index: usize, key: &'static str) -> Self {
        let place = match self.place {
            Place::Row => Place::Field { index, key },
            _ => Place::Nested,
        };
        Checker { place, ..self }
    }

    /// The checker for the value of a map entry (`key`, if a string) of
    /// this value.
    fn map_entry(self, index: usize, key: Option<&str>) -> Self {
        let place = match self.place {
            Place::Row => Place::Column {
                nullable: key.is_some_and(|key| self.column_is_nullable(index, key)),
            },
            _ => Place::Nested,
        };
        Checker { place, ..self }
    }

    /// Whether the column `key` takes `null`. A typed row's fields come in
    /// the order of the columns derived from it: the column at `index` is
    /// tried first.
    fn column_is_nullable(self, index: usize, key: &str) -> bool {
        let column = match self.columns.get(index) {
            Some(c) if c.name == key => Some(c),
            _ => self.columns.iter().find(|c| c.name == key),
        };
        column.is_some_and(|c| c.column_type.is_nullable())
    }

    /// Whether a `null` here needs the full check.
    fn null_needs_check(self) -> bool {
        match self.place {
            // A null row is not an object: the full check says so.
            Place::Row => true,
            Place::Field { index, key } => !self.column_is_nullable(index, key),
            Place::Column { nullable } => !nullable,
            Place::Nested => false,
        }
    }

    /// A scalar that is not null: at the row's place, the full check must
    /// say that a row is an object.
    fn scalar(self) -> Result<bool, Error> {
        Ok(matches!(self.place, Place::Row))
    }

    fn float(self, finite: bool) -> Result<bool, Error> {
        if finite {
            self.scalar()
        } else {
            Ok(self.null_needs_check())
        }
    }

    fn compound(self) -> Compound<'a> {
        Compound {
            checker: self,
            flagged: false,
            key: None,
            index: 0,
        }
    }
}

/// The fields or items of a struct, map, sequence or tuple.
struct Compound<'a> {
    checker: Checker<'a>,
    flagged: bool,
    /// The last map key, when it is a string.
    key: Option<String>,
    /// How many fields came before.
    index: usize,
}

impl Compound<'_> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        let checker = self.checker.struct_field(self.index, key);
        self.index += 1;
        self.flagged |= value.serialize(checker)?;
        Ok(())
    }

    fn entry<T: Serialize + ?Sized>(&mut self, key: Option<&str>, value: &T) -> Result<(), Error> {
        let checker = self.checker.map_entry(self.index, key);
        self.index += 1;
        self.flagged |= value.serialize(checker)?;
        Ok(())
    }

    fn end(self) -> Result<bool, Error> {
        Ok(self.flagged)
    }
}

impl<'a> ser::Serializer for Checker<'a> {
    type Ok = bool;
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, _: bool) -> Result<bool, Error> {
        self.scalar()
    }
    fn serialize_i8(self, _: i8) -> Result<bool, Error> {
        self.scalar()
    }
    fn serialize_i16(self, _: i16) -> Result<bool, Error> {
        self.scalar()
    }
    fn serialize_i32(self, _: i32) -> Result<bool, Error> {
        self.scalar()
    }
    fn serialize_i64(self, _: i64) -> Result<bool, Error> {
        self.scalar()
    }
    fn serialize_i128(self, _: i128) -> Result<bool, Error> {
        self.scalar()
    }
    fn serialize_u8(self, _: u8) -> Result<bool, Error> {
        self.scalar()
    }
    fn serialize_u16(self, _: u16) -> Result<bool, Error> {
        self.scalar()
    }
    fn serialize_u32(self, _: u32) -> Result<bool, Error> {
        self.scalar()
    }
    fn serialize_u64(self, _: u64) -> Result<bool, Error> {
        self.scalar()
    }
    fn serialize_u128(self, _: u128) -> Result<bool, Error> {
        self.scalar()
    }
    fn serialize_f32(self, v: f32) -> Result<bool, Error> {
        self.float(v.is_finite())
    }
    fn serialize_f64(self, v: f64) -> Result<bool, Error> {
        self.float(v.is_finite())
    }
    fn serialize_char(self, _: char) -> Result<bool, Error> {
        self.scalar()
    }
    fn serialize_str(self, _: &str) -> Result<bool, Error> {
        self.scalar()
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<bool, Error> {
        // serde_json writes bytes as an array of numbers.
        self.scalar()
    }
    fn serialize_none(self) -> Result<bool, Error> {
        Ok(self.null_needs_check())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<bool, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<bool, Error> {
        Ok(self.null_needs_check())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<bool, Error> {
        Ok(self.null_needs_check())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<bool, Error> {
        self.scalar()
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<bool, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        value: &T,
    ) -> Result<bool, Error> {
        // `{"Variant": value}`: an object, whose value is nested.
        Ok(value.serialize(self.nested())? || matches!(self.place, Place::Row))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(self.compound())
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, Error> {
        Ok(self.compound())
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, Error> {
        Ok(self.compound())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Error> {
        Ok(self.nested().compound())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(self.compound())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, Error> {
        Ok(self.compound())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, Error> {
        Ok(self.nested().compound())
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, _: &T) -> Result<bool, Error> {
        self.scalar()
    }
}

/// A sequence at the row's place is not an object: the full check says so.
fn row_is_not_an_object(compound: &Compound<'_>) -> bool {
    matches!(compound.checker.place, Place::Row)
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = bool;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.flagged |= row_is_not_an_object(self);
        self.flagged |= value.serialize(self.checker.nested())?;
        Ok(())
    }
    fn end(self) -> Result<bool, Error> {
        Ok(self.flagged || row_is_not_an_object(&self))
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = bool;
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<bool, Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = bool;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<bool, Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleVariant for Compound<'_> {
    type Ok = bool;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        ser::SerializeSeq::serialize_element(self, value)
    }
    fn end(self) -> Result<bool, Error> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = bool;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = key.serialize(KeyText)?;
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self.key.take();
        self.entry(key.as_deref(), value)
    }
    fn end(self) -> Result<bool, Error> {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = bool;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<bool, Error> {
        Compound::end(self)
    }
}

impl ser::SerializeStructVariant for Compound<'_> {
    type Ok = bool;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<bool, Error> {
        Compound::end(self)
    }
}

/// A map key as text, when it is a string (the only keys that name
/// columns); `None` for any other key serde_json writes (a number, a
/// boolean); an error for a key serde_json refuses, as it would refuse it.
struct KeyText;

/// The error for a map key serde_json cannot write.
fn refused_key(what: &str) -> Error {
    Error(format!("key must be a string, and this map key is {what}"))
}

/// The error for a float map key serde_json cannot write.
fn float_key(finite: bool) -> Result<Option<String>, Error> {
    if finite {
        Ok(None)
    } else {
        Err(Error(
            "float key must be finite, and this one is not".into(),
        ))
    }
}

impl ser::Serializer for KeyText {
    type Ok = Option<String>;
    type Error = Error;
    type SerializeSeq = ser::Impossible<Option<String>, Error>;
    type SerializeTuple = ser::Impossible<Option<String>, Error>;
    type SerializeTupleStruct = ser::Impossible<Option<String>, Error>;
    type SerializeTupleVariant = ser::Impossible<Option<String>, Error>;
    type SerializeMap = ser::Impossible<Option<String>, Error>;
    type SerializeStruct = ser::Impossible<Option<String>, Error>;
    type SerializeStructVariant = ser::Impossible<Option<String>, Error>;

    fn serialize_str(self, v: &str) -> Result<Self::Ok, Error> {
        Ok(Some(v.to_string()))
    }
    fn serialize_char(self, v: char) -> Result<Self::Ok, Error> {
        Ok(Some(v.to_string()))
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Self::Ok, Error> {
        Ok(Some(variant.to_string()))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Self::Ok, Error> {
        v.serialize(self)
    }
    fn collect_str<T: fmt::Display + ?Sized>(self, v: &T) -> Result<Self::Ok, Error> {
        Ok(Some(v.to_string()))
    }
    fn serialize_bool(self, _: bool) -> Result<Self::Ok, Error> {
        Ok(None)
    }
    fn serialize_i8(self, _: i8) -> Result<Self::Ok, Error> {
        Ok(None)
    }
    fn serialize_i16(self, _: i16) -> Result<Self::Ok, Error> {
        Ok(None)
    }
    fn serialize_i32(self, _: i32) -> Result<Self::Ok, Error> {
        Ok(None)
    }
    fn serialize_i64(self, _: i64) -> Result<Self::Ok, Error> {
        Ok(None)
    }
    fn serialize_u8(self, _: u8) -> Result<Self::Ok, Error> {
        Ok(None)
    }
    fn serialize_u16(self, _: u16) -> Result<Self::Ok, Error> {
        Ok(None)
    }
    fn serialize_u32(self, _: u32) -> Result<Self::Ok, Error> {
        Ok(None)
    }
    fn serialize_u64(self, _: u64) -> Result<Self::Ok, Error> {
        Ok(None)
    }
    fn serialize_i128(self, _: i128) -> Result<Self::Ok, Error> {
        Ok(None)
    }
    fn serialize_u128(self, _: u128) -> Result<Self::Ok, Error> {
        Ok(None)
    }
    fn serialize_f32(self, v: f32) -> Result<Self::Ok, Error> {
        float_key(v.is_finite())
    }
    fn serialize_f64(self, v: f64) -> Result<Self::Ok, Error> {
        float_key(v.is_finite())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Self::Ok, Error> {
        Err(refused_key("bytes"))
    }
    fn serialize_none(self) -> Result<Self::Ok, Error> {
        Err(refused_key("None"))
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Self::Ok, Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Self::Ok, Error> {
        Err(refused_key("()"))
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<Self::Ok, Error> {
        Err(refused_key(&format!("the unit struct {name}")))
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        _: &T,
    ) -> Result<Self::Ok, Error> {
        Err(refused_key(&format!(
            "the variant {name}::{variant}, which holds data"
        )))
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(refused_key("a sequence"))
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(refused_key("a tuple"))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(refused_key("a tuple"))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(refused_key("a tuple"))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(refused_key("a map"))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(refused_key("a struct"))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(refused_key("a struct"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::{ColumnType, DatasetSchema};
    use serde::Serialize;
    use std::collections::BTreeMap;

    fn columns() -> DatasetSchema {
        DatasetSchema::new()
            .column("score", ColumnType::Double)
            .column("maybe", ColumnType::option(ColumnType::Double))
            .column("text", ColumnType::String)
    }

    #[derive(Serialize)]
    struct Row {
        score: f64,
        maybe: Option<f64>,
        text: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        extra: Option<Vec<f64>>,
    }

    fn check<R: Serialize>(row: &R) -> bool {
        needs_full_check(row, columns().columns()).unwrap()
    }

    #[test]
    fn only_nulls_in_columns_that_forbid_them_need_the_full_check() {
        let row = |score: f64, maybe: Option<f64>, extra: Option<Vec<f64>>| Row {
            score,
            maybe,
            text: "t".into(),
            extra,
        };
        assert!(!check(&row(1.0, None, None)));
        assert!(!check(&row(1.0, Some(f64::NAN), None)), "a nullable column");
        assert!(check(&row(f64::INFINITY, None, None)), "a double column");
        // Nested values may be null: `extra` is no column, but inside it
        // anything goes; its own null would need the check.
        assert!(!check(&row(1.0, None, Some(vec![f64::NAN]))));
    }

    #[test]
    fn maps_are_checked_by_their_keys_and_rows_must_be_objects() {
        let mut map = BTreeMap::new();
        map.insert("score", f64::NAN);
        assert!(check(&map));
        let mut map = BTreeMap::new();
        map.insert("maybe", f64::NAN);
        assert!(!check(&map));
        assert!(check(&vec![1, 2]), "a row that is a list");
        assert!(check(&3), "a row that is a number");
        assert!(check(&Option::<Row>::None), "a null row");
    }

    #[test]
    fn errors_of_the_rows_own_serialize_come_out() {
        struct Broken;
        impl Serialize for Broken {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("the row cannot be written"))
            }
        }
        let err = needs_full_check(&Broken, columns().columns()).unwrap_err();
        assert_eq!(err.to_string(), "the row cannot be written");
    }
}
