/// A figure the edge-performance gate can hold a model to, with its file key and direction.
public enum GateMetric: String, Sendable, Codable, CaseIterable, Hashable {
    case latencyP95 = "latency-p95-ms"
    case tokenLatencyP95 = "token-latency-p95-ms"
    case timeToFirstTokenP95 = "ttft-p95-ms"
    case peakRAM = "peak-ram-kib"
    case flash = "flash-kib"
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
        case .latencyP95, .tokenLatencyP95, .timeToFirstTokenP95, .peakRAM, .flash: .max
        case .tokensPerSecond, .tokensPerMillijoule: .min
        }
    }

    /// The key in a thresholds file, e.g. `max-latency-p95-ms`.
    public var fileKey: String { "\(bound.rawValue)-\(rawValue)" }

    public var unit: String {
        switch self {
        case .latencyP95, .tokenLatencyP95, .timeToFirstTokenP95: "ms"
        case .peakRAM, .flash: "KiB"
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
        case .flash: "flash (ELF)"
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
        case .flash: summary.flashBytes.map { Double($0) / 1024 }
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
    /// Ceilings the thresholds file sets to `catalogue`: the device class's memory sizes from
    /// the device catalogue (`max-peak-ram-kib`, `max-flash-kib`), resolved by `resolved(with:)`.
    public var catalogueLimits: [GateMetric]

    public init(deviceClass: String, minimumIterations: Int = defaultMinimumIterations, criteria: [GateCriterion], catalogueLimits: [GateMetric] = []) {
        self.deviceClass = deviceClass
        self.minimumIterations = minimumIterations
        self.criteria = criteria
        self.catalogueLimits = catalogueLimits
    }

    /// The metrics whose ceiling may come from the catalogue, and the board field that gives it.
    public static let catalogueMetrics: [GateMetric: String] = [.peakRAM: "ram-bytes", .flash: "flash-bytes"]

    /// Replaces `catalogue` ceilings by the smallest memory of the catalogue's boards of this
    /// class; a ceiling no board gives stays in `catalogueLimits` (the gate reports it
    /// INCONCLUSIVE).
    public func resolved(with catalogue: DeviceCatalogue?) -> DeviceClassThresholds {
        var resolved = self
        resolved.catalogueLimits = []
        let boards = catalogue?.entries.filter { $0.kind == .board && $0.deviceClass == deviceClass } ?? []
        for metric in catalogueLimits {
            let sizes = boards.compactMap { metric == .flash ? $0.flashBytes : $0.ramBytes }
            if let smallest = sizes.min() {
                resolved.criteria.append(GateCriterion(metric: metric, threshold: Double(smallest) / 1024))
            } else {
                resolved.catalogueLimits.append(metric)
            }
        }
        return resolved
    }
}
