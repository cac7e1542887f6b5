import Foundation

/// The model artifact a simulated board can install over the link (Link v1 `LOAD`, `DATA`,
/// `COMMIT`): a JSON document `{"format": "edgeprof-sim-model/1", …}` whose fields set how the
/// model behaves — its latencies, memory and power — as a real artifact sets a real board's.
/// Fields left out keep the board's current behaviour. A board refuses any other bytes, as
/// firmware refuses an artifact it cannot run.
public struct SimulatedModelArtifact: Codable, Sendable, Hashable {
    public static let format = "edgeprof-sim-model/1"

    public var format = SimulatedModelArtifact.format
    public var firstTokenMedianMs: Double?
    public var firstTokenSigma: Double?
    public var tokenMedianMs: Double?
    public var tokenSigma: Double?
    public var iterationGapMs: Double?
    public var staticRAMBytes: UInt32?
    public var stackPeakBytes: UInt32?
    public var arenaHighWaterBytes: UInt32?
    public var heapHighWaterBytes: UInt32?
    public var activePowerMilliwatts: Double?
    /// Share of output tokens at which the model departs from the reference answer (0…1).
    public var outputDivergence: Double?

    public init(tokenMedianMs: Double? = nil, firstTokenMedianMs: Double? = nil, outputDivergence: Double? = nil) {
        self.tokenMedianMs = tokenMedianMs
        self.firstTokenMedianMs = firstTokenMedianMs
        self.outputDivergence = outputDivergence
    }

    /// The artifact in `bytes`, or nil when they are not one (or describe an impossible model).
    public init?(bytes: [UInt8]) {
        guard let decoded = try? JSONDecoder().decode(Self.self, from: Data(bytes)), decoded.format == Self.format else { return nil }
        let durations = [decoded.firstTokenMedianMs, decoded.tokenMedianMs, decoded.iterationGapMs].compactMap { $0 }
        let spreads = [decoded.firstTokenSigma, decoded.tokenSigma].compactMap { $0 }
        guard durations.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 60_000 }), spreads.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 2 }),
              decoded.activePowerMilliwatts.map({ $0.isFinite && $0 > 0 && $0 <= 100_000 }) ?? true,
              decoded.outputDivergence.map({ $0.isFinite && (0...1).contains($0) }) ?? true else { return nil }
        self = decoded
    }

    /// The artifact's bytes (sorted keys, so the same artifact always has the same SHA-256).
    public var bytes: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map(Array.init) ?? []
    }

    /// `profile` running this artifact, announced as `model` / `quantization` with `sha256`.
    public func installed(on profile: SimulatedModelProfile, model: String, quantization: String, sha256: String) -> SimulatedModelProfile {
        var next = profile
        next.model = model
        next.quantization = quantization
        next.artifactSHA256 = sha256
        firstTokenMedianMs.map { next.firstTokenMedianMs = $0 }
        firstTokenSigma.map { next.firstTokenSigma = $0 }
        tokenMedianMs.map { next.tokenMedianMs = $0 }
        tokenSigma.map { next.tokenSigma = $0 }
        iterationGapMs.map { next.iterationGapMs = $0 }
        staticRAMBytes.map { next.staticRAMBytes = $0 }
        stackPeakBytes.map { next.stackPeakBytes = $0 }
        arenaHighWaterBytes.map { next.arenaHighWaterBytes = $0 }
        heapHighWaterBytes.map { next.heapHighWaterBytes = $0 }
        if profile.activePowerMilliwatts != nil, let power = activePowerMilliwatts { next.activePowerMilliwatts = power }
        outputDivergence.map { next.outputDivergence = $0 }
        return next
    }
}
