import EdgeProfAgent
import EdgeProfCore
import Foundation
import Logging
import ServiceLifecycle

/// Runs the drift checks on production telemetry on the governance documents' schedule (issue 15
/// §5): each complete UTC day (data, label, prediction, fairness) and ISO week (concept,
/// calibration), for every version on every device class that served in it, against that
/// version's reference period on that class. At start and every `sweep` it takes the due windows
/// oldest first, so a collector that was down catches up window by window; a window is claimed in
/// the database before it is checked and its checks are stored with its completion in one
/// transaction, so two collectors on one database check each window once. Each day it also holds
/// every version on every class to the documents' online levels (`OnlineChecks`). A firing check opens
/// (or refreshes) an alert of its kind for the version on that class, a clear one resolves it;
/// the alerts go wherever alerts go (webhooks, Alertmanager) and count for the lifecycle.
public struct DriftScheduler: Service {
    let store: any CollectorStore
    let logger: Logger
    let sweep: Duration
    let webhooks: [WebhookTarget]
    /// Who claims windows: `HOST:PID` unless a test names two collectors.
    public var collector = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    /// A claim older than this is taken over (its collector died mid-window).
    public var lease: TimeInterval = 600
    /// The time that decides which windows are due (tests move it through simulated weeks). Claims,
    /// checks and alerts carry the real time they happen at: an alert raised while catching up
    /// opens when it is raised, and its summary names the window.
    public var clock: @Sendable () -> Date = { Date() }

    public init(store: any CollectorStore, logger: Logger, sweep: Duration, webhooks: [WebhookTarget]) {
        self.store = store
        self.logger = logger
        self.sweep = sweep
        self.webhooks = webhooks
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                _ = await checkDueWindows()
                try? await Task.sleep(for: sweep)
            }
        }
    }

    /// Checks every due window, oldest first per cadence; the windows this collector completed.
    @discardableResult
    public func checkDueWindows() async -> [DriftWindow] {
        var completed: [DriftWindow] = []
        do throws(AgentError) {
            let now = clock()
            guard let oldest = try await storeCall({ () throws(StoreError) in try await store.oldestInference() }) else { return [] }
            let grace = Double(try await policyForSchedule().drift.graceHours) * 3600
            for cadence in DriftCadence.allCases {
                let done = try await storeCall { () throws(StoreError) in try await store.completedDriftWindows(cadence) }
                for window in DriftSchedule.due(cadence, earliest: oldest, now: now, grace: grace, done: done) where !Task.isCancelled {
                    // Another collector holds it: it checks this one and the later ones come next sweep, in order.
                    guard try await check(window) else { break }
                    completed.append(window)
                }
            }
        } catch {
            if !Task.isCancelled { logger.error("drift checks: \(error.description); the next sweep tries again") }
        }
        return completed
    }

    /// Claims, checks and completes one window; false when another collector holds it.
    private func check(_ window: DriftWindow) async throws(AgentError) -> Bool {
        let claimedAt = Date()
        guard try await storeCall({ () throws(StoreError) in try await store.claimDriftWindow(window, collector: collector, at: claimedAt, lease: lease) }) else {
            return false
        }
        let subjects = try await storeCall { () throws(StoreError) in try await store.driftSubjects(from: window.start, to: window.end) }
        var policies: [String: GovernancePolicy] = [:]
        var checks: [DriftCheckRecord] = []
        var online: [DriftSubject: [MonitorFinding]] = [:]
        for (subject, firstSeen) in subjects.sorted(by: { $0.key < $1.key }) {
            guard let name = try? ModelReference(parsing: subject.model).name else { continue }
            let policy: GovernancePolicy
            if let known = policies[name] { policy = known } else {
                policy = try await self.policy(of: name)
                policies[name] = policy
            }
            let reference = DriftSchedule.referencePeriod(firstSeen: firstSeen, days: policy.drift.referenceDays)
            let afterReference = window.start >= reference.end
            let now = try await storeCall { () throws(StoreError) in try await store.driftRecords(subject, from: window.start, to: window.end) }
            let before = afterReference
                ? try await storeCall { () throws(StoreError) in try await store.driftRecords(subject, from: reference.start, to: reference.end) } : nil
            // The documents' absolute online levels hold from a version's first day.
            if window.cadence == .daily {
                let drift = policy.drift
                let dayBefore = try await storeCall { () throws(StoreError) in
                    try await store.driftRecords(subject, from: window.start.addingTimeInterval(-DriftCadence.daily.seconds), to: window.start)
                }
                online[subject] = await ComputeThread.run { OnlineChecks.findings(current: now, previousDay: dayBefore, reference: before, policy: drift) }
            }
            // A window inside the reference period has nothing to be compared with.
            guard let before else { continue }
            let kinds = DriftKind.checked(window.cadence)
            let outcomes = await ComputeThread.run { kinds.map { DriftChecks.evaluate($0, reference: before, current: now, policy: policy) } }
            for (kind, outcome) in zip(kinds, outcomes) {
                checks.append(DriftCheckRecord(
                    subject: subject, kind: kind, window: window, severity: kind.rule.defaultSeverity, outcome: outcome, policySHA256: policy.sha256,
                    checkedAt: Date(), checkedBy: collector))
            }
        }
        // Alerts first: should this collector die before completing, the window is checked again
        // (after the lease) and the same findings refresh the same alerts.
        for check in checks where check.outcome.state != .inconclusive {
            var findings = [check.finding]
            if check.kind == .accuracyFloor, let name = try? ModelReference(parsing: check.subject.model).name, let policy = policies[name] {
                findings += try await retirementFinding(check, policy: policy)
            }
            let events = try await storeCall { () throws(StoreError) in
                try await store.applyFindings(findings, key: check.subject.alertKey, runID: Alert.noRun, at: Date(), webhooks: webhooks)
            }
            for event in events {
                logger.notice("\(event.event) #\(event.alert.id) \(event.alert.severity.rawValue) \(check.kind.rawValue) drift of \(check.subject): \(check.outcome.summary)")
            }
        }
        for (subject, findings) in online.sorted(by: { $0.key < $1.key }) where !findings.isEmpty {
            let events = try await storeCall { () throws(StoreError) in
                try await store.applyFindings(findings, key: subject.alertKey, runID: Alert.noRun, at: Date(), webhooks: webhooks)
            }
            for event in events { logger.notice("\(event.event) #\(event.alert.id) \(event.alert.severity.rawValue) \(event.alert.rule.rawValue) of \(subject), \(window)") }
        }
        guard try await storeCall({ () throws(StoreError) in try await store.completeDriftWindow(window, collector: collector, checks: checks, at: Date()) }) else {
            logger.warning("drift checks: the \(window) was taken over by another collector before this one completed it; its results stand")
            return false
        }
        let firing = checks.filter { $0.outcome.state == .firing }.count
        logger.info("drift checks: \(window): \(checks.count) checks of \(subjects.count) version × class, \(firing) firing")
        return true
    }

    /// The retirement trigger after a week's accuracy-floor check (`RetirementTrigger`), read
    /// against the earlier weeks' stored checks of the same version and class.
    private func retirementFinding(_ check: DriftCheckRecord, policy: GovernancePolicy) async throws(AgentError) -> [MonitorFinding] {
        let reference = try? ModelReference(parsing: check.subject.model)
        let earlier = try await storeCall { () throws(StoreError) in
            try await store.driftHistory(DriftHistoryQuery(
                model: reference?.name ?? check.subject.model, version: reference?.version.description, kind: .accuracyFloor,
                deviceClass: check.subject.deviceClass, limit: policy.drift.retirementPeriods))
        }
        return RetirementTrigger.finding(after: check, earlier: earlier, policy: policy.drift).map { [$0] } ?? []
    }

    /// The policy the registry holds a model to.
    private func policy(of name: String) async throws(AgentError) -> GovernancePolicy {
        let service = GovernanceService(store: store.registry, actor: GovernanceRules.lifecycleActor, catalogue: nil)
        return try service.rules(try await service.snapshot(name)).policy
    }

    /// The grace before a window is due is one for all models: the registry's policy in force.
    private func policyForSchedule() async throws(AgentError) -> GovernancePolicy {
        guard let name = try await storeCall({ () throws(StoreError) in try await store.registry.models() }).map(\.reference.name).min() else {
            return GovernancePolicy()
        }
        return try await policy(of: name)
    }

    private func storeCall<T>(_ body: () async throws(StoreError) -> T) async throws(AgentError) -> T {
        do { return try await body() } catch { throw .store(error) }
    }
}
