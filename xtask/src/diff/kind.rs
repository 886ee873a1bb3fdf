//! The kinds of change, their severities, and the table that turns what
//! the schema comparison found into a kind, a severity and an explanation
//! for users of this generated Rust client.
//!
//! The severities are about this client, not the wire alone. A renamed
//! schema is invisible on the wire, yet it renames a Rust type. A response
//! enum value that oasdiff warns about is harmless here: this client's
//! string enums are open (an `Unknown(String)` variant) and
//! `#[non_exhaustive]`.

use super::report::Change;

/// What a change means for users of the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Nothing a user does breaks.
    Compatible,
    /// Some uses break: code that names a removed item, a struct literal,
    /// a server that relies on the old behaviour.
    PotentiallyBreaking,
    /// Old clients fail on the wire, or typical code stops compiling.
    Breaking,
}

impl Severity {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Compatible => "compatible",
            Severity::PotentiallyBreaking => "potentially-breaking",
            Severity::Breaking => "breaking",
        }
    }
}

macro_rules! kinds {
    ($( $(#[doc = $doc:literal])* $variant:ident => $name:literal, )*) => {
        /// The kind of a change; [`ChangeKind::as_str`] is its stable name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ChangeKind {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl ChangeKind {
            /// Every kind, in the order of the report's documentation.
            pub const ALL: &'static [ChangeKind] = &[$(ChangeKind::$variant),*];

            /// The stable snake-case name used in reports.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( ChangeKind::$variant => $name, )*
                }
            }
        }
    };
}

kinds! {
    /// An operation appeared.
    OperationAdded => "operation_added",
    /// An operation disappeared.
    OperationRemoved => "operation_removed",
    /// The `operationId` changed; the explanation says what happens to the method name.
    OperationIdChanged => "operation_id_changed",
    /// The `operationId` is the same but the method name changed (a new name collision).
    MethodRenamed => "method_renamed",
    /// The operation is now deprecated.
    OperationDeprecated => "operation_deprecated",
    /// A new required parameter.
    ParameterAddedRequired => "parameter_added_required",
    /// A new optional parameter.
    ParameterAddedOptional => "parameter_added_optional",
    /// A parameter disappeared.
    ParameterRemoved => "parameter_removed",
    /// A parameter's type or format changed.
    ParameterTypeChanged => "parameter_type_changed",
    /// A parameter became required.
    ParameterBecameRequired => "parameter_became_required",
    /// A parameter became optional.
    ParameterBecameOptional => "parameter_became_optional",
    /// The operation takes a request body now.
    RequestBodyAdded => "request_body_added",
    /// The operation no longer takes a request body.
    RequestBodyRemoved => "request_body_removed",
    /// The request body became required.
    RequestBodyBecameRequired => "request_body_became_required",
    /// A new required property in a request.
    RequestPropertyAddedRequired => "request_property_added_required",
    /// A new optional property in a request.
    RequestPropertyAddedOptional => "request_property_added_optional",
    /// A request property disappeared.
    RequestPropertyRemoved => "request_property_removed",
    /// A request property became required.
    RequestPropertyBecameRequired => "request_property_became_required",
    /// A request property became optional.
    RequestPropertyBecameOptional => "request_property_became_optional",
    /// A request property's type (or format, or named type) changed.
    RequestPropertyTypeChanged => "request_property_type_changed",
    /// A request property accepts null now.
    RequestPropertyBecameNullable => "request_property_became_nullable",
    /// A request property no longer accepts null.
    RequestPropertyNoLongerNullable => "request_property_no_longer_nullable",
    /// A request enum gained a value.
    RequestEnumValueAdded => "request_enum_value_added",
    /// A request enum lost a value.
    RequestEnumValueRemoved => "request_enum_value_removed",
    /// A request union (or allOf) gained an arm.
    RequestUnionArmAdded => "request_union_arm_added",
    /// A request union (or allOf) lost an arm.
    RequestUnionArmRemoved => "request_union_arm_removed",
    /// A new property in a response.
    ResponsePropertyAdded => "response_property_added",
    /// A required response property disappeared.
    ResponsePropertyRemovedRequired => "response_property_removed_required",
    /// An optional response property disappeared.
    ResponsePropertyRemovedOptional => "response_property_removed_optional",
    /// A response property became required.
    ResponsePropertyBecameRequired => "response_property_became_required",
    /// A response property became optional.
    ResponsePropertyBecameOptional => "response_property_became_optional",
    /// A response property's type (or format, or named type) changed.
    ResponsePropertyTypeChanged => "response_property_type_changed",
    /// A response property may be null now.
    ResponsePropertyBecameNullable => "response_property_became_nullable",
    /// A response property is never null now.
    ResponsePropertyNoLongerNullable => "response_property_no_longer_nullable",
    /// A response enum gained a value.
    ResponseEnumValueAdded => "response_enum_value_added",
    /// A response enum lost a value.
    ResponseEnumValueRemoved => "response_enum_value_removed",
    /// A response union (or allOf) gained an arm.
    ResponseUnionArmAdded => "response_union_arm_added",
    /// A response union (or allOf) lost an arm.
    ResponseUnionArmRemoved => "response_union_arm_removed",
    /// A request body accepts a new media type.
    RequestMediaTypeAdded => "request_media_type_added",
    /// A request body no longer accepts a media type.
    RequestMediaTypeRemoved => "request_media_type_removed",
    /// A response has a new media type.
    ResponseMediaTypeAdded => "response_media_type_added",
    /// A response lost a media type.
    ResponseMediaTypeRemoved => "response_media_type_removed",
    /// A new response status code.
    ResponseStatusAdded => "response_status_added",
    /// A response status code disappeared.
    ResponseStatusRemoved => "response_status_removed",
    /// Security requirements or schemes changed.
    SecurityChanged => "security_changed",
    /// A component schema appeared.
    SchemaAdded => "schema_added",
    /// A component schema disappeared.
    SchemaRemoved => "schema_removed",
    /// A component schema has a new key and the same shape.
    SchemaRenamed => "schema_renamed",
}

/// Where a schema sits, which decides what a change means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Place {
    /// A parameter: the client sends it.
    Parameter,
    /// A request body: the client sends it.
    Request,
    /// A response body: the client decodes it.
    Response,
}

/// What the structural comparison of two schemas found, before it is
/// classified for a [`Place`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A property appeared.
    PropertyAdded {
        /// Whether it is required.
        required: bool,
    },
    /// A property disappeared.
    PropertyRemoved {
        /// Whether it was required.
        required: bool,
    },
    /// A property became required.
    BecameRequired,
    /// A property became optional.
    BecameOptional,
    /// The schema allows null now.
    BecameNullable {
        /// Whether it is an optional property, generated as an `Option`.
        optional: bool,
    },
    /// The schema no longer allows null.
    NoLongerNullable,
    /// The JSON type changed, or a `$ref` points at another schema.
    TypeChanged {
        /// The old type, described.
        from: String,
        /// The new type, described.
        to: String,
    },
    /// The `format` changed, which may change the Rust type.
    FormatChanged {
        /// The old format, or `none`.
        from: String,
        /// The new format, or `none`.
        to: String,
    },
    /// A named component became inline, or the other way round.
    NamedTypeChanged {
        /// The old type, described.
        from: String,
        /// The new type, described.
        to: String,
    },
    /// An enum gained a value.
    EnumValueAdded {
        /// The value, as JSON.
        value: String,
        /// Whether the old enum is generated as an open enum.
        open: bool,
    },
    /// An enum lost a value.
    EnumValueRemoved {
        /// The value, as JSON.
        value: String,
    },
    /// A union or allOf gained an arm.
    ArmAdded {
        /// `anyOf`, `oneOf` or `allOf`.
        keyword: String,
        /// The arm, described.
        arm: String,
    },
    /// A union or allOf lost an arm.
    ArmRemoved {
        /// `anyOf`, `oneOf` or `allOf`.
        keyword: String,
        /// The arm, described.
        arm: String,
    },
}

/// Classifies `event`, found at `location` in what `label` names, for `place`.
pub fn classify(event: &Event, place: Place, label: &str, location: String) -> Change {
    use ChangeKind as K;
    use Severity::*;
    let sends = place != Place::Response;
    let (kind, severity, explanation) = match event {
        Event::PropertyAdded { required: true } if sends => (
            K::RequestPropertyAddedRequired,
            Breaking,
            format!("new required property {label}: requests without it are refused, and the builder's `try_from` fails until it is set"),
        ),
        Event::PropertyAdded { .. } if sends => (
            K::RequestPropertyAddedOptional,
            PotentiallyBreaking,
            format!("new optional property {label}: builders are unaffected, but a struct literal of the type must name the new field"),
        ),
        Event::PropertyAdded { .. } => (
            K::ResponsePropertyAdded,
            Compatible,
            format!("new property {label}: old clients ignore unknown fields; the regenerated struct gains a field"),
        ),
        Event::PropertyRemoved { .. } if sends => (
            K::RequestPropertyRemoved,
            Breaking,
            format!("property {label} removed: its field and builder setter disappear, and servers may refuse it"),
        ),
        Event::PropertyRemoved { required: true } => (
            K::ResponsePropertyRemovedRequired,
            Breaking,
            format!("required property {label} removed: old clients fail to decode responses without it, and the field disappears"),
        ),
        Event::PropertyRemoved { required: false } => (
            K::ResponsePropertyRemovedOptional,
            PotentiallyBreaking,
            format!("optional property {label} removed: old clients read `None`; code that reads the field stops compiling after regeneration"),
        ),
        Event::BecameRequired if sends => (
            K::RequestPropertyBecameRequired,
            Breaking,
            format!("property {label} became required: requests without it are refused, and its field changes from `Option<T>` to `T`"),
        ),
        Event::BecameRequired => (
            K::ResponsePropertyBecameRequired,
            PotentiallyBreaking,
            format!("property {label} became required: always sent now; its field changes from `Option<T>` to `T`"),
        ),
        Event::BecameOptional if sends => (
            K::RequestPropertyBecameOptional,
            PotentiallyBreaking,
            format!("property {label} became optional: its field changes from `T` to `Option<T>` (builder setters still take `T`)"),
        ),
        Event::BecameOptional => (
            K::ResponsePropertyBecameOptional,
            Breaking,
            format!("property {label} became optional: old clients fail to decode responses without it, and its field changes from `T` to `Option<T>`"),
        ),
        Event::BecameNullable { .. } if sends => (
            K::RequestPropertyBecameNullable,
            PotentiallyBreaking,
            format!("{label} accepts null now: its Rust type becomes `Option<T>`"),
        ),
        Event::BecameNullable { optional: true } => (
            K::ResponsePropertyBecameNullable,
            Compatible,
            format!("{label} may be null now: it is optional, so its field is an `Option<T>` already and null decodes as `None`"),
        ),
        Event::BecameNullable { optional: false } => (
            K::ResponsePropertyBecameNullable,
            Breaking,
            format!("{label} may be null now: old clients fail to decode a null, and its Rust type becomes `Option<T>`"),
        ),
        Event::NoLongerNullable if sends => (
            K::RequestPropertyNoLongerNullable,
            Breaking,
            format!("{label} no longer accepts null: requests with null are refused, and `Option<T>` becomes `T`"),
        ),
        Event::NoLongerNullable => (
            K::ResponsePropertyNoLongerNullable,
            PotentiallyBreaking,
            format!("{label} is never null now: its Rust type loses the `Option`"),
        ),
        Event::TypeChanged { from, to } => (
            type_kind(place),
            Breaking,
            format!("type of {label} changed from {from} to {to}: the Rust type changes and old clients send or expect the old one"),
        ),
        Event::FormatChanged { from, to } => (
            type_kind(place),
            PotentiallyBreaking,
            format!("format of {label} changed from {from} to {to}: the Rust type may change (typify maps formats such as int64, uuid and date-time; `password` becomes the redacting `Secret`)"),
        ),
        Event::NamedTypeChanged { from, to } => (
            type_kind(place),
            PotentiallyBreaking,
            format!("{label} changed from {from} to {to}: the Rust type name changes (any change of shape is listed on its own)"),
        ),
        Event::EnumValueAdded { value, .. } if sends => (
            K::RequestEnumValueAdded,
            Compatible,
            format!("{label} accepts the new value {value}: the enum gains a variant; it is `#[non_exhaustive]`, so matches still compile"),
        ),
        Event::EnumValueAdded { value, open: true } => (
            K::ResponseEnumValueAdded,
            Compatible,
            format!("{label} may be the new value {value}: this client's enums are open, so old clients decode it as `Unknown({value})`; the regenerated enum gains a variant (`#[non_exhaustive]`, matches still compile), and code that matched `Unknown({value})` should match the variant"),
        ),
        Event::EnumValueAdded { value, open: false } => (
            K::ResponseEnumValueAdded,
            Breaking,
            format!("{label} may be the new value {value}: this enum is not generated as an open enum (one value, or not strings), so old clients fail to decode it"),
        ),
        Event::EnumValueRemoved { value } if sends => (
            K::RequestEnumValueRemoved,
            Breaking,
            format!("{label} no longer accepts {value}: servers refuse it, and its enum variant disappears"),
        ),
        Event::EnumValueRemoved { value } => (
            K::ResponseEnumValueRemoved,
            PotentiallyBreaking,
            format!("{label} is no longer {value}: old clients are unaffected; code that names its variant stops compiling after regeneration"),
        ),
        Event::ArmAdded { keyword, arm } if keyword == "allOf" => (
            arm_kind(place, true),
            PotentiallyBreaking,
            format!("{label} gained the allOf part {arm}: the type gains its fields"),
        ),
        Event::ArmRemoved { keyword, arm } if keyword == "allOf" => (
            arm_kind(place, false),
            PotentiallyBreaking,
            format!("{label} lost the allOf part {arm}: the type loses its fields"),
        ),
        Event::ArmAdded { keyword, arm } if sends => (
            arm_kind(place, true),
            Compatible,
            format!("{label} accepts a new {keyword} alternative {arm}: the Rust enum gains a variant; existing values still serialise"),
        ),
        Event::ArmAdded { keyword, arm } => (
            arm_kind(place, true),
            Breaking,
            format!("{label} may be the new {keyword} alternative {arm}: old clients fail to decode it, and matches on the Rust enum need the new variant"),
        ),
        Event::ArmRemoved { keyword, arm } if sends => (
            arm_kind(place, false),
            Breaking,
            format!("{label} no longer accepts the {keyword} alternative {arm}: servers refuse it, and its variant disappears"),
        ),
        Event::ArmRemoved { keyword, arm } => (
            arm_kind(place, false),
            PotentiallyBreaking,
            format!("{label} is no longer the {keyword} alternative {arm}: its variant disappears after regeneration"),
        ),
    };
    Change {
        kind,
        severity,
        location,
        explanation,
    }
}

fn type_kind(place: Place) -> ChangeKind {
    match place {
        Place::Parameter => ChangeKind::ParameterTypeChanged,
        Place::Request => ChangeKind::RequestPropertyTypeChanged,
        Place::Response => ChangeKind::ResponsePropertyTypeChanged,
    }
}

fn arm_kind(place: Place, added: bool) -> ChangeKind {
    match (place, added) {
        (Place::Response, true) => ChangeKind::ResponseUnionArmAdded,
        (Place::Response, false) => ChangeKind::ResponseUnionArmRemoved,
        (_, true) => ChangeKind::RequestUnionArmAdded,
        (_, false) => ChangeKind::RequestUnionArmRemoved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_are_unique_snake_case() {
        let mut names: Vec<_> = ChangeKind::ALL.iter().map(|k| k.as_str()).collect();
        assert!(names
            .iter()
            .all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        let len = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), len);
    }

    #[test]
    fn direction_decides_severity() {
        let added = Event::PropertyAdded { required: true };
        assert_eq!(
            classify(&added, Place::Request, "`x`", "/".into()).severity,
            Severity::Breaking
        );
        assert_eq!(
            classify(&added, Place::Response, "`x`", "/".into()).severity,
            Severity::Compatible
        );
        let value = Event::EnumValueAdded {
            value: "\"A\"".into(),
            open: true,
        };
        let change = classify(&value, Place::Response, "`s`", "/".into());
        assert_eq!(
            (change.kind, change.severity),
            (ChangeKind::ResponseEnumValueAdded, Severity::Compatible)
        );
        assert!(change.explanation.contains("open"));
        let closed = Event::EnumValueAdded {
            value: "\"A\"".into(),
            open: false,
        };
        assert_eq!(
            classify(&closed, Place::Response, "`s`", "/".into()).severity,
            Severity::Breaking
        );
        let removed = Event::EnumValueRemoved {
            value: "\"A\"".into(),
        };
        assert_eq!(
            classify(&removed, Place::Request, "`s`", "/".into()).severity,
            Severity::Breaking
        );
    }
}
