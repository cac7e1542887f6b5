import EdgeProfAgent
import EdgeProfCore
import Foundation
import Testing

/// One suite, two registries: SQLite and PostgreSQL keep the governance tables with the same
/// behaviour — all-or-nothing commits, optimistic conflicts, constraints in the schema, an
/// append-only audit chain and immutable content-addressed releases — also when several
/// collectors share the database.
@Suite(.serialized) struct RegistryStoreContractTests {
    let reference = ModelReference(name: "reg", version: SemanticVersion(major: 1, minor: 0, patch: 0))
    let date = Date(timeIntervalSince1970: 1_800_000_000)

    func change(_ registry: any RegistryStore, _ operations: [GovernanceOperation]) async throws -> GovernanceChange {
        GovernanceChange(actor: "gus", at: date, expectedAuditHead: try await registry.snapshot(model: "reg").auditHead, operations: operations)
    }

    func transition(_ from: LifecycleStage, _ to: LifecycleStage, _ reference: ModelReference? = nil) -> GovernanceOperation {
        .transition(StageTransition(reference: reference ?? self.reference, from: from, to: to, at: date, actor: "gus", reason: "test"))
    }

    func release(_ kind: ReleaseRecord.Kind = .promotion) -> ReleaseRecord {
        ReleaseRecord(
            kind: kind, reference: reference, artifactSHA256: String(repeating: "a", count: 64), datasetManifestSHA256: nil, config: ["k": "v"],
            thresholds: [], policySHA256: "built-in", gates: [GovernanceGateResult(gate: .quality, outcome: .pass, summary: "ok", figures: ["accuracy": 0.9, "odd": .nan])],
            approvals: [], at: date, actor: "gus", reason: "ship")
    }

    @discardableResult
    func register(_ reference: ModelReference, _ sha: Character, in registry: any RegistryStore) async throws -> RegisteredModel {
        try await registry.registerDirectly(
            RegisteredModel(id: 0, reference: reference, artifactSHA256: String(repeating: sha, count: 64), artifactPath: "/m.bin", artifactBytes: 3, registeredAt: date),
            actor: "ana")
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func annotationsAreReplacedByAddressAndRemovedOnce(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let registry = fixture.store.registry
        try await register(reference, "a", in: registry)
        func note(_ kind: ModelAnnotation.Kind, _ key: String, _ value: String, version: SemanticVersion? = nil) -> ModelAnnotation {
            ModelAnnotation(model: "reg", kind: kind, version: version, key: key, value: value, at: date, actor: "gus")
        }
        let tag = note(.versionTag, "team", "audio", version: reference.version)
        _ = try await registry.commit(try await change(registry, [
            .annotate(note(.entry, "", "described")), .annotate(tag), .annotate(note(.alias, "champion", "1.0.0", version: reference.version)),
            .annotate(note(.modelTag, "team", "model-level")),
        ]))
        _ = try await registry.commit(try await change(registry, [.annotate(note(.versionTag, "team", "vision", version: reference.version))]))
        let snapshot = try await registry.snapshot(model: "reg")
        #expect(snapshot.annotations.count == 4, "a version tag and a model tag of one key are two notes; setting one again replaces it")
        #expect(snapshot.annotations.first { $0.kind == .versionTag }?.value == "vision")
        #expect(try await registry.modelEntries().map(\.value) == ["described"])
        #expect(try await registry.snapshot(model: "other").annotations.isEmpty)
        _ = try await registry.commit(try await change(registry, [.removeAnnotation(tag)]))
        let before = try await registry.auditTrail().count
        await #expect(throws: StoreError.self, "removing what is gone fails the whole change") {
            try await registry.commit(try await change(registry, [.removeAnnotation(tag)]))
        }
        #expect(try await registry.auditTrail().count == before)
        #expect(try await registry.auditTrail().last?.action == "version.tag.remove")
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func aSnapshotReadsBackEverythingCommitted(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let registry = fixture.store.registry
        try await register(reference, "a", in: registry)
        let actor = RegistryActor(name: "gus", roles: [.techLead, .mlEngineer], addedAt: date, addedBy: "gus")
        let approval = Approval(reference: reference, stage: .securityScan, actor: "gus", role: .securityTeam, at: date, reason: "scanned", evidence: ["report 7"])
        let attachment = Attachment(reference: reference, kind: "runbook", fileName: "run.md", sha256: String(repeating: "b", count: 64), content: "# steps", attachedAt: date, attachedBy: "gus")
        let entries = try await registry.commit(try await change(registry, [
            .addActor(actor), .approve(approval), .attach(attachment), transition(.development, .production), .release(release()),
            .halt(HaltEvent(model: "reg", halted: true, at: date, actor: "gus", reason: "incident")),
        ]))
        #expect(entries.map(\.action) == ["actor.add", "model.approve", "model.attach", "model.transition", "release.promotion", "model.halt"])

        let reopened = try await fixture.another()
        defer { reopened.close() }
        let snapshot = try await reopened.store.registry.snapshot(model: "reg")
        #expect(snapshot.actors == [actor] && snapshot.approvals == [approval] && snapshot.attachments == [attachment])
        #expect(snapshot.versions.map(\.stage) == [.production] && snapshot.versions[0].registeredBy == "ana")
        #expect(snapshot.versions[0].stageChangedAt == date && snapshot.versions[0].metadata.author == "ana")
        #expect(snapshot.transitions.map(\.to) == [.development, .production])
        #expect(snapshot.releases.map(\.id) == [release().id] && snapshot.releases[0].gates[0].figures["odd"]!.isNaN)
        #expect(snapshot.isHalted && snapshot.auditHead == 10, "kws's registration (2), reg's (2), then 6")
        let trail = try await registry.auditTrail()
        #expect(AuditChain.verify(trail) == .intact(entries: 10))
        #expect(trail.suffix(6) == entries)
        #expect(try await registry.versionRecords().map(\.reference.description) == ["kws@1.0.0", "reg@1.0.0"])
    }

    /// The audit head is what lets the collector reuse a snapshot: it moves with every change a
    /// snapshot would show, also one made through another connection (another collector).
    @Test(arguments: CollectorStoreContractTests.kinds) func theAuditHeadMovesWithEveryChangeAndTheCacheFollowsIt(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let registry = fixture.store.registry
        try await register(reference, "a", in: registry)
        let head = try await registry.auditSequence()
        #expect(try await head == registry.snapshot(model: "reg").auditHead)
        let cache = RegistrySnapshotCache()
        let first = try await cache.entry(model: "reg", store: registry)
        #expect(!first.snapshot.isHalted && first.snapshot.auditHead == head)

        let other = try await fixture.another()
        defer { other.close() }
        _ = try await other.store.registry.commit(try await change(other.store.registry, [.halt(HaltEvent(model: "reg", halted: true, at: date, actor: "gus", reason: "incident"))]))
        #expect(try await registry.auditSequence() == head + 1)
        let second = try await cache.entry(model: "reg", store: registry)
        #expect(second.snapshot.isHalted, "a halt committed by another collector is seen at once")
        #expect(second.snapshot.auditHead == head + 1)
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func theRegistrantIsWhoActedNotTheAuthorTheMetadataClaims(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let registry = fixture.store.registry
        try await registry.registerDirectly(
            RegisteredModel(id: 0, reference: reference, artifactSHA256: String(repeating: "a", count: 64), artifactPath: "/m.bin", artifactBytes: 3, registeredAt: date),
            actor: "mallory", author: "ana")
        let version = try #require(try await registry.snapshot(model: "reg").version(reference))
        #expect(version.registeredBy == "mallory" && version.metadata.author == "ana")
        #expect(try await registry.auditTrail().last { $0.action == "model.register" }?.actor == "mallory")
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func versionsAreListedInSemanticOrder(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let registry = fixture.store.registry
        for (version, sha) in [("10.0.0", "a"), ("2.0.0", "b"), ("2.0.0-rc.1", "c"), ("2.1.0", "d")] as [(String, Character)] {
            try await register(ModelReference(name: "reg", version: try SemanticVersion(parsing: version)), sha, in: registry)
        }
        let listed = try await registry.snapshot(model: "reg").versions.map(\.reference.version.description)
        #expect(listed == ["2.0.0", "2.0.0-rc.1", "2.1.0", "10.0.0"], "major, minor, patch, then the text, as both stores order them")
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func aStaleSnapshotWritesNothing(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let registry = fixture.store.registry
        try await register(reference, "a", in: registry)
        let stale = try await change(registry, [transition(.development, .validation)])
        _ = try await registry.commit(try await change(registry, [transition(.development, .failed)]))
        await #expect(throws: StoreError.conflict(location: registry.location, expected: 4, found: 5)) { try await registry.commit(stale) }
        #expect(try await registry.snapshot(model: "reg").versions[0].stage == .failed)
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func aFailureInTheMiddleLeavesNoTrace(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let registry = fixture.store.registry
        try await register(reference, "a", in: registry)
        let before = try await registry.auditTrail()
        // The second move expects a stage the version is no longer in: the first must roll back too.
        await #expect(throws: StoreError.self) {
            try await registry.commit(try await change(registry, [transition(.development, .validation), transition(.development, .staging), .release(release())]))
        }
        #expect(try await registry.auditTrail() == before)
        let snapshot = try await registry.snapshot(model: "reg")
        #expect(snapshot.versions[0].stage == .development && snapshot.releases.isEmpty && snapshot.transitions.count == 1)
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func aVersionIsRegisteredOnce(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let registry = fixture.store.registry
        try await register(reference, "a", in: registry)
        await #expect(throws: StoreError.duplicateVersion(reference, existingSHA256: String(repeating: "a", count: 64))) {
            try await register(reference, "b", in: registry)
        }
        #expect(try await registry.model(reference)?.artifactSHA256 == String(repeating: "a", count: 64))
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func theSchemaAllowsOneServingVersionPerModel(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let registry = fixture.store.registry
        let other = ModelReference(name: "reg", version: SemanticVersion(major: 2, minor: 0, patch: 0))
        try await register(reference, "a", in: registry)
        try await register(other, "b", in: registry)
        _ = try await registry.commit(try await change(registry, [transition(.development, .production)]))
        await #expect { try await registry.commit(try await change(registry, [transition(.development, .production, other)])) } throws: { error in
            let said = "\(error)"
            return said.contains("UNIQUE constraint failed: model_version.name") || said.contains("one_serving_version_per_model")
        }
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func theAuditTrailAndReleasesRefuseEditsAndTamperingIsDetected(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let registry = fixture.store.registry
        try await register(reference, "a", in: registry)
        _ = try await registry.commit(try await change(registry, [.release(release())]))
        #expect(try await fixture.execute("UPDATE release SET json = replace(json, 'ship', 'skip');").contains("release records are immutable"))
        #expect(try await fixture.execute("DELETE FROM release;").contains("release records are immutable"))
        #expect(try await fixture.execute("UPDATE audit_entry SET json = '{}';").contains("the audit trail is append-only"))
        #expect(try await fixture.execute("DELETE FROM audit_entry;").contains("the audit trail is append-only"))
        if kind == .postgres {
            #expect(try await fixture.execute("TRUNCATE release;").contains("release records are immutable"))
            #expect(try await fixture.execute("TRUNCATE audit_entry;").contains("the audit trail is append-only"))
            #expect(try await registry.auditTrail().count == 5)
        }
        let disarm = kind == .sqlite ? "DROP TRIGGER release_no_update;" : "DROP TRIGGER release_immutable ON release;"
        _ = try await fixture.execute(disarm + " UPDATE release SET json = replace(json, 'ship', 'skip');")
        await #expect { try await registry.snapshot(model: "reg") } throws: { error in
            "\(error)" == "database \(registry.location): read release \(release().id) failed: its content no longer matches its address (tampered)"
        }
    }

    /// Two collectors on one database deciding at once: each decision is taken on a fresh
    /// snapshot (a stale one is retried), none is lost, and the audit chain stays one chain.
    @Test(arguments: CollectorStoreContractTests.kinds) func collectorsSharingTheDatabaseNeverInterleaveDecisions(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let second = try await fixture.another()
        defer { second.close() }
        let registries = [fixture.store.registry, second.store.registry]
        _ = try await registries[0].commit(try await change(registries[0], [.addActor(RegistryActor(name: "gus", roles: [.techLead], addedAt: date, addedBy: "gus"))]))

        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<12 {
                let registry = registries[index % 2]
                group.addTask {
                    let service = GovernanceService(store: registry, actor: "gus")
                    try await service.addActor(name: "actor-\(index)", roles: [.dataScientist])
                }
            }
            try await group.waitForAll()
        }
        let trail = try await registries[1].auditTrail()
        #expect(AuditChain.verify(trail) == .intact(entries: trail.count))
        #expect(trail.filter { $0.action == "actor.add" }.count == 13)
        #expect(try await registries[0].snapshot(model: "").actors.count == 13)
    }
}
