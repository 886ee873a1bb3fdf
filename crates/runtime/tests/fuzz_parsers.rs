//! The parsers under arbitrary input: event streams and JSON Lines fed any
//! bytes in any chunking never panic, and what they hold stays within their
//! bounds (each event's data and each line within the size given, an event
//! id within `MAX_EVENT_ID`). Error decoding under arbitrary bodies is fuzzed
//! beside it, in `response.rs`'s unit tests.

use bytes::Bytes;
use nebius_tokenfactory_runtime::stream::{Event, EventParser, LineSplitter, MAX_EVENT_ID};
use proptest::prelude::*;

/// The bound the parsers are given in these tests: small, so that the
/// inputs cross it often.
const BOUND: usize = 256;

/// Bytes biased towards the event-stream grammar: field names, colons,
/// line endings of each kind, long runs, and arbitrary bytes (invalid
/// UTF-8 included).
fn sse_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"data:".to_vec()),
        Just(b"data: x".to_vec()),
        Just(b"event: e".to_vec()),
        Just(b"id: 7".to_vec()),
        Just(b"id:".to_vec()),
        Just(b"retry: 10".to_vec()),
        Just(b":comment".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\n\n".to_vec()),
        (1usize..2 * MAX_EVENT_ID).prop_map(|n| [b"id: ".to_vec(), vec![b'i'; n]].concat()),
        (1usize..2 * BOUND).prop_map(|n| vec![b'x'; n]),
        proptest::collection::vec(any::<u8>(), 0..32),
    ];
    proptest::collection::vec(token, 0..64).prop_map(|t| t.concat())
}

/// Cut points for `len` bytes.
fn chunked(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    points.push(0);
    points.push(bytes.len());
    points.sort_unstable();
    points.dedup();
    points
        .windows(2)
        .map(|w| bytes[w[0]..w[1]].to_vec())
        .collect()
}

fn within_bounds(event: &Event) -> Result<(), TestCaseError> {
    prop_assert!(
        event.data.len() <= BOUND,
        "data of {} bytes",
        event.data.len()
    );
    if let Some(id) = &event.id {
        prop_assert!(id.len() <= MAX_EVENT_ID, "an id of {} bytes", id.len());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn event_streams_never_panic_and_keep_their_bounds(
        bytes in sse_bytes(),
        cuts in proptest::collection::vec(any::<usize>(), 0..16),
    ) {
        let mut parser = EventParser::with_max_event_size(BOUND);
        let mut failed = false;
        for chunk in chunked(&bytes, &cuts) {
            let mut out = Vec::new();
            let result = parser.feed(&chunk, &mut out);
            for event in &out {
                within_bounds(event)?;
            }
            if failed {
                prop_assert!(out.is_empty(), "events after the stream failed");
            }
            failed |= result.is_err();
        }
        parser.finish();
    }

    #[test]
    fn json_lines_never_panic_and_keep_their_bound(
        bytes in proptest::collection::vec(prop_oneof![Just(b'\n'), Just(b'\r'), Just(b'{'), any::<u8>()], 0..4096),
        cuts in proptest::collection::vec(any::<usize>(), 0..16),
    ) {
        let mut splitter = LineSplitter::new(BOUND);
        let mut failed = false;
        for chunk in chunked(&bytes, &cuts) {
            let mut out = Vec::new();
            let result = splitter.feed(Bytes::from(chunk), &mut out);
            for line in &out {
                prop_assert!(line.len() <= BOUND, "a line of {} bytes", line.len());
            }
            if failed {
                prop_assert!(out.is_empty(), "lines after the stream failed");
            }
            failed |= result.is_err();
        }
        if !failed {
            if let Some(last) = splitter.finish() {
                prop_assert!(last.len() <= BOUND, "a last line of {} bytes", last.len());
            }
        }
    }
}
