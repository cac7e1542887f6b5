import Foundation

/// One inference as monitoring reads it back: which version and arm answered, on which class of
/// device, what it said, what turned out true, and what it cost.
public struct InferenceObservation: Sendable, Hashable {
    public var version: SemanticVersion
    public var arm: InferenceArm
    public var deviceClass: String
    public var prediction: String
    public var label: String?
    public var latencyMs: Double?
    public var energyMillijoules: Double?
    public var at: Date

    public init(
        version: SemanticVersion, arm: InferenceArm, deviceClass: String, prediction: String, label: String?, latencyMs: Double?,
        energyMillijoules: Double?, at: Date
    ) {
        self.version = version
        self.arm = arm
        self.deviceClass = deviceClass
        self.prediction = prediction
        self.label = label
        self.latencyMs = latencyMs
        self.energyMillijoules = energyMillijoules
        self.at = at
    }
}

/// The online figures of a set of inferences (issue 15 §2): accuracy and error rate over the
/// labelled ones, latency percentiles, throughput and energy per inference. Pure.
public struct ArmMetrics: Sendable, Codable, Hashable {
    public var records: Int
    public var labelled: Int
    /// Labelled records whose prediction was the label.
    public var correct: Int
    public var accuracy: Double?
    public var errorRate: Double?
    public var latencyMs: SampleStatistics?
    public var energyPerInferenceMillijoules: Double?
    /// Records per minute between the first and the last.
    public var throughputPerMinute: Double?
    /// The samples behind the figures, for the tests that compare arms (not encoded).
    public var latencySamples: [Double] { latencies }
    public var energySamples: [Double] { energies }
    private var latencies: [Double] = []
    private var energies: [Double] = []

    private enum CodingKeys: String, CodingKey {
        case records, labelled, correct, accuracy, errorRate, latencyMs, energyPerInferenceMillijoules, throughputPerMinute
    }

    public init(_ observations: [InferenceObservation]) {
        records = observations.count
        let labelledOnes = observations.filter { $0.label != nil }
        labelled = labelledOnes.count
        correct = labelledOnes.filter { $0.label == $0.prediction }.count
        accuracy = labelled > 0 ? Double(correct) / Double(labelled) : nil
        errorRate = accuracy.map { 1 - $0 }
        latencies = observations.compactMap(\.latencyMs)
        energies = observations.compactMap(\.energyMillijoules)
        latencyMs = SampleStatistics(latencies)
        energyPerInferenceMillijoules = energies.isEmpty ? nil : energies.reduce(0, +) / Double(energies.count)
        if let first = observations.map(\.at).min(), let last = observations.map(\.at).max(), last > first {
            throughputPerMinute = Double(records) / (last.timeIntervalSince(first) / 60)
        }
    }
}

/// An A/B test judged on the fleet's telemetry: arm A is what version A served on arm `a`, arm B
/// what version B served on arm `b`, from the test's start to its stop. Pure.
public struct ABTestReport: Sendable, Codable, Hashable {
    public var test: Int64
    public var a: String
    public var b: String
    public var armA: ArmMetrics
    public var armB: ArmMetrics
    public var verdict: ABTestVerdict

    public init(test: ABTest, observations: [InferenceObservation], alpha: Double = ABVerdictRules.defaultAlpha) {
        let window = { (observation: InferenceObservation) in
            observation.at >= test.startedAt && test.stoppedAt.map { observation.at <= $0 } ?? true
        }
        let inA = observations.filter { $0.arm == .a && $0.version == test.a.version && window($0) }
        let inB = observations.filter { $0.arm == .b && $0.version == test.b.version && window($0) }
        self.test = test.id
        a = test.a.description
        b = test.b.description
        armA = ArmMetrics(inA)
        armB = ArmMetrics(inB)
        // Each arm's samples in the order they happened (the store reads them by time), so each
        // sequential look takes the same first ones at every reading.
        let outcomes = { (arm: [InferenceObservation]) in arm.compactMap { observation in observation.label.map { $0 == observation.prediction } } }
        var compared: [ABMetric] = []
        if armA.labelled + armB.labelled > 0 {
            compared.append(.outcomes(name: "accuracy", higherIsBetter: true, a: outcomes(inA), b: outcomes(inB)))
        }
        if !armA.latencySamples.isEmpty || !armB.latencySamples.isEmpty {
            compared.append(.mean(name: "latency ms", higherIsBetter: false, a: armA.latencySamples, b: armB.latencySamples))
        }
        if !armA.energySamples.isEmpty || !armB.energySamples.isEmpty {
            compared.append(.mean(name: "energy mJ", higherIsBetter: false, a: armA.energySamples, b: armB.energySamples))
        }
        verdict = ABVerdictRules.overall(compared.map {
            ABVerdictRules.judge(sequential: $0, minimumSamples: test.minimumSamples, alpha: alpha, metrics: compared.count)
        })
    }
}
