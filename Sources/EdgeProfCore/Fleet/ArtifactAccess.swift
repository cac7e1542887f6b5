/// Which artifact bytes a bench's agent may fetch from the registry (pure): only those the
/// registry could assign to one of its devices now — a version of a model its devices run, in a
/// stage devices are given (staging as shadow, canary, or serving) or arm B of a running A/B test.
/// People's tokens read the whole registry; an agent's token is a device's, and a device never
/// needs a candidate still in development, a failed version or another lab's model.
public enum ArtifactAccess {
    /// Stages whose artifact a device may be assigned.
    public static let assignableStages: Set<LifecycleStage> = [.staging, .canary, .production, .monitoring, .degraded, .retraining]

    /// Whether an agent whose devices run the models of `snapshots` may fetch `sha256`.
    public static func agentMayFetch(_ sha256: String, snapshots: [RegistrySnapshot]) -> Bool {
        snapshots.contains { snapshot in
            let abTestB = Set(snapshot.abTests.filter { $0.state == .running }.map(\.b))
            return snapshot.versions.contains { version in
                version.model.artifactSHA256 == sha256 && (assignableStages.contains(version.stage) || abTestB.contains(version.reference))
            }
        }
    }
}
