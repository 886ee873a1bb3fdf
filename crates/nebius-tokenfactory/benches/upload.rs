//! Upload and round-trip benchmarks of the SDK, against a sink server on
//! loopback that discards each request body and answers with a dataset.
//!
//! A plain binary (`harness = false`). `scripts/bench` runs it once per
//! measurement, so that each process's peak RSS belongs to one upload, and
//! prints the tables; see BENCHMARKS.md.
//!
//! ```text
//! cargo bench -p nebius-tokenfactory --bench upload -- [MODE]
//!   --quick                                          every measurement, small (the default)
//!   upload --path typed|buffered|generated|floor --rows N   one upload of N rows
//!   roundtrip --calls N [--only sdk|raw|generated|raw-api]   N one-row calls per kind
//! ```
//!
//! Each measurement prints one line of `key=value` fields. Nothing here
//! asserts on time.

#[path = "support/rows.rs"]
mod rows;
#[path = "support/sink.rs"]
mod sink;

use bytes::Bytes;
use nebius_tokenfactory::api::types as api;
use nebius_tokenfactory::datasets::Dataset;
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use rows::{Review, FOLDER, NAME};
use serde_json::{Map, Value};
use sink::Sink;
use std::fmt;
use std::process::{Command, ExitCode};
use std::str::FromStr;
use std::time::{Duration, Instant};

type Result<T, E = Box<dyn std::error::Error>> = std::result::Result<T, E>;

const USAGE: &str = "\
modes, after `cargo bench -p nebius-tokenfactory --bench upload --`:
  --quick                                          every measurement, small (the default)
  upload --path typed|buffered|generated|floor --rows N   one upload of N rows
  roundtrip --calls N [--only sdk|raw|generated|raw-api]   N one-row calls per kind";

const KEY: &str = "bench-key";
const QUICK_ROWS: usize = 10_000;
const QUICK_CALLS: usize = 200;

fn main() -> ExitCode {
    // `cargo bench` adds `--bench`.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &[String]) -> Result<()> {
    match args.first().map(String::as_str) {
        None | Some("--quick") => quick(),
        Some("upload") => upload(flag(args, "--path")?, flag(args, "--rows")?),
        Some("roundtrip") => {
            let only = if args.iter().any(|a| a == "--only") {
                vec![flag(args, "--only")?]
            } else {
                vec![Call::Sdk, Call::Raw, Call::Generated, Call::RawApi]
            };
            roundtrip(flag(args, "--calls")?, &only)
        }
        Some("-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown mode `{other}`\n{USAGE}").into()),
    }
}

/// The value after `name` in `args`, parsed.
fn flag<T: FromStr>(args: &[String], name: &str) -> Result<T>
where
    T::Err: fmt::Display,
{
    let value = args
        .iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .ok_or_else(|| format!("{name} is missing\n{USAGE}"))?;
    value
        .parse()
        .map_err(|e| format!("{name} {value}: {e}\n{USAGE}").into())
}

/// Every measurement at small sizes, each upload in its own process as
/// `scripts/bench` runs them.
fn quick() -> Result<()> {
    let exe = std::env::current_exe()?;
    let rows = QUICK_ROWS.to_string();
    let calls = QUICK_CALLS.to_string();
    let runs = [Path::Floor, Path::Typed, Path::Buffered, Path::Generated]
        .map(|p| vec!["upload", "--path", p.name(), "--rows", &rows])
        .into_iter()
        .chain([vec!["roundtrip", "--calls", &calls]]);
    for args in runs {
        let status = Command::new(&exe).args(&args).status()?;
        if !status.success() {
            return Err(format!("`{}` failed: {status}", args.join(" ")).into());
        }
    }
    Ok(())
}

/// How an upload reaches the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Path {
    /// `client.datasets().upload(..).send()` of this crate: the body
    /// written while it is sent, chunked.
    Typed,
    /// The same with `.buffered()`: the body written whole into memory,
    /// then sent with a Content-Length (the upload before streaming).
    Buffered,
    /// The generated operation (on the same runtime), with rows converted
    /// to JSON maps.
    Generated,
    /// `serde_json::to_vec` of the request and one raw reqwest POST.
    Floor,
}

impl Path {
    fn name(self) -> &'static str {
        match self {
            Path::Typed => "typed",
            Path::Buffered => "buffered",
            Path::Generated => "generated",
            Path::Floor => "floor",
        }
    }
}

impl FromStr for Path {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "typed" => Ok(Path::Typed),
            "buffered" => Ok(Path::Buffered),
            "generated" => Ok(Path::Generated),
            "floor" => Ok(Path::Floor),
            other => Err(format!(
                "`{other}` is not typed, buffered, generated or floor"
            )),
        }
    }
}

/// A client per path, all pointing at the sink and sharing one
/// `reqwest::Client`, so one pooled connection: on a small VM, a call's
/// latency depends on which cores the two ends of a connection run on, and
/// sharing it keeps that the same for every path.
struct Clients {
    sdk: nebius_tokenfactory::Client,
    http: reqwest::Client,
    url: String,
    auth: HeaderValue,
    schema: Vec<api::ColumnSchemaInput>,
}

impl Clients {
    fn new(sink: &Sink) -> Result<Self> {
        let mut auth = HeaderValue::from_str(&format!("Bearer {KEY}"))?;
        auth.set_sensitive(true);
        nebius_tokenfactory::api::ensure_crypto_provider();
        // One connection pool for all paths: the floor's raw POSTs too.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let sdk = nebius_tokenfactory::Client::builder()
            .with_api_key(KEY)
            .with_base_url(&sink.base_url)
            .with_http_client(http.clone())
            .build()?;
        Ok(Self {
            sdk,
            http,
            url: format!("{}/v1/datasets", sink.base_url),
            auth,
            schema: rows::api_schema(),
        })
    }

    async fn upload(&self, path: Path, rows: &[Review]) -> Result<Dataset> {
        match path {
            Path::Typed => Ok(self
                .sdk
                .datasets()
                .upload(NAME, FOLDER, rows)
                .send()
                .await?),
            Path::Buffered => Ok(self
                .sdk
                .datasets()
                .upload(NAME, FOLDER, rows)
                .buffered()
                .send()
                .await?),
            Path::Generated => self.generated(rows).await,
            Path::Floor => {
                self.post(serde_json::to_vec(&self.request(rows))?.into())
                    .await
            }
        }
    }

    async fn generated(&self, rows: &[Review]) -> Result<Dataset> {
        Ok(self
            .sdk
            .api()
            .create_dataset()
            .body(self.api_request(rows)?)
            .send()
            .await?)
    }

    /// The generated request type for `rows`, converted to JSON maps.
    fn api_request(&self, rows: &[Review]) -> Result<api::CreateDatasetRequest> {
        let rows = rows.iter().map(to_map).collect::<Result<Vec<_>>>()?;
        Ok(api::CreateDatasetRequestUpload {
            ai_project_id: None,
            folder: FOLDER.into(),
            name: NAME.into(),
            rows,
            schema: self.schema.clone(),
        }
        .into())
    }

    /// A raw POST of a finished body, with the headers the API needs.
    async fn post(&self, body: Bytes) -> Result<Dataset> {
        let response = self
            .http
            .post(&self.url)
            .header(AUTHORIZATION, self.auth.clone())
            .header(CONTENT_TYPE, "application/json")
            .header(ACCEPT, "application/json")
            .body(body)
            .send()
            .await?
            .error_for_status()?;
        Ok(serde_json::from_slice(&response.bytes().await?)?)
    }

    fn request<'a>(&'a self, rows: &'a [Review]) -> rows::Request<'a> {
        rows::Request {
            name: NAME,
            schema: &self.schema,
            folder: FOLDER,
            rows,
        }
    }
}

fn to_map(row: &Review) -> Result<Map<String, Value>> {
    match serde_json::to_value(row)? {
        Value::Object(map) => Ok(map),
        other => Err(format!("a row serialised to {other}, not an object").into()),
    }
}

/// The runtime an upload runs on: as `#[tokio::main]` builds it, a worker
/// per core, so that the connection's task can send while the caller's
/// task writes rows. `NEBIUS_BENCH_RUNTIME=current` gives the
/// single-threaded runtime instead.
fn upload_runtime() -> Result<tokio::runtime::Runtime> {
    let mut builder = match std::env::var("NEBIUS_BENCH_RUNTIME").as_deref() {
        Ok("current") => tokio::runtime::Builder::new_current_thread(),
        _ => tokio::runtime::Builder::new_multi_thread(),
    };
    Ok(builder.enable_all().build()?)
}

/// The runtime of the small calls: one thread for the client, the other
/// core for the sink. A call then costs what its own code costs; on a
/// multi-threaded runtime, cross-thread wake-ups double a loopback round
/// trip here and drown the difference between the kinds.
fn call_runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Times one upload of `n` rows through `path`.
fn upload(path: Path, n: usize) -> Result<()> {
    let sink = Sink::start()?;
    let rt = upload_runtime()?;
    let clients = Clients::new(&sink)?;

    // Open the connection, and check that the path sends the floor's request.
    let sample = rows::reviews(10);
    rt.block_on(clients.upload(path, &sample))?;
    let sent: Value = serde_json::from_slice(&sink.last().body.unwrap_or_default())?;
    let expected = serde_json::to_value(clients.request(&sample))?;
    if sent != expected {
        return Err(format!("the {} path sent {sent}, not {expected}", path.name()).into());
    }

    let rows = rows::reviews(n);
    let baseline = vm_hwm_kb()?;
    let started = Instant::now();
    let dataset = rt.block_on(clients.upload(path, &rows))?;
    let wall = started.elapsed();
    let peak = vm_hwm_kb()?;
    if dataset.name != NAME {
        return Err(format!("the sink answered with dataset {}", dataset.name).into());
    }
    println!(
        "upload path={} rows={n} body_bytes={} wall_ms={:.3} baseline_hwm_kb={baseline} peak_hwm_kb={peak}",
        path.name(),
        sink.last().body_bytes,
        wall.as_secs_f64() * 1e3,
    );
    Ok(())
}

/// A small call, each kind beside the raw reqwest call it is measured
/// against: the SDK's typed upload against a raw POST of the same typed
/// rows; the generated operation against a raw POST of the same generated
/// request value. Each raw call serialises its body, as every call must.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    Sdk,
    Raw,
    Generated,
    RawApi,
}

impl Call {
    fn name(self) -> &'static str {
        match self {
            Call::Sdk => "sdk",
            Call::Raw => "raw",
            Call::Generated => "generated",
            Call::RawApi => "raw-api",
        }
    }

    /// The raw call this one is measured against.
    fn baseline(self) -> Call {
        match self {
            Call::Sdk | Call::Raw => Call::Raw,
            Call::Generated | Call::RawApi => Call::RawApi,
        }
    }
}

impl FromStr for Call {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "sdk" => Ok(Call::Sdk),
            "raw" => Ok(Call::Raw),
            "generated" => Ok(Call::Generated),
            "raw-api" => Ok(Call::RawApi),
            other => Err(format!("`{other}` is not sdk, raw, generated or raw-api")),
        }
    }
}

/// Times `calls` one-row uploads per kind of call, taking turns call by
/// call, so that whatever else the machine does falls on all kinds alike.
/// One kind alone is for profiling: `valgrind --tool=callgrind` of each, say.
fn roundtrip(calls: usize, kinds: &[Call]) -> Result<()> {
    let sink = Sink::start()?;
    let rt = call_runtime()?;
    let clients = Clients::new(&sink)?;
    let row = rows::reviews(1);
    let api_body = clients.api_request(&row)?;
    let one = |kind| {
        let (clients, row, api_body) = (&clients, &row, &api_body);
        async move {
            match kind {
                Call::Sdk => clients.upload(Path::Typed, row).await,
                Call::Raw => {
                    let body = serde_json::to_vec(&clients.request(row))?;
                    clients.post(body.into()).await
                }
                Call::Generated => Ok(clients
                    .sdk
                    .api()
                    .create_dataset()
                    .body(api_body.clone())
                    .send()
                    .await?),
                // Each call makes its own body value, as the generated call
                // does (it takes the value it sends).
                Call::RawApi => {
                    let value = api_body.clone();
                    let body = serde_json::to_vec(&value)?;
                    clients.post(body.into()).await
                }
            }
        }
    };
    let mut times = rt.block_on(async {
        for _ in 0..(calls / 10).max(20) {
            for &kind in kinds {
                one(kind).await?;
            }
        }
        let mut times = vec![Vec::with_capacity(calls); kinds.len()];
        for _ in 0..calls {
            for (i, &kind) in kinds.iter().enumerate() {
                let started = Instant::now();
                one(kind).await?;
                times[i].push(started.elapsed());
            }
        }
        Ok::<_, Box<dyn std::error::Error>>(times)
    })?;
    let means: Vec<f64> = times.iter().map(|t| micros(mean(t))).collect();
    for (i, kind) in kinds.iter().enumerate() {
        let baseline = kinds.iter().position(|&k| k == kind.baseline());
        let overhead = match baseline {
            Some(b) => format!(" overhead_pct={:.1}", (means[i] / means[b] - 1.0) * 100.0),
            None => String::new(),
        };
        println!(
            "roundtrip call={} calls={calls} mean_us={:.1} median_us={:.1}{overhead}",
            kind.name(),
            means[i],
            micros(median(&mut times[i])),
        );
    }
    Ok(())
}

fn mean(times: &[Duration]) -> Duration {
    times.iter().sum::<Duration>() / times.len().max(1) as u32
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// This process's peak resident memory so far, in KiB (Linux only).
fn vm_hwm_kb() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmHWM in /proc/self/status".into())
}
