import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Foundation

/// Many simulated devices in one process, each a Link v1 board in memory with its own identity,
/// class and bench, following its assignment through the collector's real API and the agent's
/// real code path (`BoardReconciler`: handshake, assignment, install, SERVE, report). Seeded
/// faults make some devices go offline, ignore their assignment, or report late. Tests, `edgeprof
/// demo --fleet` and the fleet benchmark use it.
public final class FleetSimulator: @unchecked Sendable {
    /// Who the simulated devices are and what goes wrong with them.
    public struct Options: Sendable {
        public var devices: Int
        /// Device classes, assigned round-robin.
        public var classes = ["sim-cortex-m4", "sim-cortex-m7", "sim-cortex-m33"]
        public var seed: UInt64 = 1
        /// Shares of the devices (drawn from the seed) that are offline, that ignore their
        /// assignment (they report what they run and change nothing), and that report late
        /// (only every third round).
        public var offlineShare = 0.0
        public var ignoringShare = 0.0
        public var lateShare = 0.0
        /// Reconciliations in flight at once.
        public var concurrency = 8

        public init(devices: Int) {
            self.devices = devices
        }
    }

    /// What one round did.
    public struct RoundReport: Sendable, Hashable {
        public var reconciled = 0
        public var installed = 0
        public var halted = 0
        public var offAssignment = 0
        public var skipped = 0
        public var failed: [String] = []
    }

    /// A bench's agent: its name and its client (the token's bench).
    public struct Agent: Sendable {
        public var bench: String
        public var client: CollectorClient

        public init(bench: String, client: CollectorClient) {
            self.bench = bench
            self.client = client
        }
    }

    /// One simulated device.
    public final class Device: @unchecked Sendable {
        public let identity: String
        public let deviceClass: String
        public let agent: Agent
        public let board: SimulatedBoard
        public let transport: any ByteTransport
        public var offline: Bool
        public let ignoresAssignment: Bool
        public let reportsLate: Bool

        init(identity: String, deviceClass: String, agent: Agent, board: SimulatedBoard, transport: any ByteTransport, offline: Bool, ignores: Bool, late: Bool) {
            self.identity = identity
            self.deviceClass = deviceClass
            self.agent = agent
            self.board = board
            self.transport = transport
            self.offline = offline
            self.ignoresAssignment = ignores
            self.reportsLate = late
        }
    }

    public let options: Options
    public let devices: [Device]
    public let timeouts: LinkSession.Timeouts
    private var rounds = 0

    /// Boots `options.devices` boards carrying `model`'s artifact `artifactSHA256`, spread over
    /// `agents` (benches) and classes.
    public init(options: Options, agents: [Agent], model: String, artifactSHA256: String) throws(AgentError) {
        guard options.devices > 0, options.devices <= 100_000 else { throw .invalidArgument("--devices must be 1 to 100000, got \(options.devices)") }
        guard !agents.isEmpty else { throw .invalidArgument("the fleet needs at least one bench's agent token") }
        guard !options.classes.isEmpty else { throw .invalidArgument("the fleet needs at least one device class") }
        for share in [options.offlineShare, options.ignoringShare, options.lateShare] where !(0...1).contains(share) {
            throw .invalidArgument("fault shares are 0 to 1, got \(share)")
        }
        self.options = options
        var timeouts = LinkSession.Timeouts()
        timeouts.handshake = .milliseconds(200)
        self.timeouts = timeouts
        var built: [Device] = []
        built.reserveCapacity(options.devices)
        for index in 0..<options.devices {
            var profile = SimulatedModelProfile()
            profile.serial = String(format: "FLEET-%05d", index + 1)
            profile.deviceClass = options.classes[index % options.classes.count]
            profile.model = model
            profile.artifactSHA256 = artifactSHA256
            profile.activePowerMilliwatts = nil
            let board: SimulatedBoard
            do { board = try SimulatedBoard(profile: profile, seed: options.seed &+ UInt64(index), speed: 0, attachment: .memory) } catch { throw .transport(error) }
            board.start()
            guard let transport = board.memoryTransport() else { throw .invalidArgument("a board in memory has no transport") }
            let identity = "\(profile.board):\(profile.serial)"
            let draw = { (fault: String) in RolloutBucket.of(device: identity, rollout: "fleet-sim:\(options.seed):\(fault)") }
            built.append(Device(
                identity: identity, deviceClass: profile.deviceClass ?? "", agent: agents[index % agents.count], board: board, transport: transport,
                offline: draw("offline") < options.offlineShare, ignores: draw("ignores") < options.ignoringShare, late: draw("late") < options.lateShare))
        }
        devices = built
    }

    deinit {
        devices.forEach { $0.board.stop() }
    }

    /// Introduces every device to the fleet as an agent does: one short run on each, uploaded
    /// as the registered `model` (the fleet learns a device from its first stored run).
    public func enroll(as model: ModelReference) async -> [String] {
        await forEachDevice { device throws(AgentError) in
            try await self.uploadRun(on: device, as: model, request: RunRequest(tokens: 2, iterations: 2, warmup: 0))
        }
    }

    /// Profiles `device` once and uploads the run as `model`, the version it serves; the run.
    @discardableResult
    public func uploadRun(on device: Device, as model: ModelReference, request: RunRequest) async throws(AgentError) -> RecordedRun {
        let session = LinkSession(transport: device.transport, timeouts: timeouts)
        let (info, announced) = try session.handshake()
        let started = Date()
        let run = try session.run(request, board: info, model: announced)
        let upload = RunUpload(
            idempotencyKey: "fleet-sim-\(device.board.profile.serial)-\(UUID().uuidString)", bench: device.agent.bench, model: model.description,
            artifactSHA256: announced.artifactSHA256,
            context: RunContext(deviceClass: info.deviceClass ?? device.deviceClass, port: device.board.path, startedAt: started, finishedAt: Date()), run: run)
        let body: Data
        do { body = try JSONCoding.encoder.encode(upload) } catch { throw .invalidArgument("the run cannot be encoded: \(error)") }
        switch await device.agent.client.upload(body: body, spoolDepth: 0) {
        case .delivered: return run
        case .rejected(let reason), .retry(let reason): throw .invalidArgument("the run of \(device.identity) was not stored: \(reason)")
        }
    }

    /// Bench qualification of a candidate: loads `artifact` (registered as `version`) onto
    /// `device` over the link, as a lab loads a candidate onto a bench board, profiles it and
    /// uploads the run as `version`. The board keeps the candidate until its next reconciliation
    /// puts its assignment back.
    public func qualify(on device: Device, artifact: [UInt8], sha256: String, as version: ModelReference, request: RunRequest) async throws(AgentError) {
        let session = LinkSession(transport: device.transport, timeouts: timeouts)
        let (_, announced) = try session.handshake()
        _ = try session.install(artifact: artifact, sha256: sha256, model: version.name, quantization: announced.quantization)
        try await uploadRun(on: device, as: version, request: request)
    }

    /// Makes every device run the artifact `sha256` `factor` times slower from now on: a
    /// regression in the field, injected so that monitoring and automatic rollback have
    /// something real to catch.
    public func injectRegression(artifactSHA256 sha256: String, latencyFactor factor: Double) {
        devices.forEach { $0.board.injectRegression(artifactSHA256: sha256, latencyFactor: factor) }
    }

    /// One agent pass on every device that is online (late devices every third round).
    public func round() async -> RoundReport {
        rounds += 1
        let round = rounds
        let report = LockedReport()
        let failures = await forEachDevice { device throws(AgentError) in
            if device.offline || (device.reportsLate && round % 3 != 0) {
                report.update { $0.skipped += 1 }
                return
            }
            if device.ignoresAssignment {
                try await self.reportAsIs(device)
                report.update { $0.reconciled += 1 }
                return
            }
            switch try await BoardReconciler(client: device.agent.client, timeouts: self.timeouts).reconcile(over: device.transport) {
            case .reconciled(let result):
                report.update { counts in
                    counts.reconciled += 1
                    if result.installed != nil { counts.installed += 1 }
                    if result.state == .halted { counts.halted += 1 }
                    if result.offAssignment != nil { counts.offAssignment += 1 }
                }
            case .unknownDevice, .cannotHalt:
                report.update { $0.skipped += 1 }
            }
        }
        var result = report.value
        result.failed = failures
        return result
    }

    /// What a device that ignores its assignment does: it says what it runs, and changes nothing.
    private func reportAsIs(_ device: Device) async throws(AgentError) {
        let session = LinkSession(transport: device.transport, timeouts: timeouts)
        let (info, announced) = try session.handshake()
        let body: Data
        do {
            body = try JSONCoding.encoder.encode(DeviceReport(servingState: info.servingState ?? .serving, artifactSHA256: announced.artifactSHA256))
        } catch { throw .invalidArgument("the report cannot be encoded: \(error)") }
        let path = "/v1/fleet/devices/" + (device.identity.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-_:"))) ?? device.identity)
        _ = try await device.agent.client.call(.POST, path + "/report", body: body)
    }

    /// Runs `body` on every device, `options.concurrency` at a time; the failures, by device.
    func forEachDevice(_ body: @escaping @Sendable (Device) async throws(AgentError) -> Void) async -> [String] {
        await withTaskGroup(of: String?.self) { group in
            var failures: [String] = []
            var next = 0
            func add() {
                guard next < devices.count else { return }
                let device = devices[next]
                next += 1
                group.addTask {
                    do throws(AgentError) { try await body(device); return nil } catch { return "\(device.identity): \(error.description)" }
                }
            }
            for _ in 0..<min(options.concurrency, devices.count) { add() }
            while let outcome = await group.next() {
                if let outcome { failures.append(outcome) }
                add()
            }
            return failures.sorted()
        }
    }
}

/// A round's counts, updated from concurrent reconciliations.
private final class LockedReport: @unchecked Sendable {
    private let lock = NSLock()
    private var counts = FleetSimulator.RoundReport()

    func update(_ change: (inout FleetSimulator.RoundReport) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change(&counts)
    }

    var value: FleetSimulator.RoundReport {
        lock.lock()
        defer { lock.unlock() }
        return counts
    }
}
