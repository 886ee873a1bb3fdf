//! Prism, the mock server that reads the OpenAPI document (npm
//! `@stoplight/prism-cli`, pinned in `contract/package-lock.json`): installed
//! when missing, started on a free loopback port, stopped with its guard.

use std::fs::File;
use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long Prism may take to listen (about 2 s here, more on a busy machine).
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs the command given as arguments until it exits or until this shell's
/// stdin closes. The test process holds the other end of that pipe, and the
/// kernel closes it when that process ends, however it ends: by a panic, a
/// SIGKILL, or a normal exit that never drops a `static` server. So no Prism
/// outlives its test run. (Stdin of a background job is /dev/null, hence fd 3.)
const WATCHDOG: &str = r#"
exec 3<&0
"$@" </dev/null &
server=$!
{ read -r _ <&3; kill "$server" 2>/dev/null; } &
watchdog=$!
wait "$server"
status=$?
kill "$watchdog" 2>/dev/null
exit "$status"
"#;

/// A running Prism. Dropping it stops Prism and waits until it is gone.
pub struct Prism {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    child: Child,
    /// Closing it tells the watchdog to stop Prism.
    stdin: Option<ChildStdin>,
    log: PathBuf,
}

impl Prism {
    /// Starts `prism mock <args> openapi.json`, named `name` in its log file
    /// and in messages, and waits until it listens.
    #[allow(dead_code)] // Each test file uses one of the two.
    pub fn start(name: &str, args: &[&str]) -> Prism {
        Prism::start_on(name, args, &workspace().join("openapi.json"))
    }

    /// [`Prism::start`] on the document at `spec`.
    pub fn start_on(name: &str, args: &[&str], spec: &Path) -> Prism {
        let prism = install();
        let mut failures = Vec::new();
        // A free port can be taken between our probe and Prism's bind; then
        // Prism exits, and another port is tried.
        for _ in 0..3 {
            match Prism::try_start(&prism, name, args, spec) {
                Ok(server) => return server,
                Err(why) => failures.push(why),
            }
        }
        panic!("Prism ({name}) did not start:\n{}", failures.join("\n"));
    }

    fn try_start(prism: &Path, name: &str, args: &[&str], spec: &Path) -> Result<Prism, String> {
        let port = free_port();
        let log = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("prism-{name}.log"));
        let out = File::create(&log).expect("a log file for Prism");
        let mut command = Command::new("sh");
        command
            .args(["-c", WATCHDOG, "prism-watchdog"])
            .arg(prism)
            .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
            .args(args)
            .arg(spec)
            .current_dir(workspace())
            .stdin(Stdio::piped())
            .stdout(out.try_clone().expect("a log file for Prism"))
            .stderr(out)
            // Its own process group: the fallback in `drop` kills the group.
            .process_group(0);
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot run sh to start Prism: {e}"))?;
        let stdin = child.stdin.take();
        let mut server = Prism {
            url: format!("http://127.0.0.1:{port}"),
            child,
            stdin,
            log,
        };
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = server.child.try_wait() {
                return Err(format!(
                    "Prism exited ({status}) before listening on port {port}; its log:\n{}",
                    server.log_tail()
                ));
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(server);
            }
            if started.elapsed() > READY_TIMEOUT {
                return Err(format!(
                    "Prism did not listen on port {port} within {READY_TIMEOUT:?}; its log:\n{}",
                    server.log_tail()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The end of Prism's log, for failure messages.
    pub fn log_tail(&self) -> String {
        let mut text = String::new();
        let _ = File::open(&self.log).and_then(|mut f| f.read_to_string(&mut text));
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(40)..].join("\n");
        format!("({})\n{tail}", self.log.display())
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        // The watchdog stops Prism, and the shell exits after it.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        // Prism ignored SIGTERM: kill the whole group, Prism with it.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The workspace root, where `openapi.json` and `contract/` are.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root")
}

/// The Prism executable, installed from the lockfile first if it is
/// missing or not the pinned version. Once per test process.
fn install() -> PathBuf {
    static INSTALLED: OnceLock<PathBuf> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            let contract = workspace().join("contract");
            let prism = contract.join("node_modules/.bin/prism");
            let pinned = version_of(&contract.join("package.json"), "dependencies");
            let installed =
                version_of(&contract.join("node_modules/@stoplight/prism-cli/package.json"), "");
            if prism.exists() && installed.is_some() && installed == pinned {
                return prism;
            }
            eprintln!(
                "installing Prism {} with `npm ci --prefix contract` ...",
                pinned.as_deref().unwrap_or("(no version pinned)")
            );
            let output = Command::new("npm")
                .args(["ci", "--prefix", "contract", "--no-audit", "--no-fund"])
                .current_dir(workspace())
                // The telemetry of one of Prism's dependencies; no use offline.
                .env("SCARF_ANALYTICS", "false")
                .stdin(Stdio::null())
                .output()
                .unwrap_or_else(|e| {
                    panic!(
                        "the contract tests need npm to install Prism, and running `npm` failed: {e}; \
                         install Node.js 20 or newer with npm, then run the tests again"
                    )
                });
            assert!(
                output.status.success(),
                "`npm ci --prefix contract --no-audit --no-fund` failed ({}), so Prism is not installed:\n{}\n{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr),
            );
            assert!(prism.exists(), "npm ci ran, but {} is missing", prism.display());
            prism
        })
        .clone()
}

/// `@stoplight/prism-cli`'s version: in the `section` object of a
/// package.json, or its top-level `version` when `section` is empty.
fn version_of(package_json: &Path, section: &str) -> Option<String> {
    let text = std::fs::read_to_string(package_json).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let version = if section.is_empty() {
        json.get("version")
    } else {
        json.get(section)?.get("@stoplight/prism-cli")
    };
    version?.as_str().map(String::from)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}
