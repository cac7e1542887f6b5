import EdgeProfAgent
import EdgeProfCore
import Foundation
import Logging
import ServiceLifecycle

/// Rolls back a serving model version once it collects the policy's critical alerts (issue 14
/// §4), as the system actor, through the governance rules. Asked right after a run opens a
/// critical alert, and at start and every `sweep` for every model, so a collector that stopped
/// between the alert and the decision completes it when it runs again. Two collectors on one
/// database decide once: the second re-reads the registry, sees the rolled-back version serving
/// without alerts, and does nothing.
struct AutomaticRollbackWatcher: Service {
    let store: any CollectorStore
    let logger: Logger
    let sweep: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweepAll()
                try? await Task.sleep(for: sweep)
            }
        }
    }

    /// Considers every model that has a serving version.
    func sweepAll() async {
        let names: [String]
        do { names = Array(Set(try await store.registry.models().map(\.reference.name))).sorted() } catch {
            if !Task.isCancelled { logger.error("automatic rollback: the registry is unreadable: \(error.description)") }
            return
        }
        for name in names where !Task.isCancelled {
            await consider(model: name)
        }
    }

    /// Rolls `name` back when its serving version has collected enough critical alerts.
    func consider(model name: String) async {
        let service = GovernanceService(store: store.registry, actor: GovernanceRules.automaticRollbackActor, catalogue: nil)
        do throws(AgentError) {
            let snapshot = try await service.snapshot(name)
            let rules = try service.rules(snapshot)
            guard let serving = snapshot.serving, rules.policy.automaticRollback else { return }
            let since = Date().addingTimeInterval(-Double(rules.policy.rollbackWindowHours) * 3600)
            let alerts: [Alert]
            do { alerts = try await store.alerts(model: serving.reference.description, openedSince: since) } catch { throw .store(error) }
            guard rules.automaticRollbackIsDue(alerts) else { return }
            let decision = try await service.rollBackAutomatically(model: name, alerts: alerts)
            logger.notice("automatic rollback of \(name): \(serving.reference) → \(decision.subject) (\(rules.rollbackTriggers(alerts).count) critical alerts)")
        } catch .governance(let refusal) {
            // Due by its alerts, yet refused by the rules (no earlier deployable version, or another
            // collector decided first): said, never silent.
            logger.warning("automatic rollback of \(name) is due by its alerts but did not happen: \(refusal.description)")
        } catch {
            if !Task.isCancelled { logger.error("automatic rollback of \(name) failed: \(error.description); the next sweep tries again") }
        }
    }
}
