/// A gate's answer. Too little evidence is INCONCLUSIVE: never a pass, never a fail.
public enum GateOutcome: String, Sendable, Codable, Hashable {
    case pass = "PASS"
    case fail = "FAIL"
    case inconclusive = "INCONCLUSIVE"
}

/// One criterion's measured value against its threshold.
public struct CriterionResult: Sendable, Codable, Hashable {
    public var criterion: GateCriterion
    public var measured: Double?
    public var outcome: GateOutcome
    /// Why the outcome is INCONCLUSIVE, when it is.
    public var note: String?

    public init(criterion: GateCriterion, measured: Double?, outcome: GateOutcome, note: String? = nil) {
        self.criterion = criterion
        self.measured = measured
        self.outcome = outcome
        self.note = note
    }
}

/// The edge-performance gate's verdict for one model version on one device class.
public struct GateVerdict: Sendable, Codable, Hashable {
    public var model: ModelReference
    public var deviceClass: String
    public var outcome: GateOutcome
    public var results: [CriterionResult]
    public var measuredIterations: Int
    public var minimumIterations: Int
    /// The runs the figures came from, by store id, and their evidence keys.
    public var runIDs: [Int64]
    public var evidenceKeys: [String]
    /// Runs left out of the evidence and why (partial runs, for instance).
    public var excluded: [String]
    /// Some of the evidence comes from emulated boards: good for regression detection, not for
    /// a claim about real silicon.
    public var emulated: Bool

    public init(
        model: ModelReference, deviceClass: String, outcome: GateOutcome, results: [CriterionResult],
        measuredIterations: Int, minimumIterations: Int, runIDs: [Int64], evidenceKeys: [String], excluded: [String], emulated: Bool = false
    ) {
        self.model = model
        self.deviceClass = deviceClass
        self.outcome = outcome
        self.results = results
        self.measuredIterations = measuredIterations
        self.minimumIterations = minimumIterations
        self.runIDs = runIDs
        self.evidenceKeys = evidenceKeys
        self.excluded = excluded
        self.emulated = emulated
    }
}
