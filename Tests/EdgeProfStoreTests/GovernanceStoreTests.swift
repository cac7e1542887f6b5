import EdgeProfCore
import EdgeProfStore
import Foundation
import Testing

/// The governance tables on a real SQLite file: all-or-nothing commits, optimistic conflicts,
/// constraints in the schema, immutable content-addressed releases.
@Suite struct GovernanceStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-gov-\(UUID())/db.sqlite").path
    let reference = ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 0, patch: 0))
    let date = Date(timeIntervalSince1970: 1_800_000_000)

    func change(_ store: SQLiteEvidenceStore, _ operations: [GovernanceOperation]) throws -> GovernanceChange {
        GovernanceChange(actor: "gus", at: date, expectedAuditHead: try store.snapshot(model: "kws").auditHead, operations: operations)
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

    @Test func aSnapshotReadsBackEverythingCommitted() throws {
        let store = try SQLiteEvidenceStore(path: path)
        try store.registerDirectly(reference, sha: String(repeating: "a", count: 64), actor: "ana", at: date)
        let actor = RegistryActor(name: "gus", roles: [.techLead, .mlEngineer], addedAt: date, addedBy: "gus")
        let approval = Approval(reference: reference, stage: .securityScan, actor: "gus", role: .securityTeam, at: date, reason: "scanned", evidence: ["report 7"])
        let attachment = Attachment(reference: reference, kind: "runbook", fileName: "run.md", sha256: String(repeating: "b", count: 64), content: "# steps", attachedAt: date, attachedBy: "gus")
        let entries = try store.commit(change(store, [
            .addActor(actor), .approve(approval), .attach(attachment), transition(.development, .production), .release(release()),
            .halt(HaltEvent(model: "kws", halted: true, at: date, actor: "gus", reason: "incident")),
        ]))
        #expect(entries.map(\.action) == ["actor.add", "model.approve", "model.attach", "model.transition", "release.promotion", "model.halt"])
        let snapshot = try SQLiteEvidenceStore(path: path).snapshot(model: "kws")
        #expect(snapshot.actors == [actor] && snapshot.approvals == [approval] && snapshot.attachments == [attachment])
        #expect(snapshot.versions.map(\.stage) == [.production] && snapshot.versions[0].registeredBy == "ana")
        #expect(snapshot.transitions.map(\.to) == [.development, .production])
        #expect(snapshot.releases.map(\.id) == [release().id] && snapshot.releases[0].gates[0].figures["odd"]!.isNaN)
        #expect(snapshot.isHalted && snapshot.auditHead == 8)
        #expect(AuditChain.verify(try store.auditTrail()) == .intact(entries: 8))
    }

    @Test func aStaleSnapshotWritesNothing() throws {
        let store = try SQLiteEvidenceStore(path: path)
        try store.registerDirectly(reference, sha: String(repeating: "a", count: 64), actor: "ana")
        let stale = try change(store, [transition(.development, .validation)])
        _ = try store.commit(change(store, [transition(.development, .failed)]))
        #expect(throws: StoreError.conflict(location: path, expected: 2, found: 3)) { try store.commit(stale) }
        #expect(try store.snapshot(model: "kws").versions[0].stage == .failed)
    }

    @Test func aFailureInTheMiddleLeavesNoTrace() throws {
        let store = try SQLiteEvidenceStore(path: path)
        try store.registerDirectly(reference, sha: String(repeating: "a", count: 64), actor: "ana")
        let before = try store.auditTrail()
        // The second move expects a stage the version is no longer in: the first must roll back too.
        #expect(throws: StoreError.self) {
            try store.commit(change(store, [transition(.development, .validation), transition(.development, .staging), .release(release())]))
        }
        #expect(try store.auditTrail() == before)
        let snapshot = try store.snapshot(model: "kws")
        #expect(snapshot.versions[0].stage == .development && snapshot.releases.isEmpty && snapshot.transitions.count == 1)
    }

    @Test func theSchemaAllowsOneServingVersionPerModel() throws {
        let store = try SQLiteEvidenceStore(path: path)
        let other = ModelReference(name: "kws", version: SemanticVersion(major: 2, minor: 0, patch: 0))
        try store.registerDirectly(reference, sha: String(repeating: "a", count: 64), actor: "ana")
        try store.registerDirectly(other, sha: String(repeating: "b", count: 64), actor: "ana")
        _ = try store.commit(change(store, [transition(.development, .production)]))
        #expect { try store.commit(change(store, [transition(.development, .production, other)])) } throws: { error in
            "\(error)".contains("UNIQUE constraint failed: model_version.name")
        }
    }

    @Test func releasesAreImmutableAndTamperingIsDetected() throws {
        let store = try SQLiteEvidenceStore(path: path)
        try store.registerDirectly(reference, sha: String(repeating: "a", count: 64), actor: "ana")
        _ = try store.commit(change(store, [.release(release())]))
        let sqlite = { (sql: String) throws -> String in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [path, sql]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            process.waitUntilExit()
            return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        }
        #expect(try sqlite("UPDATE release SET json = replace(json, 'ship', 'skip');").contains("release records are immutable"))
        #expect(try sqlite("DELETE FROM release;").contains("release records are immutable"))
        _ = try sqlite("DROP TRIGGER release_no_update; UPDATE release SET json = replace(json, 'ship', 'skip');")
        #expect { try store.snapshot(model: "kws") } throws: { error in
            "\(error)" == "database \(path): read release \(release().id) failed: its content no longer matches its address (tampered)"
        }
    }
}
