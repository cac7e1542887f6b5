/// The thresholds of the drift checks, from the governance policy's `monitoring:` section, with the
/// governance documents' numbers as defaults (003 §4.2). Fairness and calibration reuse the
/// policy's gate limits (`gates: fairness`, `gates: calibration`), so a version is held in
/// production to the bar it passed to get there.
public struct DriftPolicy: Sendable, Hashable, Codable {
    /// A version's reference on a device class is its first this-many UTC days of telemetry there.
    public var referenceDays = 7
    /// Hours after a window ends before it is checked (labels arrive late).
    public var graceHours = 1
    /// Fewer records than this in the reference or the window (labelled ones, for the checks that
    /// need labels): the check is inconclusive.
    public var minimumSamples = 100
    /// Groups with fewer records than this are left out of the fairness comparison.
    public var minimumGroupSamples = 30
    /// A change counts only when its test's p-value is below this: KS for prediction drift (the
    /// documents' p < 0.01), two-proportion z-tests for accuracy and group gaps.
    public var pValue = 0.01
    /// A score shift must also move the distributions this far apart (KS D): on a large sample a
    /// p-value alone flags shifts too small to matter, and a fixed reference's own sampling noise
    /// would make the 1 % false alarms of p < 0.01 come in runs.
    public var predictionDriftMinimumD = 0.1
    public var dataDriftPSI = 0.2
    public var labelDriftPSI = 0.2
    /// Relative drop of accuracy against the reference's (0.05: 5 %).
    public var accuracyDrop = 0.05
    /// Weekly accuracy below this for `retirementPeriods` consecutive weeks proposes the version's
    /// retirement (004 §6.2: 0.80 for 3 periods).
    public var retirementAccuracy = 0.80
    public var retirementPeriods = 3
    /// The online thresholds checked on each UTC day (issue 15 §2): accuracy warning and critical
    /// levels, latency p95 and p99 limits, latency against the reference.
    public var online = OnlineThresholds()

    public init() {}
}

extension GovernancePolicy {
    /// Reads the `monitoring:` section into `drift`.
    mutating func readMonitoring(_ node: YAMLNode) throws(ConfigError) {
        let fields = try node.fields(
            known: ["reference-days", "grace-hours", "min-samples", "min-group-samples", "p-value", "prediction-drift-min-d", "data-drift-psi", "label-drift-psi", "accuracy-drop",
                    "retirement-accuracy", "retirement-periods", "accuracy-warning", "accuracy-critical", "latency-p95-ms", "latency-p99-ms",
                    "latency-ratio", "outage-after-minutes", "outage-share", "outage-forget-days"],
            what: "a mapping")
        if let days = try fields.integer("reference-days", atLeast: 1) {
            guard days <= 90 else { throw fields.error(at: "reference-days", "reference-days is \(days); at most 90 (telemetry is kept 90 days by default)") }
            drift.referenceDays = days
        }
        if let hours = try fields.integer("grace-hours", atLeast: 0) {
            guard hours <= 168 else { throw fields.error(at: "grace-hours", "grace-hours is \(hours); at most 168 (a week)") }
            drift.graceHours = hours
        }
        if let samples = try fields.integer("min-samples", atLeast: 10) {
            guard samples <= 1_000_000 else { throw fields.error(at: "min-samples", "min-samples is \(samples); at most 1000000") }
            drift.minimumSamples = samples
        }
        if let samples = try fields.integer("min-group-samples", atLeast: 5) {
            guard samples <= 1_000_000 else { throw fields.error(at: "min-group-samples", "min-group-samples is \(samples); at most 1000000") }
            drift.minimumGroupSamples = samples
        }
        if let p = try fields.number("p-value", atLeast: 0) {
            guard p > 0, p <= 0.2 else { throw fields.error(at: "p-value", "p-value is \(p); it must be above 0 and at most 0.2") }
            drift.pValue = p
        }
        if let distance = try fields.number("prediction-drift-min-d", atLeast: 0) {
            guard distance < 1 else { throw fields.error(at: "prediction-drift-min-d", "prediction-drift-min-d is \(distance); it must be below 1") }
            drift.predictionDriftMinimumD = distance
        }
        if let psi = try fields.number("data-drift-psi", atLeast: 0) {
            guard psi > 0, psi <= 10 else { throw fields.error(at: "data-drift-psi", "data-drift-psi is \(psi); it must be above 0 and at most 10") }
            drift.dataDriftPSI = psi
        }
        if let psi = try fields.number("label-drift-psi", atLeast: 0) {
            guard psi > 0, psi <= 10 else { throw fields.error(at: "label-drift-psi", "label-drift-psi is \(psi); it must be above 0 and at most 10") }
            drift.labelDriftPSI = psi
        }
        if let drop = try fields.number("accuracy-drop", atLeast: 0) {
            guard drop > 0, drop < 1 else { throw fields.error(at: "accuracy-drop", "accuracy-drop is \(drop); it must be above 0 and below 1") }
            drift.accuracyDrop = drop
        }
        if let floor = try fields.number("retirement-accuracy", atLeast: 0) {
            guard floor > 0, floor < 1 else { throw fields.error(at: "retirement-accuracy", "retirement-accuracy is \(floor); it must be above 0 and below 1") }
            drift.retirementAccuracy = floor
        }
        for (key, path) in [("accuracy-warning", \OnlineThresholds.accuracyWarning), ("accuracy-critical", \OnlineThresholds.accuracyCritical)] {
            if let level = try fields.number(key, atLeast: 0) {
                guard level > 0, level < 1 else { throw fields.error(at: key, "\(key) is \(level); it must be above 0 and below 1") }
                drift.online[keyPath: path] = level
            }
        }
        guard drift.online.accuracyCritical <= drift.online.accuracyWarning else {
            throw fields.error(
                at: "accuracy-critical", "accuracy-critical (\(drift.online.accuracyCritical)) is above accuracy-warning (\(drift.online.accuracyWarning)): critical is the lower level")
        }
        for (key, path) in [("latency-p95-ms", \OnlineThresholds.latencyP95Ms), ("latency-p99-ms", \OnlineThresholds.latencyP99Ms)] {
            if let limit = try fields.number(key, atLeast: 0) {
                guard limit > 0, limit <= 3_600_000 else { throw fields.error(at: key, "\(key) is \(limit); it must be above 0 and at most 3600000 (an hour)") }
                drift.online[keyPath: path] = limit
            }
        }
        if let ratio = try fields.number("latency-ratio", atLeast: 1) {
            guard ratio > 1, ratio <= 100 else { throw fields.error(at: "latency-ratio", "latency-ratio is \(ratio); it must be above 1 and at most 100") }
            drift.online.latencyRatio = ratio
        }
        if let periods = try fields.integer("retirement-periods", atLeast: 1) {
            guard periods <= 52 else { throw fields.error(at: "retirement-periods", "retirement-periods is \(periods); at most 52 (a year of weeks)") }
            drift.retirementPeriods = periods
        }
        if let minutes = try fields.integer("outage-after-minutes", atLeast: 1) {
            guard minutes <= 10_080 else { throw fields.error(at: "outage-after-minutes", "outage-after-minutes is \(minutes); at most 10080 (a week)") }
            outage.afterMinutes = minutes
        }
        if let share = try fields.number("outage-share", atLeast: 0) {
            guard share > 0, share <= 1 else { throw fields.error(at: "outage-share", "outage-share is \(share); it must be above 0 and at most 1") }
            outage.share = share
        }
        if let days = try fields.integer("outage-forget-days", atLeast: 1) {
            guard days <= 90 else { throw fields.error(at: "outage-forget-days", "outage-forget-days is \(days); at most 90") }
            outage.forgetDays = days
        }
        guard outage.after < outage.forget else {
            throw fields.error(
                at: "outage-after-minutes", "outage-after-minutes (\(outage.afterMinutes)) reaches outage-forget-days (\(outage.forgetDays)): a device would be forgotten before it counts as silent")
        }
    }
}
