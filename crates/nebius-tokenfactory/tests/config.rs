//! `Client::from_env` against the real process environment. One test per
//! binary, so no other test sees the variables change.

use nebius_tokenfactory::{Client, Error, API_KEY_ENV, BASE_URL_ENV, PROJECT_ENV};

#[test]
fn from_env_reads_the_variables_and_names_the_missing_one() {
    std::env::remove_var(API_KEY_ENV);
    std::env::remove_var(BASE_URL_ENV);
    std::env::remove_var(PROJECT_ENV);
    let err = Client::from_env().unwrap_err();
    assert!(
        matches!(
            err,
            Error::MissingApiKey {
                variable: "NEBIUS_API_KEY"
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("NEBIUS_API_KEY"), "{err}");

    std::env::set_var(API_KEY_ENV, "env-key-123");
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "https://api.tokenfactory.nebius.com");
    assert_eq!(client.ai_project_id(), None);

    std::env::set_var(BASE_URL_ENV, "http://127.0.0.1:9999/");
    std::env::set_var(PROJECT_ENV, "project-7");
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9999");
    assert_eq!(client.ai_project_id(), Some("project-7"));
    assert!(!format!("{client:?}").contains("env-key-123"));

    std::env::set_var(BASE_URL_ENV, "http://example.com");
    let err = Client::from_env().unwrap_err();
    assert!(matches!(err, Error::InsecureBaseUrl { .. }), "{err:?}");
}
