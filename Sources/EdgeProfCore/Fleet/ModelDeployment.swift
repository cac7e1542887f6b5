/// A model's deployment as the registry's stages decide it.
public struct ModelDeployment: Sendable, Hashable {
    public var name: String
    public var production: ModelVersionRecord?
    public var canary: ModelVersionRecord?
    public var staging: ModelVersionRecord?
    /// Set when the model is halted: who halted it, when, why.
    public var halt: HaltEvent?
    /// The A/B test still running (perhaps past its maximum duration), and B's artifact.
    public var abTest: ABTest?
    public var abTestB: ModelVersionRecord?

    public init(_ snapshot: RegistrySnapshot) {
        name = snapshot.name
        production = snapshot.serving
        canary = snapshot.versions.last { $0.stage == .canary }
        staging = snapshot.versions.last { $0.stage == .staging }
        halt = snapshot.isHalted ? snapshot.halts.last : nil
        abTest = snapshot.abTests.last { $0.state == .running }
        abTestB = abTest.flatMap { snapshot.version($0.b) }
    }

    /// The rollout id the canary's subset is drawn for: a new canary version draws anew.
    public var canaryRollout: String? { canary.map { "canary:\($0.reference)" } }
}
