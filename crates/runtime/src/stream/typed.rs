//! The typed streams: events, lines and bytes, each with an idle timeout.

use super::{Event, EventParser, LineSplitter};
use crate::error::{Call, Error, StreamFailure};
use crate::response::Response;
use crate::scrub::Scrubber;
use crate::{Secret, Transport};
use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use progenitor_client::ByteStream;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// The longest line a [`JsonLines`] stream takes: 16 MiB.
pub const MAX_LINE: usize = 16 * 1024 * 1024;

/// The longest message an [`Error::Stream`] keeps, in characters: the
/// server's message (which may be as long as an event) is scrubbed of
/// credentials first, then cut to it.
pub const MAX_STREAM_MESSAGE: usize = 4096;

type Chunks = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send + Sync>>;

/// How a stream ended, once it has: [`EventStream::end`],
/// [`JsonLines::end`], [`Download::end`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StreamEnd {
    /// The server said it was done: OpenAI's `data: [DONE]`.
    Done,
    /// The body ended. For a download or JSON Lines that is the whole
    /// answer; for an event stream whose server sends `[DONE]`, it means
    /// the answer may be cut short.
    BodyEnded,
    /// An error ended it: the one the stream gave last.
    Failed,
}

/// What every typed stream shares: the body, the idle timer, the call it
/// came from, and what to scrub from the server's messages.
struct Body {
    chunks: Chunks,
    idle: Duration,
    timer: Pin<Box<tokio::time::Sleep>>,
    call: Call,
    api_key: Secret,
    secrets: Vec<Secret>,
    status: reqwest::StatusCode,
    headers: HeaderMap,
    /// The body has no more chunks.
    ended: bool,
    /// The stream has no more items: it failed, or the server said it is done.
    finished: bool,
    /// How it ended, once it has.
    end: Option<StreamEnd>,
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Body")
            .field("status", &self.status)
            .field("call", &self.call)
            .field("idle_timeout", &self.idle)
            .field("end", &self.end)
            .finish_non_exhaustive()
    }
}

impl Body {
    fn new(transport: &Transport, response: Response<ByteStream>) -> Self {
        let idle = transport.stream_idle_timeout();
        let (chunks, parts) = response.into_parts();
        Self {
            chunks: chunks.into_inner(),
            idle,
            timer: Box::pin(tokio::time::sleep_until(idle_deadline(
                tokio::time::Instant::now(),
                idle,
            ))),
            call: parts.call,
            api_key: transport.shared.api_key.clone(),
            secrets: parts.secrets,
            status: parts.status,
            headers: parts.headers,
            ended: false,
            finished: false,
            end: None,
        }
    }

    /// Data came: the idle timeout counts from now. A timeout too long
    /// to add to the clock (`Duration::MAX`) is no timeout.
    fn touch(&mut self) {
        let deadline = idle_deadline(tokio::time::Instant::now(), self.idle);
        self.timer.as_mut().reset(deadline);
    }

    fn scrubber(&self) -> Scrubber<'_> {
        Scrubber {
            api_key: &self.api_key,
            secrets: &self.secrets,
        }
    }

    /// Ends the stream with an error, its message scrubbed, then cut to
    /// [`MAX_STREAM_MESSAGE`].
    fn fail(&mut self, failure: StreamFailure, message: String) -> Error {
        self.ended = true;
        self.finished = true;
        self.end = Some(StreamEnd::Failed);
        Error::Stream {
            message: self.scrubber().cut(message, MAX_STREAM_MESSAGE),
            failure,
            call: self.call.clone(),
        }
    }

    /// The next chunk, or the end, or the error that ends the stream.
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Error>>> {
        if self.ended {
            return Poll::Ready(None);
        }
        match self.chunks.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => Poll::Ready(Some(Ok(chunk))),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(self.fail(
                StreamFailure::Broken,
                format!("the connection broke: {}", crate::error::redact_url(e)),
            )))),
            Poll::Ready(None) => {
                self.ended = true;
                self.end.get_or_insert(StreamEnd::BodyEnded);
                Poll::Ready(None)
            }
            Poll::Pending => match self.timer.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    let idle = self.idle;
                    Poll::Ready(Some(Err(self.fail(
                        StreamFailure::Idle,
                        format!("nothing came for {idle:?}; raise the idle timeout with ClientBuilder::with_stream_idle_timeout or RequestOptions::with_stream_idle_timeout"),
                    ))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }

    /// `text` as one item: `None` for OpenAI's end sentinel, else `text`
    /// decoded. An item is only data: whether an event is the server's
    /// error is for [`EventStream`] to say ([`server_error`]), and a JSON
    /// Lines row with an `error` column is a row like any other.
    fn decode<T: DeserializeOwned>(&mut self, text: &str, what: &str) -> Option<Result<T, Error>> {
        let trimmed = text.trim();
        if trimmed == "[DONE]" {
            self.ended = true;
            self.finished = true;
            self.end = Some(StreamEnd::Done);
            return None;
        }
        Some(serde_json::from_str(trimmed).map_err(|e| {
            // Scrubbed before it is cut to the excerpt, and again (with the
            // message) after: no credential is cut in two.
            let start = self.scrubber().excerpt(trimmed.as_bytes());
            self.fail(
                StreamFailure::Undecodable,
                format!("{what} does not decode: {e}; it starts: {start}"),
            )
        }))
    }
}

/// When a stream idle from `now` for `idle` fails: `now + idle`, or, where
/// that does not fit the clock, as far off as it keeps (about 30 years),
/// which is no timeout.
fn idle_deadline(now: tokio::time::Instant, idle: Duration) -> tokio::time::Instant {
    const FAR: Duration = Duration::from_secs(30 * 365 * 24 * 60 * 60);
    now.checked_add(idle)
        .or_else(|| now.checked_add(FAR))
        .unwrap_or(now)
}

/// The server's message, where an event's `data` is an error sent
/// mid-stream, in either shape OpenAI-compatible servers send:
///
/// - the responses API's error event, `{"type": "error", "code": ...,
///   "message": ...}`;
/// - an error object, `{"error": {"message": ..., ...}}`, as chat
///   completions send it.
///
/// Anything else is data, a top-level `error` that is not an object with a
/// `message` (`null`, a string, a flag) included.
fn server_error(data: &str) -> Option<String> {
    use serde_json::Value;
    let trimmed = data.trim();
    // Cheap for the events that are data: no second parse for them.
    if !trimmed.starts_with('{') || !trimmed.contains("\"error\"") {
        return None;
    }
    let value: Value = serde_json::from_str(trimmed).ok()?;
    let text = |v: Option<&Value>| match v? {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    if value.get("type").and_then(Value::as_str) == Some("error") {
        let message = text(value.get("message")).unwrap_or_else(|| trimmed.to_string());
        return Some(match text(value.get("code")) {
            Some(code) => format!("{message} (code {code})"),
            None => message,
        });
    }
    let error = value.get("error").filter(|e| e.is_object())?;
    let message = text(error.get("message"))?;
    Some(match text(error.get("code")) {
        Some(code) => format!("{message} (code {code})"),
        None => message,
    })
}

/// Server-sent events, each one's `data` decoded into `T`.
///
/// It ends at `data: [DONE]` or at the end of the body. The server's error
/// ends it with [`Error::Stream`] `{ failure: StreamFailure::ServerError,
/// .. }` carrying the server's message: an event named `error`, an event
/// of `"type": "error"` (the responses API's), or one whose `error` is an
/// object with a `message` (chat completions').
#[must_use = "a stream does nothing until it is polled"]
pub struct EventStream<T> {
    body: Body,
    parser: EventParser,
    /// The events parsed from the body and not yet read: at most those
    /// of one [`FEED_SLICE`] of it.
    events: VecDeque<Event>,
    scratch: Vec<Event>,
    /// The rest of the latest chunk, not yet parsed.
    pending: Bytes,
    item: PhantomData<fn() -> T>,
}

/// How much of a chunk an [`EventStream`] parses, or a [`JsonLines`]
/// splits, at a time, in bytes: the items of one slice are queued before
/// the next is parsed, so that a chunk of many tiny items (an event takes
/// 6 bytes at least, a line 2) queues at most a slice's worth, not the
/// whole chunk's.
const FEED_SLICE: usize = 8 * 1024;

impl<T> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("body", &self.body)
            .finish_non_exhaustive()
    }
}

impl<T> EventStream<T> {
    /// The status of the response.
    pub fn status(&self) -> reqwest::StatusCode {
        self.body.status
    }

    /// The headers of the response.
    pub fn headers(&self) -> &HeaderMap {
        &self.body.headers
    }

    /// The `x-request-id` header, to quote when asking for support.
    pub fn request_id(&self) -> Option<&str> {
        crate::response::request_id(&self.body.headers)
    }

    /// The last event id the server set, to resume from where it allows.
    pub fn last_event_id(&self) -> Option<&str> {
        self.parser.last_event_id()
    }
}

impl<T: DeserializeOwned> EventStream<T> {
    /// Every item, read to the end of the stream: for short streams, and
    /// for code that does not import a `StreamExt`.
    pub async fn collect_items(mut self) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        while let Some(item) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            items.push(item?);
        }
        Ok(items)
    }
}

/// `next` and `end`, the same on every typed stream.
macro_rules! read_in_turn {
    ($stream:ident $(<$t:ident>)?, $item:ty) => {
        impl$(<$t: DeserializeOwned>)? $stream$(<$t>)? {
            /// The next item, or `None` once the stream has ended ([`Self::end`]
            /// then says how): `StreamExt::next`, without importing a trait.
            pub async fn next(&mut self) -> Option<Result<$item, Error>> {
                std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
            }

            /// How the stream ended: at the server's `[DONE]`, at the end of
            /// the body, or by an error. `None` while it goes on.
            pub fn end(&self) -> Option<StreamEnd> {
                self.body.end
            }
        }
    };
}

read_in_turn!(EventStream<T>, T);
read_in_turn!(JsonLines<T>, T);
read_in_turn!(Download, Bytes);

impl<T> EventStream<T> {
    /// The same stream, its events' data decoded as `U` instead: the
    /// caller's own type for an event the document leaves untyped.
    pub fn items<U>(self) -> EventStream<U> {
        EventStream {
            body: self.body,
            parser: self.parser,
            events: self.events,
            scratch: self.scratch,
            pending: self.pending,
            item: PhantomData,
        }
    }
}

impl<T> JsonLines<T> {
    /// The same stream, its lines decoded as `U` instead: the caller's own
    /// row type (`.items::<Review>()`).
    pub fn items<U>(self) -> JsonLines<U> {
        JsonLines {
            body: self.body,
            splitter: self.splitter,
            lines: self.lines,
            scratch: self.scratch,
            pending: self.pending,
            item: PhantomData,
        }
    }
}

impl<T: DeserializeOwned> Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.body.finished {
                return Poll::Ready(None);
            }
            if let Some(event) = this.events.pop_front() {
                if event.event.as_deref() == Some("error") {
                    let message = format!("the server sent an error event: {}", event.data);
                    return Poll::Ready(Some(Err(this
                        .body
                        .fail(StreamFailure::ServerError, message))));
                }
                if event.data.is_empty() {
                    continue;
                }
                this.body.touch();
                if let Some(message) = server_error(&event.data) {
                    let message = format!("the server sent an error: {message}");
                    return Poll::Ready(Some(Err(this
                        .body
                        .fail(StreamFailure::ServerError, message))));
                }
                match this.body.decode(&event.data, "an event's data") {
                    Some(item) => return Poll::Ready(Some(item)),
                    None => return Poll::Ready(None),
                }
            }
            if !this.pending.is_empty() {
                let slice = this.pending.split_to(this.pending.len().min(FEED_SLICE));
                if let Err(e) = this.parser.feed(&slice, &mut this.scratch) {
                    this.pending = Bytes::new();
                    let message = format!("{e}; the stream cannot go on");
                    return Poll::Ready(Some(Err(this
                        .body
                        .fail(StreamFailure::TooLarge, message))));
                }
                this.events.extend(this.scratch.drain(..));
                continue;
            }
            if this.body.ended {
                return Poll::Ready(None);
            }
            match this.body.poll_chunk(cx) {
                Poll::Ready(Some(Ok(chunk))) => this.pending = chunk,
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => {
                    if this.parser.finish() {
                        tracing::debug!(
                            "the event stream ended in the middle of an event, which is dropped"
                        );
                    }
                    return Poll::Ready(None);
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// JSON Lines: each line decoded into `T`. Memory stays within
/// [`MAX_LINE`] whatever the size of the response. Every line is data: a
/// row with an `error` column (a batch's results, say) is an item like
/// any other.
#[must_use = "a stream does nothing until it is polled"]
pub struct JsonLines<T> {
    body: Body,
    splitter: LineSplitter,
    /// The lines split from the body and not yet read: at most those of
    /// one [`FEED_SLICE`] of it.
    lines: VecDeque<Bytes>,
    scratch: Vec<Bytes>,
    /// The rest of the latest chunk, not yet split.
    pending: Bytes,
    item: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for JsonLines<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonLines")
            .field("body", &self.body)
            .finish_non_exhaustive()
    }
}

impl<T> JsonLines<T> {
    /// The status of the response.
    pub fn status(&self) -> reqwest::StatusCode {
        self.body.status
    }

    /// The headers of the response.
    pub fn headers(&self) -> &HeaderMap {
        &self.body.headers
    }

    /// The `x-request-id` header, to quote when asking for support.
    pub fn request_id(&self) -> Option<&str> {
        crate::response::request_id(&self.body.headers)
    }
}

impl<T: DeserializeOwned> JsonLines<T> {
    /// Every item, read to the end of the stream: for short streams, and
    /// for code that does not import a `StreamExt`.
    pub async fn collect_items(mut self) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        while let Some(item) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            items.push(item?);
        }
        Ok(items)
    }
}

impl<T: DeserializeOwned> Stream for JsonLines<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.body.finished {
                return Poll::Ready(None);
            }
            if let Some(line) = this.lines.pop_front() {
                this.body.touch();
                let text = String::from_utf8_lossy(&line);
                match this.body.decode(&text, "a line") {
                    Some(item) => return Poll::Ready(Some(item)),
                    None => return Poll::Ready(None),
                }
            }
            if !this.pending.is_empty() {
                let slice = this.pending.split_to(this.pending.len().min(FEED_SLICE));
                if let Err(e) = this.splitter.feed(slice, &mut this.scratch) {
                    this.pending = Bytes::new();
                    let message = format!("{e}; the stream cannot go on");
                    return Poll::Ready(Some(Err(this
                        .body
                        .fail(StreamFailure::TooLarge, message))));
                }
                this.lines.extend(this.scratch.drain(..));
                continue;
            }
            if this.body.ended {
                return Poll::Ready(None);
            }
            match this.body.poll_chunk(cx) {
                Poll::Ready(Some(Ok(chunk))) => this.pending = chunk,
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => {
                    if let Some(last) = this.splitter.finish() {
                        this.lines.push_back(last);
                        continue;
                    }
                    return Poll::Ready(None);
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// A response body of any type, as it arrives: write it to a file without
/// holding it in memory ([`Self::write_to`]), or collect it ([`Self::bytes`]).
#[must_use = "a download does nothing until it is read"]
pub struct Download {
    body: Body,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("body", &self.body)
            .finish_non_exhaustive()
    }
}

impl Download {
    /// The status of the response.
    pub fn status(&self) -> reqwest::StatusCode {
        self.body.status
    }

    /// The headers of the response: `content-type`, `content-disposition`.
    pub fn headers(&self) -> &HeaderMap {
        &self.body.headers
    }

    /// The `x-request-id` header, to quote when asking for support.
    pub fn request_id(&self) -> Option<&str> {
        crate::response::request_id(&self.body.headers)
    }

    /// The length the server announced, if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.body
            .headers
            .get(reqwest::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
    }

    /// Writes the body to `out` as it arrives; returns how many bytes.
    /// Memory holds one chunk at a time, whatever the size of the body.
    pub async fn write_to<W>(mut self, out: &mut W) -> Result<u64, Error>
    where
        W: tokio::io::AsyncWrite + Unpin + ?Sized,
    {
        use tokio::io::AsyncWriteExt;
        let mut written = 0u64;
        while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            let chunk = chunk?;
            out.write_all(&chunk).await.map_err(|e| {
                self.body.fail(
                    StreamFailure::Local,
                    format!("cannot write the body out: {e}"),
                )
            })?;
            written += chunk.len() as u64;
        }
        out.flush().await.map_err(|e| {
            self.body.fail(
                StreamFailure::Local,
                format!("cannot write the body out: {e}"),
            )
        })?;
        Ok(written)
    }

    /// Saves the body to the file at `path` as it arrives; returns how many
    /// bytes.
    ///
    /// The body goes to a new file beside `path` first, named
    /// `.<name>.<random>.part` and created only if nothing is there (so
    /// never through a symbolic link, nor shared by two saves to one
    /// path), then flushed to disk and renamed to `path`, and the
    /// directory synced (on Unix). A save that fails, or whose future is
    /// dropped before it ends, removes its part file: it leaves no file
    /// behind, and never a half one at `path`. Of two saves to one path,
    /// the last to end leaves its whole body there.
    ///
    /// Failures on this side (the file cannot be created, the disk is
    /// full) are [`StreamFailure::Local`], which is not transient.
    pub async fn save(self, path: impl AsRef<std::path::Path>) -> Result<u64, Error> {
        let path = path.as_ref();
        let call = self.body.call.clone();
        let io = |what: &str, e: std::io::Error, at: &std::path::Path| Error::Stream {
            message: format!("cannot {what} {}: {e}", at.display()),
            failure: StreamFailure::Local,
            call: call.clone(),
        };
        let (file, part) = PartFile::create(path)
            .await
            .map_err(|(e, at)| io("create", e, &at))?;
        // Declared after the part file, so closed before it is removed.
        let mut file = file;
        let written = self.write_to(&mut file).await?;
        file.sync_all()
            .await
            .map_err(|e| io("write", e, &part.path))?;
        drop(file);
        tokio::fs::rename(&part.path, path)
            .await
            .map_err(|e| io("rename the download to", e, path))?;
        #[cfg(unix)]
        let dir = part.dir();
        part.keep();
        #[cfg(unix)]
        {
            // The rename is durable once the directory is.
            let synced = match tokio::fs::File::open(&dir).await {
                Ok(dir) => dir.sync_all().await,
                Err(e) => Err(e),
            };
            synced.map_err(|e| io("sync the directory", e, &dir))?;
        }
        Ok(written)
    }

    /// The body read as JSON Lines as it arrives, each line decoded as `T`
    /// (a dataset's rows, a batch's results), in bounded memory.
    pub fn json_lines<T>(self) -> JsonLines<T> {
        JsonLines {
            body: self.body,
            splitter: LineSplitter::new(MAX_LINE),
            lines: VecDeque::new(),
            scratch: Vec::new(),
            pending: Bytes::new(),
            item: PhantomData,
        }
    }

    /// The whole body, in memory.
    pub async fn bytes(mut self) -> Result<Bytes, Error> {
        let mut all = BytesMut::new();
        while let Some(chunk) = std::future::poll_fn(|cx| Pin::new(&mut self).poll_next(cx)).await {
            all.extend_from_slice(&chunk?);
        }
        Ok(all.freeze())
    }
}

/// A download's part file: removed when dropped, unless kept (renamed
/// into place).
struct PartFile {
    path: std::path::PathBuf,
    kept: bool,
}

impl PartFile {
    /// A new part file beside `target`, `.<name>.<random>.part`, created
    /// only where nothing is: never through a link, never one another
    /// save writes.
    async fn create(
        target: &std::path::Path,
    ) -> Result<(tokio::fs::File, PartFile), (std::io::Error, std::path::PathBuf)> {
        let Some(name) = target.file_name() else {
            let e = std::io::Error::new(std::io::ErrorKind::InvalidInput, "the path names no file");
            return Err((e, target.to_path_buf()));
        };
        let mut attempt = 0;
        loop {
            let mut part = std::ffi::OsString::from(".");
            part.push(name);
            part.push(format!(".{:016x}.part", random()));
            let path = target.with_file_name(part);
            match tokio::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
                .await
            {
                Ok(file) => return Ok((file, PartFile { path, kept: false })),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 8 => {
                    attempt += 1;
                }
                Err(e) => return Err((e, path)),
            }
        }
    }

    /// The directory the part file is in.
    #[cfg(unix)]
    fn dir(&self) -> std::path::PathBuf {
        match self.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        }
    }

    /// The part file was renamed into place: nothing to remove.
    fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// A number no other part file of this process, and likely of no other
/// process, is named with.
fn random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNT.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    if let Ok(now) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        hasher.write_u128(now.as_nanos());
    }
    hasher.finish()
}

impl Stream for Download {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match this.body.poll_chunk(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                this.body.touch();
                Poll::Ready(Some(Ok(chunk)))
            }
            other => other,
        }
    }
}

impl Transport {
    /// The events of a streaming call's response.
    pub fn event_stream<T>(&self, response: Response<ByteStream>) -> EventStream<T> {
        EventStream {
            body: Body::new(self, response),
            parser: EventParser::new(),
            events: VecDeque::new(),
            scratch: Vec::new(),
            pending: Bytes::new(),
            item: PhantomData,
        }
    }

    /// The lines of a streaming call's response.
    pub fn json_lines<T>(&self, response: Response<ByteStream>) -> JsonLines<T> {
        JsonLines {
            body: Body::new(self, response),
            splitter: LineSplitter::new(MAX_LINE),
            lines: VecDeque::new(),
            scratch: Vec::new(),
            pending: Bytes::new(),
            item: PhantomData,
        }
    }

    /// The body of a call whose response is read as bytes.
    pub fn download(&self, response: Response<ByteStream>) -> Download {
        Download {
            body: Body::new(self, response),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::Parts;
    use crate::TransportConfig;

    /// An event stream over `chunks`, as one response.
    fn events_of<T>(chunks: Vec<Bytes>) -> EventStream<T> {
        let (transport, response) = response_of(chunks);
        transport.event_stream(response)
    }

    /// JSON Lines over `chunks`, as one response.
    fn lines_of<T>(chunks: Vec<Bytes>) -> JsonLines<T> {
        let (transport, response) = response_of(chunks);
        transport.json_lines(response)
    }

    /// A response of `chunks`, and a transport to read it with.
    fn response_of(chunks: Vec<Bytes>) -> (Transport, Response<ByteStream>) {
        crate::ensure_crypto_provider();
        let transport = Transport::new(TransportConfig::new(
            Secret::from("sk-unit-test-key"),
            reqwest::Client::new(),
        ))
        .unwrap();
        let chunks = ready_chunks(chunks);
        let parts = Parts {
            status: reqwest::StatusCode::OK,
            headers: HeaderMap::new(),
            call: Call {
                operation_id: "op",
                method: "op().send_stream()",
                attempts: 1,
                idempotent: false,
                answered: None,
            },
            secrets: Vec::new(),
        };
        (transport, Response::new(ByteStream::new(chunks), parts))
    }

    /// A body of `chunks`, each one ready at once.
    fn ready_chunks(chunks: Vec<Bytes>) -> Chunks {
        struct Ready(std::vec::IntoIter<Bytes>);
        impl Stream for Ready {
            type Item = reqwest::Result<Bytes>;
            fn poll_next(
                mut self: Pin<&mut Self>,
                _: &mut Context<'_>,
            ) -> Poll<Option<Self::Item>> {
                Poll::Ready(self.0.next().map(Ok))
            }
        }
        Box::pin(Ready(chunks.into_iter()))
    }

    #[tokio::test]
    async fn a_chunk_of_many_events_queues_a_slice_of_them_at_a_time() {
        let event = "data:1\n\n";
        let chunk = event.repeat(64 * 1024 / event.len());
        let count = 64 * 1024 / event.len();
        let mut events = events_of::<u32>(vec![Bytes::from(chunk)]);
        let mut read = 0;
        let mut most = 0;
        while let Some(item) = events.next().await {
            assert_eq!(item.unwrap(), 1);
            read += 1;
            most = most.max(events.events.len());
        }
        assert_eq!(read, count);
        assert!(
            most <= FEED_SLICE / event.len(),
            "{most} events were queued at once"
        );
        assert_eq!(events.end(), Some(StreamEnd::BodyEnded));
    }

    #[tokio::test]
    async fn a_chunk_of_many_lines_queues_a_slice_of_them_at_a_time() {
        let line = "1\n";
        let count = 64 * 1024 / line.len();
        let mut lines = lines_of::<u32>(vec![Bytes::from(line.repeat(count))]);
        let mut read = 0;
        let mut most = 0;
        while let Some(item) = lines.next().await {
            assert_eq!(item.unwrap(), 1);
            read += 1;
            most = most.max(lines.lines.len());
        }
        assert_eq!(read, count);
        assert!(
            most <= FEED_SLICE / line.len(),
            "{most} lines were queued at once"
        );
    }

    #[test]
    fn the_servers_errors_in_either_shape_and_nothing_else() {
        for (data, expected) in [
            (
                r#"{"type": "error", "code": "server_error", "message": "The model failed", "param": null}"#,
                Some("The model failed (code server_error)"),
            ),
            (
                r#"{"type":"error","message":"overloaded\n"}"#,
                Some("overloaded"),
            ),
            (
                r#"{"error": {"message": "bad key", "type": "auth", "code": 401}}"#,
                Some("bad key (code 401)"),
            ),
            // The responses API's other events, and data that has an
            // `error` without being one.
            (
                r#"{"type": "response.output_text.delta", "delta": "error"}"#,
                None,
            ),
            (r#"{"n": 1, "error": null}"#, None),
            (r#"{"n": 1, "error": "a column"}"#, None),
            (r#"{"n": 1, "error": {"code": 3}}"#, None),
            (r#"{"n": 1, "error": false}"#, None),
            ("[DONE]", None),
            (r#"{"error": "#, None),
        ] {
            assert_eq!(server_error(data).as_deref(), expected, "{data}");
        }
        // An error event without a message says what it was.
        assert_eq!(
            server_error(r#"{"type": "error", "code": "x"}"#).as_deref(),
            Some(r#"{"type": "error", "code": "x"} (code x)"#)
        );
    }
}
