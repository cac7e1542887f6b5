import EdgeProfCore
import Foundation

/// Registers model versions: validates the name and semantic version, checksums the artifact
/// and records it in Development, if the actor may. A version, once registered, never changes.
public struct ModelRegistrar: Sendable {
    public let store: any RegistryStore

    public init(store: any RegistryStore) {
        self.store = store
    }

    /// Registers the artifact file at `artifactPath`, which stays where it is (gates re-hash it there).
    public func register(
        name: String, version: String, artifactPath: String, metadata: VersionMetadata = VersionMetadata(), actor: String = Actor.current()
    ) async throws(AgentError) -> RegisteredModel {
        let reference = try Self.reference(name: name, version: version)
        let absolute = URL(fileURLWithPath: artifactPath).standardizedFileURL.path
        let digest = try ArtifactDigest.of(path: absolute)
        return try await record(reference, sha256: digest.sha256, path: absolute, bytes: digest.bytes, metadata: metadata, actor: actor)
    }

    /// Registers an artifact sent over the API: its bytes are kept in the registry's database
    /// (`StoredArtifact`), so any collector sharing it can re-hash them.
    public func register(
        name: String, version: String, artifact: [UInt8], metadata: VersionMetadata = VersionMetadata(), actor: String
    ) async throws(AgentError) -> RegisteredModel {
        let reference = try Self.reference(name: name, version: version)
        guard !artifact.isEmpty else { throw .invalidArgument("the artifact is empty: send the model file's bytes") }
        guard artifact.count <= StoredArtifact.maximumBytes else {
            throw .invalidArgument("the artifact is \(artifact.count) bytes; the registry keeps at most \(StoredArtifact.maximumBytes) in its database")
        }
        let digest = ArtifactDigest.of(bytes: artifact)
        do { try await store.storeArtifact(artifact, sha256: digest.sha256) } catch { throw .store(error) }
        return try await record(
            reference, sha256: digest.sha256, path: StoredArtifact.path(sha256: digest.sha256), bytes: digest.bytes, metadata: metadata, actor: actor)
    }

    /// Registers the artifact file at `path` by copying its bytes into the registry: for a lab's
    /// shared registry, whose collectors cannot read this host's files.
    public func register(
        name: String, version: String, copyingArtifact path: String, metadata: VersionMetadata = VersionMetadata(), actor: String
    ) async throws(AgentError) -> RegisteredModel {
        _ = try ArtifactDigest.of(path: path)
        guard let data = FileManager.default.contents(atPath: path) else { throw .artifact(path: path, problem: "cannot be read") }
        return try await register(name: name, version: version, artifact: Array(data), metadata: metadata, actor: actor)
    }

    private func record(
        _ reference: ModelReference, sha256: String, path: String, bytes: Int64, metadata: VersionMetadata, actor: String
    ) async throws(AgentError) -> RegisteredModel {
        let model = RegisteredModel(id: 0, reference: reference, artifactSHA256: sha256, artifactPath: path, artifactBytes: bytes, registeredAt: Date())
        try await GovernanceCommitter(store: store).decide(model: reference.name) { snapshot throws(GovernanceError) in
            let policy: GovernancePolicy
            do throws(ConfigError) { policy = try snapshot.policyInForce.parsed() } catch { throw .invalid(error.description) }
            return try GovernanceRules(snapshot: snapshot, policy: policy, actor: actor, now: model.registeredAt).register(model, metadata: metadata)
        }
        return try await lookUp(reference)
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
    public func lookUp(_ reference: ModelReference) async throws(AgentError) -> RegisteredModel {
        let found: RegisteredModel?
        let others: [RegisteredModel]
        do throws(StoreError) {
            found = try await store.model(reference)
            others = found == nil ? try await store.models() : []
        } catch {
            throw .store(error)
        }
        return try RegisteredModel.required(found, reference, registered: others)
    }
}
