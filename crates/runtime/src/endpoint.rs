//! What the runtime knows of each generated operation.
//!
//! The generator writes one [`Endpoint`] constant per operation (in the
//! generated crate's `endpoints` module): its id, method and path, what its
//! success response is, which of its parameters travel as cookies, where it
//! takes the AI Studio project, and the Rust call that makes it. The
//! runtime reads its decisions from there: whether an attempt reads the
//! body before it ends, which failures may be retried, where the
//! configured project goes, how the call is named in errors and traces.

/// One operation of the API, as the generator describes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// The operation id, as the client's method is named.
    pub operation_id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, with `{name}` for path parameters.
    pub path: &'static str,
    /// What a successful response holds.
    pub response: ResponseKind,
    /// The media type of a successful response, as the document gives it
    /// (empty for none); a streaming call asks for it in `Accept`.
    pub media_type: &'static str,
    /// Parameters that are cookies: the generated code sends each as a
    /// header of its name, and the runtime joins them into one `Cookie`.
    pub cookies: &'static [&'static str],
    /// Where the operation takes the AI Studio project, if it does: the
    /// project configured on the transport goes there, unless the call
    /// names its own.
    pub project: Option<ProjectParameter>,
    /// The Rust call that makes this request, as a user writes it
    /// (`create_chat_completion().send_stream()`): errors name it.
    pub call: &'static str,
}

/// Where an operation takes the AI Studio project, by the parameter's
/// name on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProjectParameter {
    /// A query parameter.
    Query(&'static str),
    /// A property of the JSON body (of every arm, for a union body).
    Body(&'static str),
}

/// What a successful response of an operation holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseKind {
    /// One JSON document, read whole within the attempt's timeout.
    Json,
    /// Nothing worth reading.
    Empty,
    /// Server-sent events, read as they arrive.
    EventStream,
    /// JSON Lines, read as they arrive.
    JsonLines,
    /// Bytes of any other type, read as they arrive.
    Bytes,
}

impl ResponseKind {
    /// Whether an attempt ends when the headers arrive, leaving the body to
    /// be read as a stream.
    pub fn is_stream(self) -> bool {
        matches!(self, Self::EventStream | Self::JsonLines | Self::Bytes)
    }
}

impl Endpoint {
    /// An endpoint the generated table does not list, known only by its id
    /// and method; treated as JSON.
    pub const fn unlisted(operation_id: &'static str, method: &'static str) -> Self {
        Self {
            operation_id,
            method,
            path: "",
            response: ResponseKind::Json,
            media_type: "application/json",
            cookies: &[],
            project: None,
            call: operation_id,
        }
    }

    /// Whether repeating the request has the effect of sending it once, by
    /// HTTP's definition of the method (RFC 9110, 9.2.2): GET, HEAD,
    /// OPTIONS, TRACE, PUT and DELETE are; POST and PATCH are not.
    pub fn is_idempotent(&self) -> bool {
        matches!(
            self.method,
            "GET" | "HEAD" | "OPTIONS" | "TRACE" | "PUT" | "DELETE"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotence_follows_the_method() {
        for (method, idempotent) in [
            ("GET", true),
            ("HEAD", true),
            ("OPTIONS", true),
            ("PUT", true),
            ("DELETE", true),
            ("POST", false),
            ("PATCH", false),
        ] {
            assert_eq!(
                Endpoint::unlisted("op", method).is_idempotent(),
                idempotent,
                "{method}"
            );
        }
    }
}
