//! One run of progenitor over a normalised document.
//!
//! progenitor reports some constructs it cannot handle as errors and others
//! as panics (`todo!()`, `assert!`, `unreachable!()`, in itself and in
//! typify). Both come back from [`run`] as a message, so that the caller
//! can find the schema or operation responsible and go on without it.

use super::Options;
use crate::emit::open_enum::OpenEnum;
use crate::Error;
use openapiv3::OpenAPI;
use proc_macro2::TokenStream;
use progenitor_impl::{
    GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl,
};
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

/// What progenitor wrote.
pub(crate) struct Output {
    /// The client: types, `Client` and its builders.
    pub client: TokenStream,
    /// The typed httpmock helpers.
    pub mock: TokenStream,
    /// Crates the generated code names, besides the client's own.
    pub crates: Vec<&'static str>,
}

/// Runs progenitor over `doc`. The outer error is fatal (the document does
/// not parse); the inner one is progenitor's error or panic message.
pub(crate) fn run(
    doc: &Value,
    enums: &[OpenEnum],
    options: &Options,
) -> Result<Result<Output, String>, Error> {
    let spec: OpenAPI =
        serde_json::from_value(doc.clone()).map_err(|e| Error::Parse(e.to_string()))?;
    let settings = settings(enums, options);
    Ok(catch_panics(|| {
        let mut generator = Generator::new(&settings);
        let client = generator
            .generate_tokens(&spec)
            .map_err(|e| e.to_string())?;
        let types = generator.get_type_space();
        let crates = [
            ("chrono", types.uses_chrono()),
            ("regress", types.uses_regress()),
            ("uuid", types.uses_uuid()),
        ]
        .into_iter()
        .filter_map(|(name, used)| used.then_some(name))
        .collect();
        let mock = Generator::new(&settings)
            .httpmock(&spec, &options.module_path())
            .map_err(|e| e.to_string())?;
        Ok(Output {
            client,
            mock,
            crates,
        })
    }))
}

fn settings(enums: &[OpenEnum], options: &Options) -> GenerationSettings {
    let mut settings = GenerationSettings::default();
    let transport: TokenStream = format!("{}::Transport", options.runtime)
        .parse()
        .expect("Options::runtime is checked to be a Rust path");
    // The runtime's transport is the client's inner value, and without a
    // default `impl ClientHooks for &Client`, a client whose hooks are not
    // implemented (see `emit::runtime`) does not compile: no operation can
    // run around them.
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_derive("PartialEq")
        .with_inner_type(transport)
        .with_hooks(HooksMode::Expected);
    let module_path = options.module_path();
    for e in enums {
        settings.with_replacement(
            &e.name,
            format!("{module_path}::types::{}", e.name),
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }
    let password = schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        format: Some("password".into()),
        ..Default::default()
    };
    settings.with_conversion(
        password,
        format!("{}::Secret", options.runtime),
        [TypeImpl::Display].into_iter(),
    );
    // The file fields of multipart forms (see the `multipart` pass).
    let part = schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        format: Some(crate::normalize::multipart::PART_FORMAT.into()),
        ..Default::default()
    };
    settings.with_conversion(
        part,
        format!("{}::multipart::Part", options.runtime),
        std::iter::empty(),
    );
    settings
}

thread_local! {
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f`, turning a panic into an `Err` with its message.
///
/// A process-wide hook is installed once; it records the message of a panic
/// on a thread that is inside `catch_panics`, and passes every other panic
/// to the hook that was there before, so test output elsewhere is unchanged.
fn catch_panics<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CAPTURING.with(Cell::get) {
                let payload = info.payload();
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic without a message".into());
                let place = info
                    .location()
                    .map(|l| format!(" (at {}:{})", short_path(l.file()), l.line()))
                    .unwrap_or_default();
                PANIC_MESSAGE
                    .with(|m| *m.borrow_mut() = Some(format!("panicked: {message}{place}")));
            } else {
                previous(info);
            }
        }));
    });
    CAPTURING.with(|c| c.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CAPTURING.with(|c| c.set(false));
    match result {
        Ok(r) => r,
        Err(_) => Err(PANIC_MESSAGE
            .with(|m| m.borrow_mut().take())
            .unwrap_or_else(|| "panicked".into())),
    }
}

/// A source path from the cargo registry, from the crate's folder on:
/// `typify-impl-0.8.0/src/defaults.rs`, the same on every machine.
fn short_path(file: &str) -> &str {
    match file.find("/src/") {
        Some(src) => {
            let crate_start = file[..src].rfind('/').map_or(0, |i| i + 1);
            &file[crate_start..]
        }
        None => file,
    }
}
