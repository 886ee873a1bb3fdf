//! The upload request body, written from the rows as it is sent.
//!
//! The body is `{"name":…,"schema":…,"folder":…,"ai_project_id":…,"rows":[…]}`,
//! byte for byte what `serde_json::to_vec` of the request writes. It is
//! written a chunk at a time ([`CHUNK`] bytes or one row, whichever is
//! larger) into a channel of [`DEPTH`] chunks that the request body reads
//! ([`super::progress::RowsBody`]): memory holds a few chunks, whatever the
//! number of rows, and writing overlaps sending. No buffer is sized ahead
//! from a guess. [`within`] writes the same bytes into one buffer, for
//! servers that need a `Content-Length` and for bodies no longer than
//! [`SMALL`], which a stream would only slow down.

use super::progress::{Chunk, Piece};
use bytes::{BufMut, Bytes, BytesMut};
use serde::Serialize;
use tokio::sync::mpsc;

/// Bodies up to this size are sent whole, with a `Content-Length`: the
/// channel and the chunked encoding of a stream cost more than they save
/// on a small call (BENCHMARKS.md measures both).
pub(crate) const SMALL: usize = 64 * 1024;

/// How many bytes of rows a chunk gathers before it is sent.
pub(crate) const CHUNK: usize = 1024 * 1024;

/// How many chunks may wait between the writer and the connection.
pub(crate) const DEPTH: usize = 2;

/// The arena the chunks are written into: room for those waiting, the one
/// being written, and the one the connection holds.
const ARENA: usize = (DEPTH + 2) * (CHUNK + CHUNK / 4);

/// The fields of an upload other than the rows.
pub(crate) struct UploadFields<'a> {
    pub name: &'a str,
    pub folder: &'a str,
    /// The schema as the request's JSON, written once per schema.
    pub schema_json: &'a [u8],
    pub ai_project_id: Option<&'a str>,
}

impl UploadFields<'_> {
    /// Everything before the first row.
    fn head(&self) -> Vec<u8> {
        let mut head = Vec::with_capacity(64 + self.schema_json.len());
        head.extend_from_slice(b"{\"name\":");
        write(&mut head, self.name);
        head.extend_from_slice(b",\"schema\":");
        head.extend_from_slice(self.schema_json);
        head.extend_from_slice(b",\"folder\":");
        write(&mut head, self.folder);
        if let Some(project) = self.ai_project_id {
            head.extend_from_slice(b",\"ai_project_id\":");
            write(&mut head, project);
        }
        head.extend_from_slice(b",\"rows\":[");
        head
    }
}

const TAIL: &[u8] = b"]}";

/// Writes the body into `chunks`, until the rows end or the request stops
/// reading. A row that serde_json cannot write (which the pre-pass should
/// have refused) ends the body with an error, so the request is aborted
/// with its body incomplete, and comes back as `Err`, naming the row, for
/// the call to report as invalid input.
pub(crate) async fn produce<R: Serialize>(
    fields: &UploadFields<'_>,
    rows: &[R],
    chunks: mpsc::Sender<Chunk>,
) -> Result<(), String> {
    // One arena for the chunks: each is split off it, and once the
    // connection has written and dropped the earlier ones, `reserve` takes
    // their room back instead of allocating anew.
    let mut buf = BytesMut::with_capacity(ARENA);
    buf.extend_from_slice(&fields.head());
    for (index, row) in rows.iter().enumerate() {
        if index > 0 {
            buf.put_u8(b',');
        }
        if let Err(e) = serde_json::to_writer((&mut buf).writer(), row) {
            let message = format!("row {index} cannot be written: {e}");
            // Without waiting for room: if there is none, dropping the
            // sender aborts the body all the same.
            let _ = chunks.try_send(Err(std::io::Error::other(message.clone())));
            return Err(message);
        }
        if buf.len() >= CHUNK {
            let piece = Piece {
                bytes: buf.split().freeze(),
                rows: index + 1,
                last: false,
            };
            if chunks.send(Ok(piece)).await.is_err() {
                // The request ended (an error, or an answer before the body).
                return Ok(());
            }
            buf.reserve(CHUNK + CHUNK / 4);
        }
    }
    buf.extend_from_slice(TAIL);
    let piece = Piece {
        bytes: buf.freeze(),
        rows: rows.len(),
        last: true,
    };
    let _ = chunks.send(Ok(piece)).await;
    Ok(())
}

/// The whole body in one buffer, grown as the rows are written: what the
/// tests compare every way of sending with.
#[cfg(test)]
pub(crate) fn buffered<R: Serialize>(
    fields: &UploadFields<'_>,
    rows: &[R],
) -> Result<Bytes, serde_json::Error> {
    Ok(within(fields, rows, usize::MAX)?.expect("no body is longer than usize::MAX"))
}

/// The whole body, if it is no longer than `limit` bytes; `None` as soon
/// as it is longer (so at most `limit` bytes of rows are written for
/// nothing).
pub(crate) fn within<R: Serialize>(
    fields: &UploadFields<'_>,
    rows: &[R],
    limit: usize,
) -> Result<Option<Bytes>, serde_json::Error> {
    let mut buf = fields.head();
    for (index, row) in rows.iter().enumerate() {
        if index > 0 {
            buf.push(b',');
        }
        serde_json::to_writer(&mut buf, row)?;
        if buf.len() > limit {
            return Ok(None);
        }
    }
    buf.extend_from_slice(TAIL);
    Ok(Some(Bytes::from(buf)))
}

fn write<T: Serialize + ?Sized>(buf: &mut Vec<u8>, value: &T) {
    serde_json::to_writer(buf, value).expect("strings always serialise");
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn fields() -> UploadFields<'static> {
        UploadFields {
            name: "n",
            folder: "/f",
            schema_json: br#"[{"name":"text","type":{"name":"string"}}]"#,
            ai_project_id: Some("p"),
        }
    }

    async fn streamed<R: Serialize>(rows: &[R]) -> (Vec<u8>, Vec<usize>) {
        let (tx, mut rx) = mpsc::channel::<Chunk>(DEPTH);
        let fields = fields();
        let collect = async {
            let mut body = Vec::new();
            let mut marks = Vec::new();
            while let Some(chunk) = rx.recv().await {
                let piece = chunk.unwrap();
                body.extend_from_slice(&piece.bytes);
                marks.push(piece.rows);
            }
            (body, marks)
        };
        let ((body, marks), written) = tokio::join!(collect, produce(&fields, rows, tx));
        written.unwrap();
        (body, marks)
    }

    #[tokio::test]
    async fn the_streamed_body_is_the_request_the_spec_describes() {
        let rows = [json!({"text": "a"}), json!({"text": "b"})];
        let (body, marks) = streamed(&rows).await;
        let parsed: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            parsed,
            json!({"name": "n", "folder": "/f", "ai_project_id": "p",
                   "schema": [{"name": "text", "type": {"name": "string"}}],
                   "rows": [{"text": "a"}, {"text": "b"}]})
        );
        assert_eq!(marks, [2]);
        assert_eq!(body, buffered(&fields(), &rows).unwrap());
        // The generated request type, from the spec, reads it as an upload.
        let request: nebius_tokenfactory_api::types::CreateDatasetRequest =
            serde_json::from_slice(&body).unwrap();
        let nebius_tokenfactory_api::types::CreateDatasetRequest::Upload(upload) = request else {
            panic!("not an upload: {request:?}");
        };
        assert_eq!(
            (
                upload.name.as_str(),
                upload.folder.as_str(),
                upload.rows.len()
            ),
            ("n", "/f", 2)
        );
        assert_eq!(upload.ai_project_id.as_deref(), Some("p"));
    }

    #[tokio::test]
    async fn large_bodies_come_in_chunks_that_count_their_rows() {
        let rows: Vec<Value> = (0..60_000)
            .map(|i| json!({"text": format!("row {i:>40}")}))
            .collect();
        let (body, marks) = streamed(&rows).await;
        assert!(marks.len() > 2, "{marks:?}");
        assert!(marks.windows(2).all(|w| w[0] < w[1]), "{marks:?}");
        assert_eq!(marks.last(), Some(&60_000));
        assert_eq!(body, buffered(&fields(), &rows).unwrap());
    }

    #[tokio::test]
    async fn a_reader_that_stops_stops_the_writer() {
        let rows: Vec<Value> = (0..100_000)
            .map(|i| json!({"text": i.to_string()}))
            .collect();
        let (tx, mut rx) = mpsc::channel::<Chunk>(DEPTH);
        let fields = fields();
        let read_one = async move {
            rx.recv().await;
            drop(rx);
        };
        // Ends, rather than waiting for a reader forever.
        let ((), written) = tokio::join!(read_one, produce(&fields, &rows, tx));
        assert_eq!(written, Ok(()));
    }
}
