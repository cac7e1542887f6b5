@testable import EdgeProfCore
import Foundation
import Testing

/// Issue 15 §7 as pure rules: alerts open incidents by playbook and class, later alerts join the
/// live one, clocks that run out page the next role once, and each act is for the roles its
/// playbook names — a fairness incident is resolved only by the Ethics Committee.
@Suite struct IncidentRulesTests {
    static func alert(_ id: Int64, _ rule: MonitorRule, model: String = "kws@1.0.0", deviceClass: String = "m4", state: AlertState = .open, at: Date) -> Alert {
        Alert(
            id: id, rule: rule, severity: rule.defaultSeverity, key: MonitorKey(model: model, deviceClass: deviceClass, device: "telemetry"), state: state,
            finding: MonitorFinding(rule: rule, severity: rule.defaultSeverity, state: .firing, summary: "\(rule.rawValue) fired"),
            openedAt: at, lastSeenAt: at, occurrences: 1, firstRunID: 0, lastRunID: 0)
    }

    func registry() -> Registry {
        let registry = Registry()
        registry.addTeam()
        return registry
    }

    @Test func alertsOpenOneIncidentPerVersionClassAndPlaybookAndFairnessPagesEthicsAtOnce() throws {
        let registry = registry()
        let onset = registry.clock
        let alerts = [
            Self.alert(1, .fairnessDrift, at: onset), Self.alert(2, .dataDrift, at: onset), Self.alert(3, .predictionDrift, at: onset),
            Self.alert(4, .dataDrift, deviceClass: "m7", at: onset), Self.alert(5, .stageDuration, at: onset),
            Self.alert(6, .conceptDrift, state: .resolved, at: onset), Self.alert(7, .dataDrift, model: "other@1.0.0", at: onset),
        ]
        let change = try #require(try registry.rules(GovernanceRules.incidentActor).dueIncidentActs(alerts: alerts))
        registry.apply(change)
        let incidents = registry.snapshot.incidents
        // A resolved alert counts too (a catch-up may open and clear one between sweeps); the
        // watcher gives only recent ones. It raises the class to its own severity.
        #expect(incidents.map { "\($0.playbook.rawValue) \($0.deviceClass) \($0.severity.rawValue) \($0.alertIDs)" } == [
            "fairness-alert m4 critical [1]", "performance-degradation m4 high [2, 3, 6]", "performance-degradation m7 medium [4]",
        ])
        #expect(incidents[0].paged == [.ethicsCommittee] && incidents[1].paged.isEmpty)
        #expect(change.operations.map(\.audit.action) == ["incident.open", "incident.open", "incident.open"])
        #expect(change.actor == GovernanceRules.incidentActor)
        // Nothing new: nothing due.
        #expect(try registry.rules(GovernanceRules.incidentActor).dueIncidentActs(alerts: alerts) == nil)
        // A later, more severe alert joins the live incident and raises its class.
        let later = alerts + [Self.alert(8, .conceptDrift, at: registry.clock)]
        registry.apply(try #require(try registry.rules(GovernanceRules.incidentActor).dueIncidentActs(alerts: later)))
        #expect(registry.snapshot.incidents[1].alertIDs == [2, 3, 6, 8] && registry.snapshot.incidents[1].severity == .high)
        #expect(registry.snapshot.incidents.count == 3)
    }

    @Test func twoLiveIncidentsOfOneKeyInTheDatabaseDoNotStopTheSweep() throws {
        let registry = registry()
        let onset = registry.clock
        registry.apply(try #require(try registry.rules(GovernanceRules.incidentActor).dueIncidentActs(alerts: [Self.alert(1, .dataDrift, at: onset)])))
        var twin = registry.snapshot.incidents[0]
        twin.id = 2
        twin.alertIDs = [2]
        registry.snapshot.incidents.append(twin)
        let change = try #require(try registry.rules(GovernanceRules.incidentActor).dueIncidentActs(alerts: [Self.alert(3, .dataDrift, at: onset)]))
        registry.apply(change)
        #expect(registry.snapshot.incidents.map(\.alertIDs) == [[1, 3], [2]], "the oldest answers the new alert")
    }

    @Test func onlyTheSystemOpensIncidents() {
        let registry = registry()
        #expect(throws: GovernanceError.self) { try registry.rules("gus").dueIncidentActs(alerts: [Self.alert(1, .dataDrift, at: registry.clock)]) }
    }

    @Test func clocksThatRunOutPageTheNextRoleOnce() throws {
        let registry = registry()
        registry.apply(try #require(try registry.rules(GovernanceRules.incidentActor).dueIncidentActs(alerts: [Self.alert(1, .fairnessDrift, at: registry.clock)])))
        let incident = try #require(registry.snapshot.incidents.first)
        #expect(incident.responseDue == incident.openedAt.addingTimeInterval(30 * 60) && incident.resolutionDue == incident.openedAt.addingTimeInterval(7200))
        registry.clock = incident.openedAt.addingTimeInterval(29 * 60)
        #expect(try registry.rules(GovernanceRules.incidentActor).dueIncidentActs(alerts: []) == nil, "within the response clock")
        registry.clock = incident.openedAt.addingTimeInterval(31 * 60)
        let response = try #require(try registry.rules(GovernanceRules.incidentActor).dueIncidentActs(alerts: []))
        #expect(response.operations.map(\.audit.action) == ["incident.escalate"])
        registry.apply(response)
        #expect(registry.snapshot.incidents[0].escalations.map { "\($0.clock.rawValue) \($0.paged.rawValue)" } == ["response tech_lead"])
        #expect(try registry.rules(GovernanceRules.incidentActor).dueIncidentActs(alerts: []) == nil, "paged once")
        // Acknowledged late, still unresolved after two hours: compliance is paged.
        try registry.act("eli") { try $0.acknowledgeIncident(1, note: "looking") }
        registry.clock = incident.openedAt.addingTimeInterval(2 * 3600 + 1)
        registry.apply(try #require(try registry.rules(GovernanceRules.incidentActor).dueIncidentActs(alerts: [])))
        #expect(registry.snapshot.incidents[0].escalations.map { "\($0.clock.rawValue) \($0.paged.rawValue)" } == ["response tech_lead", "resolution compliance_officer"])
        #expect(IncidentClocks(.low).response == 7 * 86_400 && IncidentClocks(.medium).detection == 3600 && IncidentClocks(.high).resolution == 4 * 3600)
    }

    @Test func eachActIsForThePlaybooksRoles() throws {
        let registry = registry()
        let onset = registry.clock
        registry.apply(try #require(try registry.rules(GovernanceRules.incidentActor).dueIncidentActs(
            alerts: [Self.alert(1, .fairnessDrift, at: onset), Self.alert(2, .conceptDrift, at: onset)])))
        // dee (security_team) takes no part in either playbook.
        #expect(throws: GovernanceError.self) { try registry.rules("dee").acknowledgeIncident(2, note: nil) }
        try registry.act("bo") { try $0.acknowledgeIncident(2, note: "on it") }
        #expect(throws: GovernanceError.self) { try registry.rules("hal").acknowledgeIncident(2, note: nil) }
        // bo takes it; bo may not hand it to ana; gus (tech_lead) may; nobody gets it who has no part.
        try registry.act("bo") { try $0.assignIncident(2, to: "bo", reason: nil) }
        #expect(throws: GovernanceError.self) { try registry.rules("bo").assignIncident(2, to: "ana", reason: nil) }
        #expect(throws: GovernanceError.self) { try registry.rules("gus").assignIncident(2, to: "dee", reason: nil) }
        #expect(throws: GovernanceError.self) { try registry.rules("ana").resolveIncident(2, resolution: "fixed") }
        #expect(throws: GovernanceError.self) { try registry.rules("bo").resolveIncident(2, resolution: "  ") }
        #expect(throws: GovernanceError.self) { try registry.rules("gus").reviewIncident(2, notes: "too early") }
        try registry.act("bo") { try $0.resolveIncident(2, resolution: "retrained on recent data; concept check clear") }
        #expect(throws: GovernanceError.self) { try registry.rules("bo").acknowledgeIncident(2, note: nil) }
        try registry.act("gus") { try $0.reviewIncident(2, notes: "labels arrived late; add a data quality check") }
        #expect(throws: GovernanceError.self) { try registry.rules("gus").reviewIncident(2, notes: "again") }
        let done = registry.snapshot.incidents[1]
        #expect(done.state == .resolved && done.resolvedBy == "bo" && done.reviewedBy == "gus" && done.reviewDue == done.resolvedAt?.addingTimeInterval(48 * 3600))
        // A fairness incident: a tech_lead may not resolve it, the Ethics Committee does.
        #expect(throws: GovernanceError.self) { try registry.rules("gus").resolveIncident(1, resolution: "rolled back") }
        try registry.act("gus") { try $0.assignIncident(1, to: "gus", reason: "I lead it") }
        #expect(throws: GovernanceError.self) { try registry.rules("gus").resolveIncident(1, resolution: "rolled back") }
        let resolved = try registry.act("eli") { try $0.resolveIncident(1, resolution: "rolled back to 0.9.0; remediation plan approved") }
        #expect(resolved.operations.map(\.audit.action) == ["incident.resolve"] && resolved.actor == "eli")
        #expect(resolved.operations.first?.audit.subject == "kws@1.0.0 incident 1")
    }
}
