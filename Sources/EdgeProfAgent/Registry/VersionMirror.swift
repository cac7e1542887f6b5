import EdgeProfCore
import Foundation

/// A version the collector assigned to one of a bench's boards, recorded in the bench's own store
/// so that the runs of the board serving it can be stored under it: its bytes fetched from the
/// registry, checked against its SHA-256 and kept, and the version registered in development by
/// the built-in identity `edgeprof-agent` (which holds no role and does nothing else), with the
/// collector named in the audited reason. Governing the version stays the collector's business.
public struct VersionMirror: Sendable {
    public static let actor = "edgeprof-agent"

    public let store: any BenchStore
    public let client: CollectorClient

    public init(store: any BenchStore, client: CollectorClient) {
        self.store = store
        self.client = client
    }

    /// Makes `reference` (artifact `sha256`) known to the bench's store, unless it is already.
    public func ensure(_ reference: ModelReference, sha256: String) async throws(AgentError) {
        let existing: RegisteredModel?
        do { existing = try await store.model(reference) } catch { throw .store(error) }
        if let existing {
            guard existing.artifactSHA256 == sha256 else {
                throw .modelMismatch(reference, registered: existing.artifactSHA256, board: sha256, boardModel: reference.name)
            }
            return
        }
        let bytes = Array(try await client.call(.GET, "/v1/artifacts/\(sha256)"))
        let received = ArtifactDigest.of(bytes: bytes)
        guard received.sha256 == sha256 else {
            throw .invalidArgument("the registry sent bytes with sha256 \(received.sha256) for \(reference), not its \(sha256): not recorded")
        }
        do { try await store.storeArtifact(bytes, sha256: sha256) } catch { throw .store(error) }
        let now = Date()
        let model = RegisteredModel(
            id: 0, reference: reference, artifactSHA256: sha256, artifactPath: StoredArtifact.path(sha256: sha256), artifactBytes: received.bytes, registeredAt: now)
        let reason = "assigned by the collector at \(client.baseURL); recorded so that this bench's runs of it can be stored"
        try await GovernanceCommitter(store: store).decide(model: reference.name) { snapshot throws(GovernanceError) in
            GovernanceChange(
                actor: Self.actor, at: now, expectedAuditHead: snapshot.auditHead,
                operations: [
                    .registerVersion(model, metadata: VersionMetadata(author: Self.actor, tags: ["mirrored"])),
                    .transition(StageTransition(reference: reference, from: nil, to: .development, at: now, actor: Self.actor, reason: reason)),
                ])
        }
    }
}
