/// A figure the edge-performance gate can hold a model to, with its file key and direction.
public enum GateMetric: String, Sendable, Codable, CaseIterable, Hashable {
    case latencyP95 = "latency-p95-ms"
    case tokenLatencyP95 = "token-latency-p95-ms"
    case timeToFirstTokenP95 = "ttft-p95-ms"
    case peakRAM = "peak-ram-kib"
    case tokensPerSecond = "tokens-per-second"
    case tokensPerMillijoule = "tokens-per-mj"

    /// Whether a threshold is a ceiling (`max-…`) or a floor (`min-…`).
    public enum Bound: String, Sendable, Codable, Hashable {
        case max
        case min
    }

    /// The only direction that makes sense for this figure.
    public var bound: Bound {
        switch self {
        case .latencyP95, .tokenLatencyP95, .timeToFirstTokenP95, .peakRAM: .max
        case .tokensPerSecond, .tokensPerMillijoule: .min
        }
    }

    /// The key in a thresholds file, e.g. `max-latency-p95-ms`.
    public var fileKey: String { "\(bound.rawValue)-\(rawValue)" }

    public var unit: String {
        switch self {
        case .latencyP95, .tokenLatencyP95, .timeToFirstTokenP95: "ms"
        case .peakRAM: "KiB"
        case .tokensPerSecond: "tokens/s"
        case .tokensPerMillijoule: "tokens/mJ"
        }
    }

    public var title: String {
        switch self {
        case .latencyP95: "latency p95"
        case .tokenLatencyP95: "inter-token latency p95"
        case .timeToFirstTokenP95: "time to first token p95"
        case .peakRAM: "peak RAM"
        case .tokensPerSecond: "tokens per second"
        case .tokensPerMillijoule: "tokens per mJ"
        }
    }

    /// The measured figure, or nil when the evidence does not contain it.
    public func value(in summary: ProfileSummary) -> Double? {
        switch self {
        case .latencyP95: summary.latencyMs?.p95
        case .tokenLatencyP95: summary.interTokenLatencyMs?.p95
        case .timeToFirstTokenP95: summary.timeToFirstTokenMs?.p95
        case .peakRAM: summary.ramPeakBytes.map { Double($0) / 1024 }
        case .tokensPerSecond: summary.tokensPerSecond
        case .tokensPerMillijoule: summary.tokensPerMillijoule
        }
    }
}

/// One threshold of a device class: e.g. latency p95 at most 120 ms.
public struct GateCriterion: Sendable, Codable, Hashable {
    public var metric: GateMetric
    public var threshold: Double

    public init(metric: GateMetric, threshold: Double) {
        self.metric = metric
        self.threshold = threshold
    }

    public func isMet(by value: Double) -> Bool {
        metric.bound == .max ? value <= threshold : value >= threshold
    }
}

/// The thresholds one device class must meet, and how much evidence a verdict needs.
public struct DeviceClassThresholds: Sendable, Codable, Hashable {
    public static let defaultMinimumIterations = 10

    public var deviceClass: String
    public var minimumIterations: Int
    public var criteria: [GateCriterion]

    public init(deviceClass: String, minimumIterations: Int = defaultMinimumIterations, criteria: [GateCriterion]) {
        self.deviceClass = deviceClass
        self.minimumIterations = minimumIterations
        self.criteria = criteria
    }
}
