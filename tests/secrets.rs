//! Credentials never show in the Debug output of the generated types.

use nebius_tokenfactory_api::types;

const SECRET: &str = "s3-secret-value-9f8e7d";

#[test]
fn s3_secret_is_redacted_in_every_type_that_holds_it() {
    let builder = types::CreateDatasetRequestS3::builder()
        .name("imported")
        .folder("/demo")
        .s3_service_url("https://storage.example")
        .s3_region("eu-north-1")
        .s3_uri("s3://bucket/data.csv")
        .s3_key_id("AKIAEXAMPLE")
        .s3_secret_key(SECRET);
    let builder_debug = format!("{builder:?}");
    let request = types::CreateDatasetRequestS3::try_from(builder).unwrap();
    let body = types::CreateDatasetRequest::from(request.clone());
    for (what, text) in [
        ("builder", builder_debug),
        ("struct", format!("{request:?}")),
        ("struct, pretty", format!("{request:#?}")),
        ("body union", format!("{body:?}")),
        (
            "field",
            format!("{:?} {}", request.s3_secret_key, request.s3_secret_key),
        ),
    ] {
        assert!(
            !text.contains(SECRET),
            "{what} Debug leaks the secret: {text}"
        );
        assert!(
            text.contains("REDACTED"),
            "{what} Debug does not show the redaction: {text}"
        );
    }
    // The key id names a key; it is not a secret and stays readable.
    assert!(format!("{request:?}").contains("AKIAEXAMPLE"));
    // The wire still gets the value.
    assert_eq!(
        serde_json::to_value(&body).unwrap()["s3_secret_key"],
        SECRET
    );
}
