import EdgeProfCore
import Foundation
import Testing

/// Issue 15 §8: alerts reach a real Prometheus Alertmanager (API v2) — labels that identify them,
/// the evidence as annotations, the acknowledgement as it happens, the resolution — and an
/// Alertmanager restarted empty learns what still fires on the collector's next post.
@Suite(.serialized) struct AlertmanagerTests {
    /// Polls until `found` holds for Alertmanager's active alerts (at most 15 s); the last list.
    func waitFor(_ alertmanager: AlertmanagerProcess, _ found: ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        var alerts: [[String: Any]] = []
        for _ in 0..<150 {
            alerts = (try? await alertmanager.alerts()) ?? []
            if found(alerts) { return alerts }
            try await Task.sleep(for: .milliseconds(100))
        }
        return alerts
    }

    static func labels(_ alert: [String: Any]) -> [String: String] { alert["labels"] as? [String: String] ?? [:] }

    /// An RFC 3339 time as Alertmanager writes it (fractional seconds optional).
    static func date(_ text: String?) -> Date? {
        guard let text else { return nil }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text) ?? ISO8601DateFormatter().date(from: text)
    }
    static func annotations(_ alert: [String: Any]) -> [String: String] { alert["annotations"] as? [String: String] ?? [:] }

    @Test(arguments: CollectorStoreContractTests.kinds) func alertsFireAreAcknowledgedAndResolveInAlertmanager(kind: StoreKind) async throws {
        let alertmanager = try AlertmanagerProcess()
        defer { alertmanager.stop() }
        try await alertmanager.start()
        var settings = CollectorSettings(alertmanager: AlertmanagerSettings(url: alertmanager.url, intervalSeconds: 0.2))
        settings.monitor.baselineRuns = 3
        (settings.monitor.confirmRuns, settings.monitor.clearRuns) = (1, 1)
        let collector = try await LiveCollector.start(on: kind, settings: settings)
        defer { Task { await collector.stop() } }
        let monitoring = MonitoringAPITests()
        for number in 1...4 { _ = try await monitoring.upload(collector, number, latencyTicks: 30) }
        _ = try await monitoring.upload(collector, 5, latencyTicks: 70)
        let ratio = try #require(try await monitoring.alerts(collector, "?state=open").first { $0.rule == .latencyRatio })

        let firing = try await waitFor(alertmanager) { alerts in alerts.contains { Self.labels($0)["edgeprof_alert_id"] == String(ratio.id) } }
        let posted = try #require(firing.first { Self.labels($0)["edgeprof_alert_id"] == String(ratio.id) }, "\(firing)")
        #expect(Self.labels(posted) == [
            "alertname": "latency-ratio", "severity": "critical", "model": "kws@1.0.0", "device": "b:s", "device_class": "sim-cortex-m4",
            "edgeprof_alert_id": String(ratio.id), "source": "edgeprof-collector",
        ])
        #expect(Self.annotations(posted)["summary"] == ratio.finding.summary)
        #expect(Self.annotations(posted)["place"] == "bench-1", "the device's bench, from the fleet: \(posted)")
        #expect((posted["status"] as? [String: Any])?["state"] as? String == "active")
        let startsAt = try #require(Self.date(posted["startsAt"] as? String), "\(posted)")
        #expect(abs(startsAt.timeIntervalSince(ratio.openedAt)) < 0.001, "startsAt is when the alert opened: \(startsAt) vs \(ratio.openedAt)")

        try await collector.addActor("ana", [.mlEngineer])
        #expect(try await collector.request(.POST, "/v1/alerts/\(ratio.id)/ack", token: collector.personToken).status == 200)
        let acknowledged = try await waitFor(alertmanager) { alerts in
            alerts.contains { Self.labels($0)["edgeprof_alert_id"] == String(ratio.id) && Self.annotations($0)["acknowledged_by"] == "ana" }
        }
        #expect(acknowledged.contains { Self.annotations($0)["acknowledged_by"] == "ana" && Self.annotations($0)["state"] == "acknowledged" },
                "the acknowledgement is an annotation; the labels, and so the alert, stay the same")
        #expect(acknowledged.filter { Self.labels($0)["edgeprof_alert_id"] == String(ratio.id) }.count == 1)

        // Alertmanager restarted empty: the next post tells it what still fires.
        let port = alertmanager.port
        alertmanager.stop()
        try await Task.sleep(for: .milliseconds(600))
        let restarted = try AlertmanagerProcess(port: port)
        defer { restarted.stop() }
        try await restarted.start()
        let again = try await waitFor(restarted) { alerts in alerts.contains { Self.labels($0)["edgeprof_alert_id"] == String(ratio.id) } }
        #expect(again.contains { Self.labels($0)["edgeprof_alert_id"] == String(ratio.id) }, "level-triggered: nothing is lost while it was down")

        _ = try await monitoring.upload(collector, 6, latencyTicks: 30)
        #expect(try await monitoring.alerts(collector, "?state=resolved").contains { $0.id == ratio.id })
        let cleared = try await waitFor(restarted) { alerts in !alerts.contains { Self.labels($0)["edgeprof_alert_id"] == String(ratio.id) } }
        #expect(!cleared.contains { Self.labels($0)["edgeprof_alert_id"] == String(ratio.id) }, "resolved: Alertmanager no longer lists it as active")
    }

    @Test func settingsAreCheckedWhenTheCollectorStarts() throws {
        let good = try CollectorSettings.parse("alertmanager:\n  url: http://127.0.0.1:9093\n  interval-seconds: 15\n", file: "c.yaml")
        #expect(good.alertmanager == AlertmanagerSettings(url: "http://127.0.0.1:9093", intervalSeconds: 15))
        #expect(good.alertmanager?.alertsURL == "http://127.0.0.1:9093/api/v2/alerts")
        for (text, message) in [
            ("alertmanager:\n  url: ftp://x\n", "alertmanager: url 'ftp://x' is not an http(s) URL"),
            ("alertmanager:\n  url: http://x\n  interval-seconds: 0\n", "interval-seconds must be 0.1 to 3600"),
            ("alertmanager:\n  url: http://x\n  intervall-seconds: 5\n", "unknown setting 'alertmanager.intervall-seconds'; did you mean 'interval-seconds'?"),
        ] {
            #expect { try CollectorSettings.parse(text, file: "c.yaml") } throws: { error in "\(error)".contains(message) }
        }
    }
}
