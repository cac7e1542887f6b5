import EdgeProfAgent
import EdgeProfCore
import Foundation
import Logging
import ServiceLifecycle

/// Opens incidents from alerts and escalates the clocks that run out (issue 15 §7): at start and
/// every `sweep` it hands each model's live alerts, and those opened in the last day that have
/// resolved since (a catch-up may open and clear one between sweeps), to the governance rules as the system actor
/// `system:incidents`, which open one incident per version, device class and playbook, add later
/// alerts to it, and page the next role when nobody answers or resolves in time. Two collectors
/// on one database act once: the second decides on a fresh snapshot and finds nothing due.
public struct IncidentWatcher: Service {
    let store: any CollectorStore
    let logger: Logger
    let sweep: Duration
    public var clock: @Sendable () -> Date = { Date() }

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
        let live: [Alert]
        let names: [String]
        do {
            let recent = clock().addingTimeInterval(-86_400)
            live = try await store.alerts(state: .open, limit: 10_000) + store.alerts(state: .acknowledged, limit: 10_000)
                + store.alerts(state: .resolved, limit: 10_000).filter { $0.openedAt >= recent }
            names = Array(Set(try await store.registry.models().map(\.reference.name))).sorted()
        } catch {
            if !Task.isCancelled { logger.error("incidents: alerts or models unreadable: \(error.description); the next sweep tries again") }
            return
        }
        let byModel = Dictionary(grouping: live) { $0.key.model.split(separator: "@").first.map(String.init) ?? "" }
        for name in names where !Task.isCancelled {
            var service = GovernanceService(store: store.registry, actor: GovernanceRules.incidentActor)
            service.clock = clock
            do throws(AgentError) {
                let entries = try await service.actOnIncidents(model: name, alerts: byModel[name] ?? [])
                for entry in entries {
                    logger.notice("\(entry.action) \(entry.subject)\(entry.reason.map { ": \($0)" } ?? "")")
                }
            } catch {
                if !Task.isCancelled { logger.error("incidents of \(name): \(error.description); the next sweep tries again") }
            }
        }
    }
}
