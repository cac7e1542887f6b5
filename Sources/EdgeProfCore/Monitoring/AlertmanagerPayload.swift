import Foundation

/// Where the collector sends its alerts for people to be paged: a Prometheus Alertmanager
/// (`alertmanager: {url, interval-seconds}` in the collector's configuration).
public struct AlertmanagerSettings: Sendable, Codable, Hashable {
    public var url: String
    /// How often the collector posts what is firing (Alertmanager forgets an alert nobody re-posts).
    public var intervalSeconds: Double

    public static let defaultIntervalSeconds = 30.0

    enum CodingKeys: String, CodingKey {
        case url
        case intervalSeconds = "interval-seconds"
    }

    public init(url: String, intervalSeconds: Double = defaultIntervalSeconds) {
        self.url = url
        self.intervalSeconds = intervalSeconds
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        url = try c.decode(String.self, forKey: .url)
        intervalSeconds = try c.decodeIfPresent(Double.self, forKey: .intervalSeconds) ?? Self.defaultIntervalSeconds
    }

    /// The first thing wrong with these settings.
    var problem: String? {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            return "url '\(url)' is not an http(s) URL (Alertmanager's, e.g. http://127.0.0.1:9093)"
        }
        guard intervalSeconds.isFinite, (0.1...3600).contains(intervalSeconds) else { return "interval-seconds must be 0.1 to 3600" }
        return nil
    }

    /// Alertmanager's API v2 route for posting alerts.
    public var alertsURL: String { url.hasSuffix("/") ? url + "api/v2/alerts" : url + "/api/v2/alerts" }
}

/// One alert as Alertmanager's API v2 takes it (`POST /api/v2/alerts`).
public struct AlertmanagerAlert: Sendable, Codable, Hashable {
    public var labels: [String: String]
    public var annotations: [String: String]
    public var startsAt: String
    public var endsAt: String
    public var generatorURL: String?
}

/// The collector's alerts in Alertmanager's terms (issue 15 §8). Pure. Every live alert is posted
/// firing, its end `hold` seconds ahead (re-posted each interval, so it stays firing while the
/// collector runs and resolves by itself if the collector stops for good); an alert resolved
/// within `resolvedWindow` is posted with its resolution time as its end, so a resolution missed
/// during an Alertmanager outage still arrives. Labels identify the alert and never change over
/// its life; what changes (acknowledgement, occurrences, the latest evidence, the bench place the
/// device stands at) is an annotation.
public enum AlertmanagerPayload {
    /// `places`: where each device stands now, `BENCH/PLACE` (or `BENCH`) by `BOARD:SERIAL`.
    public static func alerts(
        _ alerts: [Alert], now: Date, hold: TimeInterval, resolvedWindow: TimeInterval, collectorURL: String?, places: [String: String] = [:]
    ) -> [AlertmanagerAlert] {
        alerts.compactMap { alert in
            let end: Date
            switch alert.state {
            case .open, .acknowledged:
                end = now.addingTimeInterval(hold)
            case .resolved:
                guard let resolvedAt = alert.resolvedAt, now.timeIntervalSince(resolvedAt) <= resolvedWindow else { return nil }
                end = resolvedAt
            }
            var annotations = [
                "summary": alert.finding.summary,
                "description": "\(alert.rule.rawValue) on \(alert.key.device) (\(alert.key.deviceClass)), \(alert.key.model): "
                    + "\(alert.occurrences) run\(alert.occurrences == 1 ? "" : "s") fired it since \(AuditChain.timestamp(alert.openedAt))",
                "state": alert.state.rawValue,
            ]
            if let by = alert.acknowledgedBy { annotations["acknowledged_by"] = by }
            if let place = places[alert.key.device] { annotations["place"] = place }
            return AlertmanagerAlert(
                labels: [
                    "alertname": alert.rule.rawValue, "severity": alert.severity.rawValue, "model": alert.key.model,
                    "device": alert.key.device, "device_class": alert.key.deviceClass, "edgeprof_alert_id": String(alert.id),
                    "source": "edgeprof-collector",
                ],
                annotations: annotations, startsAt: AuditChain.timestamp(alert.openedAt), endsAt: AuditChain.timestamp(end),
                generatorURL: collectorURL.map { $0 + "/v1/alerts?state=\(alert.state.rawValue)" })
        }
    }
}

extension AlertmanagerPayload {
    /// Incidents as Alertmanager alerts (`alertname: edgeprof-incident`), so a lab routes them by
    /// `playbook`, `severity` and `notify` — the roles paged, the Ethics Committee at once for a
    /// fairness incident, and each role a clock that ran out escalated to. A live incident fires;
    /// a resolved one is posted with its resolution as its end for `resolvedWindow`.
    public static func incidents(_ incidents: [Incident], now: Date, hold: TimeInterval, resolvedWindow: TimeInterval) -> [AlertmanagerAlert] {
        incidents.compactMap { incident in
            let end: Date
            if incident.isLive {
                end = now.addingTimeInterval(hold)
            } else {
                guard let resolvedAt = incident.resolvedAt, now.timeIntervalSince(resolvedAt) <= resolvedWindow else { return nil }
                end = resolvedAt
            }
            let notify = Set(incident.paged + incident.escalations.map(\.paged)).map(\.rawValue).sorted()
            var annotations = [
                "summary": incident.title, "state": incident.state.rawValue,
                "response_due": AuditChain.timestamp(incident.responseDue), "resolution_due": AuditChain.timestamp(incident.resolutionDue),
                "alerts": incident.alertIDs.map(String.init).joined(separator: ","),
            ]
            if let assignee = incident.assignee { annotations["assignee"] = assignee }
            if !incident.escalations.isEmpty {
                annotations["escalations"] = incident.escalations.map { "\($0.clock.rawValue) → \($0.paged.rawValue)" }.joined(separator: "; ")
            }
            return AlertmanagerAlert(
                labels: [
                    "alertname": "edgeprof-incident", "severity": incident.severity.rawValue, "model": incident.model, "device_class": incident.deviceClass,
                    "playbook": incident.playbook.rawValue, "edgeprof_incident_id": String(incident.id), "notify": notify.joined(separator: ","),
                    "source": "edgeprof-collector",
                ],
                annotations: annotations, startsAt: AuditChain.timestamp(incident.openedAt), endsAt: AuditChain.timestamp(end), generatorURL: nil)
        }
    }
}
