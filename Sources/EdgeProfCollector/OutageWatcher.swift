import EdgeProfAgent
import EdgeProfCore
import Foundation
import Logging
import ServiceLifecycle

/// Watches the fleet for serving outages (issue 15 §7) at start and every `sweep`: per version
/// and device class, once the policy's share of its devices has said nothing — no run, no
/// agent report, no inference — for the policy's minutes, `serving-outage` opens (critical), and
/// the incident watcher opens the outage playbook's incident and pages the on-call ML engineer.
/// It resolves when they answer again, or when no device of the class serves that version any
/// more. The devices keep serving their last good version; `fleet status` flags them stale.
public struct OutageWatcher: Service {
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

    /// Judges every version and class as of `now`; the groups it judged.
    @discardableResult
    public func sweepAll(now: Date = Date()) async -> [ServingOutage.Group] {
        let planner = FleetPlanner(store: store.registry)
        var groups: [ServingOutage.Group] = []
        let live: [Alert]
        do throws(AgentError) {
            let status = try await planner.status(now: now)
            for (model, entries) in Dictionary(grouping: status.entries, by: \.reported.name).sorted(by: { $0.key < $1.key }) {
                let policy = try await planner.registry(of: model).policy
                groups += ServingOutage.groups(entries, policy: policy.outage, now: now)
            }
            do {
                live = try await store.alerts(state: .open, limit: 10_000) + store.alerts(state: .acknowledged, limit: 10_000)
            } catch {
                throw .store(error)
            }
        } catch {
            if !Task.isCancelled { logger.error("serving outages: the fleet is unreadable: \(error.description); the next sweep tries again") }
            return []
        }
        let judged = Set(groups.map(\.key))
        let vanished = Set(live.filter { $0.rule == .servingOutage && !judged.contains($0.key) }.map(\.key))
        let findings = groups.map { ($0.key, $0.finding) } + vanished.sorted { $0.description < $1.description }.map { ($0, ServingOutage.vanished($0)) }
        for (key, finding) in findings where !Task.isCancelled {
            do {
                for event in try await store.applyFindings([finding], key: key, runID: Alert.noRun, at: now, webhooks: webhooks) {
                    logger.notice("\(event.event) #\(event.alert.id) \(event.alert.severity.rawValue) \(event.alert.finding.summary)")
                }
            } catch {
                if !Task.isCancelled { logger.error("serving outage of \(key.model) on \(key.deviceClass): \(error.description); the next sweep tries again") }
            }
        }
        return groups
    }
}
