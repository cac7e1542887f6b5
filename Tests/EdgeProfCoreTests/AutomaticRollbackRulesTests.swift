@testable import EdgeProfCore
import Foundation
import Testing

/// Issue 14 §4: the system rolls a production version back after 2+ critical alerts within
/// 24 h (policy-configurable) — through the rollback rule, as the system actor, with the alerts
/// in the audited reason — and in no other case.
@Suite struct AutomaticRollbackRulesTests {
    /// kws 1.0.0 then 1.1.0 shipped to production; the clock an hour after 1.1.0 began serving.
    func twoReleases() throws -> Registry {
        let registry = Registry()
        registry.addTeam()
        try registry.ship("1.0.0")
        registry.clock += 86_400
        try registry.ship("1.1.0")
        registry.clock += 3600
        return registry
    }

    func alert(_ id: Int64, _ version: String, _ severity: AlertSeverity = .critical, openedSecondsAgo: Double, now: Date, device: String = "b:A") -> Alert {
        let finding = MonitorFinding(rule: .p95Above, severity: severity, state: .firing, summary: "p95 above 120 ms")
        let opened = now.addingTimeInterval(-openedSecondsAgo)
        return Alert(
            id: id, rule: .p95Above, severity: severity, key: MonitorKey(model: "kws@\(version)", deviceClass: "m4", device: device), state: .open,
            finding: finding, openedAt: opened, lastSeenAt: opened, occurrences: 1, firstRunID: id, lastRunID: id)
    }

    var system: String { GovernanceRules.automaticRollbackActor }

    @Test func twoCriticalAlertsRollTheServingVersionBack() throws {
        let registry = try twoReleases()
        let now = registry.clock
        let alerts = [alert(7, "1.1.0", openedSecondsAgo: 600, now: now), alert(9, "1.1.0", openedSecondsAgo: 60, now: now, device: "b:B")]
        #expect(registry.rules(system).automaticRollbackIsDue(alerts))
        let decision = try registry.move(system) { try $0.automaticRollback(alerts: alerts, evidence: registry.evidence) }
        #expect(decision.subject == Registry.reference("1.0.0"))
        #expect(registry.snapshot.serving?.reference == Registry.reference("1.0.0"))
        let rolledBack = try #require(registry.snapshot.transitions.last { $0.reference == Registry.reference("1.1.0") })
        #expect(rolledBack.to == .rollback && rolledBack.actor == system)
        #expect(rolledBack.reason.hasPrefix("automatic rollback: 2 critical alerts on kws@1.1.0 within 24 h (policy: 2): #7 p95-above on b:A at "), "\(rolledBack.reason)")
        #expect(rolledBack.reason.contains("#9 p95-above on b:B"))
        #expect(decision.change.policySHA256 == registry.policy.sha256, "decided under the policy in force")
        #expect(!registry.rules(system).automaticRollbackIsDue(alerts), "the alerts were on 1.1.0: the restored version has none, so nothing happens twice")
        #expect(throws: GovernanceError.self) { try registry.rules(system).automaticRollback(alerts: alerts, evidence: registry.evidence) }
    }

    @Test func whatDoesNotCount() throws {
        let registry = try twoReleases()
        let now = registry.clock
        let one = [alert(1, "1.1.0", openedSecondsAgo: 60, now: now)]
        #expect(!registry.rules(system).automaticRollbackIsDue(one), "one critical alert")
        #expect(throws: GovernanceError.blocked("kws@1.1.0 has 1 critical alert(s) within 24 h of serving; the policy rolls back at 2", outcome: .fail)) {
            try registry.rules(system).automaticRollback(alerts: one, evidence: registry.evidence)
        }
        let notCounted = [
            alert(2, "1.1.0", .high, openedSecondsAgo: 60, now: now),  // not critical
            alert(3, "1.0.0", openedSecondsAgo: 60, now: now),  // another version
            alert(4, "1.1.0", openedSecondsAgo: 2 * 3600, now: now),  // before 1.1.0 began serving
            alert(5, "1.1.0", openedSecondsAgo: -60, now: now),  // in the future
        ]
        #expect(registry.rules(system).rollbackTriggers(one + notCounted).map(\.id) == [1])
        #expect(!registry.rules(system).automaticRollbackIsDue(one + notCounted))

        registry.clock += 30 * 3600
        let later = registry.clock
        let spread = [alert(6, "1.1.0", openedSecondsAgo: 25 * 3600, now: later), alert(8, "1.1.0", openedSecondsAgo: 60, now: later)]
        #expect(!registry.rules(system).automaticRollbackIsDue(spread), "two alerts 25 h apart are not within 24 h")
        registry.policy.rollbackWindowHours = 48
        #expect(registry.rules(system).automaticRollbackIsDue(spread), "a policy with a 48 h window counts both")
    }

    @Test func onlyTheSystemUnderAPolicyThatAllowsIt() throws {
        let registry = try twoReleases()
        let now = registry.clock
        let alerts = [alert(1, "1.1.0", openedSecondsAgo: 60, now: now), alert(2, "1.1.0", openedSecondsAgo: 30, now: now)]
        #expect(throws: GovernanceError.notPermitted("only the system (system:auto-rollback) rolls back automatically; people use `edgeprof model rollback`")) {
            try registry.rules("gus").automaticRollback(alerts: alerts, evidence: registry.evidence)
        }
        #expect(throws: GovernanceError.self, "nobody can be registered under the system's name") {
            try registry.rules("gus").addActor(name: GovernanceRules.automaticRollbackActor, roles: [.techLead])
        }
        registry.policy.automaticRollback = false
        #expect(!registry.rules(system).automaticRollbackIsDue(alerts))
        #expect(throws: GovernanceError.blocked("automatic rollback is off in the policy in force (fleet: automatic-rollback: false)", outcome: .fail)) {
            try registry.rules(system).automaticRollback(alerts: alerts, evidence: registry.evidence)
        }
        registry.policy.automaticRollback = true
        try registry.act("gus") { try $0.halt(reason: "stop everything") }
        #expect(!registry.rules(system).automaticRollbackIsDue(alerts), "a halt wins: nothing serves, nothing rolls back")
        registry.policy.rollbackCriticalAlerts = 3
        #expect(throws: GovernanceError.self) { try registry.rules(system).automaticRollback(alerts: alerts, evidence: registry.evidence) }
    }

    @Test func thePolicyConfiguresIt() throws {
        let policy = try GovernancePolicy(yaml: "fleet: {automatic-rollback: false, rollback-critical-alerts: 3, rollback-window-hours: 12}\n", file: "p.yaml")
        #expect(!policy.automaticRollback && policy.rollbackCriticalAlerts == 3 && policy.rollbackWindowHours == 12)
        let defaults = GovernancePolicy()
        #expect(defaults.automaticRollback && defaults.rollbackCriticalAlerts == 2 && defaults.rollbackWindowHours == 24)
        #expect(throws: ConfigError.self) { try GovernancePolicy(yaml: "fleet: {rollback-critical-alerts: 0}\n", file: "p.yaml") }
        #expect(throws: ConfigError.self) { try GovernancePolicy(yaml: "fleet: {rollback-window-hours: 1000}\n", file: "p.yaml") }
        #expect(throws: ConfigError.self) { try GovernancePolicy(yaml: "fleet: {automatic-rollback: sometimes}\n", file: "p.yaml") }
    }
}
