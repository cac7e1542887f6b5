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
    /// How far the board's tick source runs fast (+) or slow (−), in parts per million.
    public var clockErrorPPM = 0.0
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
    /// Share of output tokens at which this model departs from the reference answer to its
    /// input (`SimulatedOutput`): 0 gives the reference, and two models agree where neither departs.
    public var outputDivergence = 0.0

    public init() {}

    /// Decodes a profile file; every field is optional and falls back to the default above.
    public init(from decoder: any Decoder) throws {
        self.init()
        let values = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ field: inout T) throws {
            if let value = try values.decodeIfPresent(T.self, forKey: key) { field = value }
        }
        /// For optional fields an explicit null means "none", an absent key "the default".
        func read<T: Decodable>(_ key: CodingKeys, _ field: inout T?) throws {
            if values.contains(key) { field = try values.decodeIfPresent(T.self, forKey: key) }
        }
        try read(.board, &board)
        try read(.serial, &serial)
        try read(.firmwareVersion, &firmwareVersion)
        try read(.firmwareBuild, &firmwareBuild)
        try read(.deviceClass, &deviceClass)
        try read(.clockHz, &clockHz)
        try read(.tickHz, &tickHz)
        try read(.clockErrorPPM, &clockErrorPPM)
        try read(.ramBytes, &ramBytes)
        try read(.flashBytes, &flashBytes)
        try read(.model, &model)
        try read(.quantization, &quantization)
        try read(.artifactSHA256, &artifactSHA256)
        try read(.generatesTokens, &generatesTokens)
        try read(.firstTokenMedianMs, &firstTokenMedianMs)
        try read(.firstTokenSigma, &firstTokenSigma)
        try read(.tokenMedianMs, &tokenMedianMs)
        try read(.tokenSigma, &tokenSigma)
        try read(.iterationGapMs, &iterationGapMs)
        try read(.staticRAMBytes, &staticRAMBytes)
        try read(.stackPeakBytes, &stackPeakBytes)
        try read(.arenaHighWaterBytes, &arenaHighWaterBytes)
        try read(.heapHighWaterBytes, &heapHighWaterBytes)
        try read(.activePowerMilliwatts, &activePowerMilliwatts)
        try read(.outputDivergence, &outputDivergence)
        guard tickHz > 0 else {
            throw DecodingError.dataCorruptedError(forKey: .tickHz, in: values, debugDescription: "tickHz must be greater than 0")
        }
        guard outputDivergence.isFinite, (0...1).contains(outputDivergence) else {
            throw DecodingError.dataCorruptedError(forKey: .outputDivergence, in: values, debugDescription: "outputDivergence must be 0…1")
        }
    }

    /// Peak RAM as the firmware reports it: static data + peak stack + peak heap
    /// (the arena lives inside static data).
    public var ramPeakBytes: UInt32 { staticRAMBytes + stackPeakBytes + heapHighWaterBytes }
}
