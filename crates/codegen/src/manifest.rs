//! The crates generated code names, in the manifest of the crate that
//! includes it.
//!
//! typify's output names `chrono` (for `format: date-time` and `date`),
//! `uuid` (`format: uuid`) and `regress` (`pattern`) only where a document
//! has them, and each costs every user's cold build (BENCHMARKS.md). So the
//! crate that includes the generated code depends on those its document
//! needs and no more: they sit between two marker lines of its
//! `Cargo.toml`, which `cargo xtask regen` writes from what the generator
//! reports ([`crate::Generated::crates`]) with [`with_crates`], and its
//! build script checks with [`lists`] that each crate the code names is
//! there, naming the command that fixes it where one is not.
//!
//! ```
//! use nebius_tokenfactory_codegen::manifest;
//!
//! let manifest = format!(
//!     "[dependencies]\nserde = \"1\"\n{}\n{}\n",
//!     manifest::BEGIN,
//!     manifest::END
//! );
//! let updated = manifest::with_crates(&manifest, &["uuid"]).unwrap();
//! assert!(manifest::lists(&updated, "uuid"));
//! assert!(!manifest::lists(&updated, "chrono"));
//! ```

use crate::Error;

/// The line before the dependencies [`with_crates`] writes.
pub const BEGIN: &str =
    "# The crates the generated code names, for this document (`cargo xtask regen` writes them):";
/// The line after them.
pub const END: &str = "# (end of the crates the generated code names)";

/// The dependency each crate generated code may name, as the manifest
/// lists it: the features typify's output uses (serde for both).
pub const DEPENDENCIES: [(&str, &str); 3] = [
    (
        "chrono",
        r#"chrono = { version = "0.4", default-features = false, features = ["serde", "std"] }"#,
    ),
    ("regress", r#"regress = "0.12""#),
    (
        "uuid",
        r#"uuid = { version = "1", default-features = false, features = ["serde", "std"] }"#,
    ),
];

/// `manifest` with the lines between [`BEGIN`] and [`END`] replaced by the
/// dependencies of `crates`, in [`DEPENDENCIES`]' order. Refused: a
/// manifest without both markers, in that order, each once, and a crate
/// the table does not know.
pub fn with_crates(manifest: &str, crates: &[&str]) -> Result<String, Error> {
    let unknown: Vec<&str> = crates
        .iter()
        .copied()
        .filter(|c| !DEPENDENCIES.iter().any(|(name, _)| name == c))
        .collect();
    if !unknown.is_empty() {
        return Err(Error::Manifest(format!(
            "the generated code names crates the codegen has no dependency for: {}",
            unknown.join(", ")
        )));
    }
    let lines: Vec<&str> = manifest.lines().collect();
    let at = |marker: &str| -> Result<usize, Error> {
        let mut found = lines.iter().enumerate().filter(|(_, l)| l.trim() == marker);
        match (found.next(), found.next()) {
            (Some((i, _)), None) => Ok(i),
            (None, _) => Err(Error::Manifest(format!("no line `{marker}`"))),
            (Some(_), Some(_)) => Err(Error::Manifest(format!("the line `{marker}` twice"))),
        }
    };
    let (begin, end) = (at(BEGIN)?, at(END)?);
    if end < begin {
        return Err(Error::Manifest(format!("`{END}` comes before `{BEGIN}`")));
    }
    let mut out: Vec<&str> = lines[..=begin].to_vec();
    out.extend(
        DEPENDENCIES
            .iter()
            .filter(|(name, _)| crates.contains(name))
            .map(|(_, line)| *line),
    );
    out.extend(&lines[end..]);
    let mut text = out.join("\n");
    if manifest.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// Whether the `[dependencies]` of `manifest` list `name`: as a key of the
/// table (`name = …`, `name.workspace = true`) or as a table of its own
/// (`[dependencies.name]`, the form `cargo package` writes).
pub fn lists(manifest: &str, name: &str) -> bool {
    let mut in_dependencies = false;
    for line in manifest.lines().map(str::trim) {
        if let Some(header) = line.strip_prefix('[') {
            let header = header.trim_end_matches(']').trim();
            if header.strip_prefix("dependencies.").map(str::trim) == Some(name) {
                return true;
            }
            in_dependencies = header == "dependencies";
            continue;
        }
        if in_dependencies {
            let key = line.split(['=', '.']).next().unwrap_or_default().trim();
            if key.trim_matches('"') == name {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(inside: &str) -> String {
        format!("[package]\nname = \"x\"\n\n[dependencies]\nserde = \"1\"\n{BEGIN}\n{inside}{END}\nhttpmock = {{ version = \"0.9\", optional = true }}\n\n[dev-dependencies]\nchrono = \"0.4\"\n")
    }

    #[test]
    fn writes_the_crates_a_document_needs_and_no_more() {
        let before = manifest("regress = \"0.12\"\n");
        let after = with_crates(&before, &["uuid", "chrono"]).unwrap();
        assert_eq!(
            after,
            manifest(&format!("{}\n{}\n", DEPENDENCIES[0].1, DEPENDENCIES[2].1))
        );
        assert!(lists(&after, "chrono") && lists(&after, "uuid"));
        assert!(!lists(&after, "regress"));
        let none = with_crates(&after, &[]).unwrap();
        assert_eq!(none, manifest(""));
        // A dev-dependency is not a dependency of the generated code.
        assert!(!lists(&none, "chrono"));
        assert!(lists(&none, "serde") && lists(&none, "httpmock"));
    }

    #[test]
    fn reads_the_tables_cargo_package_writes() {
        let published = "[dependencies.regress]\nversion = \"0.12\"\n\n[dependencies.uuid]\nversion = \"1\"\n[dev-dependencies.chrono]\nversion = \"0.4\"\n";
        assert!(lists(published, "regress") && lists(published, "uuid"));
        assert!(!lists(published, "chrono"));
    }

    #[test]
    fn refuses_what_it_cannot_write() {
        let no_end = format!("[dependencies]\n{BEGIN}\n");
        assert!(
            matches!(with_crates(&no_end, &[]), Err(Error::Manifest(m)) if m.contains("no line"))
        );
        let reversed = format!("[dependencies]\n{END}\n{BEGIN}\n");
        assert!(with_crates(&reversed, &[]).is_err());
        let twice = format!("{BEGIN}\n{END}\n{END}\n");
        assert!(with_crates(&twice, &[]).is_err());
        let error = with_crates(&manifest(""), &["time"]).unwrap_err();
        assert!(error.to_string().contains("time"), "{error}");
    }
}
