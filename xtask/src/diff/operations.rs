//! Operations: added and removed, method names, parameters, request
//! bodies, responses and security.

use super::kind::{ChangeKind, Place, Severity};
use super::report::{Change, Group, Subject};
use super::schema::{escape, resolve, Docs, Walker};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// For every operation, `(operation id, Rust method name)`: the codegen's
/// own naming rule (`nebius_tokenfactory_codegen::normalize::method_names`),
/// as the Rust method progenitor generates.
pub fn method_names(doc: &Value) -> HashMap<(String, String), (String, String)> {
    nebius_tokenfactory_codegen::normalize::method_names(doc)
        .into_iter()
        .map(|n| {
            let rust = n.rust_name();
            ((n.path, n.method), (n.operation_id, rust))
        })
        .collect()
}

/// Every operation of `doc`: path, method, operation, in document order.
pub fn operations(doc: &Value) -> Vec<(&str, &'static str, &Value)> {
    nebius_tokenfactory_codegen::normalize::visit::operations(doc)
        .filter(|(_, _, op)| op.is_object())
        .collect()
}

/// A path with its parameter names blanked, so that renaming `{id}` to
/// `{dataset_id}` still matches the same operation.
pub(crate) fn template(path: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in path.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// Rewrites the `operation_added` explanations from what the generator
/// made of the new document: the method the new client has for the
/// operation (from its surface), or, for an operation the generator left
/// out, that it is left out and why. `document` is the normalised
/// document the new client was generated from.
pub fn name_new_methods(
    report: &mut super::report::Report,
    surface: &nebius_tokenfactory_codegen::surface::Surface,
    document: &Value,
    skipped: &[nebius_tokenfactory_codegen::Skipped],
) {
    let methods = surface.methods();
    for group in &mut report.groups {
        let Subject::Operation { method, path, name } = &mut group.subject else {
            continue;
        };
        let Some(change) = group
            .changes
            .iter_mut()
            .find(|c| c.kind == ChangeKind::OperationAdded)
        else {
            continue;
        };
        if let Some(s) = skipped
            .iter()
            .find(|s| s.method == *method && template(&s.path) == template(path))
        {
            change.explanation = format!(
                "new operation, which the generator leaves out: {}; the client has no method for it",
                s.reason
            );
            continue;
        }
        let id = operations(document)
            .into_iter()
            .find(|(p, m, _)| m.eq_ignore_ascii_case(method) && template(p) == template(path))
            .and_then(|(_, _, op)| op.get("operationId").and_then(Value::as_str));
        if let Some(rust) = id.and_then(|id| methods.get(id)) {
            *name = rust.to_string();
            change.explanation = format!("new operation: a new method `client.{rust}()`");
        }
    }
}

/// The groups of operation changes: new-document order, then removed ones.
pub fn compare(docs: Docs) -> Vec<Group> {
    let (old_names, new_names) = (method_names(docs.old), method_names(docs.new));
    let old_ops = operations(docs.old);
    let mut old_by_key: HashMap<(String, &str), usize> = HashMap::new();
    for (i, (path, method, _)) in old_ops.iter().enumerate() {
        old_by_key.entry((template(path), method)).or_insert(i);
    }
    let mut matched = vec![false; old_ops.len()];
    let mut groups = Vec::new();
    for (path, method, new_op) in operations(docs.new) {
        let (new_id, new_name) = new_names[&(path.to_string(), method.to_string())].clone();
        let new_ptr = format!("/paths/{}/{method}", escape(path));
        let subject = Subject::Operation {
            method: method.to_uppercase(),
            path: path.into(),
            name: new_name.clone(),
        };
        let Some(&i) = old_by_key.get(&(template(path), method)) else {
            groups.push(Group {
                subject,
                changes: vec![change(
                    ChangeKind::OperationAdded,
                    Severity::Compatible,
                    new_ptr,
                    format!("new operation: a new method `client.{new_name}()`"),
                )],
            });
            continue;
        };
        matched[i] = true;
        let (old_path, _, old_op) = old_ops[i];
        let (old_id, old_name) = old_names[&(old_path.to_string(), method.to_string())].clone();
        let old_ptr = format!("/paths/{}/{method}", escape(old_path));
        let mut changes = Vec::new();
        if old_id != new_id && old_name != new_name {
            changes.push(change(
                ChangeKind::OperationIdChanged,
                Severity::Breaking,
                format!("{new_ptr}/operationId"),
                format!("operationId `{old_id}` became `{new_id}`: the method `client.{old_name}()` becomes `client.{new_name}()`, and types named after it (an inline body's request type) follow"),
            ));
        } else if old_id != new_id {
            changes.push(change(
                ChangeKind::OperationIdChanged,
                Severity::Compatible,
                format!("{new_ptr}/operationId"),
                format!("operationId `{old_id}` became `{new_id}`: the method name stays `client.{new_name}()`"),
            ));
        } else if old_name != new_name {
            changes.push(change(
                ChangeKind::MethodRenamed,
                Severity::Breaking,
                new_ptr.clone(),
                format!("the method `client.{old_name}()` becomes `client.{new_name}()`: another operation now shortens to the same name, so both keep their full operationId"),
            ));
        }
        if !is_true(old_op.get("deprecated")) && is_true(new_op.get("deprecated")) {
            changes.push(change(
                ChangeKind::OperationDeprecated,
                Severity::Compatible,
                format!("{new_ptr}/deprecated"),
                "the operation is deprecated: plan to stop calling it".into(),
            ));
        }
        let sides = Sides {
            docs,
            old_path,
            new_path: path,
            old_op,
            new_op,
            old_ptr,
            new_ptr,
        };
        sides.parameters(&mut changes);
        sides.request_body(&mut changes);
        sides.responses(&mut changes);
        sides.security(&mut changes);
        if !changes.is_empty() {
            groups.push(Group { subject, changes });
        }
    }
    for (i, (path, method, _)) in old_ops.iter().enumerate() {
        if matched[i] {
            continue;
        }
        let (_, name) = old_names[&(path.to_string(), method.to_string())].clone();
        groups.push(Group {
            subject: Subject::Operation {
                method: method.to_uppercase(),
                path: path.to_string(),
                name: name.clone(),
            },
            changes: vec![change(
                ChangeKind::OperationRemoved,
                Severity::Breaking,
                format!("/paths/{}/{method}", escape(path)),
                format!("operation removed: the method `client.{name}()` disappears"),
            )],
        });
    }
    groups
}

fn change(kind: ChangeKind, severity: Severity, location: String, explanation: String) -> Change {
    Change {
        kind,
        severity,
        location,
        explanation,
    }
}

fn is_true(value: Option<&Value>) -> bool {
    value == Some(&Value::Bool(true))
}

/// One operation on both sides.
struct Sides<'a> {
    docs: Docs<'a>,
    old_path: &'a str,
    new_path: &'a str,
    old_op: &'a Value,
    new_op: &'a Value,
    old_ptr: String,
    new_ptr: String,
}

/// A parameter, resolved, with its pointer.
struct Param<'v> {
    value: &'v Value,
    pointer: String,
}

fn parameters<'v>(
    doc: &'v Value,
    path: &str,
    op: &'v Value,
    op_ptr: &str,
) -> Vec<((String, String), Param<'v>)> {
    let mut out: Vec<((String, String), Param<'v>)> = Vec::new();
    let item_ptr = format!("/paths/{}", escape(path));
    let lists = [
        (
            doc.pointer(&format!("{item_ptr}/parameters")),
            item_ptr.clone(),
        ),
        (op.get("parameters"), op_ptr.to_string()),
    ];
    for (list, base) in lists {
        let Some(Value::Array(list)) = list else {
            continue;
        };
        for (i, p) in list.iter().enumerate() {
            let (value, pointer) = resolve(doc, p, format!("{base}/parameters/{i}"));
            let key = (
                value
                    .get("in")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                value
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
            );
            // An operation's parameter overrides the path item's.
            out.retain(|(k, _)| *k != key);
            out.push((key, Param { value, pointer }));
        }
    }
    out
}

/// A parameter's schema: `schema`, or the first media type's.
fn param_schema<'v>(p: &Param<'v>) -> Option<(&'v Value, String)> {
    if let Some(schema) = p.value.get("schema") {
        return Some((schema, format!("{}/schema", p.pointer)));
    }
    let (media, content) = p.value.get("content")?.as_object()?.iter().next()?;
    Some((
        content.get("schema")?,
        format!("{}/content/{}/schema", p.pointer, escape(media)),
    ))
}

fn required(value: &Value) -> bool {
    is_true(value.get("required"))
}

fn content(value: &Value) -> Option<&Map<String, Value>> {
    value.get("content").and_then(Value::as_object)
}

impl Sides<'_> {
    fn parameters(&self, out: &mut Vec<Change>) {
        let old = parameters(self.docs.old, self.old_path, self.old_op, &self.old_ptr);
        let new = parameters(self.docs.new, self.new_path, self.new_op, &self.new_ptr);
        for ((place, name), p) in &old {
            if !new.iter().any(|(k, _)| k.0 == *place && k.1 == *name) {
                out.push(change(
                    ChangeKind::ParameterRemoved,
                    Severity::Breaking,
                    p.pointer.clone(),
                    format!("{place} parameter `{name}` removed: its builder setter disappears"),
                ));
            }
        }
        for ((place, name), n) in &new {
            let Some((_, o)) = old.iter().find(|(k, _)| k.0 == *place && k.1 == *name) else {
                let (kind, severity, what) = if required(n.value) {
                    (
                        ChangeKind::ParameterAddedRequired,
                        Severity::Breaking,
                        "calls that do not set it fail",
                    )
                } else {
                    (
                        ChangeKind::ParameterAddedOptional,
                        Severity::Compatible,
                        "the builder gains a setter",
                    )
                };
                let label = if required(n.value) {
                    "required"
                } else {
                    "optional"
                };
                out.push(change(
                    kind,
                    severity,
                    n.pointer.clone(),
                    format!("new {label} {place} parameter `{name}`: {what}"),
                ));
                continue;
            };
            match (required(o.value), required(n.value)) {
                (false, true) => out.push(change(
                    ChangeKind::ParameterBecameRequired,
                    Severity::Breaking,
                    format!("{}/required", n.pointer),
                    format!(
                        "{place} parameter `{name}` became required: calls that do not set it fail"
                    ),
                )),
                (true, false) => out.push(change(
                    ChangeKind::ParameterBecameOptional,
                    Severity::Compatible,
                    format!("{}/required", n.pointer),
                    format!(
                        "{place} parameter `{name}` became optional: existing calls still set it"
                    ),
                )),
                _ => {}
            }
            if let (Some((os, op)), Some((ns, np))) = (param_schema(o), param_schema(n)) {
                let mut walker = Walker::new(self.docs, Place::Parameter);
                walker.compare(os, ns, &op, &np, &format!("parameter {name}"));
                out.extend(walker.changes);
            }
        }
    }

    fn request_body(&self, out: &mut Vec<Change>) {
        fn resolve_body<'v>(
            doc: &'v Value,
            op: &'v Value,
            ptr: &str,
        ) -> Option<(&'v Value, String)> {
            op.get("requestBody")
                .map(|b| resolve(doc, b, format!("{ptr}/requestBody")))
        }
        let old = resolve_body(self.docs.old, self.old_op, &self.old_ptr);
        let new = resolve_body(self.docs.new, self.new_op, &self.new_ptr);
        match (old, new) {
            (None, None) => {}
            (None, Some((body, ptr))) => {
                let severity = if required(body) {
                    Severity::Breaking
                } else {
                    Severity::Compatible
                };
                out.push(change(
                    ChangeKind::RequestBodyAdded,
                    severity,
                    ptr,
                    format!(
                        "the operation takes a {} request body now",
                        if required(body) {
                            "required"
                        } else {
                            "optional"
                        }
                    ),
                ));
            }
            (Some((_, ptr)), None) => out.push(change(
                ChangeKind::RequestBodyRemoved,
                Severity::Breaking,
                ptr,
                "the operation takes no request body now: the builder's `body` setter disappears"
                    .into(),
            )),
            (Some((old, old_ptr)), Some((new, new_ptr))) => {
                if !required(old) && required(new) {
                    out.push(change(
                        ChangeKind::RequestBodyBecameRequired,
                        Severity::Breaking,
                        format!("{new_ptr}/required"),
                        "the request body became required: calls without one fail".into(),
                    ));
                }
                self.media(
                    old,
                    new,
                    &old_ptr,
                    &new_ptr,
                    Place::Request,
                    "request body",
                    out,
                );
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn media(
        &self,
        old: &Value,
        new: &Value,
        old_ptr: &str,
        new_ptr: &str,
        place: Place,
        label: &str,
        out: &mut Vec<Change>,
    ) {
        let empty = Map::new();
        let (old_content, new_content) = (
            content(old).unwrap_or(&empty),
            content(new).unwrap_or(&empty),
        );
        let request = place != Place::Response;
        for media in old_content.keys().filter(|m| !new_content.contains_key(*m)) {
            let location = format!("{old_ptr}/content/{}", escape(media));
            let (kind, severity, why) = if request {
                (
                    ChangeKind::RequestMediaTypeRemoved,
                    Severity::Breaking,
                    "servers refuse bodies sent as it",
                )
            } else if media.contains("json") {
                (
                    ChangeKind::ResponseMediaTypeRemoved,
                    Severity::Breaking,
                    "the client decodes JSON, and the response type changes",
                )
            } else {
                (
                    ChangeKind::ResponseMediaTypeRemoved,
                    Severity::PotentiallyBreaking,
                    "the response type may change",
                )
            };
            out.push(change(
                kind,
                severity,
                location,
                format!("{label} media type `{media}` removed: {why}"),
            ));
        }
        for media in new_content.keys().filter(|m| !old_content.contains_key(*m)) {
            let location = format!("{new_ptr}/content/{}", escape(media));
            let (kind, severity, why) = if request {
                added_request_media(media, new_content)
            } else {
                (
                    ChangeKind::ResponseMediaTypeAdded,
                    Severity::PotentiallyBreaking,
                    RESPONSE_MEDIA_ADDED,
                )
            };
            out.push(change(
                kind,
                severity,
                location,
                format!("{label} media type `{media}` added: {why}"),
            ));
        }
        for (media, new_media) in new_content {
            let Some(old_media) = old_content.get(media) else {
                continue;
            };
            if let (Some(os), Some(ns)) = (old_media.get("schema"), new_media.get("schema")) {
                let escaped = escape(media);
                let mut walker = Walker::new(self.docs, place);
                walker.compare(
                    os,
                    ns,
                    &format!("{old_ptr}/content/{escaped}/schema"),
                    &format!("{new_ptr}/content/{escaped}/schema"),
                    label,
                );
                out.extend(walker.changes);
            }
        }
    }

    fn responses(&self, out: &mut Vec<Change>) {
        let list = |op: &'_ Value| {
            op.get("responses")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let (old, new) = (list(self.old_op), list(self.new_op));
        let success = |status: &str| status.starts_with('2');
        for status in old.keys().filter(|s| !new.contains_key(*s)) {
            let (severity, why) = if success(status) {
                (
                    Severity::Breaking,
                    "the method's success type changes, and old clients reject other statuses",
                )
            } else {
                (
                    Severity::PotentiallyBreaking,
                    "the method's error type may change",
                )
            };
            out.push(change(
                ChangeKind::ResponseStatusRemoved,
                severity,
                format!("{}/responses/{}", self.old_ptr, escape(status)),
                format!("response {status} removed: {why}"),
            ));
        }
        for status in new.keys().filter(|s| !old.contains_key(*s)) {
            let why = if success(status) {
                "progenitor derives the method's return type from the success responses, so it may change"
            } else {
                "progenitor derives the method's error type from the error responses, so it may change"
            };
            out.push(change(
                ChangeKind::ResponseStatusAdded,
                Severity::PotentiallyBreaking,
                format!("{}/responses/{}", self.new_ptr, escape(status)),
                format!("response {status} added: {why}"),
            ));
        }
        for (status, new_response) in &new {
            let Some(old_response) = old.get(status) else {
                continue;
            };
            let escaped = escape(status);
            let (old_response, old_ptr) = resolve(
                self.docs.old,
                old_response,
                format!("{}/responses/{escaped}", self.old_ptr),
            );
            let (new_response, new_ptr) = resolve(
                self.docs.new,
                new_response,
                format!("{}/responses/{escaped}", self.new_ptr),
            );
            self.media(
                old_response,
                new_response,
                &old_ptr,
                &new_ptr,
                Place::Response,
                &format!("response {status}"),
                out,
            );
        }
    }

    fn security(&self, out: &mut Vec<Change>) {
        if self.old_op.get("security").is_none() && self.new_op.get("security").is_none() {
            return; // the document's requirement applies to both; reported once, under security
        }
        let effective =
            |doc: &Value, op: &Value| op.get("security").or_else(|| doc.get("security")).cloned();
        let (old, new) = (
            effective(self.docs.old, self.old_op),
            effective(self.docs.new, self.new_op),
        );
        if old != new {
            let (severity, verdict) = auth_verdict(self.docs, old.as_ref(), new.as_ref());
            out.push(change(
                ChangeKind::SecurityChanged,
                severity,
                format!("{}/security", self.new_ptr),
                format!(
                    "security requirements changed from {} to {}: {verdict}",
                    show(old.as_ref()),
                    show(new.as_ref())
                ),
            ));
        }
    }
}

const RESPONSE_MEDIA_ADDED: &str =
    "servers may answer in it, and the client decodes only the media type it was generated for";
const MULTIPART: &str =
    "progenitor has no multipart bodies, so regen skips this operation (see its list of skipped operations)";
const NARROWED: &str =
    "the client keeps sending JSON (the codegen narrows a body offered in several forms to JSON)";
const SEVERAL: &str = "progenitor cannot generate a body offered in several forms without JSON, \
     so regen skips this operation (see its list of skipped operations)";

/// What a new request media type means, given the body's media types now.
/// The codegen keeps the JSON form of a body offered in several, and skips
/// multipart bodies and bodies offered in several forms without JSON.
fn added_request_media(
    media: &str,
    content: &Map<String, Value>,
) -> (ChangeKind, Severity, &'static str) {
    let has_json = content.contains_key("application/json");
    let kind = ChangeKind::RequestMediaTypeAdded;
    if media.starts_with("multipart/") && !has_json {
        (kind, Severity::PotentiallyBreaking, MULTIPART)
    } else if has_json {
        (kind, Severity::Compatible, NARROWED)
    } else if content.len() > 1 {
        (kind, Severity::PotentiallyBreaking, SEVERAL)
    } else {
        (
            kind,
            Severity::Compatible,
            "the generated body type follows it",
        )
    }
}

/// A short JSON rendering for explanations.
pub fn show(value: Option<&Value>) -> String {
    match value {
        None => "none".into(),
        Some(v) => format!("`{v}`"),
    }
}

/// Changes to the document's `security` and `components.securitySchemes`.
pub fn security(docs: Docs) -> Option<Group> {
    let mut changes = Vec::new();
    let (old, new) = (docs.old.get("security"), docs.new.get("security"));
    if old != new {
        let (severity, verdict) = auth_verdict(docs, old, new);
        changes.push(change(
            ChangeKind::SecurityChanged,
            severity,
            "/security".into(),
            format!(
                "the document's security requirements changed from {} to {}: {verdict}",
                show(old),
                show(new)
            ),
        ));
    }
    let schemes = |doc: &'_ Value| {
        doc.pointer("/components/securitySchemes")
            .and_then(Value::as_object)
            .cloned()
    };
    let (old_schemes, new_schemes) = (
        schemes(docs.old).unwrap_or_default(),
        schemes(docs.new).unwrap_or_default(),
    );
    for (name, scheme) in &old_schemes {
        let location = format!("/components/securitySchemes/{}", escape(name));
        match new_schemes.get(name) {
            None => changes.push(change(
                ChangeKind::SecurityChanged,
                Severity::PotentiallyBreaking,
                location,
                format!("security scheme `{name}` removed: requirements that name it are judged where they change"),
            )),
            Some(new) if new != scheme => {
                let (severity, verdict) = match (bearer_satisfies(scheme), bearer_satisfies(new)) {
                    (true, false) => (
                        Severity::Breaking,
                        format!("the SDK sends its key as `Authorization: Bearer`, which {} is not: clients stop authenticating", describe(new)),
                    ),
                    (_, true) => (
                        Severity::Compatible,
                        "the SDK's bearer token still satisfies it".to_string(),
                    ),
                    (false, false) => (
                        Severity::PotentiallyBreaking,
                        "the SDK's bearer token satisfied neither".to_string(),
                    ),
                };
                changes.push(change(
                    ChangeKind::SecurityChanged,
                    severity,
                    location,
                    format!("security scheme `{name}` changed from {} to {}: {verdict}", show(Some(scheme)), show(Some(new))),
                ));
            }
            Some(_) => {}
        }
    }
    for name in new_schemes.keys().filter(|n| !old_schemes.contains_key(*n)) {
        changes.push(change(
            ChangeKind::SecurityChanged,
            Severity::Compatible,
            format!("/components/securitySchemes/{}", escape(name)),
            format!("security scheme `{name}` added"),
        ));
    }
    (!changes.is_empty()).then_some(Group {
        subject: Subject::Security,
        changes,
    })
}

/// What the SDK sends to authenticate: its API key, always, as
/// `Authorization: Bearer <key>` (the runtime's transport). A requirement
/// is judged by whether that header satisfies it.
fn auth_verdict(docs: Docs, old: Option<&Value>, new: Option<&Value>) -> (Severity, String) {
    match (satisfied(docs.old, old), satisfied(docs.new, new)) {
        (_, Ok(())) => (
            Severity::Compatible,
            "the SDK's `Authorization: Bearer` key satisfies the new requirement".into(),
        ),
        (Ok(()), Err(why)) => (
            Severity::Breaking,
            format!("the SDK sends its key as `Authorization: Bearer`, and the new requirement asks for {why}: clients, old and new, stop authenticating"),
        ),
        (Err(_), Err(why)) => (
            Severity::PotentiallyBreaking,
            format!("the SDK's bearer key satisfied neither requirement; the new one asks for {why}"),
        ),
    }
}

/// Whether the SDK's bearer header satisfies `requirement` (OpenAPI's list
/// of alternatives, each a set of schemes), in `doc`; else what it asks for.
fn satisfied(doc: &Value, requirement: Option<&Value>) -> Result<(), String> {
    let Some(alternatives) = requirement.and_then(Value::as_array) else {
        return Ok(()); // no requirement
    };
    if alternatives.is_empty() {
        return Ok(());
    }
    let mut asks = Vec::new();
    for alternative in alternatives {
        let Some(schemes) = alternative.as_object() else {
            continue;
        };
        let unmet: Vec<String> = schemes
            .keys()
            .filter_map(|name| {
                let scheme = doc.pointer(&format!("/components/securitySchemes/{}", escape(name)));
                match scheme {
                    Some(s) if bearer_satisfies(s) => None,
                    Some(s) => Some(describe(s)),
                    None => Some(format!("an undefined scheme `{name}`")),
                }
            })
            .collect();
        if unmet.is_empty() {
            return Ok(());
        }
        asks.push(unmet.join(" and "));
    }
    Err(asks.join(", or "))
}

/// Whether an `Authorization: Bearer <key>` header satisfies `scheme`.
fn bearer_satisfies(scheme: &Value) -> bool {
    let field = |k: &str| scheme.get(k).and_then(Value::as_str).unwrap_or_default();
    match field("type") {
        "http" => field("scheme").eq_ignore_ascii_case("bearer"),
        "oauth2" | "openIdConnect" => true,
        _ => false,
    }
}

/// A scheme in words: `an API key in the header X-API-Key`.
fn describe(scheme: &Value) -> String {
    let field = |k: &str| scheme.get(k).and_then(Value::as_str).unwrap_or_default();
    match field("type") {
        "apiKey" => format!("an API key in the {} `{}`", field("in"), field("name")),
        "http" => format!("HTTP `{}` authentication", field("scheme")),
        other => format!("a `{other}` scheme"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn method_names_follow_the_codegen_rule() {
        let doc = json!({"paths": {
            "/v1/datasets": {"post": {"operationId": "create_dataset_v1_datasets_post"}},
            "/v1/files": {"post": {"operationId": "upload_v1_files_post"}},
            "/v2/files": {"post": {"operationId": "upload_v2_files_post"}},
            "/a": {"get": {"operationId": "listThings"}},
            "/v1/models/{id}": {"get": {}}
        }});
        let names = method_names(&doc);
        let name = |p: &str, m: &str| names[&(p.to_string(), m.to_string())].1.clone();
        assert_eq!(name("/v1/datasets", "post"), "create_dataset");
        assert_eq!(name("/v1/files", "post"), "upload_v1_files_post");
        assert_eq!(name("/a", "get"), "list_things");
        assert_eq!(name("/v1/models/{id}", "get"), "get_v1_models_id");
    }

    #[test]
    fn path_parameter_names_do_not_split_an_operation() {
        assert_eq!(
            template("/v1/datasets/{id}/rows"),
            template("/v1/datasets/{dataset_id}/rows")
        );
    }
}
