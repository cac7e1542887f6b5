import Foundation

/// An incident: something went wrong with a model version in production, someone must answer for
/// it, and its clocks say how fast (issue 15 §7). Opened by the collector from alerts, worked
/// through its playbook by people, every act audited.
public struct Incident: Sendable, Codable, Hashable {
    public enum State: String, Sendable, Codable, Hashable, CaseIterable {
        case open, acknowledged, resolved
    }

    /// Store-assigned; 0 until stored.
    public var id: Int64
    /// `NAME@VERSION`.
    public var model: String
    public var deviceClass: String
    public var playbook: Playbook
    /// The incident class: the highest severity of its alerts.
    public var severity: AlertSeverity
    public var state: State
    public var title: String
    /// The alerts it answers, oldest first.
    public var alertIDs: [Int64]
    /// When its first alert opened: the start of the detection clock's measure.
    public var onsetAt: Date
    public var openedAt: Date
    public var assignee: String?
    public var acknowledgedBy: String?
    public var acknowledgedAt: Date?
    public var resolvedBy: String?
    public var resolvedAt: Date?
    public var resolution: String?
    public var reviewedBy: String?
    public var reviewedAt: Date?
    public var review: String?
    /// Roles paged when it opened (the ethics role for a fairness alert).
    public var paged: [GovernanceRole]
    /// Clocks that ran out, each paging the next role once.
    public var escalations: [IncidentEscalation]

    public init(
        id: Int64 = 0, model: String, deviceClass: String, playbook: Playbook, severity: AlertSeverity, state: State = .open, title: String,
        alertIDs: [Int64], onsetAt: Date, openedAt: Date, paged: [GovernanceRole] = [], escalations: [IncidentEscalation] = []
    ) {
        self.id = id
        self.model = model
        self.deviceClass = deviceClass
        self.playbook = playbook
        self.severity = severity
        self.state = state
        self.title = title
        self.alertIDs = alertIDs
        self.onsetAt = onsetAt
        self.openedAt = openedAt
        self.paged = paged
        self.escalations = escalations
    }

    public var clocks: IncidentClocks { IncidentClocks(severity) }
    /// How long from the first alert to the incident.
    public var detectionSeconds: Double { openedAt.timeIntervalSince(onsetAt) }
    public var responseDue: Date { openedAt.addingTimeInterval(clocks.response) }
    public var resolutionDue: Date { openedAt.addingTimeInterval(clocks.resolution) }
    /// The post-incident review is due 48 hours after the resolution.
    public var reviewDue: Date? { resolvedAt?.addingTimeInterval(IncidentClocks.review) }
    public var isLive: Bool { state != .resolved }

    /// The model's name.
    public var modelName: String { model.split(separator: "@").first.map(String.init) ?? model }
}

/// A clock that ran out and whom it paged.
public struct IncidentEscalation: Sendable, Codable, Hashable {
    public enum Clock: String, Sendable, Codable, Hashable {
        /// Nobody acknowledged in time.
        case response
        /// It was not resolved in time.
        case resolution
    }

    public var clock: Clock
    public var at: Date
    public var paged: GovernanceRole

    public init(clock: Clock, at: Date, paged: GovernanceRole) {
        self.clock = clock
        self.at = at
        self.paged = paged
    }
}

/// The response timeline of the governance documents (004 §6.1) for an incident class.
public struct IncidentClocks: Sendable, Hashable {
    public var detection: TimeInterval
    public var response: TimeInterval
    public var resolution: TimeInterval

    /// The post-incident review: within 48 hours of the resolution (003 §5.2).
    public static let review: TimeInterval = 48 * 3600

    public init(_ severity: AlertSeverity) {
        let minute = 60.0
        let hour = 3600.0
        switch severity {
        case .critical: (detection, response, resolution) = (15 * minute, 30 * minute, 2 * hour)
        case .high: (detection, response, resolution) = (30 * minute, hour, 4 * hour)
        case .medium: (detection, response, resolution) = (hour, 4 * hour, 24 * hour)
        case .low: (detection, response, resolution) = (24 * hour, 7 * 24 * hour, 14 * 24 * hour)
        }
    }

    /// Who a clock that ran out pages: the ML lead when nobody answered, compliance when it is
    /// still not resolved.
    public static func escalatesTo(_ clock: IncidentEscalation.Clock) -> GovernanceRole {
        clock == .response ? .techLead : .complianceOfficer
    }
}

extension Incident {
    /// The JSON both stores keep, without the store-assigned id (the row's key holds it), so an
    /// update can check the row is still exactly what the act saw.
    public var storedJSON: String {
        var stored = self
        stored.id = 0
        return CanonicalJSON.string(stored)
    }
}

/// An incident as people read it: with its playbook's steps and its clocks worked out.
public struct IncidentDetail: Sendable, Codable, Hashable {
    public var incident: Incident
    public var steps: [Playbook.Step]
    public var detectionSeconds: Double
    public var detectionLimitSeconds: Double
    public var responseDue: Date
    public var resolutionDue: Date
    public var reviewDue: Date?

    public init(_ incident: Incident) {
        self.incident = incident
        steps = incident.playbook.steps
        detectionSeconds = incident.detectionSeconds
        detectionLimitSeconds = incident.clocks.detection
        responseDue = incident.responseDue
        resolutionDue = incident.resolutionDue
        reviewDue = incident.reviewDue
    }
}
