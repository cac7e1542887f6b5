@testable import EdgeProfCollector
import EdgeProfAgent
import EdgeProfCore
import EdgeProfSim
import Foundation
import Logging
import Testing

/// Issue 15's "done when": a simulated fleet of 12 devices on three classes
/// serves lm@1.0.0 and reports its inferences through the API for three weeks. After a clean
/// reference week, five changes are injected one at a time on sim-cortex-m7 — a feature shift, a
/// label shift, a score shift, a group-specific error increase (a day each) and a concept change
/// (a week). Each fires its kind of drift at its severity on the next scheduled window, opens the
/// incident of its playbook (a fairness one pages the Ethics Committee), reaches a real
/// Alertmanager and, once the change is gone, resolves there; nothing fires on the other classes.
@Suite(.serialized) struct ProductionMonitoringEndToEndTests {
    static let affected = "sim-cortex-m7"

    /// What each step expects: the window that detects it, its alert rule and severity, and its playbook.
    struct Injection {
        var name: String
        var effect: InjectedDrift
        var days: Range<Int>
        var rule: MonitorRule
        var playbook: Playbook
        /// The scheduler's clock (days after the start) at which the window has been checked.
        var detectedBy: Int
        var clearedBy: Int
    }

    static let injections = [
        Injection(name: "feature shift", effect: .featureShift(feature: "signal", sigmas: 1), days: 7..<8, rule: .dataDrift, playbook: .performanceDegradation, detectedBy: 8, clearedBy: 9),
        Injection(name: "label shift", effect: .labelShift(label: "class-2", share: 0.3), days: 9..<10, rule: .labelDrift, playbook: .performanceDegradation, detectedBy: 10, clearedBy: 11),
        Injection(name: "score shift", effect: .scoreShift(by: -0.1), days: 11..<12, rule: .predictionDrift, playbook: .performanceDegradation, detectedBy: 12, clearedBy: 13),
        Injection(
            name: "group-specific errors", effect: .groupErrorIncrease(attribute: "age_group", group: "50+", extraErrorRate: 0.3), days: 13..<14, rule: .fairnessDrift,
            playbook: .fairnessAlert, detectedBy: 14, clearedBy: 15),
        Injection(name: "concept change", effect: .conceptChange(extraErrorRate: 0.08), days: 14..<21, rule: .conceptDrift, playbook: .performanceDegradation, detectedBy: 21, clearedBy: 28),
    ]

    // SQLite only: the suite shares two cores, and the stores' drift and incident rows are tested
    // on both in DriftSchedulerTests. The limit bounds a hang, not a speed.
    @Test(.timeLimit(.minutes(10))) func eachInjectedChangeIsDetectedRaisedPagedAndResolved() async throws {
        let alertmanager = try AlertmanagerProcess()
        defer { alertmanager.stop() }
        try await alertmanager.start()
        let collector = try await LiveCollector.start(on: .sqlite, settings: CollectorSettings(alertmanager: AlertmanagerSettings(url: alertmanager.url, intervalSeconds: 0.2)))
        defer { Task { await collector.stop() } }
        let registry = collector.store.registry
        let sha = try await BoardInstallTests.register("1.0.0", bytes: SimulatedArtifacts.fast, in: registry)
        try await BoardInstallTests.place("1.0.0", from: .development, to: .production, in: registry)
        let lead = GovernanceService(store: registry, actor: "lead")
        try await lead.addActor(name: "lead", roles: [.techLead])
        try await lead.addActor(name: "ana", roles: [.mlEngineer])
        try await lead.addActor(name: "eli", roles: [.ethicsCommittee])
        let fleet = try FleetSimulatorTests.fleet(collector, devices: 12, sha: sha)
        let version = ModelReference(name: "lm", version: SemanticVersion(major: 1, minor: 0, patch: 0))
        let refused = await fleet.enroll(as: version)
        #expect(refused.isEmpty, "\(refused)")
        _ = await fleet.round()

        // Four weeks back, on a Monday: the telemetry is within the 90-day retention and in the past.
        let start = DriftWindow(cadence: .weekly, containing: Date().addingTimeInterval(-28 * 86_400)).start
        @Sendable func day(_ number: Int) -> Date { start.addingTimeInterval(Double(number) * 86_400) }
        for number in 0..<28 {
            var effects = FleetSimulator.TelemetryEffects()
            for injection in Self.injections where injection.days.contains(number) { effects.drift.append((injection.effect, Self.affected)) }
            // One report a day of 150 requests a device: 600 requests a class in each daily window.
            let sent = await fleet.emitTelemetry(batch: number + 1, requestsPerDevice: 150, effects: effects, at: day(number).addingTimeInterval(43_200))
            #expect(sent.failed.isEmpty && sent.records == 1800, "\(sent)")
        }

        let incidents = IncidentWatcher(store: collector.store, logger: Logger(label: "incidents-test"), sweep: .seconds(3600))
        func step(to number: Int) async {
            var scheduler = DriftScheduler(store: collector.store, logger: Logger(label: "drift-test"), sweep: .seconds(3600), webhooks: [])
            let now = day(number).addingTimeInterval(7200)
            scheduler.clock = { now }
            scheduler.collector = "e2e"
            await scheduler.checkDueWindows()
            await incidents.sweepAll()
        }
        let model = version.description
        for injection in Self.injections {
            await step(to: injection.detectedBy)
            let live = try await collector.store.alerts(model: model, openedSince: .distantPast).filter { $0.state != .resolved }
            let alert = try #require(live.first { $0.rule == injection.rule }, "\(injection.name): no \(injection.rule.rawValue) alert; live: \(live.map(\.rule))")
            #expect(alert.key.deviceClass == Self.affected && alert.severity == injection.rule.defaultSeverity, "\(injection.name)")
            #expect(live.allSatisfy { $0.key.deviceClass == Self.affected }, "\(injection.name): an unchanged class fired: \(live.map { "\($0.rule) \($0.key.deviceClass)" })")

            let incident = try #require(try await lead.incidents().first { $0.alertIDs.contains(alert.id) }, "\(injection.name): no incident answers alert \(alert.id)")
            #expect(incident.playbook == injection.playbook && incident.severity == alert.severity && incident.deviceClass == Self.affected)
            #expect(incident.paged == (injection.playbook == .fairnessAlert ? [.ethicsCommittee] : []))

            let posted = try await AlertmanagerTests().waitFor(alertmanager) { alerts in
                alerts.contains { AlertmanagerTests.labels($0)["edgeprof_alert_id"] == String(alert.id) }
                    && alerts.contains { AlertmanagerTests.labels($0)["edgeprof_incident_id"] == String(incident.id) }
            }
            let firing = try #require(posted.first { AlertmanagerTests.labels($0)["edgeprof_alert_id"] == String(alert.id) }, "\(injection.name) never reached Alertmanager")
            #expect(AlertmanagerTests.labels(firing)["alertname"] == injection.rule.rawValue && AlertmanagerTests.labels(firing)["device_class"] == Self.affected)
            let page = try #require(posted.first { AlertmanagerTests.labels($0)["edgeprof_incident_id"] == String(incident.id) })
            #expect(AlertmanagerTests.labels(page)["playbook"] == injection.playbook.rawValue)
            if injection.playbook == .fairnessAlert { #expect(AlertmanagerTests.labels(page)["notify"] == "ethics_committee") }

            // People work it: acknowledged through the API, resolved by whom the playbook names.
            let ack = try await collector.request(
                .POST, "/v1/incidents/\(incident.id)/acknowledge", token: collector.personToken, body: try JSONCoding.encoder.encode(RegistryRequests.AcknowledgeIncident(note: "looking")))
            #expect(ack.status == 200, "\(ack.body)")
            let resolver = GovernanceService(store: registry, actor: injection.playbook == .fairnessAlert ? "eli" : "lead")
            _ = try await resolver.resolveIncident(incident.id, resolution: "\(injection.name) understood; the change is gone")

            // The change is gone: the next window clears the alert, and Alertmanager lets it go.
            await step(to: injection.clearedBy)
            let after = try await collector.store.alerts(model: model, openedSince: .distantPast).first { $0.id == alert.id }
            #expect(after?.state == .resolved, "\(injection.name): alert \(alert.id) is \(after?.state.rawValue ?? "gone")")
            let cleared = try await AlertmanagerTests().waitFor(alertmanager) { alerts in
                !alerts.contains { AlertmanagerTests.labels($0)["edgeprof_alert_id"] == String(alert.id) }
            }
            #expect(!cleared.contains { AlertmanagerTests.labels($0)["edgeprof_alert_id"] == String(alert.id) }, "\(injection.name): still active in Alertmanager")
        }

        // The time series: each kind fired in the window its change was in, and only there.
        let history = try await collector.store.driftHistory(DriftHistoryQuery(model: "lm", limit: 10_000))
        let fired = history.filter { $0.outcome.state == .firing }.sorted { $0.windowStart < $1.windowStart }.map { "\($0.kind.rawValue) \($0.subject.deviceClass) \($0.windowStart)" }
        #expect(fired == [
            "data \(Self.affected) \(day(7))", "label \(Self.affected) \(day(9))", "prediction \(Self.affected) \(day(11))", "fairness \(Self.affected) \(day(13))",
            "concept \(Self.affected) \(day(14))",
        ], "\(fired)")
        #expect(history.filter { $0.subject.deviceClass != Self.affected }.allSatisfy { $0.outcome.state == .clear }, "the unchanged classes stay clear, never inconclusive")
        let trail = try await collector.request(.GET, "/v1/audit?model=lm", token: collector.personToken)
        #expect(trail.body.contains("incident.open") && trail.body.contains("incident.acknowledge") && trail.body.contains("incident.resolve"))
    }
}
