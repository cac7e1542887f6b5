/// Tags, aliases and a model's entry: notes on the registry that move nothing through the
/// lifecycle, each audited as its actor's act. An alias named after a lifecycle stage would read
/// as a stage, so such names are refused here: that move is a promotion (`promote`).
extension GovernanceRules {
    /// Who may write notes on models and versions: those who build and ship them.
    public static let annotators: [GovernanceRole] = [.dataScientist, .mlEngineer, .techLead]

    /// Creates the model's entry before its first version, with a description.
    public func createModel(description: String) throws(GovernanceError) -> GovernanceChange {
        _ = try authorized([.dataScientist, .mlEngineer], to: "create model \(snapshot.name)")
        guard snapshot.versions.isEmpty, !snapshot.annotations.contains(where: { $0.kind == .entry }) else {
            throw .duplicate("registered model \(snapshot.name) already exists")
        }
        try Self.checkValue(description, what: "the description")
        return change([.annotate(ModelAnnotation(model: snapshot.name, kind: .entry, key: "", value: description, at: now, actor: actor))])
    }

    /// Sets a tag on the model (`version` nil) or on one of its versions.
    public func setTag(_ key: String, value: String, version: SemanticVersion?) throws(GovernanceError) -> GovernanceChange {
        try Self.checkKey(key, what: "tag key")
        guard !key.hasPrefix(ModelAnnotation.reservedPrefix) else {
            throw .notPermitted("tags under '\(ModelAnnotation.reservedPrefix)' are the registry's own (stage, gate verdicts, edge figures): choose another key")
        }
        try Self.checkValue(value, what: "tag \(key)'s value")
        let kind: ModelAnnotation.Kind = version == nil ? .modelTag : .versionTag
        try requireAnnotatable(version)
        _ = try authorized(Self.annotators, to: "tag \(subject(version))")
        return change([.annotate(ModelAnnotation(model: snapshot.name, kind: kind, version: version, key: key, value: value, at: now, actor: actor))])
    }

    /// Removes a tag of the model (`version` nil) or of one of its versions.
    public func removeTag(_ key: String, version: SemanticVersion?) throws(GovernanceError) -> GovernanceChange {
        guard !key.hasPrefix(ModelAnnotation.reservedPrefix) else {
            throw .notPermitted("tags under '\(ModelAnnotation.reservedPrefix)' are the registry's own: they cannot be removed")
        }
        let kind: ModelAnnotation.Kind = version == nil ? .modelTag : .versionTag
        try requireAnnotatable(version)
        guard let existing = snapshot.annotations.first(where: { $0.kind == kind && $0.key == key && $0.version == version }) else {
            throw .notFound("\(subject(version)) has no tag \(key)")
        }
        _ = try authorized(Self.annotators, to: "untag \(subject(version))")
        return change([.removeAnnotation(existing)])
    }

    /// Points `alias` at `version` (moving it from another version of the model).
    public func setAlias(_ alias: String, version: SemanticVersion) throws(GovernanceError) -> GovernanceChange {
        try Self.checkAlias(alias)
        let reference = ModelReference(name: snapshot.name, version: version)
        _ = try existing(reference)
        _ = try authorized([.mlEngineer, .techLead], to: "point alias \(alias) of \(snapshot.name) at \(reference)")
        return change([.annotate(ModelAnnotation(model: snapshot.name, kind: .alias, version: version, key: alias, value: version.description, at: now, actor: actor))])
    }

    /// Removes `alias` from the model.
    public func removeAlias(_ alias: String) throws(GovernanceError) -> GovernanceChange {
        guard let existing = snapshot.annotations.first(where: { $0.kind == .alias && $0.key == alias }) else {
            throw .notFound("model \(snapshot.name) has no alias \(alias)")
        }
        _ = try authorized([.mlEngineer, .techLead], to: "remove alias \(alias) of \(snapshot.name)")
        return change([.removeAnnotation(existing)])
    }

    /// A stage's name is not an alias: it would claim a stage no rule granted.
    public static func checkAlias(_ alias: String) throws(GovernanceError) {
        let allowed = alias.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-".contains($0)) }
        guard (1...ModelAnnotation.maximumKeyLength).contains(alias.count), allowed else {
            throw .invalid("alias '\(alias.prefix(80))': use 1 to \(ModelAnnotation.maximumKeyLength) letters, digits, '_' or '-'")
        }
        let lowered = alias.lowercased()
        let numbered = lowered.first == "v" && lowered.count > 1 && lowered.dropFirst().allSatisfy(\.isNumber)
        guard lowered != "latest", !numbered else { throw .invalid("alias '\(alias)' is reserved ('latest' and v<number> name versions already)") }
        guard LifecycleStage(rawValue: lowered) == nil else {
            throw .invalid("alias '\(alias)' is a lifecycle stage: moving a version there is a promotion under the governance rules, not an alias")
        }
    }

    private func requireAnnotatable(_ version: SemanticVersion?) throws(GovernanceError) {
        if let version {
            _ = try existing(ModelReference(name: snapshot.name, version: version))
        } else if snapshot.versions.isEmpty, !snapshot.annotations.contains(where: { $0.kind == .entry }) {
            throw .notFound("registered model \(snapshot.name) does not exist")
        }
    }

    private func subject(_ version: SemanticVersion?) -> String {
        version.map { ModelReference(name: snapshot.name, version: $0).description } ?? snapshot.name
    }

    private static func checkKey(_ key: String, what: String) throws(GovernanceError) {
        guard (1...ModelAnnotation.maximumKeyLength).contains(key.count),
              !key.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalid("\(what) '\(key.prefix(80))': 1 to \(ModelAnnotation.maximumKeyLength) printable characters")
        }
    }

    private static func checkValue(_ value: String, what: String) throws(GovernanceError) {
        guard value.count <= ModelAnnotation.maximumValueLength else {
            throw .invalid("\(what) is \(value.count) characters; at most \(ModelAnnotation.maximumValueLength)")
        }
    }
}
