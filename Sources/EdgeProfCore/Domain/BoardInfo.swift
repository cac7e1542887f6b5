/// What a board announces about itself in its INFO reply.
public struct BoardInfo: Sendable, Codable, Hashable {
    public var protocolVersion: Int
    public var board: String
    public var serial: String
    public var firmwareVersion: String
    public var firmwareBuild: String
    public var clockHz: UInt64
    public var tickHz: UInt64
    public var ramBytes: UInt64
    public var flashBytes: UInt64
    public var capabilities: [String]
    /// The board runs under an emulator (capability `emulated`): its ticks count instructions,
    /// not silicon time.
    public var isEmulated: Bool { capabilities.contains("emulated") }

    /// Present when the firmware names its device class; otherwise the host decides.
    public var deviceClass: String?
    /// The protocol the board spoke when it is not EdgeProf Link v1 (e.g. `mlperf-tiny-dut`).
    public var wireProtocol: String?
    /// What its INFO said about serving (capability `serve`); nil when the firmware cannot halt.
    public var servingState: ServingState?
    /// The shadow model its handshake announced (capability `shadow`); nil when none is loaded.
    public var shadowModel: BoardModelInfo?

    public init(
        protocolVersion: Int, board: String, serial: String, firmwareVersion: String, firmwareBuild: String,
        clockHz: UInt64, tickHz: UInt64, ramBytes: UInt64, flashBytes: UInt64, capabilities: [String],
        deviceClass: String? = nil
    ) {
        self.protocolVersion = protocolVersion
        self.board = board
        self.serial = serial
        self.firmwareVersion = firmwareVersion
        self.firmwareBuild = firmwareBuild
        self.clockHz = clockHz
        self.tickHz = tickHz
        self.ramBytes = ramBytes
        self.flashBytes = flashBytes
        self.capabilities = capabilities
        self.deviceClass = deviceClass
    }
}

/// Whether a board serves (Link v1 `SERVE`): a halted board refuses runs until it serves again.
public enum ServingState: String, Sendable, Codable, Hashable, CaseIterable {
    case serving, halted
}

/// The model a board carries, as announced in its MODEL reply.
public struct BoardModelInfo: Sendable, Codable, Hashable {
    public var model: String
    /// Lower-case hex SHA-256 of the model artifact flashed on the board.
    public var artifactSHA256: String
    public var quantization: String

    public init(model: String, artifactSHA256: String, quantization: String) {
        self.model = model
        self.artifactSHA256 = artifactSHA256
        self.quantization = quantization
    }
}
