/// One measured iteration as a summary reduces it: its span, energy and window size, its tokens'
/// count and first tick, and the gaps between its tokens only when a reader asked for them.
///
/// A store keeps the count and the first tick beside each iteration, so a gate that holds a
/// version to latency, time to first token, tokens/s or tokens/mJ reads one row per iteration;
/// only inter-token latency needs every token.
public struct IterationFigures: Sendable, Hashable {
    public var startTicks: UInt64
    public var endTicks: UInt64
    public var energyNanojoules: UInt64?
    /// How many inferences the iteration timed (an MLPerf Tiny window); nil means one.
    public var inferences: UInt32?
    public var tokenCount: Int
    public var firstTokenTicks: UInt64?
    /// Ticks between consecutive tokens, in order; nil when the tokens were not read.
    public var tokenGapTicks: [UInt64]?

    public init(
        startTicks: UInt64, endTicks: UInt64, energyNanojoules: UInt64?, inferences: UInt32?, tokenCount: Int, firstTokenTicks: UInt64?,
        tokenGapTicks: [UInt64]?
    ) {
        self.startTicks = startTicks
        self.endTicks = endTicks
        self.energyNanojoules = energyNanojoules
        self.inferences = inferences
        self.tokenCount = tokenCount
        self.firstTokenTicks = firstTokenTicks
        self.tokenGapTicks = tokenGapTicks
    }

    /// Everything, gaps included, from a recorded iteration.
    public init(_ iteration: RecordedIteration) {
        let ticks = iteration.tokenTicks
        self.init(
            startTicks: iteration.startTicks, endTicks: iteration.endTicks, energyNanojoules: iteration.energyNanojoules,
            inferences: iteration.inferences, tokenCount: ticks.count, firstTokenTicks: ticks.first,
            tokenGapTicks: zip(ticks, ticks.dropFirst()).map { pair in pair.1 - pair.0 })
    }
}

/// A run as `ProfileSummary` reduces it: the board's tick rate, the run's totals and firmware
/// sizes, and its iterations' figures.
public struct RunFigures: Sendable, Hashable {
    public var tickHz: UInt64
    public var discardedIterations: Int
    public var totals: RunTotals?
    public var firmwareSize: FirmwareSize?
    public var iterations: [IterationFigures]

    public init(tickHz: UInt64, discardedIterations: Int, totals: RunTotals?, firmwareSize: FirmwareSize?, iterations: [IterationFigures]) {
        self.tickHz = tickHz
        self.discardedIterations = discardedIterations
        self.totals = totals
        self.firmwareSize = firmwareSize
        self.iterations = iterations
    }

    /// Everything, gaps included, from a recorded run.
    public init(_ run: RecordedRun) {
        self.init(
            tickHz: run.board.tickHz, discardedIterations: run.discardedIterations, totals: run.totals, firmwareSize: run.firmwareSize,
            iterations: run.iterations.map(IterationFigures.init))
    }

    /// Whether every iteration carries its token gaps (inter-token latency can be computed).
    public var hasTokenGaps: Bool { iterations.allSatisfy { $0.tokenGapTicks != nil } }
}

/// A stored run's figures with what a gate or a model card says about it: its id, where it ran,
/// whether it is complete, its board and evidence key. Read without the raw series a listing
/// never shows.
public struct StoredRunFigures: Sendable, Hashable {
    public var id: Int64
    public var context: RunContext
    public var status: RunStatus
    public var partialReason: String?
    public var board: BoardInfo
    public var evidenceKey: String
    public var figures: RunFigures

    public init(id: Int64, context: RunContext, status: RunStatus, partialReason: String?, board: BoardInfo, evidenceKey: String, figures: RunFigures) {
        self.id = id
        self.context = context
        self.status = status
        self.partialReason = partialReason
        self.board = board
        self.evidenceKey = evidenceKey
        self.figures = figures
    }

    /// From a whole stored run (gaps included).
    public init(_ stored: StoredRun) {
        self.init(
            id: stored.id, context: stored.context, status: stored.run.status, partialReason: stored.run.partialReason, board: stored.run.board,
            evidenceKey: stored.run.evidenceKey().shortID, figures: RunFigures(stored.run))
    }
}

/// Which raw series a reader of run figures needs beyond one row per iteration.
public enum TokenDetail: Sendable, Hashable {
    /// Counts and first ticks only (every figure but inter-token latency).
    case counts
    /// Every token's tick, for inter-token latency.
    case gaps
}
