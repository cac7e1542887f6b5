import EdgeProfAgent
import EdgeProfCore
import Foundation

/// The steps of one `edgeprof ci` job, run in order, each recorded with its time and outcome;
/// errors become failed steps (with the message the terminal also shows), never a lost report.
struct CIJob {
    let command: CICommand
    private(set) var steps: [CIJobReport.Step] = []
    private(set) var gateSuite: JUnitReport.Suite?
    private(set) var gateExitCode: Int32?
    private var outcome: ProfileOutcome?
    private var verdict: GateVerdict?
    private var uploadNote: String?
    private let clock = ContinuousClock()

    init(command: CICommand) {
        self.command = command
    }

    func run() async -> CIJob {
        var job = self
        let policy: GatePolicy
        do { policy = try GateService.loadPolicy(path: command.thresholds) } catch {
            // A broken thresholds file stops the job before it touches the board.
            job.notRun(reason: "not run: the thresholds file \(command.thresholds) cannot be used")
            job.gateFailed(error, seconds: 0)
            return job
        }
        job.profile()
        if let outcome = job.outcome, outcome.stored.run.status == .complete { await job.gate(outcome, policy: policy) }
        if let collector = command.collector {
            // A partial run is evidence too: it is uploaded, and gates leave it out there as here.
            if let outcome = job.outcome {
                await job.upload(outcome, to: collector)
            } else {
                job.steps.append(.init(name: "upload", seconds: 0, outcome: .notRun(reason: "not run: no run was measured")))
            }
        }
        return job
    }

    private mutating func notRun(reason: String) {
        if command.flash != nil { steps.append(.init(name: "flash", seconds: 0, outcome: .notRun(reason: reason))) }
        steps.append(.init(name: "profile", seconds: 0, outcome: .notRun(reason: reason)))
        if command.collector != nil { steps.append(.init(name: "upload", seconds: 0, outcome: .notRun(reason: reason))) }
    }

    /// Flash (when asked) and profile, as one board session; the flash is timed on its own.
    private mutating func profile() {
        let stop = StopRequest()
        let guardian = InterruptGuard(stop: stop, note: "stopping the run; what was measured is stored as a partial run")
        defer { guardian.cancel() }
        let start = clock.now
        var flashed: FlashReport?
        let result: Result<ProfileOutcome, AgentError>
        do throws(AgentError) {
            if let image = command.flash {
                result = .success(try command.target.flashThenProfile(image, probe: command.probe, store: command.store, progress: false, stop: stop) { flashed = $0 })
            } else {
                result = .success(try command.target.profile(store: command.store, progress: false, stop: stop))
            }
        } catch {
            result = .failure(error)
        }
        let total = (clock.now - start).inSeconds
        if command.flash != nil {
            if let flashed {
                steps.append(.init(name: "flash", seconds: flashed.seconds, outcome: .passed, properties: Self.properties(of: flashed)))
            } else if case .failure(let error) = result {
                Terminal.error(error.description)
                steps.append(.init(name: "flash", seconds: total, outcome: .failed(kind: error.junitKind, message: error.description, exitCode: ExitStatus.code(for: error))))
                steps.append(.init(name: "profile", seconds: 0, outcome: .notRun(reason: "not run: the flash failed")))
                return
            }
        }
        let profileSeconds = max(0, total - (flashed?.seconds ?? 0))
        switch result {
        case .failure(let error):
            Terminal.error(error.description)
            steps.append(.init(name: "profile", seconds: profileSeconds, outcome: .failed(kind: error.junitKind, message: error.description, exitCode: ExitStatus.code(for: error))))
        case .success(let outcome):
            self.outcome = outcome
            for warning in outcome.warnings { Terminal.note("edgeprof: warning: \(warning)") }
            let properties = Self.properties(of: outcome)
            if outcome.stored.run.status == .partial {
                let message = "the run ended early (\(outcome.stored.run.partialReason ?? "incomplete")); stored as partial run \(outcome.runID), which gates leave out"
                Terminal.error(message)
                steps.append(.init(name: "profile", seconds: profileSeconds, outcome: .failed(kind: "partial-run", message: message, exitCode: ExitStatus.partialRun), properties: properties))
            } else {
                steps.append(.init(name: "profile", seconds: profileSeconds, outcome: .passed, properties: properties))
            }
        }
    }

    /// The gate on this run only: a CI job judges the build it measured.
    private mutating func gate(_ outcome: ProfileOutcome, policy: GatePolicy) async {
        let (startedAt, start) = (Date(), clock.now)
        let deviceClass = command.target.deviceClass ?? outcome.stored.context.deviceClass
        let catalogue = command.target.catalogue.loadIfAvailable()
        let result = await CollectorDatabase.attempt(command.store) { database throws(AgentError) in
            try await GateService(store: database.registry, catalogue: catalogue).check(
                model: outcome.stored.model, deviceClass: deviceClass, policy: policy, policyFile: command.thresholds, runID: outcome.runID)
        }
        let timing = GateCheckTiming(startedAt: startedAt, elapsed: clock.now - start, hostname: ProcessInfo.processInfo.hostName)
        switch result {
        case .success(let verdict):
            self.verdict = verdict
            gateSuite = verdict.junitSuite(timing: timing, thresholdsFile: command.thresholds)
            gateExitCode = ExitStatus.code(for: verdict.outcome)
        case .failure(let error):
            gateFailed(error, seconds: timing.seconds)
        }
    }

    private mutating func gateFailed(_ error: AgentError, seconds: Double) {
        Terminal.error(error.description)
        gateSuite = GateVerdict.junitErrorSuite(
            model: command.target.model ?? "", deviceClass: command.target.deviceClass ?? "", kind: error.junitKind, message: error.description,
            timing: GateCheckTiming(startedAt: Date(), seconds: seconds, hostname: ProcessInfo.processInfo.hostName), thresholdsFile: command.thresholds)
        gateExitCode = ExitStatus.code(for: error)
    }

    private mutating func upload(_ outcome: ProfileOutcome, to collector: String) async {
        let start = clock.now
        let result: Result<DrainReport, AgentError>
        do throws(AgentError) { result = .success(try await command.connection.deliver(outcome, to: collector)) } catch { result = .failure(error) }
        let seconds = (clock.now - start).inSeconds
        switch result {
        case .failure(let error):
            Terminal.error(error.description)
            steps.append(.init(name: "upload", seconds: seconds, outcome: .failed(kind: error.junitKind, message: error.description, exitCode: ExitStatus.code(for: error))))
        case .success(let report):
            let note = UploadNote.text(report, collector: collector)
            Terminal.note(note)
            uploadNote = note
            let delivered = report.delivered.first { _ in true }
            let properties = delivered.map { [JUnitReport.Property("collector", collector), JUnitReport.Property("collector_run_id", "\($0.remoteRunID)")] } ?? []
            if let refusal = report.rejected.first {
                steps.append(.init(name: "upload", seconds: seconds, outcome: .failed(kind: "collector-refused", message: "the collector refused \(refusal.key): \(refusal.reason)", exitCode: ExitStatus.dataError)))
            } else if report.retryReason != nil, delivered == nil {
                steps.append(.init(name: "upload", seconds: seconds, outcome: .failed(kind: "collector-unreachable", message: note, exitCode: ExitStatus.ioError)))
            } else {
                steps.append(.init(name: "upload", seconds: seconds, outcome: .passed, properties: properties))
            }
        }
    }

    /// The profile report and the verdict, in the chosen format (JSON: one object).
    func rendered(_ format: ReportFormat) -> String {
        guard format == .json else {
            return [outcome?.report.rendered(as: format), verdict?.rendered(as: format)].compactMap { $0 }.joined(separator: "\n")
        }
        var object: [String: Any] = ["steps": steps.map { step -> [String: Any] in
            var entry: [String: Any] = ["name": step.name, "seconds": step.seconds]
            switch step.outcome {
            case .passed: entry["outcome"] = "passed"
            case .failed(let kind, let message, _): entry.merge(["outcome": "failed", "kind": kind, "message": message]) { $1 }
            case .notRun(let reason): entry.merge(["outcome": "not run", "message": reason]) { $1 }
            }
            return entry
        }]
        if let outcome, let data = outcome.report.rendered(as: .json).data(using: .utf8) { object["profile"] = try? JSONSerialization.jsonObject(with: data) }
        if let verdict, let data = verdict.rendered(as: .json).data(using: .utf8) { object["gate"] = try? JSONSerialization.jsonObject(with: data) }
        if let uploadNote { object["upload"] = uploadNote }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    private static func properties(of report: FlashReport) -> [JUnitReport.Property] {
        var properties = [JUnitReport.Property("tool", report.tool.rawValue), JUnitReport.Property("read_back", report.readsBack ? "true" : "false")]
        if let buildID = report.imageBuildID { properties.append(JUnitReport.Property("build_id", buildID)) }
        switch report.verification {
        case .confirmed: properties.append(JUnitReport.Property("verified", "build-id"))
        case .readBackOnly(let reason): properties += [JUnitReport.Property("verified", report.readsBack ? "read-back" : "none"), JUnitReport.Property("note", reason)]
        case .mismatch(let problem): properties.append(JUnitReport.Property("verified", "mismatch: \(problem)"))
        }
        return properties
    }

    private static func properties(of outcome: ProfileOutcome) -> [JUnitReport.Property] {
        let run = outcome.stored.run
        return [
            JUnitReport.Property("run_id", "\(outcome.runID)"), JUnitReport.Property("evidence_key", outcome.evidenceKey.shortID),
            JUnitReport.Property("emulated", run.board.isEmulated ? "true" : "false"), JUnitReport.Property("board", "\(run.board.board):\(run.board.serial)"),
            JUnitReport.Property("firmware_build", run.board.firmwareBuild), JUnitReport.Property("device_class", outcome.stored.context.deviceClass),
            JUnitReport.Property("measured_iterations", "\(outcome.summary.measuredIterations)"),
        ]
    }
}
