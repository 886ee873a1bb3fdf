//! Property tests for `LineSplitter`.
//!
//! Random lines of arbitrary bytes, with LF or CRLF endings, blank lines and
//! an optional unterminated last line, are split at random offsets. Whatever
//! the chunking, the splitter must return the lines that a plain split of the
//! whole input on LF yields, and fail on the same too-long line.

use bytes::Bytes;
use nebius_tokenfactory_runtime::stream::LineSplitter;
use proptest::prelude::*;
use proptest::sample::Index;

#[derive(Debug, Default, PartialEq, Eq)]
struct Outcome {
    lines: Vec<Bytes>,
    failed: bool,
}

fn run(chunks: &[&[u8]], max_line: usize) -> Outcome {
    let mut splitter = LineSplitter::new(max_line);
    let mut outcome = Outcome::default();
    for chunk in chunks {
        if splitter
            .feed(Bytes::copy_from_slice(chunk), &mut outcome.lines)
            .is_err()
        {
            outcome.failed = true;
            return outcome;
        }
    }
    outcome.lines.extend(splitter.finish());
    outcome
}

/// The obvious non-incremental reading of the whole input.
fn expected(input: &[u8], max_line: usize) -> Outcome {
    let mut outcome = Outcome::default();
    for line in input.split(|&byte| byte == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() > max_line {
            outcome.failed = true;
            return outcome;
        }
        if !line.iter().all(|byte| b" \t\r".contains(byte)) {
            outcome.lines.push(Bytes::copy_from_slice(line));
        }
    }
    outcome
}

fn split<'a>(bytes: &'a [u8], cuts: &[Index]) -> Vec<&'a [u8]> {
    let mut offsets: Vec<usize> = cuts.iter().map(|cut| cut.index(bytes.len() + 1)).collect();
    offsets.sort_unstable();
    let mut chunks = Vec::with_capacity(offsets.len() + 1);
    let mut start = 0;
    for offset in offsets {
        chunks.push(&bytes[start..offset]);
        start = offset;
    }
    chunks.push(&bytes[start..]);
    chunks
}

/// Line content, weighted towards whitespace and CR so that blank lines and
/// CRs next to line ends are common. LF is excluded: it would end the line.
fn content() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => any::<u8>(),
        2 => prop::sample::select(b"{}\":,0a".to_vec()),
        2 => prop::sample::select(b" \t\r".to_vec()),
    ]
    .prop_filter("LF ends a line", |byte| *byte != b'\n');
    prop::collection::vec(byte, 0..12)
}

fn input() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec((content(), any::<bool>()), 0..16),
        prop_oneof![2 => Just(Vec::new()), 1 => content()],
    )
        .prop_map(|(lines, tail)| {
            let mut input = Vec::new();
            for (line, crlf) in lines {
                input.extend_from_slice(&line);
                input.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
            input.extend_from_slice(&tail);
            input
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn any_chunking_yields_the_lines_of_the_whole_input(
        input in input(),
        cuts in prop::collection::vec(any::<Index>(), 0..16),
    ) {
        let expected = expected(&input, usize::MAX);
        let whole = run(&[&input], usize::MAX);
        prop_assert_eq!(&whole, &expected);
        prop_assert_eq!(&run(&split(&input, &cuts), usize::MAX), &whole);
        let bytewise: Vec<&[u8]> = input.chunks(1).collect();
        prop_assert_eq!(&run(&bytewise, usize::MAX), &whole);
    }

    #[test]
    fn the_line_limit_fails_on_the_same_line_whatever_the_chunking(
        input in input(),
        cuts in prop::collection::vec(any::<Index>(), 0..16),
        max_line in 0usize..12,
    ) {
        let expected = expected(&input, max_line);
        prop_assert_eq!(&run(&[&input], max_line), &expected);
        prop_assert_eq!(&run(&split(&input, &cuts), max_line), &expected);
        let bytewise: Vec<&[u8]> = input.chunks(1).collect();
        prop_assert_eq!(&run(&bytewise, max_line), &expected);
    }
}
