/// One measured iteration as the board timed it, in device ticks.
public struct RecordedIteration: Sendable, Codable, Hashable {
    public var index: UInt32
    public var startTicks: UInt64
    public var endTicks: UInt64
    /// The tick at which each token was emitted, in order.
    public var tokenTicks: [UInt64]
    public var energyNanojoules: UInt64?
    /// How many inferences the iteration timed (an MLPerf Tiny window); nil means one.
    public var inferences: UInt32?

    public init(index: UInt32, startTicks: UInt64, endTicks: UInt64, tokenTicks: [UInt64], energyNanojoules: UInt64? = nil, inferences: UInt32? = nil) {
        self.index = index
        self.startTicks = startTicks
        self.endTicks = endTicks
        self.tokenTicks = tokenTicks
        self.energyNanojoules = energyNanojoules
        self.inferences = inferences
    }
}

/// Whether a run delivered everything it promised.
public enum RunStatus: String, Sendable, Codable, Hashable {
    /// The board sent its RESULT: every stored iteration is whole and checked.
    case complete
    /// The run ended early (reset, abort, silence, unplug); what was stored is whole, but not all of it.
    case partial
}

/// How healthy the link was during a run.
public struct LinkStatistics: Sendable, Codable, Hashable {
    public var linesReceived = 0
    public var crcErrors = 0
    public var syntaxErrors = 0
    public var overlongLines = 0
    public var malformedMessages = 0
    /// Lines missing from the board's sequence numbers.
    public var lostLines = 0
    public var unknownVerbs = 0

    public init() {}

    public var droppedLines: Int { crcErrors + syntaxErrors + overlongLines + malformedMessages }
}

/// Everything a profile run produced: the board's identity, the raw timings of every valid
/// measured iteration, the board's totals and how the link behaved.
public struct RecordedRun: Sendable, Codable, Hashable {
    public var request: RunRequest
    public var board: BoardInfo
    public var model: BoardModelInfo
    public var iterations: [RecordedIteration]
    public var warmupIterations: Int
    /// Iterations thrown away because a line of theirs was lost or corrupted.
    public var discardedIterations: Int
    public var totals: RunTotals?
    public var status: RunStatus
    public var partialReason: String?
    public var link: LinkStatistics
    /// Where the iterations' energy came from: nil for the board's own sensor, else the
    /// instrument (e.g. "ppk2:/dev/ttyACM1").
    public var energySource: String?
    /// Why some or all energy figures were left out, when they were.
    public var energyNote: String?
    /// The firmware image's memory figures, when its ELF was known (emulated boards, `--firmware`).
    public var firmwareSize: FirmwareSize?
    /// The shadow model's iterations beside the serving ones, when the board ran a shadow
    /// (Link v1 `shadow` capability): recorded with the run, never part of its figures.
    public var shadow: ShadowRecording?

    public init(
        request: RunRequest, board: BoardInfo, model: BoardModelInfo, iterations: [RecordedIteration],
        warmupIterations: Int, discardedIterations: Int, totals: RunTotals?, status: RunStatus,
        partialReason: String?, link: LinkStatistics, energySource: String? = nil, energyNote: String? = nil,
        firmwareSize: FirmwareSize? = nil, shadow: ShadowRecording? = nil
    ) {
        self.request = request
        self.board = board
        self.model = model
        self.iterations = iterations
        self.warmupIterations = warmupIterations
        self.discardedIterations = discardedIterations
        self.totals = totals
        self.status = status
        self.partialReason = partialReason
        self.link = link
        self.energySource = energySource
        self.energyNote = energyNote
        self.firmwareSize = firmwareSize
        self.shadow = shadow
    }

    public func evidenceKey() -> EvidenceKey {
        EvidenceKey(
            artifactSHA256: model.artifactSHA256, board: board.board, serial: board.serial,
            firmwareBuild: board.firmwareBuild, protocolName: board.wireProtocol ?? LinkProtocol.name)
    }
}
