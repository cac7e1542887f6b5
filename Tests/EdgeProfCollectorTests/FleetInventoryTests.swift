import EdgeProfAgent
import EdgeProfCore
import Foundation
import Testing

/// Issue 14 §1: the collector knows every device an agent has seen, on both stores: its class,
/// bench, firmware, what it announced serving and when it was last seen, following its newest
/// run even when an older one arrives late; people label it through the governance rules.
@Suite(.serialized) struct FleetInventoryTests {
    static func upload(serial: String, bench: String, firmware: String = "x", at seconds: TimeInterval, key: String = UUID().uuidString) -> RunUpload {
        var upload = Uploads.upload(key: key, bench: bench)
        upload.run.board.serial = serial
        upload.run.board.firmwareBuild = firmware
        upload.context.startedAt = Date(timeIntervalSince1970: 1_800_000_000 + seconds)
        upload.context.finishedAt = Date(timeIntervalSince1970: 1_800_000_002 + seconds)
        return upload
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func devicesFollowTheirNewestRunAndCarryLabels(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        for upload in [
            Self.upload(serial: "A", bench: "bench-1", firmware: "fw-1", at: 0), Self.upload(serial: "A", bench: "bench-1", firmware: "fw-2", at: 100),
            Self.upload(serial: "B", bench: "bench-2", at: 50), Self.upload(serial: "A", bench: "bench-1", firmware: "fw-0", at: -100),
        ] {
            _ = try await fixture.store.ingest(upload, contentSHA256: upload.contentSHA256)
        }
        let registry = fixture.store.registry
        let devices = try await registry.fleetDevices(FleetQuery())
        #expect(devices.map(\.device) == ["b:A", "b:B"])
        let a = try #require(devices.first)
        #expect(a.firmwareBuild == "fw-2", "the newest run decides, not the last delivered")
        #expect(a.lastRunID == 2 && a.lastSeenAt == Date(timeIntervalSince1970: 1_800_000_102))
        #expect(a.firstSeenAt == Date(timeIntervalSince1970: 1_799_999_900), "a late older run moves the first sighting back")
        #expect(a.bench == "bench-1" && a.deviceClass == "sim-cortex-m4" && a.serving.registered.description == "kws@1.0.0")
        #expect(a.serving.artifactSHA256 == LiveCollector.sha && a.serving.announcedModel == "kws")
        #expect(try await registry.fleetDevices(FleetQuery(bench: "bench-2")).map(\.device) == ["b:B"])
        #expect(try await registry.fleetDevices(FleetQuery(deviceClass: "m7")).isEmpty)
        #expect(try await registry.fleetDevice("b:C") == nil)

        let lead = GovernanceService(store: registry, actor: "lead")
        try await lead.addActor(name: "lead", roles: [.techLead])
        try await lead.addActor(name: "sci", roles: [.dataScientist])
        let labelled = try await lead.labelDevice("b:A", set: ["site": "lab-2", "rack": "3"], remove: [], reason: "new shelf")
        #expect(labelled.labels == ["site": "lab-2", "rack": "3"])
        #expect(try await registry.fleetDevices(FleetQuery(label: FleetLabel(key: "site", value: "lab-2"))).map(\.device) == ["b:A"])
        await #expect(throws: AgentError.self, "a data scientist runs no devices") {
            _ = try await GovernanceService(store: registry, actor: "sci").labelDevice("b:A", set: ["x": "y"], remove: [], reason: "mine")
        }
        do {
            _ = try await lead.labelDevice("b:C", set: ["x": "y"], remove: [], reason: "x")
            Issue.record("an unknown device was labelled")
        } catch {
            #expect(error.description == "there is no device b:C in the fleet (BOARD:SERIAL, as `edgeprof fleet list` shows them)")
        }
        // A decision made on labels someone changed meanwhile is refused, not applied over theirs.
        let stale = try #require(try await registry.fleetDevice("b:A"))
        _ = try await lead.labelDevice("b:A", set: ["owner": "vision"], remove: [], reason: "team")
        let snapshot = try await registry.snapshot(model: "")
        let late = try GovernanceRules(snapshot: snapshot, policy: try snapshot.policyInForce.parsed(), actor: "lead", now: Date())
            .labelDevice(stale, set: ["site": "lab-3"], remove: [], reason: "late")
        await #expect(throws: StoreError.self) { _ = try await registry.commit(late) }
        #expect(try await registry.fleetDevice("b:A")?.labels == ["site": "lab-2", "rack": "3", "owner": "vision"])
        _ = try await lead.labelDevice("b:A", set: [:], remove: ["rack", "owner"], reason: "shelf gone")
        let later = Self.upload(serial: "A", bench: "bench-1", firmware: "fw-3", at: 200)
        _ = try await fixture.store.ingest(later, contentSHA256: later.contentSHA256)
        #expect(try await registry.fleetDevice("b:A")?.labels == ["site": "lab-2"], "a new run keeps the labels people gave")
        let trail = try await registry.auditTrail()
        #expect(trail.filter { $0.action == "device.label" }.map(\.after) == [
            #"{"labels":{"rack":"3","site":"lab-2"}}"#, #"{"labels":{"owner":"vision","rack":"3","site":"lab-2"}}"#, #"{"labels":{"site":"lab-2"}}"#,
        ])
        #expect(AuditChain.verify(trail) == .intact(entries: trail.count))
    }

    /// A database whose runs were stored before the inventory existed gets it from those runs
    /// when this version first opens it (the migration is undone here by hand to get one).
    @Test(arguments: CollectorStoreContractTests.kinds) func olderRunsFillTheInventoryOnUpgrade(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        for upload in [Self.upload(serial: "A", bench: "bench-1", firmware: "fw-1", at: 0), Self.upload(serial: "B", bench: "bench-2", at: 50)] {
            _ = try await fixture.store.ingest(upload, contentSHA256: upload.contentSHA256)
        }
        let before = try await fixture.store.registry.fleetDevices(FleetQuery())
        switch kind {
        case .sqlite:
            _ = try await fixture.execute("DROP TABLE fleet_device; DELETE FROM grdb_migrations WHERE identifier LIKE 'v18:%' OR identifier LIKE 'v20:%' OR identifier LIKE 'v28:%' OR identifier LIKE 'v29:%'")
        case .postgres:
            _ = try await fixture.execute("DROP TABLE fleet_device; DELETE FROM edgeprof_migration WHERE version IN (12, 14, 21, 22)")
        }
        let upgraded = try await fixture.another()
        defer { upgraded.close() }
        #expect(try await upgraded.store.registry.fleetDevices(FleetQuery()) == before)
        #expect(before.map(\.device) == ["b:A", "b:B"])
    }
}
