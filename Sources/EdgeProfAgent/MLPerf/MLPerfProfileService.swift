import EdgeProfCore
import EdgeProfHardware
import Foundation

/// Profiles a board that runs MLPerf Tiny benchmark firmware, without reflashing it: identify
/// it (`name`, `profile`), upload the input (`db load`, `db`), then performance-mode windows of
/// `infer N W`, each timed by the device's own `m-lap-us` stamps. The run is stored like any
/// other: one iteration per window, carrying its inference count.
public struct MLPerfProfileService: Sendable {
    public let store: any EvidenceStore
    public let leases: LeaseService?

    public static let protocolName = "mlperf-tiny-dut"
    /// The largest MLPerf Tiny input: visual wake words' 96×96×3 image.
    public static let maximumInputBytes = 27_648
    /// EEMBC's runner times performance windows of at least 10 s: shorter ones are noisier.
    public static let runnerWindowSeconds = 10.0

    public init(store: any EvidenceStore, leases: LeaseService? = nil) {
        self.store = store
        self.leases = leases
    }

    /// What to run: windows of `inferences` inferences; `warmup` inferences before the first.
    public struct Request: Sendable {
        public var windows: UInt32
        public var inferences: UInt32
        public var warmup: UInt32
        public var input: [UInt8]

        public init(windows: UInt32, inferences: UInt32, warmup: UInt32, input: [UInt8]) {
            self.windows = windows
            self.inferences = inferences
            self.warmup = warmup
            self.input = input
        }
    }

    /// `board` is the catalogue entry when known (memory sizes, emulated or not).
    public func profile(
        port: String, baud: Int = TransportOpener.defaultBaud, model reference: ModelReference, request: Request,
        deviceClass: String?, board entry: CatalogueEntry?, firmware: FirmwareSize? = nil,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws(AgentError) -> ProfileOutcome {
        guard request.windows >= 1, request.inferences >= 1 else {
            throw .invalidArgument("MLPerf windows and inferences per window must be at least 1")
        }
        guard request.input.count <= Self.maximumInputBytes else {
            throw .invalidArgument("the input is \(request.input.count) bytes; this driver uploads at most \(Self.maximumInputBytes)")
        }
        let model = try store.registered(reference)
        let lease = try leases?.hold(port: port, purpose: "edgeprof profile \(reference) (MLPerf Tiny)")
        defer { lease?.release() }
        let transport: any ByteTransport
        do { transport = try TransportOpener.open(path: port, baud: baud) } catch { throw .transport(error) }
        defer { transport.close() }
        var session = MLPerfSession(transport: transport)
        let startedAt = Date()

        let name = try identify(&session)
        let profileLines = try session.send("profile")
        let profileText = profileLines.compactMap { if case .profile(let text) = $0 { text } else { nil } }.first ?? "unknown"
        let modelName = profileLines.compactMap { if case .model(let text) = $0 { text } else { nil } }.first ?? "unknown"
        if !request.input.isEmpty {
            for command in MLPerfCommand.upload(request.input) { _ = try session.send(command) }
        }
        var iterations: [RecordedIteration] = []
        for window in 0..<request.windows {
            let warmup = window == 0 ? request.warmup : 0
            let lines = try session.send("infer \(request.inferences) \(warmup)", timeout: .seconds(30))
            let laps = lines.compactMap { if case .lap(let microseconds) = $0 { microseconds } else { nil } }
            guard laps.count >= 2, let elapsed = MLPerfMessage.lapMicroseconds(from: laps[laps.count - 2], to: laps[laps.count - 1]) else {
                throw .rejected(port: port, code: "no-timestamps", message: "the MLPerf DUT's answer to 'infer' carried \(laps.count) m-lap-us stamps, not the two around the inferences")
            }
            let start = laps[laps.count - 2]
            iterations.append(RecordedIteration(
                index: window, startTicks: start, endTicks: start + elapsed, tokenTicks: [], inferences: request.inferences))
            progress(Int(window) + 1, Int(request.windows))
        }

        var capabilities = ["mlperf-dut"]
        if entry?.simulated == true { capabilities.append("emulated") }
        let board = BoardInfo(
            protocolVersion: 0, board: entry?.name ?? name, serial: entry?.emulator != nil ? "QEMU" : name, firmwareVersion: profileText,
            firmwareBuild: modelName, clockHz: UInt64(entry?.clockHz ?? 0), tickHz: 1_000_000, ramBytes: UInt64(entry?.ramBytes ?? 0),
            flashBytes: UInt64(entry?.flashBytes ?? 0), capabilities: capabilities, deviceClass: entry?.deviceClass)
        var withProtocol = board
        withProtocol.wireProtocol = Self.protocolName
        // MLPerf Tiny firmware does not report its model's checksum: the registered one stands.
        let boardModel = BoardModelInfo(model: modelName, artifactSHA256: model.artifactSHA256, quantization: "unreported")
        let runRequest = RunRequest(input: "mlperf", tokens: 0, iterations: request.windows, warmup: request.warmup)
        let recorded = RecordedRun(
            request: runRequest, board: withProtocol, model: boardModel, iterations: iterations, warmupIterations: 0,
            discardedIterations: 0, totals: nil, status: .complete, partialReason: nil, link: LinkStatistics(), firmwareSize: firmware)
        let context = RunContext(
            deviceClass: deviceClass ?? entry?.deviceClass ?? withProtocol.board, port: port, startedAt: startedAt, finishedAt: Date())
        var outcome = try ProfileOutcome.saving(recorded, of: model, context: context, in: store)
        let shortest = iterations.map { Double($0.endTicks - $0.startTicks) / 1e6 }.min() ?? 0
        if shortest < Self.runnerWindowSeconds {
            outcome.warnings.append(
                "a window lasted \(String(format: "%.2f", shortest)) s; EEMBC's runner times windows of at least \(Int(Self.runnerWindowSeconds)) s: raise --inferences for figures comparable with its")
        }
        return outcome
    }

    /// `name`, retried: the first command can be lost while the board's port settles.
    private func identify(_ session: inout MLPerfSession) throws(AgentError) -> String {
        var lastError: AgentError?
        for _ in 0..<3 {
            do throws(AgentError) {
                let lines = try session.send("name", timeout: .seconds(2))
                return lines.compactMap { if case .name(let text) = $0 { text } else { nil } }.first ?? "mlperf-dut"
            } catch {
                if case .dutSilent = error { lastError = error; continue }
                throw error
            }
        }
        throw lastError ?? .invalidArgument("the MLPerf DUT did not answer 'name'")
    }
}
