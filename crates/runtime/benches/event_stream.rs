//! Throughput of `EventParser` against `eventsource-stream` 0.2.3.
//!
//! The SDK's hottest streaming path is a chat completion delivered as many
//! small server-sent events, so this benchmark builds such a stream (64 MiB
//! of OpenAI-style `chat.completion.chunk` events with varied content lengths
//! and occasional keep-alive comments), feeds it to both parsers in the same
//! 16 KiB chunks a socket read typically yields, and reports the median of
//! five runs. A plain `main` keeps the dependency list short.
//!
//! Run with:
//! `cargo bench -p nebius-tokenfactory-runtime --bench event_stream`

use std::convert::Infallible;
use std::hint::black_box;
use std::time::{Duration, Instant};

use futures::executor::block_on;
use futures::StreamExt;
use nebius_tokenfactory_runtime::stream::EventParser;

const STREAM_SIZE: usize = 64 * 1024 * 1024;
const RUNS: usize = 5;

/// What a run observed, so the parsers can be checked to agree and the
/// optimiser cannot drop the work.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
struct Tally {
    events: usize,
    data_bytes: usize,
}

/// A small xorshift generator: the stream must be the same on every run and
/// every machine, and pulling in `rand` for this is not worth it.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: u64) -> usize {
        (self.next() % bound) as usize
    }
}

fn build_stream(size: usize) -> Vec<u8> {
    const TOKENS: &[&str] = &[
        "the",
        " model",
        " returns",
        " a",
        " token",
        " at",
        " a",
        " time",
        ",",
        ".",
        " and",
        " streaming",
        " keeps",
        " latency",
        " low",
        "\\n",
        " caf\u{e9}",
        " na\u{ef}ve",
        " \u{4f60}\u{597d}",
        " \u{1F680}",
        " JSON",
        " {\\\"key\\\": 1}",
        " responses",
        " are",
        " chunked",
        " into",
        " server-sent",
        " events",
    ];
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut stream = Vec::with_capacity(size + 1024);
    let mut content = String::new();
    let mut index = 0u64;
    while stream.len() < size {
        if rng.below(64) == 0 {
            stream.extend_from_slice(b": keep-alive\n\n");
        }
        // Most deltas are a token or two; now and then a long one arrives,
        // as when a provider batches tokens under load.
        let tokens = match rng.below(16) {
            0 => 20 + rng.below(200),
            1..=3 => 3 + rng.below(8),
            _ => 1 + rng.below(2),
        };
        content.clear();
        for _ in 0..tokens {
            content.push_str(TOKENS[rng.below(TOKENS.len() as u64)]);
        }
        stream.extend_from_slice(
            format!(
                "data: {{\"id\":\"chatcmpl-{:016x}\",\"object\":\"chat.completion.chunk\",\
                 \"created\":1718000000,\"model\":\"gpt-4o-mini-2024-07-18\",\
                 \"system_fingerprint\":\"fp_0ba0d124f1\",\"choices\":[{{\"index\":0,\
                 \"delta\":{{\"content\":\"{content}\"}},\"logprobs\":null,\
                 \"finish_reason\":null}}]}}\n\n",
                index / 512,
            )
            .as_bytes(),
        );
        index += 1;
    }
    stream.extend_from_slice(b"data: [DONE]\n\n");
    stream
}

fn with_event_parser(input: &[u8], chunk_size: usize) -> Tally {
    let mut parser = EventParser::new();
    let mut events = Vec::new();
    let mut tally = Tally {
        events: 0,
        data_bytes: 0,
    };
    for chunk in input.chunks(chunk_size) {
        parser
            .feed(chunk, &mut events)
            .expect("events fit the limit");
        for event in events.drain(..) {
            tally.events += 1;
            tally.data_bytes += black_box(event).data.len();
        }
    }
    assert!(!parser.finish(), "the stream ends on an event boundary");
    tally
}

fn with_eventsource_stream(input: &[u8], chunk_size: usize) -> Tally {
    let chunks = futures::stream::iter(input.chunks(chunk_size).map(Ok::<_, Infallible>));
    let mut events = eventsource_stream::EventStream::new(chunks);
    let mut tally = Tally {
        events: 0,
        data_bytes: 0,
    };
    block_on(async {
        while let Some(event) = events.next().await {
            let event = event.expect("the stream is valid");
            tally.events += 1;
            tally.data_bytes += black_box(event).data.len();
        }
    });
    tally
}

/// One way of parsing the whole input.
type Contender<'a> = &'a dyn Fn(&[u8]) -> Tally;

/// Runs every contender `RUNS` times, taking turns so that a slow patch on
/// a shared machine hits all of them alike; returns each one's median
/// throughput in MB/s (10^6 bytes per second).
fn measure(input: &[u8], contenders: &[Contender<'_>]) -> Vec<f64> {
    let mut times = vec![Vec::with_capacity(RUNS); contenders.len()];
    let mut tally = None;
    for _ in 0..RUNS {
        for (parse, times) in contenders.iter().zip(&mut times) {
            let start = Instant::now();
            let seen = parse(black_box(input));
            times.push(start.elapsed());
            assert!(
                tally.is_none_or(|tally| tally == seen),
                "every parser sees the same events"
            );
            tally = Some(seen);
        }
    }
    times
        .into_iter()
        .map(|mut times: Vec<Duration>| {
            times.sort();
            input.len() as f64 / 1e6 / times[RUNS / 2].as_secs_f64()
        })
        .collect()
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and
    // then a quick pass over a small stream is enough to keep this compiling
    // and working.
    let full = std::env::args().any(|arg| arg == "--bench");
    let input = build_stream(if full { STREAM_SIZE } else { 1024 * 1024 });

    let tally = with_event_parser(&input, 16 * 1024);
    let speeds = measure(
        &input,
        &[
            &|input| with_eventsource_stream(input, 16 * 1024),
            &|input| with_event_parser(input, 16 * 1024),
            &|input| with_event_parser(input, 1024),
        ],
    );
    let [theirs_16k, ours_16k, ours_1k] = speeds[..] else {
        unreachable!("one speed per contender")
    };

    if !full {
        println!("smoke run without --bench: a 1 MiB stream, numbers not meaningful");
    }
    println!(
        "input: {:.1} MiB, {} events, {} bytes of data; median of {RUNS} runs",
        input.len() as f64 / (1024.0 * 1024.0),
        tally.events,
        tally.data_bytes
    );
    println!();
    println!("| parser | chunk size | median MB/s | vs eventsource-stream |");
    println!("|---|---|---:|---:|");
    println!("| eventsource-stream 0.2.3 | 16 KiB | {theirs_16k:.0} | 1.00x |");
    println!(
        "| EventParser (this crate) | 16 KiB | {ours_16k:.0} | {:.2}x |",
        ours_16k / theirs_16k
    );
    println!(
        "| EventParser (this crate) | 1 KiB | {ours_1k:.0} | {:.2}x |",
        ours_1k / theirs_16k
    );
    println!();
    println!("command: cargo bench -p nebius-tokenfactory-runtime --bench event_stream");
}
