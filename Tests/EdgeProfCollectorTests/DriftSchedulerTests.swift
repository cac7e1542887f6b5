@testable import EdgeProfCollector
import EdgeProfAgent
import EdgeProfCore
import EdgeProfSim
import Foundation
import Logging
import Testing

/// Issue 15 §5 on both stores: the drift scheduler checks each due window once — even with two
/// collectors on one database sweeping at the same moment — catches up after downtime, raises
/// a drift alert on the class that changed and on no other, resolves it when the change is gone,
/// opens one incident for it that people work on the same store, and takes over a window whose
/// collector died holding it.
@Suite(.serialized) struct DriftSchedulerTests {
    static func scheduler(_ store: any CollectorStore, _ name: String, now: Date, lease: TimeInterval = 600) -> DriftScheduler {
        var scheduler = DriftScheduler(store: store, logger: Logger(label: "drift-test"), sweep: .seconds(300), webhooks: [])
        scheduler.collector = name
        scheduler.clock = { now }
        scheduler.lease = lease
        return scheduler
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func twoCollectorsCheckEachWindowOnceAndOnlyTheChangedClassFires(kind: StoreKind) async throws {
        let first = try await StoreUnderTest.make(kind)
        defer { first.close() }
        let second = try await first.another()
        defer { second.close() }
        try await DriftTraffic.enroll(first.store)
        var traffic = DriftTraffic()
        traffic.effects[9] = [(.featureShift(feature: "signal", sigmas: 1), "mcu-m7")]
        try await traffic.send(0..<16, to: first.store)

        // Day 16, 02:00: days 0 to 15 and weeks 0 and 1 are due (the grace is an hour).
        let now = DriftTraffic.day(16).addingTimeInterval(7200)
        async let a = Self.scheduler(first.store, "collector-a", now: now).checkDueWindows()
        async let b = Self.scheduler(second.store, "collector-b", now: now).checkDueWindows()
        let (doneByA, doneByB) = await (a, b)
        let done = doneByA + doneByB
        #expect(done.count == 18 && Set(done).count == 18, "every due window completed once: \(doneByA.count) by a, \(doneByB.count) by b")
        #expect(try await first.store.completedDriftWindows(.daily).count == 16)
        #expect(try await first.store.completedDriftWindows(.weekly).count == 2)
        // A third sweep finds nothing left.
        #expect(await Self.scheduler(first.store, "collector-a", now: now).checkDueWindows().isEmpty)

        let history = try await first.store.driftHistory(DriftHistoryQuery(model: "kws", limit: 10_000))
        // Days 7 to 15 after the 7-day reference, two classes, four daily kinds; week 1, three weekly kinds.
        let expectedChecks: Int = 9 * 2 * 4 + 2 * 3
        #expect(history.count == expectedChecks, "\(history.count) checks")
        #expect(Set(history.map { "\($0.subject)|\($0.kind)|\($0.windowStart)" }).count == history.count, "no check stored twice")
        #expect(history.allSatisfy { $0.policySHA256 == PolicyRecord.builtIn.sha256 && ["collector-a", "collector-b"].contains($0.checkedBy) })
        let firing: [String] = history.filter { $0.outcome.state == .firing }.map { check in
            "\(check.kind.rawValue) \(check.subject.deviceClass) \(check.windowStart): \(check.outcome.summary)"
        }
        let expected = "data mcu-m7 \(DriftTraffic.day(9))"
        #expect(firing.count == 1 && firing.first?.hasPrefix(expected) == true, "only the injected change fires: \(firing)")
        #expect(history.filter { $0.outcome.state == .inconclusive }.isEmpty, "300 labelled requests a day per device are enough for every check")

        let alerts: [String] = try await first.store.alerts(model: "kws@1.0.0", openedSince: .distantPast).map { alert in
            "\(alert.rule.rawValue) \(alert.key.deviceClass) \(alert.key.device) \(alert.severity.rawValue) \(alert.state.rawValue)"
        }
        #expect(alerts == ["data-drift mcu-m7 telemetry medium resolved"], "opened on day 9's window, resolved by day 10's: \(alerts)")

        // The alert opened an incident; people work it, on this store's incident rows.
        let watcher = IncidentWatcher(store: first.store, logger: Logger(label: "incident-test"), sweep: .seconds(3600))
        await watcher.sweepAll()
        let lead = GovernanceService(store: first.store.registry, actor: "lead")
        try await lead.addActor(name: "lead", roles: [.techLead])
        let incident = try #require(try await lead.incidents().first)
        #expect(incident.playbook == .performanceDegradation && incident.deviceClass == "mcu-m7" && incident.severity == .medium)
        _ = try await lead.acknowledgeIncident(incident.id, note: "looking")
        _ = try await lead.assignIncident(incident.id, to: "lead", reason: nil)
        let resolved = try await lead.resolveIncident(incident.id, resolution: "a sensor's gain changed for a day")
        #expect(resolved.state == .resolved && resolved.assignee == "lead" && resolved.acknowledgedBy == "lead")
        _ = try await lead.reviewIncident(incident.id, notes: "calibrate gains on boot")
        #expect(try await lead.incident(incident.id).reviewedBy == "lead")
        await #expect(throws: AgentError.self) { _ = try await lead.reviewIncident(incident.id, notes: "again") }
        // A second collector's sweep finds nothing more to open.
        await IncidentWatcher(store: second.store, logger: Logger(label: "incident-test"), sweep: .seconds(3600)).sweepAll()
        #expect(try await lead.incidents().count == 1)

        // The history is filtered as asked.
        let dataOnly = try await first.store.driftHistory(DriftHistoryQuery(model: "kws", version: "1.0.0", kind: .data, deviceClass: "mcu-m7", limit: 3))
        #expect(dataOnly.map(\.windowStart) == [DriftTraffic.day(15), DriftTraffic.day(14), DriftTraffic.day(13)])
    }

    /// 004 §6.2: accuracy below 0.80 for 3 consecutive weeks proposes retirement. mcu-m7 answers
    /// wrong 25 % of the time in weeks 1 to 3: its accuracy floor fires each week, the proposal
    /// only after the third, as a retirement incident paging the ML lead; a good week 4 resolves it.
    @Test(arguments: CollectorStoreContractTests.kinds) func threeWeeksBelowTheAccuracyFloorProposeRetirement(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        try await DriftTraffic.enroll(fixture.store)
        var traffic = DriftTraffic()
        traffic.requestsPerDevicePerDay = 30
        for day in 7..<28 { traffic.effects[day] = [(.conceptChange(extraErrorRate: 0.15), "mcu-m7")] }
        try await traffic.send(0..<21, to: fixture.store)
        let proposals = { () async throws -> [Alert] in
            try await fixture.store.alerts(model: "kws@1.0.0", openedSince: .distantPast).filter { $0.rule == .retirementProposal }
        }
        await Self.scheduler(fixture.store, "collector-a", now: DriftTraffic.day(21).addingTimeInterval(7200)).checkDueWindows()
        #expect(try await proposals().isEmpty, "two weeks below the floor are not three")
        try await traffic.send(21..<28, to: fixture.store)
        await Self.scheduler(fixture.store, "collector-a", now: DriftTraffic.day(28).addingTimeInterval(7200)).checkDueWindows()
        let floors = try await fixture.store.driftHistory(DriftHistoryQuery(model: "kws", kind: .accuracyFloor, limit: 20))
        let firing = floors.filter { $0.outcome.state == .firing }
        #expect(firing.count == 3 && firing.allSatisfy { $0.subject.deviceClass == "mcu-m7" && ($0.outcome.value ?? 1) < 0.8 }, "\(floors.map(\.outcome.summary))")
        let proposal = try #require(try await proposals().first)
        #expect(proposal.key.deviceClass == "mcu-m7" && proposal.state == .open && proposal.severity == .high)
        #expect(proposal.finding.summary.hasPrefix("accuracy below 0.800 for 3 consecutive weeks (2026-09-14 "), "\(proposal.finding.summary)")
        await IncidentWatcher(store: fixture.store, logger: Logger(label: "incident-test"), sweep: .seconds(3600)).sweepAll()
        let incidents = try await fixture.store.registry.incidents()
        let retirement = try #require(incidents.first { $0.playbook == .retirement })
        #expect(retirement.paged == [.techLead] && retirement.alertIDs == [proposal.id] && retirement.deviceClass == "mcu-m7")
        #expect(!incidents.contains { $0.deviceClass == "mcu-m4" }, "mcu-m4 stayed right 90 % of the time")

        traffic.effects = [:]
        try await traffic.send(28..<35, to: fixture.store)
        await Self.scheduler(fixture.store, "collector-a", now: DriftTraffic.day(35).addingTimeInterval(7200)).checkDueWindows()
        #expect(try await proposals().first?.state == .resolved, "a week back above the floor resolves the proposal")
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func aCollectorThatDiedHoldingAWindowIsTakenOverAfterItsLease(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        try await DriftTraffic.enroll(fixture.store)
        var traffic = DriftTraffic()
        traffic.requestsPerDevicePerDay = 60
        try await traffic.send(0..<9, to: fixture.store)
        let now = DriftTraffic.day(9).addingTimeInterval(7200)
        let stuck = DriftWindow(cadence: .daily, containing: DriftTraffic.day(2))
        #expect(try await fixture.store.claimDriftWindow(stuck, collector: "crashed", at: Date(), lease: 600))
        // Within the lease the window is someone else's: the sweep stops there, in order.
        let polite = await Self.scheduler(fixture.store, "collector-a", now: now).checkDueWindows()
        #expect(polite.filter { $0.cadence == .daily }.map(\.start) == [DriftTraffic.day(0), DriftTraffic.day(1)])
        #expect(!(try await fixture.store.completeDriftWindow(stuck, collector: "collector-a", checks: [], at: Date())), "only the holder completes a window")
        // After it, the window is taken over and the rest follow.
        let takeover = await Self.scheduler(fixture.store, "collector-a", now: now, lease: 0).checkDueWindows()
        #expect(takeover.filter { $0.cadence == .daily }.map(\.start) == (2...8).map(DriftTraffic.day))
        #expect(!(try await fixture.store.completeDriftWindow(stuck, collector: "crashed", checks: [], at: Date())), "the dead holder's late completion is refused")
        // 60 requests a device a day are too few: day 7 and 8 are checked and inconclusive, and say why.
        let history = try await fixture.store.driftHistory(DriftHistoryQuery(model: "kws", kind: .concept, limit: 10))
        #expect(history.isEmpty, "no whole week after the reference yet")
        let daily = try await fixture.store.driftHistory(DriftHistoryQuery(model: "kws", kind: .prediction, limit: 10))
        #expect(daily.count == 4 && daily.allSatisfy { $0.outcome.state == .clear || $0.outcome.state == .inconclusive })
    }
}
