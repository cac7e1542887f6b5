/// What the host asks a board to run: `iterations` measured runs after `warmup` unmeasured
/// ones, each generating `tokens` tokens (0 for models that do not generate tokens).
public struct RunRequest: Sendable, Codable, Hashable {
    public static let iterationLimit: UInt32 = 1_000_000
    public static let warmupLimit: UInt32 = 10_000
    public static let tokenLimit: UInt32 = 65_535

    public var input: String
    public var tokens: UInt32
    public var iterations: UInt32
    public var warmup: UInt32

    public init(input: String = "default", tokens: UInt32, iterations: UInt32, warmup: UInt32) {
        self.input = input
        self.tokens = tokens
        self.iterations = iterations
        self.warmup = warmup
    }
}

/// A board's totals at the end of a run (the RESULT message).
public struct RunTotals: Sendable, Codable, Hashable {
    public var aborted: Bool
    public var iterations: UInt32
    public var tokens: UInt64
    public var stackPeakBytes: UInt64?
    public var arenaHighWaterBytes: UInt64?
    public var heapHighWaterBytes: UInt64?
    public var ramPeakBytes: UInt64?
    public var energyNanojoules: UInt64?
    /// Shadow iterations the board ran beside the serving model (Link v1 `shadow_iters=`).
    public var shadowIterations: UInt32?

    public init(
        aborted: Bool, iterations: UInt32, tokens: UInt64, stackPeakBytes: UInt64? = nil,
        arenaHighWaterBytes: UInt64? = nil, heapHighWaterBytes: UInt64? = nil, ramPeakBytes: UInt64? = nil,
        energyNanojoules: UInt64? = nil, shadowIterations: UInt32? = nil
    ) {
        self.aborted = aborted
        self.iterations = iterations
        self.tokens = tokens
        self.stackPeakBytes = stackPeakBytes
        self.arenaHighWaterBytes = arenaHighWaterBytes
        self.heapHighWaterBytes = heapHighWaterBytes
        self.ramPeakBytes = ramPeakBytes
        self.energyNanojoules = energyNanojoules
        self.shadowIterations = shadowIterations
    }
}
