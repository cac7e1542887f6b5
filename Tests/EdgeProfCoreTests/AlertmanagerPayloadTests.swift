import EdgeProfCore
import Foundation
import Testing

/// The collector's alerts in Alertmanager's terms (issue 15 §8): live ones fire until `hold` ahead,
/// resolved ones carry their resolution only while it is recent, and labels never change over an
/// alert's life (Alertmanager tells alerts apart by their labels).
@Suite struct AlertmanagerPayloadTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func alert(_ id: Int64, _ state: AlertState, resolvedAgo: TimeInterval? = nil, acknowledgedBy: String? = nil) -> Alert {
        Alert(
            id: id, rule: .latencyRatio, severity: .critical, key: MonitorKey(model: "kws@1.0.0", deviceClass: "m4", device: "b:s"), state: state,
            finding: MonitorFinding(rule: .latencyRatio, severity: .critical, state: .firing, summary: "latency p95 70 ms is 2.3× the baseline"),
            openedAt: now.addingTimeInterval(-600), lastSeenAt: now.addingTimeInterval(-60), resolvedAt: resolvedAgo.map { now.addingTimeInterval(-$0) },
            acknowledgedBy: acknowledgedBy, acknowledgedAt: acknowledgedBy.map { _ in now }, occurrences: 3, firstRunID: 5, lastRunID: 7)
    }

    @Test func liveAlertsFireAndRecentResolutionsArePostedOnce() {
        let posted = AlertmanagerPayload.alerts(
            [Self.alert(1, .open), Self.alert(2, .acknowledged, acknowledgedBy: "ana"), Self.alert(3, .resolved, resolvedAgo: 30), Self.alert(4, .resolved, resolvedAgo: 3600)],
            now: Self.now, hold: 90, resolvedWindow: 600, collectorURL: "http://lab:8470")
        #expect(posted.map { $0.labels["edgeprof_alert_id"] } == ["1", "2", "3"], "a resolution older than the window is no longer posted")
        #expect(posted[0].endsAt == "2027-01-15T08:01:30.000Z" && posted[0].startsAt == "2027-01-15T07:50:00.000Z")
        #expect(posted[2].endsAt == "2027-01-15T07:59:30.000Z", "a resolved alert ends when it resolved")
        #expect(posted[1].annotations["acknowledged_by"] == "ana" && posted[1].annotations["state"] == "acknowledged")
        #expect(posted[0].labels == [
            "alertname": "latency-ratio", "severity": "critical", "model": "kws@1.0.0", "device": "b:s", "device_class": "m4",
            "edgeprof_alert_id": "1", "source": "edgeprof-collector",
        ])
        #expect(posted[0].generatorURL == "http://lab:8470/v1/alerts?state=open")
        let acknowledgedLater = AlertmanagerPayload.alerts([Self.alert(1, .acknowledged, acknowledgedBy: "bo")], now: Self.now, hold: 90, resolvedWindow: 600, collectorURL: nil)
        #expect(acknowledgedLater[0].labels == posted[0].labels, "acknowledging changes annotations, never labels")
        #expect(AlertmanagerPayload.alerts([Self.alert(5, .resolved)], now: Self.now, hold: 90, resolvedWindow: 600, collectorURL: nil).isEmpty,
                "a resolved alert without a resolution time is not invented one")
        let placed = AlertmanagerPayload.alerts(
            [Self.alert(1, .open)], now: Self.now, hold: 90, resolvedWindow: 600, collectorURL: nil, places: ["b:s": "bench-1/shelf-2", "b:t": "bench-2"])
        #expect(placed[0].annotations["place"] == "bench-1/shelf-2" && placed[0].labels == posted[0].labels,
                "the device's bench place is an annotation: a re-plugged board moves without becoming another alert")
    }

    @Test func incidentsFireWithTheRolesToNotifyAndResolveWithTheirResolution() {
        var fairness = Incident(
            id: 7, model: "kws@1.0.0", deviceClass: "m7", playbook: .fairnessAlert, severity: .critical, title: "Fairness alert: fairness-drift of kws@1.0.0 on m7",
            alertIDs: [3], onsetAt: Self.now.addingTimeInterval(-3600), openedAt: Self.now.addingTimeInterval(-3000), paged: [.ethicsCommittee],
            escalations: [IncidentEscalation(clock: .response, at: Self.now.addingTimeInterval(-1200), paged: .techLead)])
        var old = fairness
        old.id = 8
        old.state = .resolved
        old.resolvedAt = Self.now.addingTimeInterval(-7200)
        var recent = fairness
        recent.id = 9
        recent.state = .resolved
        recent.resolvedAt = Self.now.addingTimeInterval(-60)
        fairness.assignee = "bo"
        let posted = AlertmanagerPayload.incidents([fairness, old, recent], now: Self.now, hold: 90, resolvedWindow: 600)
        #expect(posted.map { $0.labels["edgeprof_incident_id"] } == ["7", "9"])
        #expect(posted[0].labels == [
            "alertname": "edgeprof-incident", "severity": "critical", "model": "kws@1.0.0", "device_class": "m7", "playbook": "fairness-alert",
            "edgeprof_incident_id": "7", "notify": "ethics_committee,tech_lead", "source": "edgeprof-collector",
        ])
        #expect(posted[0].annotations["assignee"] == "bo" && posted[0].annotations["escalations"] == "response → tech_lead")
        #expect(posted[0].endsAt == "2027-01-15T08:01:30.000Z" && posted[1].endsAt == "2027-01-15T07:59:00.000Z")
    }
}
