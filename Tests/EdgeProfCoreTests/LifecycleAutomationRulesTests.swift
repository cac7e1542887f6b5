@testable import EdgeProfCore
import Foundation
import Testing

/// Issue 14 §4: the lifecycle moves the system makes by itself — production → monitoring once a
/// version settled, monitoring → degraded on drift, degraded → monitoring when healthy — through
/// the transition rules as `system:lifecycle`, and the stages that outstay the policy's maximum
/// durations. Nobody else can make these moves, and nothing moves while the model is halted.
@Suite struct LifecycleAutomationRulesTests {
    var system: String { GovernanceRules.lifecycleActor }

    /// kws 1.0.0 shipped to production; the clock at its promotion.
    func shipped() throws -> Registry {
        let registry = Registry()
        registry.addTeam()
        try registry.ship("1.0.0")
        return registry
    }

    func driftAlert(_ id: Int64, _ rule: MonitorRule = .latencyDriftKS, state: AlertState = .open, model: String = "kws@1.0.0") -> Alert {
        let finding = MonitorFinding(rule: rule, severity: .high, state: .firing, summary: "KS p < 0.001")
        return Alert(
            id: id, rule: rule, severity: .high, key: MonitorKey(model: model, deviceClass: "m4", device: "b:A"), state: state,
            finding: finding, openedAt: Date(timeIntervalSince1970: 1_800_000_000), lastSeenAt: Date(timeIntervalSince1970: 1_800_000_000),
            occurrences: 1, firstRunID: id, lastRunID: id)
    }

    @Test func productionSettlesIntoMonitoringThenDriftDegradesItAndHealthReturnsIt() throws {
        let registry = try shipped()
        #expect(registry.rules(system).dueStageMove(alerts: []) == nil, "a version just promoted settles first")
        registry.clock += 23 * 3600
        #expect(registry.rules(system).dueStageMove(alerts: []) == nil)
        registry.clock += 3600
        let settle = try #require(registry.rules(system).dueStageMove(alerts: []))
        #expect(settle.from == .production && settle.to == .monitoring && settle.reason.hasPrefix("settled: in production since "))
        let moved = try registry.move(system) { try $0.automaticStageMove(alerts: []) }
        #expect(moved.to == .monitoring && registry.snapshot.serving?.stage == .monitoring, "monitoring still serves")
        let transition = try #require(registry.snapshot.transitions.last)
        #expect(transition.actor == system && transition.from == .production && transition.to == .monitoring)
        #expect(moved.change.policySHA256 == registry.policy.sha256, "decided under the policy in force")

        let notDrift = [driftAlert(1, .latencyRatio), driftAlert(2, state: .resolved), driftAlert(3, model: "kws@0.9.0")]
        #expect(registry.rules(system).dueStageMove(alerts: notDrift) == nil, "only open drift alerts on the serving version degrade it")
        let drifting = notDrift + [driftAlert(7), driftAlert(8, .energyDriftPSI, state: .acknowledged)]
        let degrade = try #require(registry.rules(system).dueStageMove(alerts: drifting))
        #expect(degrade.to == .degraded && degrade.reason == "drift detected: #7 latency-drift-ks on b:A; #8 energy-drift-psi on b:A")
        try registry.move(system) { try $0.automaticStageMove(alerts: drifting) }
        #expect(registry.snapshot.serving?.stage == .degraded)
        #expect(registry.rules(system).dueStageMove(alerts: drifting) == nil, "degraded while the drift lasts")

        let healthy = notDrift + [driftAlert(7, state: .resolved), driftAlert(8, .energyDriftPSI, state: .resolved)]
        let recover = try #require(registry.rules(system).dueStageMove(alerts: healthy))
        #expect(recover.from == .degraded && recover.to == .monitoring && recover.reason.hasPrefix("healthy: "))
        try registry.move(system) { try $0.automaticStageMove(alerts: healthy) }
        #expect(registry.snapshot.serving?.stage == .monitoring)
    }

    @Test func onlyTheSystemMovesAndNeverWhenHaltedOrTurnedOff() throws {
        let registry = try shipped()
        registry.clock += 25 * 3600
        #expect(throws: GovernanceError.notPermitted("only the system (system:lifecycle) moves stages automatically; people use `edgeprof model promote --to STAGE`")) {
            try registry.rules("gus").automaticStageMove(alerts: [])
        }
        #expect(throws: GovernanceError.self, "nobody can be registered under the system's name") {
            try registry.rules("gus").addActor(name: GovernanceRules.lifecycleActor, roles: [.techLead])
        }
        try registry.act("gus") { try $0.halt(reason: "field report") }
        #expect(registry.rules(system).dueStageMove(alerts: []) == nil, "a halt freezes the lifecycle")
        #expect(throws: GovernanceError.blocked("no automatic stage move is due on kws", outcome: .fail)) {
            try registry.rules(system).automaticStageMove(alerts: [])
        }
        try registry.act("gus") { try $0.resume(reason: "cleared") }
        registry.policy.automaticStageMoves = false
        #expect(registry.rules(system).dueStageMove(alerts: []) == nil, "a policy may leave these moves to people")
        registry.policy.automaticStageMoves = true
        registry.policy.settleHours = 48
        #expect(registry.rules(system).dueStageMove(alerts: []) == nil, "48 h to settle")
    }

    @Test func stagesThatOutstayThePolicyAreNamedWithTheirFigures() throws {
        let registry = try shipped()
        try registry.act("ana") { try $0.register(Registry.model("1.1.0", sha: "b"), metadata: Registry.goodMetadata) }
        #expect(registry.rules(system).stageOverruns().isEmpty, "production has no maximum; 1.1.0 just entered development")
        let entered = try #require(registry.snapshot.version(Registry.reference("1.1.0"))).stageChangedAt
        registry.clock = entered.addingTimeInterval(336 * 3600)
        #expect(registry.rules(system).stageOverruns().isEmpty, "exactly two weeks is still within the limit")
        registry.clock += 1
        let overrun = try #require(registry.rules(system).stageOverruns().first)
        #expect(registry.rules(system).stageOverruns().count == 1)
        #expect(overrun.reference == Registry.reference("1.1.0") && overrun.stage == .development && overrun.limitHours == 336)
        #expect(overrun.summary.hasPrefix("kws@1.1.0 has been in development for 336.0 h since "), "\(overrun.summary)")
        #expect(overrun.summary.hasSuffix("; the policy allows 336 h (lifecycle: max-hours: development)"))
        registry.policy.maxStageHours[.development] = nil
        #expect(registry.rules(system).stageOverruns().isEmpty, "a stage without a maximum never overruns")
        registry.policy.maxStageHours[.production] = 24
        #expect(registry.rules(system).stageOverruns().map(\.reference) == [Registry.reference("1.0.0")])
    }

    @Test func aStageDurationAlertIsListedWithoutARun() throws {
        let finding = MonitorFinding(rule: .stageDuration, severity: .medium, state: .firing, summary: "kws@1.1.0 has been in development for 337.0 h")
        let alert = Alert(
            id: 4, rule: .stageDuration, severity: .medium, key: MonitorKey(model: "kws@1.1.0", deviceClass: "lifecycle", device: "stage:development"),
            state: .open, finding: finding, openedAt: Date(timeIntervalSince1970: 1_800_000_000), lastSeenAt: Date(timeIntervalSince1970: 1_800_000_000),
            occurrences: 1, firstRunID: Alert.noRun, lastRunID: Alert.noRun)
        let row = try #require(AlertListing.table([alert]).split(separator: "\n").last)
        #expect(row.hasPrefix("4     MEDIUM    open          stage-duration     stage:development (lifecycle)  kws@1.1.0  —           kws@1.1.0 has been"), "\(row)")
    }

    @Test func thePolicyFileSetsTheLifecycle() throws {
        let policy = try GovernancePolicy(yaml: """
            lifecycle:
              automatic-moves: false
              settle-hours: 6
              max-hours: {validation: 24, degraded: 12}
            """, file: "governance.yaml")
        #expect(!policy.automaticStageMoves && policy.settleHours == 6)
        #expect(policy.maxStageHours == [.development: 336, .validation: 24, .staging: 168, .degraded: 12])
        #expect(GovernancePolicy().maxStageHours == [.development: 336, .validation: 72, .staging: 168, .degraded: 48], "the governance documents' durations")
        for (text, message) in [
            ("lifecycle: {max-hours: {retired: 5}}", "retired"),
            ("lifecycle: {max-hours: {staging: 0}}", "staging"),
            ("lifecycle: {max-hours: {staging: 9000}}", "at most 8760"),
            ("lifecycle: {settle-hours: 1000}", "at most 720"),
            ("lifecycle: {settle: 3}", "settle"),
        ] {
            #expect {
                _ = try GovernancePolicy(yaml: text, file: "governance.yaml")
            } throws: { error in
                "\(error)".contains(message) && "\(error)".contains("governance.yaml")
            }
        }
    }
}
