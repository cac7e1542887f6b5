import EdgeProfCore
import Foundation
import Logging
import ServiceLifecycle

/// Watches every bench place the agents report (issue 19) every `sweep`: a place that went quiet
/// for three of its rounds raises `place-silent`, one whose last round failed `place-unhealthy`
/// (`PlaceWatch`); each resolves when the place reports, or reports healthy, again. The alerts
/// go to webhooks and Alertmanager like every other alert. The first sweep comes one `sweep`
/// after start, not at start: agents get a round to report to a collector that was just down
/// (a report's places are judged as it arrives anyway).
public struct PlaceWatcher: Service {
    let store: any CollectorStore
    let logger: Logger
    let sweep: Duration
    let webhooks: [WebhookTarget]
    /// When the collector began to listen: silence before it is not the places' (`PlaceWatch`).
    let listeningSince: Date?

    public init(store: any CollectorStore, logger: Logger, sweep: Duration, webhooks: [WebhookTarget] = [], listeningSince: Date? = nil) {
        self.store = store
        self.logger = logger
        self.sweep = sweep
        self.webhooks = webhooks
        self.listeningSince = listeningSince
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: sweep)
                if !Task.isCancelled { await sweepAll() }
            }
        }
    }

    /// Applies both rules to every place as of `now`.
    public func sweepAll(now: Date = Date()) async {
        let places: [StoredBenchPlace]
        do { places = try await store.benchPlaces() } catch {
            if !Task.isCancelled { logger.error("bench places unreadable: \(error.description); the next sweep tries again") }
            return
        }
        await apply(places, now: now)
    }

    /// Applies both rules to `places` as of `now` (a report's places are judged as it arrives).
    public func apply(_ places: [StoredBenchPlace], now: Date) async {
        for place in places where !Task.isCancelled {
            let findings = PlaceWatch.findings(for: place, now: now, listeningSince: listeningSince)
            do {
                for event in try await store.applyFindings(findings, key: PlaceWatch.key(of: place), runID: Alert.noRun, at: now, webhooks: webhooks) {
                    logger.notice("\(event.event) #\(event.alert.id) \(event.alert.severity.rawValue) \(event.alert.finding.summary)")
                }
            } catch {
                if !Task.isCancelled { logger.error("place \(place.bench)/\(place.report.place): \(error.description); the next sweep tries again") }
            }
        }
    }
}
