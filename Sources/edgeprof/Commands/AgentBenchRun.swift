import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation
import Synchronization

/// `agent run --bench bench.yaml`: every place of a bench file, each found again by identity
/// every round (a re-plugged board has a new port), profiled in parallel with the places it
/// shares no resource with, every run spooled with its place and wiring. A place that fails is
/// said and reported unhealthy; the others go on.
extension AgentRunCommand {
    /// How often the agent tells the collector how its places fare, whatever their cadence.
    static let placeReportInterval: Duration = .seconds(2)

    func runBench(file: String) async throws {
        guard target.port == nil, target.device == nil, target.place == nil else {
            throw ValidationError("--bench FILE profiles every place of the file; --port, --device and --place go without it")
        }
        guard let model = target.model else { throw ValidationError("profiling every place needs --model NAME@VERSION, the registered model the boards carry") }
        let (catalogue, bench) = try reportingErrors { () throws(AgentError) in
            let catalogue = try target.catalogue.required()
            return (catalogue, try BenchFileLoader.load(path: file, catalogue: catalogue))
        }
        let drainer = try reportingErrors { () throws(AgentError) in try connection.drainer(collector: collector, bench: bench.name) }
        let stop = StopRequest()
        let guardian = InterruptGuard(stop: stop, note: "stopping after this step; runs under way are stored as partial and spooled")
        defer { guardian.cancel() }
        let health = PlaceHealthBoard(bench: bench, everySeconds: every)
        let groups = BenchSchedule.groups(of: bench)
        Terminal.note("bench \(bench.name): \(bench.places.count) places in \(groups.count) parallel group\(groups.count == 1 ? "" : "s")")
        let finishedGroups = GroupCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for places in groups {
                group.addTask {
                    await runRounds(of: places, bench: bench, catalogue: catalogue, model: model, drainer: drainer, health: health, stop: stop)
                    finishedGroups.increment()
                }
            }
            group.addTask {
                try await drainWhileProfiling(drainer, health: health, stop: stop) { finishedGroups.value == groups.count }
            }
            try await group.waitForAll()
        }
        let depth = (try? drainer.spool.depth(collector: drainer.client.baseURL, bench: bench.name)) ?? 0
        if await !drainer.client.report(bench: bench.name, spoolDepth: depth, places: health.all, stopping: true) {
            Terminal.note("edgeprof: warning: the collector did not take the bench's last report of its places; it may show them silent")
        }
        for line in health.summary() { Terminal.note(line) }
        let unhealthy = health.all.filter { !$0.isHealthy }.map(\.place)
        if !unhealthy.isEmpty {
            Terminal.error("\(unhealthy.count) of \(bench.places.count) places failed their last round: \(unhealthy.joined(separator: ", "))")
            throw ExitCode(ExitStatus.deviceUnavailable)
        }
    }

    /// Profiles `places` one after another each round, every --every seconds, --count rounds.
    private func runRounds(
        of places: [BenchPlace], bench: BenchFile, catalogue: DeviceCatalogue, model: String, drainer: SpoolDrainer, health: PlaceHealthBoard, stop: StopRequest
    ) async {
        var round = 0
        while !stop.isRequested, count.map({ round < $0 }) ?? true {
            round += 1
            let next = ContinuousClock.now + .milliseconds(Int64(every * 1000))
            for place in places where !stop.isRequested {
                await profile(place, round: round, bench: bench, catalogue: catalogue, model: model, drainer: drainer, health: health, stop: stop)
            }
            while !stop.isRequested, ContinuousClock.now < next, count.map({ round < $0 }) ?? true {
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// One round at one place: find it, reconcile its board with its assignment, profile, spool.
    private func profile(
        _ place: BenchPlace, round: Int, bench: BenchFile, catalogue: DeviceCatalogue, model: String, drainer: SpoolDrainer, health: PlaceHealthBoard,
        stop: StopRequest
    ) async {
        let resolved: ResolvedPlace
        do throws(AgentError) {
            resolved = try await onThread { () throws(AgentError) in try ResolvedPlace.find(place.name, of: bench, catalogue: catalogue, patience: .seconds(3)) }
        } catch {
            health.record(place.name, problem: error.description)
            Terminal.error("place \(place.name), round \(round): \(error.description); the other places go on")
            return
        }
        var placeTarget = target
        placeTarget.model = model
        switch await reconciling(port: resolved.ports.board, baud: resolved.baud, client: drainer.client) {
        case .halted:
            health.record(place.name, problem: nil)
            return
        case .serving(let version?, let sha?):
            guard await mirrored(version, sha256: sha, drainer: drainer) != nil else { return }
            placeTarget.model = version.description
        case .serving: break
        }
        let store = self.store
        let profiling = placeTarget
        do throws(AgentError) {
            let outcome = try await onThread { () throws(AgentError) in try profiling.profile(resolved, store: store, progress: false, stop: stop) }
            try spool(outcome, number: round, drainer: drainer, place: place.name)
            if outcome.stored.run.status == .partial {
                health.record(place.name, problem: "run \(outcome.runID) ended early: \(outcome.stored.run.partialReason ?? "incomplete")")
            } else {
                health.record(place.name, problem: nil)
            }
        } catch {
            health.record(place.name, problem: error.description)
            Terminal.error("place \(place.name), round \(round): \(error.description); the other places go on")
        }
    }

    /// Delivers the spool every 250 ms while the places are profiled, and until it is empty
    /// (or --drain-timeout passed) once they are done.
    private func drainWhileProfiling(_ drainer: SpoolDrainer, health: PlaceHealthBoard, stop: StopRequest, profilingDone: @Sendable () -> Bool) async throws {
        var drainDeadline: ContinuousClock.Instant?
        var lastPlaceReport: ContinuousClock.Instant?
        while true {
            let report = try await reportingErrors { () async throws(AgentError) in try await drainer.drainOnce() }
            if lastPlaceReport.map({ ContinuousClock.now - $0 >= Self.placeReportInterval }) ?? true {
                lastPlaceReport = ContinuousClock.now
                await drainer.client.report(bench: drainer.bench, spoolDepth: report.remaining, places: health.all, stopping: false)
            }
            if !report.delivered.isEmpty || !report.rejected.isEmpty || report.retryReason != nil {
                Terminal.note(UploadNote.text(report, collector: collector))
            }
            if profilingDone() || stop.isRequested {
                if report.remaining == 0 || stop.isRequested { return }
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

/// Runs blocking work (a profile, discovery) on a thread of its own: the cooperative pool has
/// as few threads as cores, and several places profiling at once would starve it.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws(AgentError) -> T) async throws(AgentError) -> T {
    let result: Result<T, AgentError> = await withCheckedContinuation { continuation in
        Thread {
            do throws(AgentError) { continuation.resume(returning: .success(try body())) } catch { continuation.resume(returning: .failure(error)) }
        }.start()
    }
    return try result.get()
}

/// Counts the place groups that finished their rounds.
final class GroupCounter: Sendable {
    private let count = Mutex(0)

    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// How each place of a bench fared in its last round, for the agent's report and its summary.
final class PlaceHealthBoard: Sendable {
    private let reports: Mutex<[String: BenchPlaceReport]>
    private let order: [String]

    init(bench: BenchFile, everySeconds: Double) {
        order = bench.places.map(\.name)
        reports = Mutex(Dictionary(uniqueKeysWithValues: bench.places.map { place in
            (place.name, BenchPlaceReport(place: place.name, deviceClass: place.deviceClass, wiring: place.wiringSummary, everySeconds: everySeconds))
        }))
    }

    /// Records a round's outcome: nil when the place worked.
    func record(_ place: String, problem: String?) {
        reports.withLock { reports in
            guard var report = reports[place] else { return }
            report.problem = problem
            report.lastRoundAt = Date()
            if problem == nil { report.rounds += 1 } else { report.failures += 1 }
            reports[place] = report
        }
    }

    /// Every place's report, in the bench file's order.
    var all: [BenchPlaceReport] {
        let reports = reports.withLock { $0 }
        return order.compactMap { reports[$0] }
    }

    /// One line per place: rounds that worked and failed, and the last problem.
    func summary() -> [String] {
        all.map { report in
            "place \(report.place): \(report.rounds) round(s) profiled, \(report.failures) failed" + (report.problem.map { "; last: \($0)" } ?? "")
        }
    }
}
