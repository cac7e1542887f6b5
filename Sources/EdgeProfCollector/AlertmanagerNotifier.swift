import AsyncHTTPClient
import EdgeProfCore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle

/// Posts the collector's alerts to a Prometheus Alertmanager (API v2) every interval: what fires,
/// and what resolved lately (`AlertmanagerPayload`). Level-triggered, as Prometheus itself posts:
/// an Alertmanager that was down or restarted learns the whole state on the next post, so nothing
/// needs a queue; a failed post is logged and simply made again on the next tick.
struct AlertmanagerNotifier: Service {
    let store: any CollectorStore
    let settings: AlertmanagerSettings
    let logger: Logger
    var metrics: CollectorMetrics?

    /// Live alerts posted per tick at most (the newest first).
    static let maximumAlerts = 1000

    private static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(3)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await post()
                try? await Task.sleep(for: .milliseconds(Int64(settings.intervalSeconds * 1000)))
            }
        }
    }

    func post() async {
        let now = Date()
        let alerts: [Alert]
        let incidents: [Incident]
        var places: [String: String] = [:]
        do {
            let live = try await store.alerts(state: .open, limit: Self.maximumAlerts) + (try await store.alerts(state: .acknowledged, limit: Self.maximumAlerts))
            alerts = live + (try await store.alerts(state: .resolved, limit: Self.maximumAlerts))
            incidents = try await store.registry.incidents()
            if !alerts.isEmpty {
                for device in try await store.registry.fleetDevices(FleetQuery()) {
                    if let bench = device.bench { places[device.device] = device.place.map { "\(bench)/\($0)" } ?? bench }
                }
            }
        } catch {
            if !Task.isCancelled { logger.error("alerts unreadable for Alertmanager: \(error.description)") }
            return
        }
        // Firing alerts end three intervals ahead: a late tick does not flap them, a collector that stops lets them resolve.
        let hold = max(3 * settings.intervalSeconds, 60)
        let resolvedWindow = max(20 * settings.intervalSeconds, 600)
        let payload = AlertmanagerPayload.alerts(alerts, now: now, hold: hold, resolvedWindow: resolvedWindow, collectorURL: nil, places: places)
            + AlertmanagerPayload.incidents(incidents, now: now, hold: hold, resolvedWindow: resolvedWindow)
        guard !payload.isEmpty else { return }
        var request = HTTPClientRequest(url: settings.alertsURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "edgeprof-collector/\(EdgeProfVersion.current)")
        do {
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(payload)))
            let response = try await Self.http.execute(request, timeout: .seconds(10))
            let body = try? await response.body.collect(upTo: 1 << 16)
            let delivered = (200..<300).contains(Int(response.status.code))
            metrics?.recordDelivery(receiver: "alertmanager", outcome: delivered ? "delivered" : "failed")
            if !delivered {
                logger.warning("Alertmanager at \(settings.url) answered \(response.status.code): \(body.map { String(buffer: $0) } ?? ""); posting again in \(settings.intervalSeconds) s")
            }
        } catch {
            if !Task.isCancelled { metrics?.recordDelivery(receiver: "alertmanager", outcome: "failed") }
            if !Task.isCancelled { logger.warning("Alertmanager at \(settings.url) unreachable (\(error)); posting again in \(settings.intervalSeconds) s") }
        }
    }
}
