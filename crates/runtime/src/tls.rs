//! TLS setup that must happen before a `reqwest::Client` is built.

/// Makes rustls's ring crypto provider the process default, unless a
/// provider is installed already. [`crate::http_client`] calls it; call it
/// yourself before you build a `reqwest::Client` of your own.
///
/// reqwest, built without a provider of its own (the `rustls-ring`
/// feature), panics when it builds a TLS client and no process default is
/// installed. With other TLS features this does nothing.
pub fn ensure_crypto_provider() {
    #[cfg(feature = "rustls-ring")]
    {
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(|| {
            // An error means another provider was installed first; it serves as well.
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
    }
}
