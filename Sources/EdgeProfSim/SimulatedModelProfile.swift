/// What a simulated board is and how its model behaves: identity, memory, a log-normal
/// latency for the prompt (time to first token) and for each further token, and optional power.
/// Every figure a profile measures follows from this and the seed.
public struct SimulatedModelProfile: Sendable, Codable, Hashable {
    public var board = "edgeprof-sim"
    public var serial = "SIM-0001"
    public var firmwareVersion = "1.0.0"
    public var firmwareBuild = "sim-linkv1"
    public var deviceClass: String? = "sim-cortex-m4"
    public var clockHz: UInt32 = 64_000_000
    public var tickHz: UInt32 = 1_000_000
    public var ramBytes: UInt32 = 256 * 1024
    public var flashBytes: UInt32 = 1024 * 1024

    public var model = "demo-tiny-lm"
    public var quantization = "int8"
    /// Lower-case hex SHA-256 of the artifact the board "carries".
    public var artifactSHA256 = String(repeating: "0", count: 64)
    public var generatesTokens = true

    /// Median and log-normal σ of the prompt phase (time to first token), in milliseconds.
    public var firstTokenMedianMs = 18.0
    public var firstTokenSigma = 0.08
    /// Median and log-normal σ of each further token, in milliseconds.
    public var tokenMedianMs = 11.0
    public var tokenSigma = 0.12
    /// Idle time between iterations, in milliseconds.
    public var iterationGapMs = 0.5

    public var staticRAMBytes: UInt32 = 112 * 1024
    public var stackPeakBytes: UInt32 = 5_632
    public var arenaHighWaterBytes: UInt32 = 61_440
    public var heapHighWaterBytes: UInt32 = 0
    /// Active power while computing, in milliwatts; nil for a board without a power sensor.
    public var activePowerMilliwatts: Double? = 23.5

    public init() {}

    /// Peak RAM as the firmware reports it: static data + peak stack + peak heap
    /// (the arena lives inside static data).
    public var ramPeakBytes: UInt32 { staticRAMBytes + stackPeakBytes + heapHighWaterBytes }
}
