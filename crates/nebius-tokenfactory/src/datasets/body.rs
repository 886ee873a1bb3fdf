//! The upload request body, written straight from the rows.
//!
//! Rows are serialised one after another into one buffer, which becomes the
//! request body: no `serde_json::Map` per row and no second copy, so the
//! memory an upload needs is about the size of its body. Retries resend the
//! same buffer.

use super::null_watch::NullWatch;
use super::schema::DatasetSchema;
use super::validate::check_row;
use bytes::Bytes;
use nebius_tokenfactory_api::runtime::{InvalidInput, Problem, Problems};
use serde::Serialize;
use std::cell::Cell;

/// Which rows [`upload_body`] checks against the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowCheck {
    /// Every row: rows whose shape the compiler does not know (JSON values).
    Every,
    /// Rows of a type the schema was derived from fit it by construction,
    /// except where serde_json writes a non-finite float as `null`. Only
    /// rows where a `null` lands in a column that forbids it are checked
    /// (see [`NullWatch`]).
    NullsOnly,
}

/// The fields of an upload other than the rows.
pub(crate) struct UploadFields<'a> {
    pub name: &'a str,
    pub folder: &'a str,
    pub schema: &'a DatasetSchema,
    /// `schema` as the request's JSON, written once per schema.
    pub schema_json: &'a [u8],
    pub ai_project_id: Option<&'a str>,
}

/// Checks the fields, serialises and checks the rows, and returns the body.
pub(crate) fn upload_body<R: Serialize>(
    fields: &UploadFields<'_>,
    rows: &[R],
    check: RowCheck,
) -> Result<Bytes, InvalidInput> {
    let mut problems = Problems::default();
    Problem::blank_fields([("name", fields.name), ("folder", fields.folder)])
        .into_iter()
        .for_each(|p| problems.push(p));
    let schema_problems = fields.schema.problems();
    // Rows checked against a broken schema only report its breakage again.
    let check_rows = schema_problems.is_empty();
    schema_problems.into_iter().for_each(|p| problems.push(p));
    if rows.is_empty() {
        problems.push(Problem::field(
            "rows",
            "there are none; a dataset needs at least one row",
        ));
    }
    let columns = fields.schema.columns();

    let mut buf = Vec::with_capacity(1024);
    buf.extend_from_slice(b"{\"name\":");
    write(&mut buf, fields.name);
    buf.extend_from_slice(b",\"schema\":");
    buf.extend_from_slice(fields.schema_json);
    buf.extend_from_slice(b",\"folder\":");
    write(&mut buf, fields.folder);
    if let Some(project) = fields.ai_project_id {
        buf.extend_from_slice(b",\"ai_project_id\":");
        write(&mut buf, project);
    }
    buf.extend_from_slice(b",\"rows\":[");
    let rows_start = buf.len();
    let flagged = Cell::new(false);
    for (index, row) in rows.iter().enumerate() {
        if index > 0 {
            buf.push(b',');
        }
        let start = buf.len();
        flagged.set(false);
        let written = match check {
            RowCheck::Every => serde_json::to_writer(&mut buf, row),
            RowCheck::NullsOnly => row.serialize(&mut serde_json::Serializer::with_formatter(
                &mut buf,
                NullWatch::new(columns, &flagged),
            )),
        };
        if let Err(e) = written {
            buf.truncate(start);
            problems.push(Problem::row(
                index,
                None,
                "a row serde_json can write",
                &e.to_string(),
            ));
            continue;
        }
        let needs_check = check_rows && (check == RowCheck::Every || flagged.get());
        if needs_check {
            check_row(&buf[start..], index, columns, &mut problems);
        }
        if index == 63 {
            // Reserve for the rest from the size of the first rows. Pages
            // reserved but never written cost no resident memory, so the
            // estimate errs high: one reallocation of a large body would
            // briefly hold it twice.
            let per_row = (buf.len() - rows_start) / 64 + 1;
            buf.reserve(per_row * (rows.len() - 64) * 5 / 4 + 64);
        }
    }
    buf.extend_from_slice(b"]}");
    problems.finish()?;
    Ok(Bytes::from(buf))
}

fn write<T: Serialize + ?Sized>(buf: &mut Vec<u8>, value: &T) {
    serde_json::to_writer(buf, value).expect("strings and column schemas always serialise");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::ColumnType;
    use serde_json::{json, Value};

    fn fields<'a>(schema: &'a DatasetSchema, json: &'a mut Vec<u8>) -> UploadFields<'a> {
        *json = schema.request_json();
        UploadFields {
            name: "n",
            folder: "/f",
            schema,
            schema_json: json,
            ai_project_id: Some("p"),
        }
    }

    #[test]
    fn body_is_the_request_the_spec_describes() {
        let schema = DatasetSchema::new().column("text", ColumnType::String);
        let rows = [json!({"text": "a"}), json!({"text": "b"})];
        let body = upload_body(&fields(&schema, &mut Vec::new()), &rows, RowCheck::Every).unwrap();
        let parsed: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            parsed,
            json!({"name": "n", "folder": "/f", "ai_project_id": "p",
                   "schema": [{"name": "text", "type": {"name": "string"}}],
                   "rows": [{"text": "a"}, {"text": "b"}]})
        );
    }

    #[test]
    fn empty_fields_and_rows_are_refused() {
        let schema = DatasetSchema::new();
        let f = UploadFields {
            name: " ",
            folder: "",
            schema: &schema,
            schema_json: b"[]",
            ai_project_id: None,
        };
        let err = upload_body::<Value>(&f, &[], RowCheck::Every).unwrap_err();
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
    fn typed_rows_with_nulls_are_checked() {
        #[derive(Serialize)]
        struct Row {
            x: f64,
        }
        let schema = DatasetSchema::new().column("x", ColumnType::Double);
        let rows = [Row { x: 1.0 }, Row { x: f64::NAN }];
        let err = upload_body(
            &fields(&schema, &mut Vec::new()),
            &rows,
            RowCheck::NullsOnly,
        )
        .unwrap_err();
        assert_eq!(
            err.problems()[0].to_string(),
            "row 1, column `x`: expected double, found null"
        );
    }

    #[test]
    fn large_bodies_are_reserved_once() {
        let schema = DatasetSchema::new().column("i", ColumnType::Integer);
        let rows: Vec<Value> = (0..10_000).map(|i| json!({"i": i})).collect();
        let body = upload_body(&fields(&schema, &mut Vec::new()), &rows, RowCheck::Every).unwrap();
        let parsed: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(parsed["rows"].as_array().unwrap().len(), 10_000);
    }
}
