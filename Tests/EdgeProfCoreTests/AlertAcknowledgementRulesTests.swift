@testable import EdgeProfCore
import Foundation
import Testing

/// Acknowledging an alert is a governance act: the fleet's operators may, once, while it is open.
struct AlertAcknowledgementRulesTests {
    static func alert(_ state: AlertState) -> Alert {
        Alert(
            id: 7, rule: .latencyBand, severity: .high, key: MonitorKey(model: "kws@1.0.0", deviceClass: "m4", device: "b:s"), state: state,
            finding: MonitorFinding(rule: .latencyBand, severity: .high, state: .firing, summary: "outside"),
            openedAt: Date(timeIntervalSince1970: 1_800_000_000), lastSeenAt: Date(timeIntervalSince1970: 1_800_000_000),
            acknowledgedBy: state == .acknowledged ? "bo" : nil, occurrences: 1, firstRunID: 3, lastRunID: 3)
    }

    @Test func anOperatorAcknowledgesAnOpenAlertWithTheAuditSayingSo() throws {
        let registry = Registry()
        registry.addTeam()
        let change = try registry.rules("bo").acknowledgeAlert(Self.alert(.open), reason: "  looking  ")
        guard case .acknowledgeAlert(let acknowledgement) = change.operations.first else {
            Issue.record("expected an acknowledgement: \(change.operations)")
            return
        }
        #expect(acknowledgement.alertID == 7 && acknowledgement.actor == "bo" && acknowledgement.reason == "looking")
        let audit = change.operations[0].audit
        #expect(audit.action == "alert.acknowledge" && audit.subject == "alert 7" && audit.reason == "looking")
        #expect(audit.after?.contains("\"device\":\"b:s\"") == true && audit.before == "{\"state\":\"open\"}")
        #expect(try registry.rules("hal").acknowledgeAlert(Self.alert(.open), reason: nil).operations.count == 1, "a tech_lead too")
        guard case .acknowledgeAlert(let blank) = try registry.rules("gus").acknowledgeAlert(Self.alert(.open), reason: "   ").operations.first else { return }
        #expect(blank.reason == nil, "a blank note is no note")
    }

    @Test func othersAndStaleAlertsAreRefused() {
        let registry = Registry()
        registry.addTeam()
        for viewer in ["ana", "dee", "eli", "fay", "nobody"] {
            #expect(throws: GovernanceError.self, "\(viewer) may not acknowledge") { try registry.rules(viewer).acknowledgeAlert(Self.alert(.open), reason: nil) }
        }
        #expect(throws: GovernanceError.illegalMove("alert 7 was already acknowledged by bo")) { try registry.rules("bo").acknowledgeAlert(Self.alert(.acknowledged), reason: nil) }
        #expect(throws: GovernanceError.self) { try registry.rules("bo").acknowledgeAlert(Self.alert(.resolved), reason: nil) }
        #expect(throws: GovernanceError.self, "a note is bounded") {
            try registry.rules("bo").acknowledgeAlert(Self.alert(.open), reason: String(repeating: "x", count: 2001))
        }
    }
}
