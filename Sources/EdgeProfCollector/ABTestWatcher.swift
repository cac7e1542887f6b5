import EdgeProfAgent
import EdgeProfCore
import Foundation
import Logging
import ServiceLifecycle

/// Judges every running A/B test on its arms' telemetry at start and every `sweep`, and stops one
/// whose B loses — significantly worse on accuracy, latency or energy — as `system:abtest`, with
/// the verdict as the audited reason (issue 15 §3): a harmful candidate does not keep serving its
/// share of the fleet until someone looks. A winner keeps running: promoting it stays a person's
/// act under the normal rules.
public struct ABTestWatcher: Service {
    let store: any CollectorStore
    let logger: Logger
    let sweep: Duration

    public init(store: any CollectorStore, logger: Logger, sweep: Duration) {
        self.store = store
        self.logger = logger
        self.sweep = sweep
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
        let running: [ABTest]
        do { running = try await store.registry.abTests().filter { $0.state == .running } } catch {
            if !Task.isCancelled { logger.error("A/B tests unreadable: \(error.description); the next sweep tries again") }
            return
        }
        let service = GovernanceService(store: store.registry, actor: GovernanceRules.abTestActor)
        for test in running where !Task.isCancelled {
            do throws(AgentError) {
                let observations: [InferenceObservation]
                do { observations = try await store.inferenceObservations(model: test.model, since: test.startedAt) } catch { throw .store(error) }
                let report = await ComputeThread.run { ABTestReport(test: test, observations: observations) }
                if try await service.stopLosingABTest(test.id, model: test.model, verdict: report.verdict) {
                    logger.notice("abtest.stop \(test.id) (\(test.a) vs \(test.b)): B loses: \(report.verdict.reason)")
                }
            } catch {
                if !Task.isCancelled { logger.error("A/B test \(test.id): \(error.description); the next sweep tries again") }
            }
        }
    }
}
