/// What the staging gate's shadow evidence asks of a candidate (`gates: shadow-evidence:` in the
/// governance policy), with the governance documents' numbers as defaults: 7 days of shadow mode
/// beside production (003 §2), judged on the fleet's telemetry.
public struct ShadowPolicy: Sendable, Hashable, Codable {
    /// Whether a hand-attached `shadow-report` file may stand in for telemetry.
    public enum AttachedReports: String, Sendable, Hashable, Codable {
        /// Only while the fleet reports no telemetry of the model at all (a bench-only lab).
        case whenNoTelemetry = "when-no-telemetry"
        /// Never: the gate is decided on telemetry alone.
        case ignore
    }

    /// Days the candidate must have run in shadow, counted from its entry into staging.
    public var periodDays = 7
    /// Requests answered by both the candidate and the served version that a verdict needs, and
    /// as many of them labelled for the accuracy comparison.
    public var minimumPairs = 100
    /// The candidate fails when its accuracy is below production's by more than this share of it
    /// (0.05: 5 %) and a pooled two-proportion z-test says so at the monitoring p-value.
    public var maxAccuracyDrop = 0.05
    /// The candidate fails when its p95 latency, or its mean energy per inference, is more than
    /// this many times production's on the same requests (the documents' "twice the baseline").
    public var maxLatencyRatio = 2.0
    public var maxEnergyRatio = 2.0
    public var attachedReports = AttachedReports.whenNoTelemetry

    public init() {}
}

extension GovernancePolicy {
    /// Reads `gates: shadow-evidence:` into `shadow`.
    mutating func readShadowEvidence(_ node: YAMLNode) throws(ConfigError) {
        let fields = try node.fields(
            known: ["period-days", "min-pairs", "max-accuracy-drop", "max-latency-ratio", "max-energy-ratio", "attached-reports"], what: "a mapping")
        if let days = try fields.integer("period-days", atLeast: 1) {
            guard days <= 60 else { throw fields.error(at: "period-days", "period-days is \(days); at most 60 (telemetry is kept 90 days by default)") }
            shadow.periodDays = days
        }
        if let pairs = try fields.integer("min-pairs", atLeast: 10) {
            guard pairs <= 10_000_000 else { throw fields.error(at: "min-pairs", "min-pairs is \(pairs); at most 10000000") }
            shadow.minimumPairs = pairs
        }
        if let drop = try fields.number("max-accuracy-drop", atLeast: 0) {
            guard drop > 0, drop < 1 else { throw fields.error(at: "max-accuracy-drop", "max-accuracy-drop is \(drop); it must be above 0 and below 1") }
            shadow.maxAccuracyDrop = drop
        }
        for (key, path) in [("max-latency-ratio", \ShadowPolicy.maxLatencyRatio), ("max-energy-ratio", \ShadowPolicy.maxEnergyRatio)] {
            if let ratio = try fields.number(key, atLeast: 1) {
                guard ratio <= 100 else { throw fields.error(at: key, "\(key) is \(ratio); it must be between 1 and 100") }
                shadow[keyPath: path] = ratio
            }
        }
        if let attached = try fields.choice("attached-reports", of: [ShadowPolicy.AttachedReports.whenNoTelemetry.rawValue, ShadowPolicy.AttachedReports.ignore.rawValue]) {
            shadow.attachedReports = ShadowPolicy.AttachedReports(rawValue: attached) ?? .whenNoTelemetry
        }
    }
}
