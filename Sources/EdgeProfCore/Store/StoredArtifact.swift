/// An artifact kept in the registry's own database rather than in a file: versions registered
/// over the collector's API carry their bytes with them, so that every collector sharing the
/// database can re-hash the artifact on each lifecycle move. Such a version's `artifactPath`
/// reads `registry:sha256:<hex>`.
public enum StoredArtifact {
    public static let scheme = "registry:sha256:"

    /// The `artifactPath` of an artifact stored in the registry.
    public static func path(sha256: String) -> String { scheme + sha256 }

    /// The SHA-256 an `artifactPath` names when it points into the registry; nil for a file path.
    public static func sha256(inPath path: String) -> String? {
        guard path.hasPrefix(scheme) else { return nil }
        return String(path.dropFirst(scheme.count))
    }

    /// Largest artifact the registry keeps in its database (quantized edge models are KB to a few MB).
    public static let maximumBytes = 64 << 20
}
