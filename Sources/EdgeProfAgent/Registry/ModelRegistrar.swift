import EdgeProfCore
import Foundation

/// Registers model versions: validates the name and semantic version, checksums the artifact
/// and records it in Development, if the actor may. A version, once registered, never changes.
public struct ModelRegistrar: Sendable {
    public let store: any EvidenceStore

    public init(store: any EvidenceStore) {
        self.store = store
    }

    public func register(
        name: String, version: String, artifactPath: String, metadata: VersionMetadata = VersionMetadata(), actor: String = Actor.current()
    ) throws(AgentError) -> RegisteredModel {
        let reference = try Self.reference(name: name, version: version)
        let absolute = URL(fileURLWithPath: artifactPath).standardizedFileURL.path
        let digest = try ArtifactDigest.of(path: absolute)
        let model = RegisteredModel(
            id: 0, reference: reference, artifactSHA256: digest.sha256, artifactPath: absolute, artifactBytes: digest.bytes, registeredAt: Date())
        try GovernanceCommitter(store: store).decide(model: name) { snapshot throws(GovernanceError) in
            try GovernanceRules(snapshot: snapshot, policy: GovernancePolicy(), actor: actor, now: model.registeredAt).register(model, metadata: metadata)
        }
        return try lookUp(reference)
    }

    /// A validated `NAME@VERSION`.
    public static func reference(name: String, version: String) throws(AgentError) -> ModelReference {
        do throws(ModelReferenceError) {
            try ModelReference.validate(name: name)
        } catch {
            throw .invalidArgument(error.description)
        }
        do throws(SemanticVersionError) {
            return ModelReference(name: name, version: try SemanticVersion(parsing: version))
        } catch {
            throw .invalidArgument(error.description)
        }
    }

    /// The registered version, or an error that lists what is registered.
    public func lookUp(_ reference: ModelReference) throws(AgentError) -> RegisteredModel {
        do {
            if let model = try store.model(reference) { return model }
            let known = try store.models().filter { $0.reference.name == reference.name }.map(\.reference.description)
            throw AgentError.unknownModel(reference, known: known)
        } catch let error as AgentError {
            throw error
        } catch let error as StoreError {
            throw .store(error)
        } catch {
            throw .invalidArgument("\(error)")
        }
    }
}

/// Reads a snapshot, lets the rules decide, commits the decision; decides again on fresh data
/// if another process wrote in between.
public struct GovernanceCommitter: Sendable {
    public let store: any EvidenceStore

    public init(store: any EvidenceStore) {
        self.store = store
    }

    @discardableResult
    public func decide(
        model name: String, _ rule: (RegistrySnapshot) throws(GovernanceError) -> GovernanceChange
    ) throws(AgentError) -> [AuditEntry] {
        try decide(model: name) { snapshot throws(GovernanceError) in (try rule(snapshot), ()) }.entries
    }

    public func decide<Outcome>(
        model name: String, _ rule: (RegistrySnapshot) throws(GovernanceError) -> (GovernanceChange, Outcome)
    ) throws(AgentError) -> (outcome: Outcome, entries: [AuditEntry]) {
        var attempt = 0
        while true {
            attempt += 1
            do {
                let snapshot = try store.snapshot(model: name)
                let (change, outcome) = try rule(snapshot)
                return (outcome, try store.commit(change))
            } catch let error as GovernanceError {
                throw .governance(error)
            } catch let error as StoreError {
                if case .conflict = error, attempt < 5 { continue }
                throw .store(error)
            } catch {
                throw .invalidArgument("\(error)")
            }
        }
    }
}
