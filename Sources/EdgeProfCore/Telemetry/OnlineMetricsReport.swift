import Foundation

/// The thresholds online metrics are held to (issue 15 §2), with the governance documents'
/// numbers as defaults: accuracy warning 0.90 and critical 0.85, latency p95 100 ms and p99
/// 200 ms. (Their error rate of 10 % is 1 − accuracy here: a record carries no failure of its own.)
public struct OnlineThresholds: Sendable, Codable, Hashable {
    public var accuracyWarning = 0.90
    public var accuracyCritical = 0.85
    public var latencyP95Ms = 100.0
    public var latencyP99Ms = 200.0
    /// p95 at least this many times the version's reference p95 on the class (the documents'
    /// "latency twice the baseline").
    public var latencyRatio = 2.0
    /// Fewer labelled (or timed) inferences than this give no finding.
    public var minimumSamples = 100

    public init() {}
}

/// One figure outside its threshold, for one version, arm and device class.
public struct OnlineFinding: Sendable, Codable, Hashable {
    public var metric: String
    public var severity: AlertSeverity
    public var value: Double
    public var threshold: Double
    public var summary: String
}

/// A model's online figures per version, arm and device class, and what breaks a threshold. Pure.
public struct OnlineMetricsReport: Sendable, Codable, Hashable {
    public struct Group: Sendable, Codable, Hashable {
        public var version: String
        public var arm: InferenceArm
        public var deviceClass: String
        public var metrics: ArmMetrics
        public var findings: [OnlineFinding]
    }

    public var model: String
    public var since: Date
    public var thresholds: OnlineThresholds
    public var groups: [Group]

    public init(model: String, since: Date, observations: [InferenceObservation], thresholds: OnlineThresholds = OnlineThresholds()) {
        self.model = model
        self.since = since
        self.thresholds = thresholds
        let grouped = Dictionary(grouping: observations) { GroupKey(version: $0.version, arm: $0.arm, deviceClass: $0.deviceClass) }
        groups = grouped.keys.sorted().map { key in
            let metrics = ArmMetrics(grouped[key] ?? [])
            return Group(
                version: "\(model)@\(key.version)", arm: key.arm, deviceClass: key.deviceClass, metrics: metrics,
                findings: Self.findings(metrics, thresholds))
        }
    }

    private struct GroupKey: Hashable, Comparable {
        var version: SemanticVersion
        var arm: InferenceArm
        var deviceClass: String

        static func < (left: GroupKey, right: GroupKey) -> Bool {
            if left.version != right.version { return left.version < right.version }
            if left.arm != right.arm { return left.arm.rawValue < right.arm.rawValue }
            return left.deviceClass < right.deviceClass
        }
    }

    static func findings(_ metrics: ArmMetrics, _ thresholds: OnlineThresholds) -> [OnlineFinding] {
        var findings: [OnlineFinding] = []
        if metrics.labelled >= thresholds.minimumSamples, let accuracy = metrics.accuracy {
            if accuracy < thresholds.accuracyCritical {
                findings.append(OnlineFinding(metric: "accuracy", severity: .critical, value: accuracy, threshold: thresholds.accuracyCritical,
                                              summary: String(format: "accuracy %.3f over %d labelled inferences is below %.2f", accuracy, metrics.labelled, thresholds.accuracyCritical)))
            } else if accuracy < thresholds.accuracyWarning {
                findings.append(OnlineFinding(metric: "accuracy", severity: .medium, value: accuracy, threshold: thresholds.accuracyWarning,
                                              summary: String(format: "accuracy %.3f over %d labelled inferences is below %.2f", accuracy, metrics.labelled, thresholds.accuracyWarning)))
            }
        }
        if let latency = metrics.latencyMs, latency.count >= thresholds.minimumSamples {
            if latency.p95 > thresholds.latencyP95Ms {
                findings.append(OnlineFinding(metric: "latency p95", severity: .high, value: latency.p95, threshold: thresholds.latencyP95Ms,
                                              summary: String(format: "latency p95 %.1f ms is above %.0f ms", latency.p95, thresholds.latencyP95Ms)))
            }
            if latency.p99 > thresholds.latencyP99Ms {
                findings.append(OnlineFinding(metric: "latency p99", severity: .high, value: latency.p99, threshold: thresholds.latencyP99Ms,
                                              summary: String(format: "latency p99 %.1f ms is above %.0f ms", latency.p99, thresholds.latencyP99Ms)))
            }
        }
        return findings
    }
}
