//! Generates a client and mock helpers from every fixture spec of the
//! codegen corpus, each into its own module of this crate, and lists the
//! fixtures compiled in `COMPILED`, which a test compares with the folder.

use nebius_tokenfactory_codegen::{generate, Options};
use std::{env, fs, path::PathBuf};

fn main() {
    let manifest =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let fixtures = manifest.join("../codegen/tests/fixtures");
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed={}", fixtures.display());
    let mut paths: Vec<PathBuf> = match fs::read_dir(&fixtures) {
        Ok(entries) => entries
            .map(|e| e.expect("readable folder").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect(),
        // Only in a copy of this crate outside the workspace, such as the one
        // `cargo package` verifies; tests/compiled.rs catches a loss in the
        // workspace.
        Err(e) => {
            println!(
                "cargo:warning=no fixture corpus at {} ({e}): nothing to compile",
                fixtures.display()
            );
            Vec::new()
        }
    };
    paths.sort();
    let mut modules = String::new();
    let mut names = Vec::new();
    for path in paths {
        println!("cargo:rerun-if-changed={}", path.display());
        let stem = path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .replace('-', "_");
        let spec = serde_json::from_str(&fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let options = Options {
            module: stem.clone(),
            runtime: "::nebius_tokenfactory_runtime".into(),
            mock_feature: None,
        };
        // The codegen tests report generation failures with detail; here a
        // failure only needs to stop the build.
        let out = generate(&spec, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for skipped in &out.diagnostics.skipped {
            println!("cargo:warning={}: left out {skipped}", path.display());
        }
        fs::write(out_dir.join(format!("{stem}.rs")), &out.file).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // Each file is one module, `crate::{stem}`, with the lints its code
        // may break allowed by the codegen.
        modules.push_str(&format!(
            "// Generated from `{name}`.\ninclude!(concat!(env!(\"OUT_DIR\"), \"/{stem}.rs\"));\n",
        ));
        names.push(name);
    }
    modules.push_str(&format!(
        "/// The fixture files compiled into this crate.\npub const COMPILED: &[&str] = &{names:?};\n"
    ));
    fs::write(out_dir.join("corpus.rs"), modules).unwrap();
}
