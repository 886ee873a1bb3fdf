//! Credential header and cookie parameters, sent as themselves.
//!
//! The `secrets` pass types a credential parameter as the runtime's
//! `Secret`. progenitor writes a header parameter into the request as
//! `header_map.append(name, value.to_string().try_into()?)`, and a
//! `Secret`'s `to_string()` is its redaction: the request would carry
//! `[REDACTED]`. This emitter rewrites those calls, in each operation's
//! `build_request`, to `value.header_value()?`: the credential in plain,
//! marked sensitive and remembered for the scrubbing. The mock helpers
//! match such a header on `value.expose()`.

use quote::quote;
use std::collections::HashSet;
use syn::visit_mut::VisitMut;

/// Rewrites the header parameters typed `Secret` in `client`'s builders
/// and `mock`'s helpers.
pub(crate) fn send_in_plain(client: &mut syn::File, mock: &mut syn::File) {
    let Some(items) = super::module_items(client, "builder") else {
        return;
    };
    let mut secret_fields: std::collections::HashMap<String, HashSet<String>> = Default::default();
    for item in items.iter() {
        if let syn::Item::Struct(s) = item {
            let fields: HashSet<String> = s
                .fields
                .iter()
                .filter(|f| {
                    let ty = &f.ty;
                    quote!(#ty).to_string().contains("Secret")
                })
                .filter_map(|f| f.ident.as_ref().map(|i| i.to_string()))
                .collect();
            if !fields.is_empty() {
                secret_fields.insert(s.ident.to_string(), fields);
            }
        }
    }
    if secret_fields.is_empty() {
        return;
    }
    for item in items.iter_mut() {
        let syn::Item::Impl(block) = item else {
            continue;
        };
        let Some(fields) = super::self_type_name(block).and_then(|n| secret_fields.get(&n)) else {
            continue;
        };
        for item in &mut block.items {
            if let syn::ImplItem::Fn(f) = item {
                if f.sig.ident == "build_request" {
                    Headers {
                        secrets: fields.clone(),
                    }
                    .visit_block_mut(&mut f.block);
                }
            }
        }
    }
    MockHeaders.visit_file_mut(mock);
}

/// `x.to_string().try_into()?` → `x.header_value()?` for the secrets,
/// where `x` is a secret field or the `value` bound from one by
/// `if let Some(value) = field`.
struct Headers {
    secrets: HashSet<String>,
}

impl VisitMut for Headers {
    fn visit_expr_if_mut(&mut self, e: &mut syn::ExprIf) {
        let bound = match &*e.cond {
            syn::Expr::Let(l) => match (&*l.pat, &*l.expr) {
                (syn::Pat::TupleStruct(p), syn::Expr::Path(from))
                    if from
                        .path
                        .get_ident()
                        .is_some_and(|i| self.secrets.contains(&i.to_string())) =>
                {
                    p.elems.first().and_then(|e| match e {
                        syn::Pat::Ident(i) => Some(i.ident.to_string()),
                        _ => None,
                    })
                }
                _ => None,
            },
            _ => None,
        };
        let added = bound.filter(|b| self.secrets.insert(b.clone()));
        syn::visit_mut::visit_expr_if_mut(self, e);
        if let Some(b) = added {
            self.secrets.remove(&b);
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::Try(t) = expr else { return };
        let syn::Expr::MethodCall(try_into) = &*t.expr else {
            return;
        };
        if try_into.method != "try_into" {
            return;
        }
        let syn::Expr::MethodCall(to_string) = &*try_into.receiver else {
            return;
        };
        if to_string.method != "to_string" {
            return;
        }
        let syn::Expr::Path(receiver) = &*to_string.receiver else {
            return;
        };
        let Some(ident) = receiver.path.get_ident() else {
            return;
        };
        if self.secrets.contains(&ident.to_string()) {
            *expr = syn::parse_quote!(#ident.header_value()?);
        }
    }
}

/// In a mock helper taking a `Secret`, `value.to_string()` → `value.expose().to_string()`.
struct MockHeaders;

impl VisitMut for MockHeaders {
    fn visit_impl_item_fn_mut(&mut self, f: &mut syn::ImplItemFn) {
        let inputs = &f.sig.inputs;
        if !quote!(#inputs).to_string().contains("Secret") {
            return;
        }
        ExposeValue.visit_block_mut(&mut f.block);
    }
}

struct ExposeValue;

impl VisitMut for ExposeValue {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let syn::Expr::MethodCall(call) = expr else {
            return;
        };
        if call.method != "to_string" {
            return;
        }
        if let syn::Expr::Path(p) = &*call.receiver {
            if p.path.is_ident("value") {
                *expr = syn::parse_quote!(value.expose().to_string());
            }
        }
    }
}
