//! Every fixture of the corpus was compiled: none was lost on the way.

#[test]
fn every_fixture_is_compiled() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/tests/fixtures");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .expect("the fixture corpus is in the workspace")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    on_disk.sort();
    assert!(on_disk.len() >= 9, "only {} fixtures", on_disk.len());
    assert_eq!(corpus_check::COMPILED, on_disk.as_slice());
}
