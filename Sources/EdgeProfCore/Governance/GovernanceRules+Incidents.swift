import Foundation

/// Incidents as governance acts (issue 15 §7): the collector opens them from alerts and escalates
/// clocks that run out, as its own system actor; people acknowledge, assign, resolve and review
/// them, each by the roles its playbook names. Every act is audited.
extension GovernanceRules {
    /// The collector's actor for the incidents it opens and escalates.
    public static let incidentActor = "system:incidents"

    /// What is due on the model's incidents now, given its versions' recent alerts: an incident for
    /// every alert no incident answers yet — resolved ones too, since a window checked while
    /// catching up may open and clear an alert between two sweeps — added to the live incident of
    /// the same version, device class and playbook when there is one; and an escalation for every
    /// clock that ran out. nil when nothing is due.
    public func dueIncidentActs(alerts: [Alert]) throws(GovernanceError) -> GovernanceChange? {
        guard actor == Self.incidentActor else {
            throw .notPermitted("only the system (\(Self.incidentActor)) opens and escalates incidents; people acknowledge, assign, resolve and review them")
        }
        let answered = Set(snapshot.incidents.flatMap(\.alertIDs))
        // One live incident per key is what these rules keep; should a database hold two, the
        // oldest answers new alerts rather than the sweep trapping on it.
        var live = Dictionary(snapshot.incidents.filter(\.isLive).map { (IncidentKey($0), $0) }, uniquingKeysWith: { oldest, _ in oldest })
        let liveAtStart = live
        var opened: [IncidentKey: Incident] = [:]
        for alert in alerts.sorted(by: { $0.id < $1.id })
        where !answered.contains(alert.id) && alert.key.model.hasPrefix(snapshot.name + "@") {
            guard let playbook = Playbook.opened(by: alert.rule) else { continue }
            let key = IncidentKey(model: alert.key.model, deviceClass: alert.key.deviceClass, playbook: playbook)
            if var incident = live[key] ?? opened[key] {
                incident.alertIDs.append(alert.id)
                incident.severity = min(incident.severity, alert.severity)
                if incident.id == 0 { opened[key] = incident } else { live[key] = incident }
                continue
            }
            opened[key] = Incident(
                model: alert.key.model, deviceClass: alert.key.deviceClass, playbook: playbook, severity: alert.severity,
                title: "\(playbook.title): \(alert.rule.rawValue) of \(alert.key.model) on \(alert.key.deviceClass)", alertIDs: [alert.id],
                onsetAt: alert.openedAt, openedAt: now, paged: playbook.pagedAtOnce)
        }
        var operations: [GovernanceOperation] = opened.keys.sorted().compactMap { key in opened[key].map { .openIncident($0) } }
        for key in live.keys.sorted() {
            guard let before = liveAtStart[key], var after = live[key] else { continue }
            var actions: [String] = []
            if after.alertIDs != before.alertIDs { actions.append("alerts") }
            if after.state == .open, now >= after.responseDue, !after.escalations.contains(where: { $0.clock == .response }) {
                after.escalations.append(IncidentEscalation(clock: .response, at: now, paged: IncidentClocks.escalatesTo(.response)))
                actions.append("escalate")
            }
            if now >= after.resolutionDue, !after.escalations.contains(where: { $0.clock == .resolution }) {
                after.escalations.append(IncidentEscalation(clock: .resolution, at: now, paged: IncidentClocks.escalatesTo(.resolution)))
                if !actions.contains("escalate") { actions.append("escalate") }
            }
            guard !actions.isEmpty else { continue }
            operations.append(.updateIncident(IncidentUpdate(before: before, after: after, action: actions.contains("escalate") ? "escalate" : "alerts", reason: nil)))
        }
        return operations.isEmpty ? nil : change(operations)
    }

    /// Someone taking part in the playbook has seen it: the response clock stops.
    public func acknowledgeIncident(_ id: Int64, note: String?) throws(GovernanceError) -> GovernanceChange {
        var incident = try liveIncident(id)
        let person = try authorized(Array(incident.playbook.roles).sorted { $0.rawValue < $1.rawValue }, to: "acknowledge a \(incident.playbook.rawValue) incident")
        guard incident.state == .open else {
            throw .illegalMove("incident \(id) was acknowledged already by \(incident.acknowledgedBy ?? "?")")
        }
        let before = incident
        incident.state = .acknowledged
        incident.acknowledgedBy = person.name
        incident.acknowledgedAt = now
        return change([.updateIncident(IncidentUpdate(before: before, after: incident, action: "acknowledge", reason: note))])
    }

    /// Gives the incident to someone who takes part in its playbook: a tech_lead assigns anyone,
    /// anyone else only themselves.
    public func assignIncident(_ id: Int64, to assignee: String, reason: String?) throws(GovernanceError) -> GovernanceChange {
        var incident = try liveIncident(id)
        let roles = Array(incident.playbook.roles).sorted { $0.rawValue < $1.rawValue }
        let person = try authorized(roles, to: "take or assign a \(incident.playbook.rawValue) incident")
        guard assignee == person.name || person.roles.contains(.techLead) else {
            throw .notPermitted("\(person.name) may take incident \(id) but not give it to \(assignee): that needs the role tech_lead")
        }
        guard let target = snapshot.actor(named: assignee), target.deactivation == nil, target.roles.contains(where: roles.contains) else {
            throw .invalid("\(assignee) cannot be assigned incident \(id): an active actor with one of the roles \(roles.map(\.rawValue).joined(separator: ", ")) is needed")
        }
        guard incident.assignee != assignee else { throw .illegalMove("incident \(id) is assigned to \(assignee) already") }
        let before = incident
        incident.assignee = assignee
        return change([.updateIncident(IncidentUpdate(before: before, after: incident, action: "assign", reason: reason))])
    }

    /// Closes the incident with what was done. A fairness incident is resolved by the Ethics
    /// Committee (it approves the remediation); any other by its assignee or a tech_lead.
    public func resolveIncident(_ id: Int64, resolution: String) throws(GovernanceError) -> GovernanceChange {
        var incident = try liveIncident(id)
        guard !resolution.trimmingWhitespace.isEmpty else { throw .invalid("resolving an incident needs what was done: --resolution TEXT") }
        let person: RegistryActor
        if incident.playbook == .fairnessAlert {
            person = try authorized(incident.playbook.resolvers, to: "resolve a fairness incident (the Ethics Committee approves the remediation)")
        } else if let assignee = incident.assignee, assignee == actor {
            person = try authorized(Array(incident.playbook.roles), to: "resolve incident \(id)")
        } else {
            person = try authorized(incident.playbook.resolvers, to: "resolve incident \(id) (its assignee or a tech_lead does)")
        }
        let before = incident
        incident.state = .resolved
        incident.resolvedBy = person.name
        incident.resolvedAt = now
        incident.resolution = resolution
        return change([.updateIncident(IncidentUpdate(before: before, after: incident, action: "resolve", reason: resolution))])
    }

    /// Records the post-incident review (due 48 hours after the resolution; a late one is
    /// recorded as late).
    public func reviewIncident(_ id: Int64, notes: String) throws(GovernanceError) -> GovernanceChange {
        guard var incident = snapshot.incidents.first(where: { $0.id == id }) else { throw .notFound("\(snapshot.name) has no incident \(id)") }
        let person = try authorized(Array(incident.playbook.roles).sorted { $0.rawValue < $1.rawValue }, to: "review a \(incident.playbook.rawValue) incident")
        guard incident.state == .resolved else { throw .illegalMove("incident \(id) is \(incident.state.rawValue): it is reviewed after it is resolved") }
        guard incident.reviewedAt == nil else { throw .illegalMove("incident \(id) was reviewed already by \(incident.reviewedBy ?? "?")") }
        guard !notes.trimmingWhitespace.isEmpty else { throw .invalid("a post-incident review needs its findings: --notes TEXT") }
        let before = incident
        incident.reviewedBy = person.name
        incident.reviewedAt = now
        incident.review = notes
        return change([.updateIncident(IncidentUpdate(before: before, after: incident, action: "review", reason: notes))])
    }

    private func liveIncident(_ id: Int64) throws(GovernanceError) -> Incident {
        guard let incident = snapshot.incidents.first(where: { $0.id == id }) else { throw .notFound("\(snapshot.name) has no incident \(id)") }
        guard incident.isLive else { throw .illegalMove("incident \(id) was resolved by \(incident.resolvedBy ?? "?"); it takes no more acts but its review") }
        return incident
    }
}

/// One live incident per version, device class and playbook.
struct IncidentKey: Hashable, Comparable {
    var model: String
    var deviceClass: String
    var playbook: Playbook

    init(model: String, deviceClass: String, playbook: Playbook) {
        self.model = model
        self.deviceClass = deviceClass
        self.playbook = playbook
    }

    init(_ incident: Incident) {
        self.init(model: incident.model, deviceClass: incident.deviceClass, playbook: incident.playbook)
    }

    static func < (left: IncidentKey, right: IncidentKey) -> Bool {
        (left.model, left.deviceClass, left.playbook.rawValue) < (right.model, right.deviceClass, right.playbook.rawValue)
    }
}

/// An incident as it was and as an act leaves it: the store replaces it only if it is still as it was.
public struct IncidentUpdate: Sendable, Hashable {
    public var before: Incident
    public var after: Incident
    /// acknowledge, assign, resolve, review, escalate, alerts.
    public var action: String
    public var reason: String?

    public init(before: Incident, after: Incident, action: String, reason: String?) {
        self.before = before
        self.after = after
        self.action = action
        self.reason = reason
    }
}
