/// The thresholds of per-device monitoring, from the collector's configuration file.
public struct MonitorSettings: Sendable, Codable, Equatable {
    /// Without an explicit baseline, the first this-many complete runs of a (model × device) are its baseline.
    public var baselineRuns = 5
    /// Fewer per-iteration values than this on either side makes a drift check inconclusive.
    public var minimumSamples = 20
    /// The drift statistics run on every upload. PSI is off by default: on the tight latency
    /// distributions of a board its decile bins are so narrow that run-to-run noise reads as drift.
    public var driftMethods: [DriftMethod] = [.ks]
    /// KS: drift when p < alpha. Stricter than a one-off comparison: it runs on every upload.
    public var alpha = 0.001
    public var psiThreshold = 0.2
    /// Band: mean ± k·σ of the baseline runs' figure.
    public var bandK = 3.0
    /// Fewer baseline runs than this makes a band check inconclusive.
    public var minimumBaselineRuns = 3
    /// p95-above: the limit in ms (off when nil) and how many consecutive runs must exceed it.
    public var p95AboveMs: Double?
    public var p95ConsecutiveRuns = 3
    /// latency-ratio: p95 / baseline median p95 at or above this fires (off when nil).
    public var latencyRatio: Double? = 2
    /// energy-increase: fires at (1 + this) × the baseline's mean energy per inference (off when nil).
    public var energyIncrease: Double? = 0.1
    /// error-rate: fires when more than this share of the last `errorWindow` runs ended early (off when nil).
    public var errorRate: Double? = 0.2
    public var errorWindow = 10
    /// Confirmation: a rule opens an alert after firing on this many consecutive runs, and an
    /// open alert resolves after this many consecutive clear runs (docs/monitoring.md).
    public var confirmRuns = 3
    public var clearRuns = 2
    /// Bands are at least ± k × this share of the baseline mean wide: five baseline runs estimate σ
    /// too roughly to draw a band from σ alone.
    public var bandMinimumRelativeSD = 0.05
    /// Severity per rule, overriding the defaults.
    public var severity: [String: AlertSeverity] = [:]

    public init() {}

    public func severity(of rule: MonitorRule) -> AlertSeverity {
        severity[rule.rawValue] ?? rule.defaultSeverity
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case baselineRuns = "baseline-runs"
        case minimumSamples = "min-samples"
        case driftMethods = "drift-methods"
        case alpha
        case psiThreshold = "psi-threshold"
        case bandK = "band-k"
        case minimumBaselineRuns = "min-baseline-runs"
        case p95AboveMs = "p95-above-ms"
        case p95ConsecutiveRuns = "p95-consecutive-runs"
        case latencyRatio = "latency-ratio"
        case energyIncrease = "energy-increase"
        case errorRate = "error-rate"
        case errorWindow = "error-window"
        case confirmRuns = "confirm-runs"
        case clearRuns = "clear-runs"
        case bandMinimumRelativeSD = "band-min-relative-sd"
        case severity
    }

    public init(from decoder: Decoder) throws {
        let defaults = MonitorSettings()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        baselineRuns = try c.decodeIfPresent(Int.self, forKey: .baselineRuns) ?? defaults.baselineRuns
        minimumSamples = try c.decodeIfPresent(Int.self, forKey: .minimumSamples) ?? defaults.minimumSamples
        driftMethods = try c.decodeIfPresent([DriftMethod].self, forKey: .driftMethods) ?? defaults.driftMethods
        alpha = try c.decodeIfPresent(Double.self, forKey: .alpha) ?? defaults.alpha
        psiThreshold = try c.decodeIfPresent(Double.self, forKey: .psiThreshold) ?? defaults.psiThreshold
        bandK = try c.decodeIfPresent(Double.self, forKey: .bandK) ?? defaults.bandK
        minimumBaselineRuns = try c.decodeIfPresent(Int.self, forKey: .minimumBaselineRuns) ?? defaults.minimumBaselineRuns
        p95AboveMs = try c.decodeIfPresent(Double.self, forKey: .p95AboveMs)
        p95ConsecutiveRuns = try c.decodeIfPresent(Int.self, forKey: .p95ConsecutiveRuns) ?? defaults.p95ConsecutiveRuns
        latencyRatio = c.contains(.latencyRatio) ? try c.decodeIfPresent(Double.self, forKey: .latencyRatio) : defaults.latencyRatio
        energyIncrease = c.contains(.energyIncrease) ? try c.decodeIfPresent(Double.self, forKey: .energyIncrease) : defaults.energyIncrease
        errorRate = c.contains(.errorRate) ? try c.decodeIfPresent(Double.self, forKey: .errorRate) : defaults.errorRate
        errorWindow = try c.decodeIfPresent(Int.self, forKey: .errorWindow) ?? defaults.errorWindow
        confirmRuns = try c.decodeIfPresent(Int.self, forKey: .confirmRuns) ?? defaults.confirmRuns
        clearRuns = try c.decodeIfPresent(Int.self, forKey: .clearRuns) ?? defaults.clearRuns
        bandMinimumRelativeSD = try c.decodeIfPresent(Double.self, forKey: .bandMinimumRelativeSD) ?? defaults.bandMinimumRelativeSD
        severity = try c.decodeIfPresent([String: AlertSeverity].self, forKey: .severity) ?? [:]
        for rule in severity.keys where MonitorRule(rawValue: rule) == nil {
            throw DecodingError.dataCorruptedError(
                forKey: .severity, in: c,
                debugDescription: "unknown rule '\(rule)'; the rules are \(MonitorRule.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// The problems that make these settings unusable, in words.
    public var problems: [String] {
        var problems: [String] = []
        if baselineRuns < 1 { problems.append("baseline-runs must be at least 1") }
        if minimumSamples < 1 { problems.append("min-samples must be at least 1") }
        if !(alpha > 0 && alpha < 1) { problems.append("alpha must lie between 0 and 1") }
        if !(bandK > 0) { problems.append("band-k must be positive") }
        if minimumBaselineRuns < 2 { problems.append("min-baseline-runs must be at least 2 (a σ needs two runs)") }
        if p95ConsecutiveRuns < 1 { problems.append("p95-consecutive-runs must be at least 1") }
        if let ratio = latencyRatio, !(ratio > 1) { problems.append("latency-ratio must be above 1") }
        if let increase = energyIncrease, !(increase > 0) { problems.append("energy-increase must be positive") }
        if let rate = errorRate, !(rate >= 0 && rate < 1) { problems.append("error-rate must lie in [0, 1)") }
        if errorWindow < 1 { problems.append("error-window must be at least 1") }
        if !(1...20).contains(confirmRuns) { problems.append("confirm-runs must be 1 to 20") }
        if !(1...20).contains(clearRuns) { problems.append("clear-runs must be 1 to 20") }
        if !(bandMinimumRelativeSD >= 0 && bandMinimumRelativeSD < 1) { problems.append("band-min-relative-sd must lie in [0, 1)") }
        if driftMethods.contains(.chi2) { problems.append("drift-methods: chi2 is for categories; runs have numbers (ks, psi)") }
        return problems
    }
}
