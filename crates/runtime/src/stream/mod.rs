//! Responses read as they arrive: server-sent events, JSON Lines and bytes.
//!
//! A streaming operation's call ends when the response headers arrive (see
//! [`Transport::call`](crate::Transport::call)); its body is then read through one of these, each a
//! [`futures_core::Stream`] with bounded memory and an idle timeout:
//!
//! - [`EventStream`]: server-sent events (WHATWG framing, [`EventParser`]),
//!   each event's `data` decoded as JSON into `T`. It ends at OpenAI's
//!   `data: [DONE]`, and an event carrying an `error` object ends it with the
//!   SDK's [`Error`](crate::Error).
//! - [`JsonLines`]: one JSON value per line ([`LineSplitter`]), decoded into `T`.
//! - [`Download`]: the bytes, to write to a file as they come
//!   ([`Download::write_to`]) or to collect ([`Download::bytes`]).
//!
//! Each is read with `next().await` (no trait to import) or as a `Stream`,
//! and says how it ended ([`StreamEnd`]): at the server's `[DONE]`, at the
//! end of the body, or by an error. `items::<U>()` reads the items as the
//! caller's own type, and [`Download::json_lines`] reads a download's lines.
//!
//! The idle timeout counts from the last data: a keep-alive comment does not
//! reset it, and a stream that sends only keep-alives fails with
//! [`Error::Stream`](crate::Error::Stream) `{ idle: true, .. }`.

mod jsonl;
mod sse;
mod typed;

pub use jsonl::{LineSplitter, LineTooLong};
pub use sse::{Event, EventParser, EventTooLarge, DEFAULT_MAX_EVENT_SIZE, MAX_EVENT_ID};
pub use typed::{Download, EventStream, JsonLines, StreamEnd, MAX_LINE, MAX_STREAM_MESSAGE};
