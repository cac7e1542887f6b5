import EdgeProfAgent
import EdgeProfCore
import Foundation
import Logging
import ServiceLifecycle

/// The lifecycle the governance documents automate (issue 14 §4): at start, every `sweep`, and
/// right after a run opens or resolves an alert, it moves each model's serving version between
/// production, monitoring and degraded as the system actor through the governance rules
/// (`GovernanceRules.dueStageMove`), and raises a stage-duration alert for every version that
/// has outstayed its stage's maximum (resolved once it moves on). Two collectors on one database
/// move once: the second re-reads the registry and finds nothing due.
struct LifecycleWatcher: Service {
    let store: any CollectorStore
    let logger: Logger
    let sweep: Duration
    let webhooks: [WebhookTarget]
    /// The time decisions are made at (tests move it forward).
    var clock: @Sendable () -> Date = { Date() }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweepAll()
                try? await Task.sleep(for: sweep)
            }
        }
    }

    func sweepAll() async {
        let names: [String]
        do { names = Array(Set(try await store.registry.models().map(\.reference.name))).sorted() } catch {
            if !Task.isCancelled { logger.error("lifecycle: the registry is unreadable: \(error.description)") }
            return
        }
        for name in names where !Task.isCancelled {
            await consider(model: name)
        }
    }

    /// Makes the move due on `name`, then (with `stageAlerts`: the sweep) raises or resolves its
    /// versions' stage-duration alerts. After a run's alert event only the move is considered:
    /// stage durations do not change with runs.
    func consider(model name: String, stageAlerts: Bool = true) async {
        var service = GovernanceService(store: store.registry, actor: GovernanceRules.lifecycleActor, catalogue: nil)
        service.clock = clock
        do throws(AgentError) {
            var rules = try service.rules(try await service.snapshot(name))
            if let serving = rules.snapshot.serving {
                // Only the moves out of monitoring and degraded depend on alerts.
                let alerts = [.monitoring, .degraded].contains(serving.stage) ? try await alerts(of: serving.reference) : []
                if let move = rules.dueStageMove(alerts: alerts) {
                    _ = try await service.moveStageAutomatically(model: name, alerts: alerts)
                    logger.notice("lifecycle: \(move.reference) \(move.from.rawValue) → \(move.to.rawValue): \(move.reason)")
                    rules = try service.rules(try await service.snapshot(name))
                }
            }
            if stageAlerts { try await updateStageAlerts(rules) }
        } catch .governance(let refusal) {
            logger.warning("lifecycle of \(name): a due move did not happen: \(refusal.description)")
        } catch {
            // A collector shutting down cancels the sweep mid-read: nothing failed.
            if !Task.isCancelled { logger.error("lifecycle of \(name) failed: \(error.description); the next sweep tries again") }
        }
    }

    /// One live stage-duration alert per overrunning version (keyed by its stage); those of a
    /// stage the version has left resolve.
    private func updateStageAlerts(_ rules: GovernanceRules) async throws(AgentError) {
        let overruns = rules.stageOverruns()
        let now = rules.now
        // Only a version in a stage a policy may time, or just out of one, can have a stage alert
        // to raise or resolve (whatever the policy in force times now).
        let timed = Set(GovernancePolicy.timedStages)
        for version in rules.snapshot.versions
        where timed.contains(version.stage) || (rules.snapshot.transitions.last(where: { $0.reference == version.reference })?.from).map(timed.contains) == true {
            let live = try await alerts(of: version.reference).filter { $0.rule == .stageDuration && $0.state != .resolved }
            for alert in live where alert.key.device != Self.device(version.stage) {
                try await apply(MonitorFinding(rule: .stageDuration, severity: alert.severity, state: .clear, summary: "\(version.reference) left that stage: it is in \(version.stage.rawValue)"),
                                key: alert.key, at: now)
            }
            guard let overrun = overruns.first(where: { $0.reference == version.reference }) else {
                if let stale = live.first(where: { $0.key.device == Self.device(version.stage) }) {
                    try await apply(MonitorFinding(rule: .stageDuration, severity: stale.severity, state: .clear, summary: "the policy no longer limits \(version.stage.rawValue) to less"),
                                    key: stale.key, at: now)
                }
                continue
            }
            // An overrun stays one open alert until the version moves on; the sweep does not refresh it.
            if live.contains(where: { $0.key.device == Self.device(overrun.stage) }) { continue }
            let finding = MonitorFinding(
                rule: .stageDuration, severity: overrun.stage == .degraded ? .high : .medium, state: .firing, summary: overrun.summary,
                value: overrun.hours, threshold: Double(overrun.limitHours))
            try await apply(finding, key: MonitorKey(model: version.reference.description, deviceClass: Self.deviceClass, device: Self.device(overrun.stage)), at: now)
        }
    }

    /// Stage-duration alerts name the lifecycle instead of a device class, and the stage instead of a device.
    static let deviceClass = "lifecycle"
    static func device(_ stage: LifecycleStage) -> String { "stage:\(stage.rawValue)" }

    private func apply(_ finding: MonitorFinding, key: MonitorKey, at time: Date) async throws(AgentError) {
        let events: [AlertEvent]
        do { events = try await store.applyFindings([finding], key: key, runID: Alert.noRun, at: time, webhooks: webhooks) } catch { throw .store(error) }
        for event in events {
            logger.notice("\(event.event) #\(event.alert.id) \(event.alert.severity.rawValue) stage-duration for \(key.model): \(event.alert.finding.summary)")
        }
    }

    private func alerts(of reference: ModelReference) async throws(AgentError) -> [Alert] {
        do { return try await store.alerts(model: reference.description, openedSince: .distantPast) } catch { throw .store(error) }
    }
}
