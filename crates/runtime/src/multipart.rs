//! Multipart form bodies: the file parts of an upload, and the form made
//! of a generated body.
//!
//! The codegen gives a `multipart/form-data` operation a body type like any
//! other, whose file fields are [`Part`]s, and its request is built with
//! [`form`]: each file field becomes a file part, each other field a text
//! field. The form is made again for each attempt, so a file is opened
//! afresh on a retry; a part read from a reader cannot be, and a call
//! with one makes a single attempt.
//!
//! ```
//! use nebius_tokenfactory_runtime::multipart::Part;
//!
//! let from_disk = Part::path("train.jsonl");
//! assert_eq!(from_disk.name(), Some("train.jsonl"));
//! assert_eq!(from_disk.mime_type(), "application/jsonl");
//!
//! let in_memory = Part::bytes(&b"{\"text\": \"hi\"}\n"[..]).with_file_name("tiny.jsonl");
//! assert_eq!(format!("{in_memory:?}"), "Part { source: \"15 bytes\", file_name: Some(\"tiny.jsonl\"), content_type: None }");
//! ```

use bytes::Bytes;
use futures_core::Stream;
use progenitor_client::Error as BuildError;
use serde_json::Value;
use std::cell::RefCell;
use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};

/// How much of a file or reader is read at a time.
const CHUNK: usize = 64 * 1024;

type Reader = Pin<Box<dyn AsyncRead + Send + Sync>>;

/// The file of a file field: a path, bytes or a reader, with the file name
/// and content type the part is sent with.
#[derive(Clone)]
pub struct Part {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
}

#[derive(Clone)]
enum Source {
    /// Opened for each attempt and streamed, never read whole.
    Path(PathBuf),
    /// Sent as they are; a copy costs a reference count.
    Bytes(Bytes),
    /// Read once, as it comes: taken by the first attempt.
    Reader(Arc<Mutex<Option<Reader>>>),
}

impl Part {
    /// The file at `path`, streamed from disk when the request is sent and
    /// opened again for each attempt. Its file name is the path's, and its
    /// content type follows the extension ([`Self::mime_type`]).
    pub fn path(path: impl Into<PathBuf>) -> Self {
        Self {
            source: Source::Path(path.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// These bytes. Name the file with [`Self::with_file_name`]: servers
    /// often require one.
    pub fn bytes(bytes: impl Into<Bytes>) -> Self {
        Self {
            source: Source::Bytes(bytes.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// What `reader` yields, streamed as it comes. A reader cannot be read
    /// twice: a call with such a part makes one attempt, never a retry.
    pub fn reader(reader: impl AsyncRead + Send + Sync + 'static) -> Self {
        Self {
            source: Source::Reader(Arc::new(Mutex::new(Some(Box::pin(reader))))),
            file_name: None,
            content_type: None,
        }
    }

    /// Sends the part under this file name.
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sends the part with this content type (`application/jsonl`, say).
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name the part is sent under: the one set, else the last
    /// component of its path.
    pub fn name(&self) -> Option<&str> {
        self.file_name.as_deref().or(match &self.source {
            Source::Path(path) => path.file_name().and_then(|n| n.to_str()),
            _ => None,
        })
    }

    /// The content type the part is sent with: the one set, else one
    /// known from the file name's extension, else `application/octet-stream`.
    pub fn mime_type(&self) -> &str {
        if let Some(set) = &self.content_type {
            return set;
        }
        let extension = self
            .name()
            .and_then(|n| Path::new(n).extension())
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("jsonl" | "ndjson") => "application/jsonl",
            Some("json") => "application/json",
            Some("csv") => "text/csv",
            Some("txt") => "text/plain",
            Some("parquet") => "application/vnd.apache.parquet",
            Some("zip") => "application/zip",
            Some("gz") => "application/gzip",
            _ => "application/octet-stream",
        }
    }

    /// This part as reqwest's, its source opened; or why it cannot be.
    fn open(&self) -> Result<reqwest::multipart::Part, String> {
        let (body, length) = match &self.source {
            Source::Path(path) => {
                let file = std::fs::File::open(path)
                    .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
                let length = file.metadata().map(|m| m.len()).ok();
                let reader: Reader = Box::pin(tokio::fs::File::from_std(file));
                (reqwest::Body::wrap_stream(Chunks::new(reader)), length)
            }
            Source::Bytes(bytes) => (reqwest::Body::from(bytes.clone()), Some(bytes.len() as u64)),
            Source::Reader(slot) => {
                let reader = slot
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take()
                    .ok_or(
                        "a part read from a reader was sent already, and cannot be sent again",
                    )?;
                crate::scope::forbid_retries();
                (reqwest::Body::wrap_stream(Chunks::new(reader)), None)
            }
        };
        let part = match length {
            Some(length) => reqwest::multipart::Part::stream_with_length(body, length),
            None => reqwest::multipart::Part::stream(body),
        };
        let part = part
            .mime_str(self.mime_type())
            .map_err(|e| format!("the content type {:?}: {e}", self.mime_type()))?;
        Ok(match self.name() {
            Some(name) => part.file_name(name.to_string()),
            None => part,
        })
    }
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Path(path) => format!("{}", path.display()),
            Source::Bytes(bytes) => format!("{} bytes", bytes.len()),
            Source::Reader(_) => "a reader".to_string(),
        };
        f.debug_struct("Part")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// Parts are equal when they send the same source (the same path, the same
/// bytes, the same reader) under the same name and type.
impl PartialEq for Part {
    fn eq(&self, other: &Self) -> bool {
        let same = match (&self.source, &other.source) {
            (Source::Path(a), Source::Path(b)) => a == b,
            (Source::Bytes(a), Source::Bytes(b)) => a == b,
            (Source::Reader(a), Source::Reader(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        same && self.file_name == other.file_name && self.content_type == other.content_type
    }
}

impl From<PathBuf> for Part {
    fn from(path: PathBuf) -> Self {
        Self::path(path)
    }
}

impl From<&Path> for Part {
    fn from(path: &Path) -> Self {
        Self::path(path)
    }
}

impl From<Vec<u8>> for Part {
    fn from(bytes: Vec<u8>) -> Self {
        Self::bytes(bytes)
    }
}

impl From<Bytes> for Part {
    fn from(bytes: Bytes) -> Self {
        Self::bytes(bytes)
    }
}

// The marker a part leaves in the JSON of its body while a form is made.
const MARKER: &str = "\u{0}nebius-tokenfactory-part\u{0}";

thread_local! {
    /// The parts met while [`form`] serialises a body, in order.
    static PARTS: RefCell<Option<Vec<Part>>> = const { RefCell::new(None) };
}

/// Parts are serialised only into a form: [`form`] collects each in turn,
/// and anything else (JSON, say) gets an error.
impl serde::Serialize for Part {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let index = PARTS.with(|parts| {
            parts.borrow_mut().as_mut().map(|parts| {
                parts.push(self.clone());
                parts.len() - 1
            })
        });
        match index {
            Some(index) => serializer.serialize_str(&format!("{MARKER}{index}")),
            None => Err(serde::ser::Error::custom(
                "a file part is sent in a multipart form, and has no JSON form",
            )),
        }
    }
}

/// A part read from JSON is a string's bytes, sent as a file named `file`:
/// for bodies written as JSON in tests, and the generated exemplars.
impl<'de> serde::Deserialize<'de> for Part {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Self::bytes(text.into_bytes()).with_file_name("file"))
    }
}

/// The multipart form of `body`, a generated body type: each [`Part`] (or
/// list of them) a file part, each other field a text field (strings as
/// they are, numbers and booleans as JSON writes them, objects as JSON
/// text, lists as one field per item), and null fields left out.
///
/// The error is progenitor's, as the generated request builders return it.
#[allow(clippy::result_large_err)]
pub fn form<T: serde::Serialize>(body: &T) -> Result<reqwest::multipart::Form, BuildError> {
    let previous = PARTS.with(|parts| parts.borrow_mut().replace(Vec::new()));
    let value = serde_json::to_value(body);
    let parts = PARTS
        .with(|slot| std::mem::replace(&mut *slot.borrow_mut(), previous))
        .unwrap_or_default();
    let value = value.map_err(|e| BuildError::InvalidRequest(format!("the form: {e}")))?;
    let Value::Object(fields) = value else {
        return Err(BuildError::InvalidRequest(format!(
            "a multipart body is an object, not {value}"
        )));
    };
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in fields {
        let items = match value {
            Value::Array(items) => items,
            other => vec![other],
        };
        for item in items {
            form = match item {
                Value::Null => form,
                Value::String(text) => match text.strip_prefix(MARKER) {
                    Some(index) => {
                        let part = index
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| parts.get(i))
                            .ok_or_else(|| {
                                BuildError::InvalidRequest(format!(
                                    "the file part of field {name} was lost"
                                ))
                            })?;
                        let part = part.open().map_err(BuildError::InvalidRequest)?;
                        form.part(name.clone(), part)
                    }
                    None => form.text(name.clone(), text),
                },
                other => form.text(name.clone(), other.to_string()),
            };
        }
    }
    Ok(form)
}

/// An async reader as a stream of chunks of up to [`CHUNK`] bytes: memory
/// holds one chunk, whatever the size of the file.
struct Chunks {
    reader: Reader,
    buffer: Box<[u8]>,
}

impl Chunks {
    fn new(reader: Reader) -> Self {
        Self {
            reader,
            buffer: vec![0; CHUNK].into_boxed_slice(),
        }
    }
}

impl Stream for Chunks {
    type Item = std::io::Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let mut read = ReadBuf::new(&mut this.buffer);
        match this.reader.as_mut().poll_read(cx, &mut read) {
            Poll::Ready(Ok(())) if read.filled().is_empty() => Poll::Ready(None),
            Poll::Ready(Ok(())) => Poll::Ready(Some(Ok(Bytes::copy_from_slice(read.filled())))),
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
            Poll::Pending => Poll::Pending,
        }
    }
}
