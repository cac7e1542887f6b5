import EdgeProfAgent
import EdgeProfCore
import Foundation
import Logging
import ServiceLifecycle

/// Judges every running A/B test on its arms' telemetry at start and every `sweep` (issue 15 §3),
/// as `system:abtest`: a B that loses — significantly worse on accuracy, latency or energy — is
/// stopped, with the verdict as the audited reason, so a harmful candidate does not keep serving
/// its share of the fleet until someone looks. A B that wins is promoted to its next stage when
/// the policy lets the system (`fleet: ab-test-winner: promote`) and every gate and approval of
/// that move is there; otherwise a `promotion-proposal` alert names what the move waits for, and
/// it resolves once the test stops.
public struct ABTestWatcher: Service {
    let store: any CollectorStore
    let logger: Logger
    let sweep: Duration
    let webhooks: [WebhookTarget]

    public init(store: any CollectorStore, logger: Logger, sweep: Duration, webhooks: [WebhookTarget] = []) {
        self.store = store
        self.logger = logger
        self.sweep = sweep
        self.webhooks = webhooks
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweepAll()
                try? await Task.sleep(for: sweep)
            }
        }
    }

    public func sweepAll() async {
        let tests: [ABTest]
        do { tests = try await store.registry.abTests() } catch {
            if !Task.isCancelled { logger.error("A/B tests unreadable: \(error.description); the next sweep tries again") }
            return
        }
        let service = GovernanceService(store: store.registry, actor: GovernanceRules.abTestActor)
        let now = Date()
        for test in tests where !Task.isCancelled {
            do throws(AgentError) {
                guard test.state == .running else {
                    // A stopped test's proposal, if any, resolves; a day later there is none left to resolve.
                    if let stopped = test.stoppedAt, now.timeIntervalSince(stopped) < 86_400 { try await propose(nil, for: test) }
                    continue
                }
                let observations: [InferenceObservation]
                do { observations = try await store.inferenceObservations(model: test.model, since: test.startedAt) } catch { throw .store(error) }
                let report = await ComputeThread.run { ABTestReport(test: test, observations: observations) }
                if try await service.stopLosingABTest(test.id, model: test.model, verdict: report.verdict) {
                    logger.notice("abtest.stop \(test.id) (\(test.a) vs \(test.b)): B loses: \(report.verdict.reason)")
                    continue
                }
                switch try await service.actOnABTestWinner(test.id, model: test.model, verdict: report.verdict) {
                case .promote(let decision)?:
                    logger.notice("abtest.promote \(test.id): \(decision.subject) to \(decision.to.rawValue): B wins: \(report.verdict.reason)")
                    try await propose(nil, for: test)
                case .propose(let reference, let to, let waiting)?:
                    try await propose(
                        "A/B test \(test.id): B wins (\(report.verdict.reason)); promote \(reference) to \(to.rawValue), waiting for: \(waiting.joined(separator: "; "))",
                        for: test)
                case nil:
                    try await propose(nil, for: test)
                }
            } catch {
                if !Task.isCancelled { logger.error("A/B test \(test.id): \(error.description); the next sweep tries again") }
            }
        }
    }

    /// Opens or refreshes the test's promotion proposal (`summary`), or resolves it (nil).
    private func propose(_ summary: String?, for test: ABTest) async throws(AgentError) {
        let finding = MonitorFinding(
            rule: .promotionProposal, severity: MonitorRule.promotionProposal.defaultSeverity, state: summary == nil ? .clear : .firing,
            summary: summary ?? "A/B test \(test.id) has no winner waiting to be promoted")
        let key = MonitorKey(model: test.b.description, deviceClass: "all", device: "ab-test-\(test.id)")
        let events: [AlertEvent]
        do { events = try await store.applyFindings([finding], key: key, runID: Alert.noRun, at: Date(), webhooks: webhooks) } catch { throw .store(error) }
        for event in events { logger.notice("\(event.event) #\(event.alert.id) \(finding.summary)") }
    }
}
