/// The gates a version passes on its way to production.
public enum GovernanceGate: String, Sendable, Codable, CaseIterable, Hashable {
    case quality
    case calibration
    case edgePerformance = "edge_performance"
    case shadowEvidence = "shadow_evidence"
    case fairness
    case checklist

    /// The lifecycle stage a version cannot enter unless this gate passes.
    public var requiredBefore: LifecycleStage {
        switch self {
        case .quality, .calibration: .staging
        case .edgePerformance, .shadowEvidence: .canary
        case .fairness, .checklist: .production
        }
    }
}

/// One gate's outcome with the figures and findings behind it.
public struct GovernanceGateResult: Sendable, Codable, Hashable {
    public var gate: GovernanceGate
    public var outcome: GateOutcome
    /// One line: what was decided and on what.
    public var summary: String
    /// One line per criterion or missing piece.
    public var findings: [String]
    /// The figures computed, by name (e.g. `demographic_parity_difference`).
    public var figures: [String: Double]

    public init(gate: GovernanceGate, outcome: GateOutcome, summary: String, findings: [String] = [], figures: [String: Double] = [:]) {
        self.gate = gate
        self.outcome = outcome
        self.summary = summary
        self.findings = findings
        self.figures = figures
    }
}

/// The outcome of checking a file against what the registry recorded for it.
public enum ArtifactCheck: Sendable, Hashable, Codable {
    case verified
    case missing(path: String)
    case changed(path: String, sha256: String)
}

/// The earlier production version a rollback would restore, and whether its artifact is intact.
public struct RollbackTargetCheck: Sendable, Hashable {
    public var reference: ModelReference
    public var check: ArtifactCheck

    public init(reference: ModelReference, check: ArtifactCheck) {
        self.reference = reference
        self.check = check
    }
}

/// What the rules cannot compute themselves because it needs I/O: the edge-performance
/// verdicts from stored runs, artifact checks of the files on disk, and the shadow report
/// judged on telemetry.
public struct GateEvidence: Sendable, Hashable {
    public var edgeVerdicts: [GateVerdict]
    public var edgeThresholds: [DeviceClassThresholds]
    /// Problems reading the thresholds or evidence, per device class, reported as INCONCLUSIVE.
    public var edgeProblems: [String: String]
    public var artifact: ArtifactCheck
    /// nil: there is no earlier production version to roll back to.
    public var rollbackTarget: RollbackTargetCheck?
    /// The version's shadow period judged on telemetry; nil when it has never been in staging.
    public var shadowReport: ShadowReport?
    /// Whether the fleet reports any telemetry of the model (then a hand-attached shadow report
    /// no longer counts).
    public var modelHasTelemetry: Bool

    public init(
        edgeVerdicts: [GateVerdict] = [], edgeThresholds: [DeviceClassThresholds] = [], edgeProblems: [String: String] = [:],
        artifact: ArtifactCheck = .verified, rollbackTarget: RollbackTargetCheck? = nil, shadowReport: ShadowReport? = nil,
        modelHasTelemetry: Bool = false
    ) {
        self.edgeVerdicts = edgeVerdicts
        self.edgeThresholds = edgeThresholds
        self.edgeProblems = edgeProblems
        self.artifact = artifact
        self.rollbackTarget = rollbackTarget
        self.shadowReport = shadowReport
        self.modelHasTelemetry = modelHasTelemetry
    }
}
