import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof agent`: a bench that profiles and uploads to the collector.
struct AgentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent", abstract: "Profile on a schedule and deliver every run to a collector, losing none.",
        subcommands: [AgentRunCommand.self, AgentStatusCommand.self])
}

/// `edgeprof agent run --collector URL [board options] [--every S] [--count N]`.
struct AgentRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Deliver spooled runs to the collector; with a board (--port or --device), profile it every --every seconds too.",
        discussion: """
            Each run is stored locally and put in the spool first; it leaves the spool only when the collector answers \
            with a receipt. An unreachable collector is retried with jittered exponential backoff (1 s … 5 min); a run \
            the collector refuses (invalid, unregistered model) is kept and shown by `edgeprof agent status`. \
            Before each profile of a board (--port, or --device inside its emulator's session), the agent reconciles it with \
            its assignment on the collector: a board \
            assigned another artifact gets it installed over the link (fetched from the registry, its SHA-256 checked by \
            the agent and by the board) and is then profiled as the version it serves; a board whose model is halted is \
            sent SERVE state=halted (it then refuses runs) and is not profiled; a resumed one is sent SERVE state=serving; \
            either way the agent reports what the board now is. \
            The first SIGINT/SIGTERM/SIGHUP stops after the current step: a run under way is told to abort, stored as \
            partial and spooled. A second quits at once.
            """)

    @Option(help: ArgumentHelp("The collector's URL, e.g. http://lab-server:8470.", valueName: "url"))
    var collector: String

    @OptionGroup var connection: CollectorConnection

    @OptionGroup(title: "Profiling (omit --port and --device to only deliver the spool)") var target: ProfileTarget

    @Option(help: "Seconds between profiles.")
    var every = 60.0

    @Option(help: "Stop after this many profiles (and once the spool is empty, or --drain-timeout passed).")
    var count: Int?

    @Option(help: "With --count: seconds to keep trying to empty the spool before stopping.")
    var drainTimeout = 30.0

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard every > 0, every <= 86_400 else { throw ValidationError("--every must be above 0 and at most 86400 seconds (a day), got \(every)") }
        guard drainTimeout >= 0, drainTimeout <= 86_400 else { throw ValidationError("--drain-timeout must be 0 to 86400 seconds, got \(drainTimeout)") }
        if let count, count < 0 { throw ValidationError("--count must be 0 or more") }
    }

    func run() async throws {
        if let file = connection.benchFile { return try await runBench(file: file) }
        let drainer = try reportingErrors { () throws(AgentError) in try connection.drainer(collector: collector) }
        let stop = StopRequest()
        let guardian = InterruptGuard(stop: stop, note: "stopping after this step; a run under way is stored as partial and spooled")
        defer { guardian.cancel() }
        let profiling = target.hasBoard ? target : nil
        var profiles = 0
        var nextProfile = ContinuousClock.now
        var drainDeadline: ContinuousClock.Instant?
        while !stop.isRequested {
            if let profiling, count.map({ profiles < $0 }) ?? true, ContinuousClock.now >= nextProfile {
                nextProfile = ContinuousClock.now + .milliseconds(Int64(every * 1000))
                profiles += 1
                if profiling.emulated {
                    await profileEmulatedOnce(profiling, number: profiles, drainer: drainer, stop: stop)
                } else {
                    var target: ProfileTarget? = profiling
                    if let port = profiling.port {
                        switch await reconciling(port: port, baud: profiling.baud, client: drainer.client) {
                        case .halted: target = nil
                        case .serving(let version?, let sha?):
                            if await mirrored(version, sha256: sha, drainer: drainer) != nil { target?.model = version.description } else { target = nil }
                        case .serving: break
                        }
                    }
                    if let target { profileOnce(target, number: profiles, drainer: drainer, stop: stop) }
                }
            }
            let report = try await reportingErrors { () async throws(AgentError) in try await drainer.drainOnce() }
            if !report.delivered.isEmpty || !report.rejected.isEmpty || report.retryReason != nil {
                Terminal.note(UploadNote.text(report, collector: collector))
            }
            if let count, profiles >= count || profiling == nil {
                if report.remaining == 0 { break }
                let deadline = drainDeadline ?? ContinuousClock.now + .milliseconds(Int64(drainTimeout * 1000))
                drainDeadline = deadline
                if ContinuousClock.now >= deadline {
                    Terminal.error("\(report.remaining) run(s) still spooled after \(Int(drainTimeout)) s; they stay in \(connection.spoolPath)")
                    throw ExitCode(ExitStatus.deviceUnavailable)
                }
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
    }
}

extension AgentRunCommand {
    /// Profiles the board once and puts the run in the spool; a failure is said, not fatal.
    func profileOnce(_ profiling: ProfileTarget, number: Int, drainer: SpoolDrainer, stop: StopRequest) {
        do throws(AgentError) {
            try spool(try profiling.profile(store: store, progress: false, stop: stop), number: number, drainer: drainer)
        } catch {
            Terminal.error("profile \(number) failed: \(error.description); the next one is in \(Int(every)) s")
        }
    }

    /// An emulated board (--device): its emulator boots for the round, and the agent reconciles
    /// it with its assignment and profiles it in that one session — what is installed lives in
    /// the emulated board's RAM, so every boot installs the assigned model again.
    func profileEmulatedOnce(_ profiling: ProfileTarget, number: Int, drainer: SpoolDrainer, stop: StopRequest) async {
        do throws(AgentError) {
            let (entry, directory) = try profiling.catalogue.emulatedBoard(profiling.device ?? "")
            try profiling.checkFirmwareBeforeEmulating(entry, catalogueDirectory: directory)
            try await EmulatedBoard.session(entry, catalogueDirectory: directory) { board async throws(AgentError) in
                var target = profiling
                switch await reconciling(port: board.path, baud: profiling.baud, client: drainer.client) {
                case .halted: return
                case .serving(let version?, let sha?):
                    guard await mirrored(version, sha256: sha, drainer: drainer) != nil else { return }
                    target.model = version.description
                case .serving: break
                }
                let outcome = try stop.withCleanup({ board.stop() }) { () throws(AgentError) in
                    try target.profile(running: board, entry: entry, catalogueDirectory: directory, store: store, progress: false, stop: stop)
                }
                try spool(outcome, number: number, drainer: drainer)
            }
        } catch {
            Terminal.error("profile \(number) failed: \(error.description); the next one is in \(Int(every)) s")
        }
    }

    /// Puts a profiled run in the spool for the collector.
    func spool(_ outcome: ProfileOutcome, number: Int, drainer: SpoolDrainer, place: String? = nil) throws(AgentError) {
        let upload = RunUpload(stored: outcome.stored, bench: drainer.bench, artifactSHA256: outcome.model.artifactSHA256)
        do throws(StoreError) { try drainer.spool.enqueue(upload, collector: drainer.client.baseURL, localRunID: outcome.runID, at: Date()) } catch {
            throw AgentError.store(error)
        }
        Terminal.note("\(place.map { "place \($0), " } ?? "")profile \(number): run \(outcome.runID), latency p95 \(outcome.summary.latencyMs.map { String(format: "%.3f ms", $0.p95) } ?? "—")")
    }

    /// What a round does with the board after reconciling it.
    enum Reconciliation {
        /// Halted: nothing is profiled this round.
        case halted
        /// Profile it, as the version it was assigned and serves when there is one (else as --model).
        case serving(ModelReference?, artifactSHA256: String?)
    }

    /// Records the version a board was assigned and serves in the bench's store (fetched from
    /// the registry the first time), so that its runs can be stored under it; nil (said) when it
    /// cannot be, and the round profiles nothing.
    func mirrored(_ version: ModelReference, sha256: String, drainer: SpoolDrainer) async -> ModelReference? {
        do throws(AgentError) {
            try await VersionMirror(store: try store.open(), client: drainer.client).ensure(version, sha256: sha256)
            return version
        } catch {
            Terminal.error("\(version) is assigned but cannot be recorded in this bench's store: \(error.description); no profile this round")
            return nil
        }
    }

    /// Brings the board in line with its assignment (its artifact, halted or serving) and
    /// reports it. A failure is said and changes nothing.
    func reconciling(port: String, baud: Int, client: CollectorClient) async -> Reconciliation {
        do throws(AgentError) {
            switch try await BoardReconciler(client: client).reconcile(port: port, baud: baud) {
            case .reconciled(let board):
                if let installed = board.installed { Terminal.note("\(board.device): installed \(installed), as its assignment says") }
                if let reason = board.offAssignment { Terminal.error("\(board.device) is off its assignment: \(reason)") }
                if board.stateChanged { Terminal.note("\(board.device): \(board.state == .halted ? "halted" : "serving again"), as its assignment says") }
                guard board.state == .serving else {
                    Terminal.note("\(board.device) is halted: no profile this round")
                    return .halted
                }
                return .serving(board.serving, artifactSHA256: board.servingArtifactSHA256)
            case .unknownDevice, .cannotHalt:
                return .serving(nil, artifactSHA256: nil)
            }
        } catch {
            Terminal.error("reconciling \(port) with its assignment failed: \(error.description); the board keeps serving its last good version (unconfirmed) and is profiled as before")
            return .serving(nil, artifactSHA256: nil)
        }
    }
}

/// `edgeprof agent status`.
struct AgentStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Spool depth, the oldest waiting run, the last delivery and refusals.")

    @Option(help: ArgumentHelp("The spool file (default: beside the database).", valueName: "path"))
    var spool: String?

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    func run() throws {
        let connection = try CollectorConnection.parse(spool.map { ["--spool", $0] } ?? [])
        let status = try reportingErrors { () throws(AgentError) in
            let spool = try connection.openSpool()
            do throws(StoreError) { return try spool.status() } catch { throw .store(error) }
        }
        Terminal.print(format == .json ? SpoolListing.json(status) : SpoolListing.table(status, now: Date()))
    }
}
