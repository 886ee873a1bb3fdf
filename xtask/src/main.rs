//! `cargo xtask`: maintainer tasks. Run `cargo xtask help` for usage.
//!
//! Arguments are parsed by hand: three subcommands with a few flags each
//! do not justify clap's build time on a 2-core machine.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use xtask::diff::{self, report::Format, FailOn};
use xtask::regen;
use xtask::spec::Source;
use xtask::{Error, Result};

const USAGE: &str = "\
cargo xtask: maintainer tasks for the Nebius Token Factory client

usage:
  cargo xtask regen [--from URL|PATH] [--check] [--allow-breaking] [--report PATH]
      Load the upstream document (default https://api.tokenfactory.nebius.com/openapi.json,
      or a local JSON or YAML file), prove that it generates a client, print the change
      report against openapi.json, and write it in canonical form with a CHANGELOG.md entry.
      --check           write nothing but the --report file, if one is named;
                        exit 1 when upstream differs from openapi.json
      --allow-breaking  write even when the report has breaking changes
      --report PATH     also write the report to PATH (.json, .md, or text)
      --root PATH       the repository root (default: this workspace)

  cargo xtask diff OLD NEW [--format text|markdown|json] [--fail-on breaking|any] [--wire-only]
      Print the change report between two documents (paths or URLs; JSON or YAML;
      OpenAPI 3.0 or 3.1): both are generated, and the Rust APIs of the two clients
      compared (compile breaks first), beside the changes on the wire.
      --fail-on    exit 1 on breaking changes, or on any
      --wire-only  compare the documents alone, without generating (faster)

  cargo xtask bench-diff [--size-mb N]
      Time the report on two synthetic documents of about N MB (default 5).
      Run it with `cargo run --release -p xtask -- bench-diff`.
";

/// A parsed command line.
#[derive(Debug, PartialEq)]
enum Command {
    Help,
    Regen(Box<regen::Options>),
    Diff {
        old: Source,
        new: Source,
        format: Format,
        fail_on: FailOn,
        wire_only: bool,
    },
    BenchDiff {
        megabytes: f64,
    },
}

fn default_root() -> PathBuf {
    // xtask/ sits at the workspace root.
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Takes the value of `flag` from `args`.
fn value(flag: &str, args: &mut impl Iterator<Item = String>) -> Result<String> {
    args.next()
        .ok_or_else(|| Error::Usage(format!("`{flag}` needs a value")))
}

fn parse(args: Vec<String>) -> Result<Command> {
    let mut args = args.into_iter();
    let Some(command) = args.next() else {
        return Ok(Command::Help);
    };
    match command.as_str() {
        "help" | "--help" | "-h" => Ok(Command::Help),
        "regen" => {
            let mut options = regen::Options::new(default_root());
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--from" => options.from = Source::parse(&value(&arg, &mut args)?),
                    "--check" => options.check = true,
                    "--allow-breaking" => options.allow_breaking = true,
                    "--report" => options.report = Some(value(&arg, &mut args)?.into()),
                    "--root" => options.root = value(&arg, &mut args)?.into(),
                    other => {
                        return Err(Error::Usage(format!(
                            "unknown argument `{other}` for regen"
                        )))
                    }
                }
            }
            Ok(Command::Regen(Box::new(options)))
        }
        "diff" => {
            let (mut sources, mut format, mut fail_on) = (Vec::new(), Format::Text, FailOn::Never);
            let mut wire_only = false;
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--format" => {
                        let name = value(&arg, &mut args)?;
                        format = Format::parse(&name).ok_or_else(|| {
                            Error::Usage(format!(
                                "unknown format `{name}`: use text, markdown or json"
                            ))
                        })?;
                    }
                    "--fail-on" => {
                        fail_on = match value(&arg, &mut args)?.as_str() {
                            "breaking" => FailOn::Breaking,
                            "any" => FailOn::Any,
                            other => {
                                return Err(Error::Usage(format!(
                                    "unknown `--fail-on {other}`: use breaking or any"
                                )))
                            }
                        }
                    }
                    "--wire-only" => wire_only = true,
                    flag if flag.starts_with("--") => {
                        return Err(Error::Usage(format!("unknown argument `{flag}` for diff")))
                    }
                    source => sources.push(Source::parse(source)),
                }
            }
            let [old, new]: [Source; 2] = sources
                .try_into()
                .map_err(|_| Error::Usage("diff takes two documents, OLD and NEW".into()))?;
            Ok(Command::Diff {
                old,
                new,
                format,
                fail_on,
                wire_only,
            })
        }
        "bench-diff" => {
            let mut megabytes = 5.0;
            while let Some(arg) = args.next() {
                match arg.as_str() {
                    "--size-mb" => {
                        let text = value(&arg, &mut args)?;
                        megabytes = text
                            .parse::<f64>()
                            .ok()
                            .filter(|m| *m > 0.0 && *m <= 500.0)
                            .ok_or_else(|| {
                                Error::Usage(format!(
                                    "`--size-mb {text}` is not a size between 0 and 500"
                                ))
                            })?;
                    }
                    other => {
                        return Err(Error::Usage(format!(
                            "unknown argument `{other}` for bench-diff"
                        )))
                    }
                }
            }
            Ok(Command::BenchDiff { megabytes })
        }
        other => Err(Error::Usage(format!("unknown command `{other}`"))),
    }
}

fn execute(command: Command) -> Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match command {
        Command::Help => {
            let _ = out.write_all(USAGE.as_bytes());
        }
        Command::Regen(options) => {
            regen::run(&options, &mut out)?;
        }
        Command::Diff {
            old,
            new,
            format,
            fail_on,
            wire_only,
        } => {
            diff::run(&old, &new, format, fail_on, wire_only, &mut out)?;
        }
        Command::BenchDiff { megabytes } => xtask::bench::run(megabytes, &mut out),
    }
    Ok(())
}

fn main() -> ExitCode {
    let result = parse(std::env::args().skip(1).collect()).and_then(execute);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(if matches!(error, Error::Usage(_)) {
                2
            } else {
                1
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn regen_flags() {
        let Command::Regen(options) = parse(args(
            "regen --from spec.yaml --check --allow-breaking --report r.md",
        ))
        .unwrap() else {
            panic!("not regen")
        };
        assert_eq!(options.from, Source::Path("spec.yaml".into()));
        assert!(options.check && options.allow_breaking);
        assert_eq!(options.report, Some("r.md".into()));
        let Command::Regen(options) = parse(args("regen")).unwrap() else {
            panic!("not regen")
        };
        assert_eq!(options.from, Source::Url(xtask::spec::DEFAULT_URL.into()));
    }

    #[test]
    fn diff_flags() {
        assert_eq!(
            parse(args(
                "diff a.json https://x/b.json --format json --fail-on breaking --wire-only"
            ))
            .unwrap(),
            Command::Diff {
                old: Source::Path("a.json".into()),
                new: Source::Url("https://x/b.json".into()),
                format: Format::Json,
                fail_on: FailOn::Breaking,
                wire_only: true,
            }
        );
    }

    #[test]
    fn usage_errors_say_what_to_do() {
        for (line, message) in [
            ("diff a.json", "diff takes two documents, OLD and NEW; run `cargo xtask help` for usage"),
            ("diff a b --format xml", "unknown format `xml`: use text, markdown or json; run `cargo xtask help` for usage"),
            ("regen --from", "`--from` needs a value; run `cargo xtask help` for usage"),
            ("frobnicate", "unknown command `frobnicate`; run `cargo xtask help` for usage"),
            ("bench-diff --size-mb x", "`--size-mb x` is not a size between 0 and 500; run `cargo xtask help` for usage"),
        ] {
            assert_eq!(parse(args(line)).unwrap_err().to_string(), message);
        }
    }
}
