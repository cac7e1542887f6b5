import struct Foundation.Date

/// A name–value note on a model or one of its versions that is not a lifecycle fact: the model's
/// own registry entry (made before any version exists, with its description), a tag on the model
/// or on a version, or an alias naming one version. Lifecycle stages are never annotations: an
/// alias named after a stage is a promotion and goes through the lifecycle rules.
public struct ModelAnnotation: Sendable, Codable, Hashable {
    /// What the annotation is.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The model's entry; `value` is its description, `key` is empty.
        case entry
        case modelTag = "model-tag"
        case versionTag = "version-tag"
        /// `key` is the alias, `version` the version it names.
        case alias
    }

    public var model: String
    public var kind: Kind
    /// The version a version tag belongs to, or the version an alias names.
    public var version: SemanticVersion?
    public var key: String
    public var value: String
    public var at: Date
    public var actor: String

    public init(model: String, kind: Kind, version: SemanticVersion? = nil, key: String, value: String, at: Date, actor: String) {
        self.model = model
        self.kind = kind
        self.version = version
        self.key = key
        self.value = value
        self.at = at
        self.actor = actor
    }

    /// What identifies the annotation: setting one with the same address replaces it. An
    /// alias's address has no version (it moves); a version tag's has.
    public var address: Address {
        Address(model: model, kind: kind, version: kind == .versionTag ? version?.description ?? "" : "", key: key)
    }

    /// The unique key of an annotation in the store.
    public struct Address: Sendable, Hashable {
        public var model: String
        public var kind: Kind
        public var version: String
        public var key: String
    }

    /// Longest key and value the registry keeps (MLflow's own limits for tags).
    public static let maximumKeyLength = 250
    public static let maximumValueLength = 5000
    /// Tags under this prefix are the registry's own (stage, gate verdicts, edge figures): no one sets them.
    public static let reservedPrefix = "edgeprof."
}
