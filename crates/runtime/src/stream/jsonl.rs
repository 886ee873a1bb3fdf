//! Incremental splitter for JSON Lines / NDJSON response bodies.
//!
//! Some streaming endpoints send one JSON document per line instead of
//! server-sent events. The body arrives in chunks that need not end on a line
//! boundary, so [`LineSplitter`] reassembles whole lines before they reach the
//! JSON parser. Lines that lie inside one chunk are returned as slices of that
//! chunk's [`Bytes`], so the common case copies nothing; only a line that
//! straddles chunks is copied once. A line limit keeps a server that never
//! sends a newline from making the client buffer without end.

use std::error::Error;
use std::fmt;
use std::mem;

use bytes::{Bytes, BytesMut};
use memchr::memchr;

/// The error [`LineSplitter::feed`] returns when a line exceeds the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineTooLong {
    max_line: usize,
}

impl LineTooLong {
    /// The limit, in bytes, that the line exceeded.
    pub fn max_line(&self) -> usize {
        self.max_line
    }
}

impl fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a line of more than {} bytes", self.max_line)
    }
}

impl Error for LineTooLong {}

/// Splits a chunked byte stream into lines ended by LF or CRLF, skipping
/// blank lines.
///
/// A lone CR is not a line end (JSON Lines only uses LF), but one CR directly
/// before the LF is removed, as is one CR at the very end of the input. A line
/// is blank when it holds only JSON whitespace (space, tab, CR, LF).
///
/// The limit counts the bytes of a line without its line end. A line is
/// checked against it before it is tested for being blank, so a too-long run
/// of whitespace is an error too: it cannot be told apart from the start of a
/// too-long document until its end arrives.
///
/// ```
/// use bytes::Bytes;
/// use nebius_tokenfactory_runtime::stream::LineSplitter;
///
/// let mut splitter = LineSplitter::new(1 << 20);
/// let mut lines = Vec::new();
/// splitter.feed(Bytes::from_static(b"{\"a\":1}\r\n\n{\"b\""), &mut lines)?;
/// splitter.feed(Bytes::from_static(b":2}"), &mut lines)?;
/// assert_eq!(lines, [Bytes::from_static(b"{\"a\":1}")]);
/// assert_eq!(splitter.finish(), Some(Bytes::from_static(b"{\"b\":2}")));
/// # Ok::<(), nebius_tokenfactory_runtime::stream::LineTooLong>(())
/// ```
#[derive(Debug)]
pub struct LineSplitter {
    max_line: usize,
    partial: Partial,
    failed: bool,
}

/// The start of a line whose LF has not arrived yet.
#[derive(Debug, Default)]
enum Partial {
    #[default]
    Empty,
    /// The tail of a single chunk, kept as a slice of it: if the next chunk
    /// starts with the LF, the line is returned without ever being copied.
    /// This keeps the chunk's buffer alive until the line ends, which costs at
    /// most one chunk of memory.
    Shared(Bytes),
    /// Bytes gathered from two or more chunks.
    Owned(BytesMut),
}

impl Partial {
    fn len(&self) -> usize {
        match self {
            Partial::Empty => 0,
            Partial::Shared(bytes) => bytes.len(),
            Partial::Owned(bytes) => bytes.len(),
        }
    }
}

impl LineSplitter {
    /// Creates a splitter that rejects lines longer than `max_line` bytes.
    pub fn new(max_line: usize) -> Self {
        Self {
            max_line,
            partial: Partial::Empty,
            failed: false,
        }
    }

    /// Feeds a chunk, appending each complete line (without its LF or CRLF)
    /// to `out`. Empty and whitespace-only lines are skipped.
    ///
    /// # Errors
    ///
    /// Returns [`LineTooLong`] as soon as a line is known to be longer than
    /// the limit, possibly before its end has arrived. Lines before it have
    /// already been appended to `out`; the splitter rejects all input after
    /// the error until [`finish`](Self::finish) is called, since the rest of
    /// the stream is no longer trustworthy.
    pub fn feed(&mut self, chunk: Bytes, out: &mut Vec<Bytes>) -> Result<(), LineTooLong> {
        if self.failed {
            return Err(self.too_long());
        }
        let result = self.feed_chunk(chunk, out);
        if result.is_err() {
            self.failed = true;
            self.partial = Partial::Empty;
        }
        result
    }

    /// End of input: returns the last line if it had no trailing newline (and
    /// is not blank). The splitter is then ready for a new stream.
    pub fn finish(&mut self) -> Option<Bytes> {
        let partial = mem::take(&mut self.partial);
        if mem::replace(&mut self.failed, false) {
            return None;
        }
        let line = match partial {
            Partial::Empty => return None,
            Partial::Shared(bytes) => bytes,
            Partial::Owned(bytes) => bytes.freeze(),
        };
        // `feed` has already checked the length, and CR is whitespace.
        let line = strip_cr(line);
        (!is_blank(&line)).then_some(line)
    }

    fn too_long(&self) -> LineTooLong {
        LineTooLong {
            max_line: self.max_line,
        }
    }

    fn feed_chunk(&mut self, chunk: Bytes, out: &mut Vec<Bytes>) -> Result<(), LineTooLong> {
        let mut start = 0;
        while let Some(offset) = memchr(b'\n', &chunk[start..]) {
            let end = start + offset;
            let line = match mem::take(&mut self.partial) {
                Partial::Empty => chunk.slice(start..end),
                Partial::Shared(head) if end == start => head,
                partial => {
                    let tail = &chunk[start..end];
                    // Refuse before copying, so the copy stays bounded; the
                    // extra byte allows for a CR that `emit` will strip.
                    if partial.len() + tail.len() > self.max_line.saturating_add(1) {
                        return Err(self.too_long());
                    }
                    let mut joined = match partial {
                        Partial::Owned(bytes) => bytes,
                        Partial::Shared(head) => {
                            let mut joined = BytesMut::with_capacity(head.len() + tail.len());
                            joined.extend_from_slice(&head);
                            joined
                        }
                        Partial::Empty => unreachable!("handled by the first arm"),
                    };
                    joined.extend_from_slice(tail);
                    joined.freeze()
                }
            };
            self.emit(line, out)?;
            start = end + 1;
        }
        if start < chunk.len() {
            self.hold(chunk.slice(start..))?;
        }
        Ok(())
    }

    /// Keeps the start of an unfinished line.
    fn hold(&mut self, tail: Bytes) -> Result<(), LineTooLong> {
        let held = self.partial.len() + tail.len();
        // The held bytes are all part of the line except possibly a final CR
        // that an LF in the next chunk will turn into a line end; anything
        // beyond that is certain to be too long already.
        let last_is_cr = tail.last() == Some(&b'\r');
        if held - usize::from(last_is_cr) > self.max_line {
            return Err(self.too_long());
        }
        self.partial = match mem::take(&mut self.partial) {
            Partial::Empty => Partial::Shared(tail),
            Partial::Shared(head) => {
                let mut joined = BytesMut::with_capacity(held);
                joined.extend_from_slice(&head);
                joined.extend_from_slice(&tail);
                Partial::Owned(joined)
            }
            Partial::Owned(mut joined) => {
                joined.extend_from_slice(&tail);
                Partial::Owned(joined)
            }
        };
        Ok(())
    }

    fn emit(&self, line: Bytes, out: &mut Vec<Bytes>) -> Result<(), LineTooLong> {
        let line = strip_cr(line);
        if line.len() > self.max_line {
            return Err(self.too_long());
        }
        if !is_blank(&line) {
            out.push(line);
        }
        Ok(())
    }
}

fn strip_cr(mut line: Bytes) -> Bytes {
    if line.last() == Some(&b'\r') {
        line.truncate(line.len() - 1);
    }
    line
}

/// Whether the line holds only JSON's insignificant whitespace. A document
/// line fails on its first byte, so this rarely looks further.
fn is_blank(line: &[u8]) -> bool {
    line.iter()
        .all(|byte| matches!(byte, b' ' | b'\t' | b'\r' | b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(max_line: usize, chunks: &[&[u8]]) -> Result<Vec<Bytes>, LineTooLong> {
        let mut splitter = LineSplitter::new(max_line);
        let mut lines = Vec::new();
        for chunk in chunks {
            splitter.feed(Bytes::copy_from_slice(chunk), &mut lines)?;
        }
        lines.extend(splitter.finish());
        Ok(lines)
    }

    fn lines(chunks: &[&[u8]]) -> Vec<Bytes> {
        split(1024, chunks).expect("lines within the limit")
    }

    #[test]
    fn lf_separates_lines() {
        assert_eq!(
            lines(&[b"{\"a\":1}\n{\"b\":2}\n"]),
            [&b"{\"a\":1}"[..], b"{\"b\":2}"]
        );
    }

    #[test]
    fn crlf_separates_lines_and_the_cr_is_removed() {
        assert_eq!(lines(&[b"1\r\n2\r\n"]), [&b"1"[..], b"2"]);
    }

    #[test]
    fn a_lone_cr_is_not_a_line_end() {
        assert_eq!(lines(&[b"1\r2\n"]), [&b"1\r2"[..]]);
    }

    #[test]
    fn only_one_cr_before_the_lf_is_removed() {
        assert_eq!(lines(&[b"1\r\r\n"]), [&b"1\r"[..]]);
    }

    #[test]
    fn a_crlf_split_across_chunks_is_one_line_end() {
        assert_eq!(lines(&[b"1\r", b"\n2\r", b"\n"]), [&b"1"[..], b"2"]);
    }

    #[test]
    fn empty_and_whitespace_only_lines_are_skipped() {
        assert_eq!(lines(&[b"\n\n 1\n \t \r\n\r\n2 \n"]), [&b" 1"[..], b"2 "]);
    }

    #[test]
    fn a_line_split_across_several_chunks_is_reassembled() {
        assert_eq!(
            lines(&[b"{\"a\"", b":", b"", b"1}", b"\n"]),
            [&b"{\"a\":1}"[..]]
        );
    }

    #[test]
    fn the_last_line_without_a_newline_is_returned_by_finish() {
        let mut splitter = LineSplitter::new(100);
        let mut out = Vec::new();
        splitter
            .feed(Bytes::from_static(b"1\n2"), &mut out)
            .unwrap();
        assert_eq!(out, [&b"1"[..]]);
        assert_eq!(splitter.finish(), Some(Bytes::from_static(b"2")));
        assert_eq!(splitter.finish(), None);
    }

    #[test]
    fn finish_returns_nothing_after_a_trailing_newline_or_a_blank_tail() {
        for input in [&b"1\n"[..], b"1\n  ", b"1\n\r", b""] {
            let mut splitter = LineSplitter::new(100);
            let mut out = Vec::new();
            splitter
                .feed(Bytes::copy_from_slice(input), &mut out)
                .unwrap();
            assert_eq!(splitter.finish(), None, "{input:?}");
        }
    }

    #[test]
    fn finish_removes_a_cr_ending_the_input() {
        assert_eq!(lines(&[b"1\n2\r"]), [&b"1"[..], b"2"]);
    }

    #[test]
    fn a_line_inside_one_chunk_shares_the_chunk_memory() {
        let chunk = Bytes::from_static(b"first\nsecond\n");
        let mut splitter = LineSplitter::new(100);
        let mut out = Vec::new();
        splitter.feed(chunk.clone(), &mut out).unwrap();
        assert_eq!(out[1].as_ptr(), chunk[6..].as_ptr());
    }

    #[test]
    fn a_line_whose_lf_starts_the_next_chunk_is_not_copied() {
        let first = Bytes::from_static(b"x\r\nwhole\r");
        let mut splitter = LineSplitter::new(100);
        let mut out = Vec::new();
        splitter.feed(first.clone(), &mut out).unwrap();
        splitter.feed(Bytes::from_static(b"\n"), &mut out).unwrap();
        assert_eq!(out[1], &b"whole"[..]);
        assert_eq!(out[1].as_ptr(), first[3..].as_ptr());
    }

    #[test]
    fn a_line_longer_than_the_limit_is_an_error() {
        assert_eq!(split(3, &[b"1234\n"]), Err(LineTooLong { max_line: 3 }));
    }

    #[test]
    fn a_line_at_the_limit_is_accepted_even_with_a_cr_split_from_its_lf() {
        assert_eq!(split(3, &[b"123\r", b"\n"]).unwrap(), [&b"123"[..]]);
        assert_eq!(split(3, &[b"12", b"3\r", b"\n"]).unwrap(), [&b"123"[..]]);
        assert_eq!(split(3, &[b"123\r"]).unwrap(), [&b"123"[..]]);
    }

    #[test]
    fn a_partial_line_longer_than_the_limit_is_an_error_before_its_newline_arrives() {
        let mut splitter = LineSplitter::new(3);
        let mut out = Vec::new();
        splitter.feed(Bytes::from_static(b"12"), &mut out).unwrap();
        assert!(splitter.feed(Bytes::from_static(b"34"), &mut out).is_err());
    }

    #[test]
    fn a_too_long_blank_line_is_an_error_too() {
        assert!(split(3, &[b"     \n"]).is_err());
    }

    #[test]
    fn after_an_error_the_splitter_rejects_input_until_finish() {
        let mut splitter = LineSplitter::new(3);
        let mut out = Vec::new();
        let err = splitter
            .feed(Bytes::from_static(b"1\n12345\n2\n"), &mut out)
            .unwrap_err();
        assert_eq!(out, [&b"1"[..]]);
        assert_eq!(err.max_line(), 3);
        assert_eq!(
            splitter.feed(Bytes::from_static(b"3\n"), &mut out),
            Err(err)
        );
        assert_eq!(splitter.finish(), None);
        splitter.feed(Bytes::from_static(b"4\n"), &mut out).unwrap();
        assert_eq!(out, [&b"1"[..], b"4"]);
    }

    #[test]
    fn the_error_message_names_the_limit() {
        assert_eq!(
            LineTooLong { max_line: 10 }.to_string(),
            "a line of more than 10 bytes"
        );
    }
}
