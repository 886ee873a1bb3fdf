//! Incremental parser for `text/event-stream` response bodies.
//!
//! Streaming API endpoints answer with server-sent events, and the HTTP body
//! reaches the client in chunks whose boundaries fall anywhere: inside a line,
//! between the CR and LF of one line end, or inside a multi-byte UTF-8
//! character. [`EventParser`] accepts those chunks as they arrive and yields
//! each [`Event`] as soon as its terminating blank line has been seen,
//! following the WHATWG HTML "Interpreting an event stream" rules
//! (<https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation>).
//! It works on bytes rather than on a decoded string: every character that
//! delimits the format (CR, LF, `:`, space, NUL) is ASCII and can never occur
//! inside a multi-byte UTF-8 sequence, so lines can be cut out of the raw
//! bytes and decoded one at a time with exactly the result of decoding the
//! whole stream first. Memory is bounded by a per-event limit, because a
//! misbehaving server could otherwise make the client buffer without end.

use std::borrow::Cow;
use std::error::Error;
use std::fmt;
use std::mem;
use std::sync::Arc;

use memchr::{memchr, memchr2};

/// The limit [`EventParser::new`] puts on a single line and on one event's
/// data: 16 MiB.
pub const DEFAULT_MAX_EVENT_SIZE: usize = 16 * 1024 * 1024;

/// The longest event id kept, in bytes: 1 KiB. A longer `id` field is
/// ignored (the previous id stays, as for an id containing NUL), with a
/// debug trace: every later event carries the id, and a resuming client
/// sends it back in a header.
pub const MAX_EVENT_ID: usize = 1024;

/// The UTF-8 encoding of U+FEFF, which the format allows once at the start.
const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// How many bytes of line buffer are kept between streams; a larger buffer,
/// left by one unusually long line, is given back to the allocator by
/// [`EventParser::finish`] so a long-lived parser does not pin it.
const RETAINED_LINE_CAPACITY: usize = 64 * 1024;

/// One dispatched server-sent event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    /// The event type from the `event` field, or `None` when the event had no
    /// `event` field or an empty one; the spec calls such events `message`.
    pub event: Option<String>,
    /// The `data` field values of the event, joined with LF.
    pub data: String,
    /// The last event ID in effect when the event was dispatched. It persists
    /// across events until the server sends another `id`, as the spec
    /// requires; `None` if the stream has never set it. An `id` field with an
    /// empty value resets it to `Some("")`, which tells a reconnecting client
    /// to send no `Last-Event-ID` header. The events that carry one id share
    /// it (one allocation, not a copy each), and an id longer than
    /// [`MAX_EVENT_ID`] bytes is ignored.
    pub id: Option<Arc<str>>,
    /// The reconnection time in milliseconds in effect when the event was
    /// dispatched, from the most recent valid `retry` field. Like `id` it
    /// persists across events, because the spec makes it a property of the
    /// stream rather than of one event; `None` if the stream has never set it.
    pub retry: Option<u64>,
}

/// The error [`EventParser::feed`] returns when a single line, or the data of
/// a single event, exceeds the parser's size limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTooLarge {
    limit: usize,
}

impl EventTooLarge {
    /// The limit, in bytes, that the event exceeded.
    pub fn limit(&self) -> usize {
        self.limit
    }
}

impl fmt::Display for EventTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an event of more than {} bytes", self.limit)
    }
}

impl Error for EventTooLarge {}

/// An incremental server-sent-events parser: feed it the body's chunks in
/// order and it appends each complete [`Event`] to a caller-supplied vector.
///
/// The size limit applies to each line (without its line end) and to the data
/// of each event (its `data` values joined with LF, after decoding). A stream
/// that exceeds it makes [`feed`](Self::feed) fail; the parser then refuses
/// further input until [`finish`](Self::finish), because the rest of an
/// oversized event cannot be told apart from the start of the next one
/// without buffering it.
///
/// ```
/// use nebius_tokenfactory_runtime::stream::EventParser;
///
/// let mut parser = EventParser::new();
/// let mut events = Vec::new();
/// parser.feed(b"event: delta\ndata: {\"text\":", &mut events)?;
/// assert!(events.is_empty());
/// parser.feed(b"\"hi\"}\n\ndata: [DONE]\n\n", &mut events)?;
/// assert_eq!(events[0].event.as_deref(), Some("delta"));
/// assert_eq!(events[0].data, r#"{"text":"hi"}"#);
/// assert_eq!(events[1].data, "[DONE]");
/// assert!(!parser.finish());
/// # Ok::<(), nebius_tokenfactory_runtime::stream::EventTooLarge>(())
/// ```
#[derive(Debug)]
pub struct EventParser {
    max_event_size: usize,
    /// The start of a line whose line end has not arrived yet, as raw bytes so
    /// that a character split across chunks is decoded only once it is whole.
    line: Vec<u8>,
    /// `Some(n)` while the stream is still at its start, `n` being the BOM
    /// bytes seen and held back so far, since a chunk boundary can fall inside
    /// the BOM; `None` once past the start.
    bom_seen: Option<usize>,
    /// Set when a chunk ended in CR, so an LF opening the next chunk completes
    /// that CRLF instead of ending an empty line.
    skip_lf: bool,
    data: String,
    event_type: String,
    last_event_id: Option<Arc<str>>,
    retry: Option<u64>,
    failed: bool,
}

impl Default for EventParser {
    fn default() -> Self {
        Self::new()
    }
}

impl EventParser {
    /// Creates a parser for a new stream, with the [`DEFAULT_MAX_EVENT_SIZE`]
    /// limit.
    pub fn new() -> Self {
        Self::with_max_event_size(DEFAULT_MAX_EVENT_SIZE)
    }

    /// Creates a parser for a new stream that rejects any line, or any
    /// event's data, longer than `max_event_size` bytes.
    pub fn with_max_event_size(max_event_size: usize) -> Self {
        Self {
            max_event_size,
            line: Vec::new(),
            bom_seen: Some(0),
            skip_lf: false,
            data: String::new(),
            event_type: String::new(),
            last_event_id: None,
            retry: None,
            failed: false,
        }
    }

    /// The last event ID set by the stream so far, including by events that
    /// were never dispatched because they had no data. This is the value to
    /// send as `Last-Event-ID` when reconnecting (unless it is empty).
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_event_id.as_deref()
    }

    /// The reconnection time in milliseconds set by the stream so far,
    /// including by a `retry` field in an event that was never dispatched.
    pub fn retry(&self) -> Option<u64> {
        self.retry
    }

    /// Feeds one chunk; appends every event completed by it to `out`.
    ///
    /// # Errors
    ///
    /// Returns [`EventTooLarge`] if a line or an event's data exceeds the size
    /// limit. Events completed earlier in the same chunk have already been
    /// appended to `out`; the parser rejects all input after the error until
    /// [`finish`](Self::finish) is called.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<Event>) -> Result<(), EventTooLarge> {
        if self.failed {
            return Err(self.too_large());
        }
        let result = self.feed_chunk(chunk, out);
        if result.is_err() {
            self.failed = true;
            // The parser is unusable until `finish`, so release what the
            // oversized event accumulated rather than keeping it alive.
            self.line = Vec::new();
            self.data = String::new();
            self.event_type = String::new();
        }
        result
    }

    /// Ends the stream. Returns true if an unterminated event or partial line
    /// was discarded.
    ///
    /// The spec drops whatever follows the last blank line, so a stream cut
    /// off mid-event loses that event; the return value lets callers log it.
    /// An event that would not have been dispatched anyway (it had no `data`
    /// field) does not count. A stream that failed with [`EventTooLarge`]
    /// counts as discarding the oversized event.
    ///
    /// The parser is then ready for a new stream, such as a reconnection. The
    /// last event ID and the reconnection time are kept, since the spec ties
    /// them to the event source rather than to one response.
    pub fn finish(&mut self) -> bool {
        let discarded = self.failed
            || !self.line.is_empty()
            || !self.data.is_empty()
            || self.bom_seen.is_some_and(|seen| seen > 0);
        self.line.clear();
        self.line.shrink_to(RETAINED_LINE_CAPACITY);
        self.data.clear();
        self.event_type.clear();
        self.bom_seen = Some(0);
        self.skip_lf = false;
        self.failed = false;
        discarded
    }

    fn too_large(&self) -> EventTooLarge {
        EventTooLarge {
            limit: self.max_event_size,
        }
    }

    fn feed_chunk(&mut self, chunk: &[u8], out: &mut Vec<Event>) -> Result<(), EventTooLarge> {
        let mut rest = chunk;
        if let Some(seen) = self.bom_seen {
            rest = self.skip_bom(seen, rest);
        }
        if self.skip_lf {
            if let Some(&first) = rest.first() {
                self.skip_lf = false;
                if first == b'\n' {
                    rest = &rest[1..];
                }
            }
        }
        while let Some(end) = memchr2(b'\n', b'\r', rest) {
            let mut next = end + 1;
            if rest[end] == b'\r' {
                match rest.get(next) {
                    Some(b'\n') => next += 1,
                    Some(_) => {}
                    None => self.skip_lf = true,
                }
            }
            if self.line.is_empty() {
                // The common case: the whole line is inside this chunk and is
                // parsed in place, without copying it.
                self.process_line(&rest[..end], out)?;
            } else {
                self.extend_line(&rest[..end])?;
                let line = mem::take(&mut self.line);
                let result = self.process_line(&line, out);
                self.line = line;
                self.line.clear();
                result?;
            }
            rest = &rest[next..];
        }
        if !rest.is_empty() {
            self.extend_line(rest)?;
        }
        Ok(())
    }

    /// Consumes a leading BOM, or the part of it that this chunk holds, and
    /// returns the rest of the chunk.
    fn skip_bom<'a>(&mut self, mut seen: usize, chunk: &'a [u8]) -> &'a [u8] {
        let mut taken = 0;
        while seen < BOM.len() && taken < chunk.len() && chunk[taken] == BOM[seen] {
            seen += 1;
            taken += 1;
        }
        if seen == BOM.len() {
            self.bom_seen = None;
        } else if taken == chunk.len() {
            // Every byte so far could still be the start of a BOM.
            self.bom_seen = Some(seen);
        } else {
            // Not a BOM after all: the bytes held back are ordinary text and
            // start the first line. They contain no line end, so they belong
            // in the partial line buffer.
            self.bom_seen = None;
            self.line.extend_from_slice(&BOM[..seen]);
        }
        &chunk[taken..]
    }

    fn extend_line(&mut self, bytes: &[u8]) -> Result<(), EventTooLarge> {
        if self.line.len() + bytes.len() > self.max_event_size {
            return Err(self.too_large());
        }
        self.line.extend_from_slice(bytes);
        Ok(())
    }

    fn process_line(&mut self, line: &[u8], out: &mut Vec<Event>) -> Result<(), EventTooLarge> {
        if line.len() > self.max_event_size {
            return Err(self.too_large());
        }
        let (name, value) = match line.first() {
            None => {
                self.dispatch(out);
                return Ok(());
            }
            Some(b':') => return Ok(()),
            Some(_) => match memchr(b':', line) {
                Some(colon) => {
                    let value = &line[colon + 1..];
                    (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
                }
                None => (line, &b""[..]),
            },
        };
        // Comparing raw bytes is equivalent to comparing decoded names: an
        // invalid sequence decodes to U+FFFD, which no known name contains.
        match name {
            b"data" => {
                let value = decode(value);
                // The buffer already ends with the LF that will separate this
                // value from the previous one, so this is the data's length
                // once the final LF is removed at dispatch.
                if self.data.len() + value.len() > self.max_event_size {
                    return Err(self.too_large());
                }
                // On an empty buffer this reserves exactly, so the common
                // single-line event costs one allocation, which dispatch then
                // hands over to the event instead of copying.
                self.data.reserve(value.len() + 1);
                self.data.push_str(&value);
                self.data.push('\n');
            }
            b"event" => {
                self.event_type.clear();
                self.event_type.push_str(&decode(value));
            }
            // An ID containing NUL is ignored, keeping the previous one;
            // so is one too long to carry on every later event.
            b"id" if value.len() > MAX_EVENT_ID => {
                tracing::debug!(
                    length = value.len(),
                    "an event id longer than {MAX_EVENT_ID} bytes is ignored"
                );
            }
            b"id" if memchr(0, value).is_none() => {
                let value = decode(value);
                if self.last_event_id.as_deref() != Some(&*value) {
                    self.last_event_id = Some(Arc::from(&*value));
                }
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                self.retry = Some(parse_decimal_saturating(value));
            }
            // Unknown fields, and `id` and `retry` values the spec rejects,
            // are ignored.
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self, out: &mut Vec<Event>) {
        if self.data.is_empty() {
            self.event_type.clear();
            return;
        }
        let mut data = mem::take(&mut self.data);
        // Every data line appends an LF, so the buffer always ends with one.
        let removed = data.pop();
        debug_assert_eq!(removed, Some('\n'));
        let event = if self.event_type.is_empty() {
            None
        } else {
            Some(mem::take(&mut self.event_type))
        };
        out.push(Event {
            event,
            data,
            id: self.last_event_id.clone(),
            retry: self.retry,
        });
    }
}

/// Decodes UTF-8, replacing invalid sequences with U+FFFD.
fn decode(bytes: &[u8]) -> Cow<'_, str> {
    // `str::from_utf8` validates ASCII a word at a time, which is much faster
    // than the lossy decoder's byte-at-a-time loop on the expected valid input.
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Parses a string of ASCII digits. A value beyond `u64::MAX` milliseconds
/// (half a billion years) saturates: the server asked for a longer delay than
/// can be represented, and the longest one is the closest honest answer.
fn parse_decimal_saturating(digits: &[u8]) -> u64 {
    digits
        .iter()
        .try_fold(0u64, |acc, &digit| {
            acc.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
        })
        .unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_chunks(chunks: &[&[u8]]) -> (Vec<Event>, bool) {
        let mut parser = EventParser::new();
        let mut events = Vec::new();
        for chunk in chunks {
            parser
                .feed(chunk, &mut events)
                .expect("within the size limit");
        }
        let discarded = parser.finish();
        (events, discarded)
    }

    fn parse(input: &str) -> Vec<Event> {
        let (events, discarded) = parse_chunks(&[input.as_bytes()]);
        assert!(!discarded, "{input:?} should end on an event boundary");
        events
    }

    fn message(data: &str) -> Event {
        Event {
            data: data.to_owned(),
            ..Event::default()
        }
    }

    #[test]
    fn a_data_line_followed_by_a_blank_line_dispatches_a_message() {
        assert_eq!(parse("data: hello\n\n"), vec![message("hello")]);
    }

    #[test]
    fn multiple_data_lines_are_joined_with_line_feeds() {
        assert_eq!(
            parse("data: YHOO\ndata: +2\ndata: 10\n\n"),
            vec![message("YHOO\n+2\n10")]
        );
    }

    #[test]
    fn each_blank_line_ends_one_event() {
        assert_eq!(
            parse("data: first\n\ndata: second\n\n"),
            vec![message("first"), message("second")]
        );
    }

    #[test]
    fn a_comment_line_produces_no_event() {
        assert_eq!(parse(": this is a comment\n\n"), vec![]);
    }

    #[test]
    fn keep_alive_comments_between_events_are_ignored() {
        assert_eq!(
            parse(": keep-alive\n\ndata: a\n: inside an event\ndata: b\n\n:\n\n"),
            vec![message("a\nb")]
        );
    }

    #[test]
    fn the_event_field_sets_the_event_type() {
        assert_eq!(
            parse("event: add\ndata: 73857293\n\n"),
            vec![Event {
                event: Some("add".to_owned()),
                data: "73857293".to_owned(),
                ..Event::default()
            }]
        );
    }

    #[test]
    fn the_event_type_applies_only_to_the_event_it_appears_in() {
        let events = parse("event: add\ndata: 1\n\ndata: 2\n\n");
        assert_eq!(events[0].event.as_deref(), Some("add"));
        assert_eq!(events[1].event, None);
    }

    #[test]
    fn an_empty_event_field_leaves_the_event_a_message() {
        assert_eq!(parse("event:\ndata: x\n\n"), vec![message("x")]);
    }

    #[test]
    fn a_later_event_field_replaces_an_earlier_one() {
        let events = parse("event: a\nevent: b\ndata: x\n\n");
        assert_eq!(events[0].event.as_deref(), Some("b"));
    }

    #[test]
    fn a_blank_line_with_no_data_dispatches_nothing_and_forgets_the_event_type() {
        assert_eq!(parse("event: orphan\n\ndata: x\n\n"), vec![message("x")]);
    }

    #[test]
    fn the_id_field_sets_the_id_of_the_event() {
        let events = parse("id: 42\ndata: x\n\n");
        assert_eq!(events[0].id.as_deref(), Some("42"));
    }

    #[test]
    fn the_last_event_id_persists_across_later_events() {
        let events = parse("id: 1\ndata: a\n\ndata: b\n\nid: 2\ndata: c\n\n");
        let ids: Vec<_> = events.iter().map(|e| e.id.as_deref()).collect();
        assert_eq!(ids, [Some("1"), Some("1"), Some("2")]);
    }

    #[test]
    fn an_id_in_an_event_without_data_still_applies_to_later_events() {
        let mut parser = EventParser::new();
        let mut events = Vec::new();
        parser.feed(b"id: 7\n\ndata: x\n\n", &mut events).unwrap();
        assert_eq!(events[0].id.as_deref(), Some("7"));
        assert_eq!(parser.last_event_id(), Some("7"));
    }

    #[test]
    fn an_id_field_after_the_data_still_applies_to_that_event() {
        let events = parse("data: x\nid: late\n\n");
        assert_eq!(events[0].id.as_deref(), Some("late"));
    }

    #[test]
    fn an_empty_id_field_resets_the_last_event_id_to_empty() {
        let events = parse("id: 1\ndata: a\n\nid\ndata: b\n\n");
        assert_eq!(events[0].id.as_deref(), Some("1"));
        assert_eq!(events[1].id.as_deref(), Some(""));
    }

    #[test]
    fn an_id_containing_nul_is_ignored() {
        let events = parse("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n");
        assert_eq!(events[1].id.as_deref(), Some("1"));
    }

    #[test]
    fn the_events_of_one_id_share_it() {
        let events = parse("id: 1\ndata: a\n\ndata: b\n\nid: 1\ndata: c\n\n");
        let ids: Vec<_> = events.iter().map(|e| e.id.clone().unwrap()).collect();
        assert!(Arc::ptr_eq(&ids[0], &ids[1]) && Arc::ptr_eq(&ids[1], &ids[2]));
    }

    #[test]
    fn an_id_longer_than_the_bound_is_ignored() {
        let kept = "k".repeat(MAX_EVENT_ID);
        let long = "x".repeat(MAX_EVENT_ID + 1);
        let mut parser = EventParser::new();
        let mut events = Vec::new();
        let input = format!("id: {kept}\ndata: a\n\nid: {long}\ndata: b\n\n");
        parser.feed(input.as_bytes(), &mut events).unwrap();
        assert_eq!(events[0].id.as_deref(), Some(&*kept));
        assert_eq!(events[1].id.as_deref(), Some(&*kept));
        assert_eq!(parser.last_event_id(), Some(&*kept));
    }

    #[test]
    fn the_id_is_none_when_the_stream_never_set_one() {
        assert_eq!(parse("data: x\n\n")[0].id, None);
    }

    #[test]
    fn a_retry_of_ascii_digits_sets_the_reconnection_time() {
        let events = parse("retry: 3000\ndata: x\n\n");
        assert_eq!(events[0].retry, Some(3000));
    }

    #[test]
    fn the_reconnection_time_persists_and_is_readable_without_an_event() {
        let mut parser = EventParser::new();
        let mut events = Vec::new();
        parser
            .feed(b"retry: 10\n\ndata: x\n\n", &mut events)
            .unwrap();
        assert_eq!(parser.retry(), Some(10));
        assert_eq!(events[0].retry, Some(10));
    }

    #[test]
    fn a_retry_with_anything_but_ascii_digits_is_ignored() {
        for line in [
            "retry: 12a",
            "retry: -1",
            "retry: +12",
            "retry:  12",
            "retry: 1.5",
            "retry: ١٢",
            "retry:",
            "retry",
        ] {
            let input = format!("retry: 5\n{line}\ndata: x\n\n");
            assert_eq!(parse(&input)[0].retry, Some(5), "{line:?}");
        }
    }

    #[test]
    fn a_retry_too_large_for_u64_saturates() {
        let events = parse("retry: 99999999999999999999999\ndata: x\n\n");
        assert_eq!(events[0].retry, Some(u64::MAX));
    }

    #[test]
    fn unknown_fields_are_ignored() {
        assert_eq!(
            parse("foo: bar\nData: no\ndata: yes\n\n"),
            vec![message("yes")]
        );
    }

    #[test]
    fn a_data_line_with_no_colon_appends_an_empty_value() {
        assert_eq!(parse("data\n\n"), vec![message("")]);
        assert_eq!(parse("data\ndata\n\n"), vec![message("\n")]);
    }

    #[test]
    fn a_data_colon_with_no_value_appends_an_empty_value() {
        assert_eq!(parse("data:\n\n"), vec![message("")]);
    }

    #[test]
    fn only_one_space_after_the_colon_is_removed() {
        assert_eq!(
            parse("data:test\n\ndata: test\n\ndata:  test\n\n"),
            vec![message("test"), message("test"), message(" test")]
        );
    }

    #[test]
    fn only_the_first_colon_separates_name_and_value() {
        assert_eq!(parse("data: a:b: c\n\n"), vec![message("a:b: c")]);
    }

    #[test]
    fn lf_cr_and_crlf_all_end_lines() {
        let expected = vec![message("a\nb"), message("c")];
        assert_eq!(parse("data: a\ndata: b\n\ndata: c\n\n"), expected);
        assert_eq!(parse("data: a\rdata: b\r\rdata: c\r\r"), expected);
        assert_eq!(parse("data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n"), expected);
        assert_eq!(parse("data: a\rdata: b\r\n\ndata: c\n\r"), expected);
    }

    #[test]
    fn a_cr_split_from_its_lf_across_chunks_is_one_line_end() {
        let (events, _) = parse_chunks(&[b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"]);
        assert_eq!(events, vec![message("a\nb")]);
    }

    #[test]
    fn a_cr_at_the_end_of_a_chunk_followed_by_another_cr_ends_two_lines() {
        let (events, _) = parse_chunks(&[b"data: a\r", b"\rdata: b\n\n"]);
        assert_eq!(events, vec![message("a"), message("b")]);
    }

    #[test]
    fn an_empty_chunk_between_cr_and_lf_does_not_split_the_line_end() {
        let (events, _) = parse_chunks(&[b"data: a\r", b"", b"\ndata: b\n\n"]);
        assert_eq!(events, vec![message("a\nb")]);
    }

    #[test]
    fn a_stream_ending_with_a_lone_cr_dispatches_the_final_event() {
        let (events, discarded) = parse_chunks(&[b"data: a\r\r"]);
        assert_eq!(events, vec![message("a")]);
        assert!(!discarded);
    }

    #[test]
    fn a_leading_bom_is_skipped() {
        assert_eq!(parse("\u{FEFF}data: x\n\n"), vec![message("x")]);
    }

    #[test]
    fn a_bom_split_across_chunks_is_skipped() {
        for split in 1..3 {
            let (events, _) = parse_chunks(&[&BOM[..split], &BOM[split..], b"data: x\n\n"]);
            assert_eq!(events, vec![message("x")], "split after {split} bytes");
        }
        let (events, _) = parse_chunks(&[&BOM[..1], &BOM[1..2], &BOM[2..], b"data: x\n\n"]);
        assert_eq!(events, vec![message("x")]);
    }

    #[test]
    fn only_one_leading_bom_is_skipped() {
        // The second BOM becomes part of the field name, so the field is
        // unknown and the event has no data.
        assert_eq!(parse("\u{FEFF}\u{FEFF}data: x\n\n"), vec![]);
    }

    #[test]
    fn a_bom_after_the_start_of_the_stream_is_kept() {
        assert_eq!(parse("data: \u{FEFF}x\n\n"), vec![message("\u{FEFF}x")]);
        let (events, _) = parse_chunks(&[b"data: a\n\n", "\u{FEFF}data: b\n\n".as_bytes()]);
        assert_eq!(events, vec![message("a")]);
    }

    #[test]
    fn a_partial_bom_prefix_is_treated_as_text() {
        // EF BB followed by something else is not a BOM: the two bytes are an
        // invalid sequence that decodes to one replacement character.
        let (events, _) = parse_chunks(&[&BOM[..2], b"\ndata: x\n\n"]);
        assert_eq!(events, vec![message("x")]);
        let (events, _) = parse_chunks(&[&[0xEF, 0xBB], b"data: x\n\n"]);
        assert_eq!(events, vec![]);
    }

    #[test]
    fn a_lone_first_bom_byte_turns_a_following_comment_into_an_unknown_field() {
        let mut parser = EventParser::new();
        let mut events = Vec::new();
        parser.feed(&[0xEF], &mut events).unwrap();
        parser.feed(b":x\ndata: y\n\n", &mut events).unwrap();
        // EF ":x" is a field named U+FFFD, not a comment, so it is ignored.
        assert_eq!(events, vec![message("y")]);
    }

    #[test]
    fn an_event_split_across_chunks_at_every_byte_is_parsed_the_same() {
        let input = "event: e\nid: 1\ndata: h\u{e9}llo \u{1F600}\r\ndata: two\r\r".as_bytes();
        let expected = parse(std::str::from_utf8(input).unwrap());
        for split in 0..=input.len() {
            let (events, _) = parse_chunks(&[&input[..split], &input[split..]]);
            assert_eq!(events, expected, "split at {split}");
        }
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(parse_chunks(&bytes).0, expected);
    }

    #[test]
    fn a_multi_byte_character_split_across_chunks_decodes_correctly() {
        let euro = "\u{20AC}".as_bytes();
        let (events, _) = parse_chunks(&[b"data: ", &euro[..1], &euro[1..2], &euro[2..], b"\n\n"]);
        assert_eq!(events, vec![message("\u{20AC}")]);
    }

    #[test]
    fn invalid_utf8_is_replaced_with_the_replacement_character() {
        let (events, _) = parse_chunks(&[b"data: a\xFFb\xE2\x82\n\n"]);
        assert_eq!(events, vec![message("a\u{FFFD}b\u{FFFD}")]);
    }

    #[test]
    fn a_nul_in_data_is_kept() {
        assert_eq!(parse("data: a\0b\n\n"), vec![message("a\0b")]);
    }

    #[test]
    fn an_unterminated_event_is_discarded_at_finish() {
        let (events, discarded) = parse_chunks(&[b"data: complete\n\ndata: partial\n"]);
        assert_eq!(events, vec![message("complete")]);
        assert!(discarded);
    }

    #[test]
    fn a_partial_line_is_discarded_at_finish() {
        let (events, discarded) = parse_chunks(&[b"data: complete\n\ndata: partial"]);
        assert_eq!(events, vec![message("complete")]);
        assert!(discarded);
    }

    #[test]
    fn finish_reports_nothing_discarded_after_a_clean_end() {
        assert!(!parse_chunks(&[b"data: a\n\n"]).1);
        assert!(!parse_chunks(&[b""]).1);
        assert!(!parse_chunks(&[b": comment\n"]).1);
    }

    #[test]
    fn finish_does_not_count_an_event_that_could_never_dispatch() {
        assert!(!parse_chunks(&[b"event: x\nid: 3\nretry: 5\n"]).1);
    }

    #[test]
    fn finish_counts_a_held_back_bom_prefix_as_discarded() {
        assert!(parse_chunks(&[&BOM[..2]]).1);
        assert!(!parse_chunks(&[&BOM]).1);
    }

    #[test]
    fn finish_prepares_the_parser_for_a_new_stream_but_keeps_id_and_retry() {
        let mut parser = EventParser::new();
        let mut events = Vec::new();
        parser
            .feed(b"id: 9\nretry: 100\ndata: a\n\ndata: lost", &mut events)
            .unwrap();
        assert!(parser.finish());
        parser
            .feed("\u{FEFF}data: b\n\n".as_bytes(), &mut events)
            .unwrap();
        assert!(!parser.finish());
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].data, "b");
        assert_eq!(events[1].id.as_deref(), Some("9"));
        assert_eq!(events[1].retry, Some(100));
    }

    #[test]
    fn an_openai_done_sentinel_is_an_ordinary_event() {
        assert_eq!(
            parse("data: {\"choices\":[]}\n\ndata: [DONE]\n\n"),
            vec![message("{\"choices\":[]}"), message("[DONE]")]
        );
    }

    #[test]
    fn the_spec_example_with_comments_ids_and_spaces_parses_as_documented() {
        let events = parse(
            ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n\n",
        );
        assert_eq!(
            events,
            vec![
                Event {
                    data: "first event".to_owned(),
                    id: Some("1".into()),
                    ..Event::default()
                },
                Event {
                    data: "second event".to_owned(),
                    id: Some("".into()),
                    ..Event::default()
                },
                Event {
                    data: " third event".to_owned(),
                    id: Some("".into()),
                    ..Event::default()
                },
            ]
        );
    }

    #[test]
    fn a_line_longer_than_the_limit_is_an_error() {
        let mut parser = EventParser::with_max_event_size(8);
        let mut events = Vec::new();
        assert_eq!(
            parser.feed(b": 12345678\n", &mut events),
            Err(EventTooLarge { limit: 8 })
        );
    }

    #[test]
    fn a_line_at_the_limit_is_accepted() {
        let mut parser = EventParser::with_max_event_size(8);
        let mut events = Vec::new();
        parser.feed(b"data: ab\n\n", &mut events).unwrap();
        assert_eq!(events, vec![message("ab")]);
    }

    #[test]
    fn a_partial_line_longer_than_the_limit_is_an_error_before_its_end_arrives() {
        let mut parser = EventParser::with_max_event_size(8);
        let mut events = Vec::new();
        parser.feed(b"data: ab", &mut events).unwrap();
        assert!(parser.feed(b"c", &mut events).is_err());
    }

    #[test]
    fn event_data_longer_than_the_limit_is_an_error_even_when_each_line_fits() {
        let mut parser = EventParser::with_max_event_size(10);
        let mut events = Vec::new();
        parser
            .feed(b"data: 1234\ndata: 123\n", &mut events)
            .unwrap();
        assert!(parser.feed(b"data: 12\n", &mut events).is_err());
    }

    #[test]
    fn after_an_error_the_parser_rejects_input_until_finish() {
        let mut parser = EventParser::with_max_event_size(8);
        let mut events = Vec::new();
        let err = parser
            .feed(b"data: 1\n\ndata: 12345\n\n", &mut events)
            .unwrap_err();
        assert_eq!(events, vec![message("1")]);
        assert_eq!(err.limit(), 8);
        assert_eq!(parser.feed(b"data: 2\n\n", &mut events), Err(err));
        assert!(parser.finish());
        parser.feed(b"data: 3\n\n", &mut events).unwrap();
        assert_eq!(events, vec![message("1"), message("3")]);
    }

    #[test]
    fn the_size_error_message_names_the_limit() {
        assert_eq!(
            EventTooLarge { limit: 16 }.to_string(),
            "an event of more than 16 bytes"
        );
    }

    #[test]
    fn the_default_parser_has_the_default_limit() {
        assert_eq!(
            EventParser::default().max_event_size,
            DEFAULT_MAX_EVENT_SIZE
        );
    }
}
