/// One run of the shadow model beside a measured iteration of the serving model (Link v1
/// `SITER`, `STOK`, `SDONE`), on the same input: its timings and its outputs, never served.
public struct ShadowIteration: Sendable, Codable, Hashable {
    /// The serving iteration it shadows.
    public var index: UInt32
    public var startTicks: UInt64
    public var endTicks: UInt64
    public var tokenTicks: [UInt64]
    /// The shadow's output tokens, when the board sent their ids.
    public var tokenIDs: [UInt64]?
    /// Token positions at which the shadow produced the serving model's token; nil when either
    /// side sent no ids.
    public var matchingTokens: Int?
    /// How many of the serving model's tokens it was compared with.
    public var servingTokens: Int
    public var energyNanojoules: UInt64?

    public init(
        index: UInt32, startTicks: UInt64, endTicks: UInt64, tokenTicks: [UInt64], tokenIDs: [UInt64]?,
        matchingTokens: Int?, servingTokens: Int, energyNanojoules: UInt64? = nil
    ) {
        self.index = index
        self.startTicks = startTicks
        self.endTicks = endTicks
        self.tokenTicks = tokenTicks
        self.tokenIDs = tokenIDs
        self.matchingTokens = matchingTokens
        self.servingTokens = servingTokens
        self.energyNanojoules = energyNanojoules
    }
}

/// What the shadow model did during a run: which model it was and each whole iteration of it.
public struct ShadowRecording: Sendable, Codable, Hashable {
    public var model: BoardModelInfo
    public var iterations: [ShadowIteration]
    /// Shadow iterations thrown away: a line of theirs (or of the iteration they shadow) was lost or damaged.
    public var discardedIterations: Int

    public init(model: BoardModelInfo, iterations: [ShadowIteration], discardedIterations: Int) {
        self.model = model
        self.iterations = iterations
        self.discardedIterations = discardedIterations
    }
}

/// The figures of a run's shadow beside its serving model: how often the candidate gave the
/// serving model's answer, and how its latency compares on the same inputs. Pure.
public struct ShadowSummary: Sendable, Codable, Hashable {
    public var model: BoardModelInfo
    public var iterations: Int
    public var discardedIterations: Int
    /// Share of the serving model's tokens the shadow reproduced at the same position; nil without token ids.
    public var tokenAgreement: Double?
    /// Iterations whose whole output was the serving model's.
    public var identicalIterations: Int?
    public var latencyMs: SampleStatistics?
    /// The serving model's latency over the same iterations.
    public var servingLatencyMs: SampleStatistics?
    /// Median shadow latency ÷ median serving latency.
    public var latencyRatio: Double?

    public init(run: RecordedRun, shadow: ShadowRecording, method: PercentileMethod = .linear) {
        let tickHz = Double(run.board.tickHz)
        let milliseconds = { (start: UInt64, end: UInt64) in (Double(end) - Double(start)) / tickHz * 1000 }
        let serving = Dictionary(run.iterations.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        model = shadow.model
        iterations = shadow.iterations.count
        discardedIterations = shadow.discardedIterations
        let compared = shadow.iterations.filter { $0.matchingTokens != nil }
        let servingTokens = compared.reduce(0) { $0 + $1.servingTokens }
        tokenAgreement = servingTokens > 0 ? Double(compared.reduce(0) { $0 + ($1.matchingTokens ?? 0) }) / Double(servingTokens) : nil
        identicalIterations = compared.isEmpty
            ? nil : compared.filter { $0.matchingTokens == $0.servingTokens && $0.tokenTicks.count == $0.servingTokens }.count
        latencyMs = SampleStatistics(shadow.iterations.map { milliseconds($0.startTicks, $0.endTicks) }, method: method)
        servingLatencyMs = SampleStatistics(
            shadow.iterations.compactMap { serving[$0.index] }.map { milliseconds($0.startTicks, $0.endTicks) }, method: method)
        if let shadowMedian = latencyMs?.p50, let servingMedian = servingLatencyMs?.p50, servingMedian > 0 {
            latencyRatio = shadowMedian / servingMedian
        }
    }
}
