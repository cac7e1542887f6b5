import EdgeProfCore
import Foundation

/// Registers model versions: validates the name and semantic version, checksums the artifact
/// and records it. A version, once registered, never changes.
public struct ModelRegistrar: Sendable {
    public let store: any EvidenceStore

    public init(store: any EvidenceStore) {
        self.store = store
    }

    public func register(name: String, version: String, artifactPath: String, actor: String = Actor.current()) throws(AgentError) -> RegisteredModel {
        do throws(ModelReferenceError) {
            try ModelReference.validate(name: name)
        } catch {
            throw .invalidArgument(error.description)
        }
        let semver: SemanticVersion
        do throws(SemanticVersionError) {
            semver = try SemanticVersion(parsing: version)
        } catch {
            throw .invalidArgument(error.description)
        }
        let absolute = URL(fileURLWithPath: artifactPath).standardizedFileURL.path
        let digest = try ArtifactDigest.of(path: absolute)
        do {
            return try store.register(
                ModelReference(name: name, version: semver), artifactSHA256: digest.sha256, artifactPath: absolute,
                artifactBytes: digest.bytes, actor: actor)
        } catch {
            throw .store(error)
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
