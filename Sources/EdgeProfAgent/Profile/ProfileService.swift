import EdgeProfCore
import EdgeProfHardware
import Foundation

/// What one profile produced: the stored run, its figures and where it went.
public struct ProfileOutcome: Sendable {
    public var runID: Int64
    public var model: RegisteredModel
    public var stored: StoredRun
    public var summary: ProfileSummary
    public var evidenceKey: EvidenceKey
    public var storeLocation: String
    /// What the user should know about the figures (a window shorter than the runner's).
    public var warnings: [String] = []
}

/// Profiles a registered model on a board: open the port, handshake, check that the board
/// carries the registered artifact, run, store every raw timing, summarise. A run stopped by
/// its `StopRequest` is stored as partial, with what it measured before the stop.
public struct ProfileService: Sendable {
    public let store: any EvidenceStore
    /// Maps announced board ids to device classes; nil when no catalogue is available.
    public let catalogue: DeviceCatalogue?
    /// Leases the board for the run; nil runs without (tests, the demo's private board).
    public let leases: LeaseService?

    public init(store: any EvidenceStore, catalogue: DeviceCatalogue? = nil, leases: LeaseService? = nil) {
        self.store = store
        self.catalogue = catalogue
        self.leases = leases
    }

    public func profile(
        port: String, baud: Int = TransportOpener.defaultBaud, model reference: ModelReference, request: RunRequest,
        deviceClass: String? = nil, timeouts: LinkSession.Timeouts = LinkSession.Timeouts(), power: PowerSetup? = nil,
        firmware: FirmwareSize? = nil, place: BenchPlace? = nil, stop: StopRequest? = nil, progress: (LinkSession.Progress) -> Void = { _ in },
        handshaken: (BoardInfo, BoardModelInfo) -> Void = { _, _ in }
    ) throws(AgentError) -> ProfileOutcome {
        try Self.validate(request)
        let model = try store.registered(reference)
        let lease = try leases?.hold(port: port, purpose: "edgeprof profile \(reference)")
        defer { lease?.release() }
        // The monitor is the place's too: another job must not capture it meanwhile.
        let monitorLease = try power.flatMap { setup throws(AgentError) in try leases?.hold(port: setup.port, purpose: "edgeprof profile \(reference) (power)") }
        defer { monitorLease?.release() }
        let transport: any ByteTransport
        do {
            // An agent's other threads start flashers and emulators: a child between its fork and
            // exec holds the lock of a port this process had open a moment ago.
            transport = try TransportOpener.open(path: port, baud: baud, busyGrace: .seconds(2))
        } catch {
            throw .transport(error)
        }
        defer { transport.close() }
        let session = LinkSession(transport: transport, timeouts: timeouts)
        let startedAt = Date()
        let (board, boardModel) = try session.handshake()
        guard boardModel.artifactSHA256 == model.artifactSHA256 else {
            throw .modelMismatch(reference, registered: model.artifactSHA256, board: boardModel.artifactSHA256, boardModel: boardModel.model)
        }
        handshaken(board, boardModel)
        let capture = try power.map { setup throws(AgentError) in try PowerCapture(setup) }
        capture?.start()
        var recorded: RecordedRun
        do {
            recorded = try session.run(request, board: board, model: boardModel, stop: stop, progress: progress)
        } catch {
            _ = try? capture?.finishNow()  // stop the PPK2 and free its port
            throw error
        }
        if let capture {
            let report = try capture.finish(expectingWindows: PowerJoin.windowsNeeded(for: recorded))
            recorded = PowerJoin.attach(report, to: recorded, source: capture.setup.source)
        }
        recorded.firmwareSize = firmware
        let resolvedClass = DeviceCatalogue.deviceClass(explicit: deviceClass, catalogue: catalogue, board: board)
        let context = RunContext(
            deviceClass: resolvedClass.name, port: port, startedAt: startedAt, finishedAt: Date(), place: place?.name, wiring: place?.wiringSummary)
        return try ProfileOutcome.saving(recorded, of: model, context: context, in: store)
    }

    static func validate(_ request: RunRequest) throws(AgentError) {
        guard (1...RunRequest.iterationLimit).contains(request.iterations) else {
            throw .invalidArgument("--iterations must be 1 to \(RunRequest.iterationLimit), got \(request.iterations)")
        }
        guard request.warmup <= RunRequest.warmupLimit else {
            throw .invalidArgument("--warmup must be 0 to \(RunRequest.warmupLimit), got \(request.warmup)")
        }
        guard request.tokens <= RunRequest.tokenLimit else {
            throw .invalidArgument("--tokens must be 0 to \(RunRequest.tokenLimit), got \(request.tokens)")
        }
    }
}

extension ProfileOutcome {
    /// Stores a recorded run with all its raw timings and summarises it.
    static func saving(_ recorded: RecordedRun, of model: RegisteredModel, context: RunContext, in store: any EvidenceStore) throws(AgentError) -> ProfileOutcome {
        do {
            let runID = try store.save(recorded, model: model, context: context)
            return ProfileOutcome(
                runID: runID, model: model, stored: StoredRun(id: runID, model: model.reference, context: context, run: recorded),
                summary: ProfileSummary(runs: [recorded]), evidenceKey: recorded.evidenceKey(), storeLocation: store.location)
        } catch {
            throw .store(error)
        }
    }

    /// The report a user sees for this outcome.
    public var report: ProfileReport {
        ProfileReport(
            runID: runID, model: model.reference, deviceClass: stored.context.deviceClass, port: stored.context.port,
            run: stored.run, summary: summary, store: storeLocation)
    }
}
