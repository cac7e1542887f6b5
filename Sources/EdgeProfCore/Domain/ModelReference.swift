/// A model version as users write it: `NAME@VERSION`, e.g. `kws-tiny@1.2.0`.
public struct ModelReference: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var version: SemanticVersion

    public init(name: String, version: SemanticVersion) {
        self.name = name
        self.version = version
    }

    public init(parsing text: String) throws(ModelReferenceError) {
        guard let at = text.lastIndex(of: "@") else {
            throw ModelReferenceError(description: "'\(text)' is not NAME@VERSION; write it like kws-tiny@1.2.0")
        }
        let name = String(text[..<at])
        try Self.validate(name: name)
        do {
            version = try SemanticVersion(parsing: String(text[text.index(after: at)...]))
        } catch {
            throw ModelReferenceError(description: error.description)
        }
        self.name = name
    }

    /// Names are 1–64 of letters, digits, '.', '_', '-', starting with a letter or digit.
    public static func validate(name: String) throws(ModelReferenceError) {
        let allowed = name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
        guard (1...64).contains(name.count), allowed, let first = name.first, first.isLetter || first.isNumber else {
            throw ModelReferenceError(
                description: "invalid model name '\(name)': use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
        }
    }

    public var description: String { "\(name)@\(version)" }
}

/// A malformed `NAME@VERSION`.
public struct ModelReferenceError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
}
