//! Rust names as typify and progenitor make them from OpenAPI names.
//!
//! Passes that add or rename components must know which Rust name each
//! will get, so that two names that differ in the document (`Foo_Bar` and
//! `FooBar`) never meet as one Rust type. This module is the one place that
//! knows the rule; it mirrors typify 0.8's `sanitize` (`util.rs`).

use heck::{ToPascalCase, ToSnakeCase};
use unicode_ident::{is_xid_continue, is_xid_start};

/// The Rust type (or enum variant) name typify gives `input`: Pascal case,
/// made a valid identifier.
///
/// ```
/// use nebius_tokenfactory_codegen::names::type_name;
/// assert_eq!(type_name("ColumnSchema-Input"), "ColumnSchemaInput");
/// assert_eq!(type_name("1h"), "X1h");
/// assert_eq!(type_name("self"), "Self_");
/// ```
pub fn type_name(input: &str) -> String {
    sanitize(input, |s| s.to_pascal_case(), "X")
}

/// The Rust field, method or parameter name typify and progenitor give
/// `input`: snake case, made a valid identifier.
///
/// ```
/// use nebius_tokenfactory_codegen::names::snake_name;
/// assert_eq!(snake_name("X-Request-Id"), "x_request_id");
/// assert_eq!(snake_name("type"), "type_");
/// ```
pub fn snake_name(input: &str) -> String {
    sanitize(input, |s| s.to_snake_case(), "x")
}

fn sanitize(input: &str, case: fn(&str) -> String, prefix: &str) -> String {
    let out = match input {
        "+1" => case("plus1"),
        "-1" => case("minus1"),
        _ => case(
            &input
                .replace('\'', "")
                .replace(|c| !is_xid_continue(c), "-"),
        ),
    };
    let out = match out.chars().next() {
        None => prefix.to_string(),
        Some(c) if is_xid_start(c) => out,
        Some(_) => format!("{prefix}{out}"),
    };
    if is_reserved(&out) {
        format!("{out}_")
    } else {
        out
    }
}

/// Words typify will not use as identifiers (Rust keywords, and `gen`).
fn is_reserved(ident: &str) -> bool {
    matches!(
        ident,
        "_" | "abstract"
            | "as"
            | "async"
            | "await"
            | "become"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "do"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "final"
            | "fn"
            | "for"
            | "gen"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "macro"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "override"
            | "priv"
            | "pub"
            | "ref"
            | "return"
            | "Self"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "try"
            | "type"
            | "typeof"
            | "unsafe"
            | "unsized"
            | "use"
            | "virtual"
            | "where"
            | "while"
            | "yield"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_differ_in_the_document_can_meet_in_rust() {
        assert_eq!(type_name("Foo_Bar"), type_name("FooBar"));
        assert_eq!(type_name("foo-bar"), type_name("FooBar"));
        assert_eq!(type_name("Etc/GMT+1"), type_name("Etc/GMT-1"));
    }

    #[test]
    fn special_cases_match_typify() {
        assert_eq!(type_name("+1"), "Plus1");
        assert_eq!(type_name("-1"), "Minus1");
        assert_eq!(type_name(""), "X");
        assert_eq!(type_name("READY"), "Ready");
        assert_eq!(type_name("text-generation"), "TextGeneration");
        assert_eq!(snake_name("3d"), "x3d");
        assert_eq!(snake_name("self"), "self_");
    }
}
