import Foundation

/// Where an alert is in its life.
public enum AlertState: String, Sendable, Codable, CaseIterable, Hashable {
    /// The condition holds and nobody has acknowledged it.
    case open
    /// Someone has seen it; it still resolves by itself when the condition clears.
    case acknowledged
    /// The condition cleared on a later run.
    case resolved
}

/// An alert: one rule firing for one model version on one device, deduplicated across runs.
public struct Alert: Sendable, Codable, Hashable {
    /// The run id of an alert raised by the registry rather than by a run (stage durations):
    /// its findings belong to no run.
    public static let noRun: Int64 = 0

    public var id: Int64
    public var rule: MonitorRule
    public var severity: AlertSeverity
    public var key: MonitorKey
    public var state: AlertState
    /// The latest evidence: the finding of the most recent run that fired.
    public var finding: MonitorFinding
    public var openedAt: Date
    public var lastSeenAt: Date
    public var resolvedAt: Date?
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    /// How many runs fired this alert.
    public var occurrences: Int
    public var firstRunID: Int64
    public var lastRunID: Int64
    /// The run whose finding cleared it.
    public var resolvedByRunID: Int64?

    public init(
        id: Int64, rule: MonitorRule, severity: AlertSeverity, key: MonitorKey, state: AlertState, finding: MonitorFinding,
        openedAt: Date, lastSeenAt: Date, resolvedAt: Date? = nil, acknowledgedBy: String? = nil, acknowledgedAt: Date? = nil,
        occurrences: Int, firstRunID: Int64, lastRunID: Int64, resolvedByRunID: Int64? = nil
    ) {
        self.id = id
        self.rule = rule
        self.severity = severity
        self.key = key
        self.state = state
        self.finding = finding
        self.openedAt = openedAt
        self.lastSeenAt = lastSeenAt
        self.resolvedAt = resolvedAt
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt
        self.occurrences = occurrences
        self.firstRunID = firstRunID
        self.lastRunID = lastRunID
        self.resolvedByRunID = resolvedByRunID
    }
}

/// What one run's findings do to a device's alerts.
public struct AlertChanges: Sendable {
    /// Rules firing with no alert open: new alerts (notified).
    public var opened: [MonitorFinding] = []
    /// Alerts still firing: evidence refreshed, no new notification (deduplicated).
    public var refreshed: [(id: Int64, finding: MonitorFinding)] = []
    /// Alerts whose condition cleared: resolved (notified).
    public var resolved: [Int64] = []

    public var isEmpty: Bool { opened.isEmpty && refreshed.isEmpty && resolved.isEmpty }
}

/// Turns findings into alert changes: one live alert per (rule, device); inconclusive changes nothing.
public enum AlertPlanner {
    /// `live` are the device's open or acknowledged alerts.
    public static func plan(findings: [MonitorFinding], live: [Alert]) -> AlertChanges {
        var changes = AlertChanges()
        for finding in findings {
            let existing = live.first { $0.rule == finding.rule }
            switch (finding.state, existing) {
            case (.firing, nil): changes.opened.append(finding)
            case (.firing, let alert?): changes.refreshed.append((alert.id, finding))
            case (.clear, let alert?): changes.resolved.append(alert.id)
            case (.clear, nil), (.inconclusive, _): break
            }
        }
        return changes
    }
}

/// What a webhook receives: `alert.opened` or `alert.resolved` with the alert.
public struct AlertEvent: Sendable, Codable, Hashable {
    public var event: String
    public var alert: Alert

    public init(event: String, alert: Alert) {
        self.event = event
        self.alert = alert
    }
}
