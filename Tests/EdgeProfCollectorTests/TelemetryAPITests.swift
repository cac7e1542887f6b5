import EdgeProfAgent
@testable import EdgeProfCollector
import Logging
import EdgeProfCore
import Foundation
import Testing

/// Issue 15 §1 on both stores, through the real HTTP API: a bench's agent reports inference
/// telemetry of its own devices once per batch key, records sent again are stored once, a batch
/// that names a stranger's device, an unknown device or an unregistered version stores nothing,
/// and labels that arrive later are joined by request id.
@Suite(.serialized) struct TelemetryAPITests {
    static func record(_ request: String, device: String = "b:s", model: String = "kws@1.0.0", arm: InferenceArm = .production, score: Double = 0.9) -> InferenceRecord {
        InferenceRecord(
            device: device, model: model, arm: arm, requestID: request, at: Date().addingTimeInterval(-3600), prediction: "yes", score: score,
            latencyMs: 12.5, energyMillijoules: 0.4, protected: ["gender": "f", "age_group": "30-39"], features: ["rms": 0.31, "zcr": 12], subject: "user-\(request)")
    }

    static func body(_ value: some Encodable) throws -> Data { try JSONCoding.encoder.encode(value) }

    @Test(arguments: CollectorStoreContractTests.kinds) func telemetryIsStoredOnceAndLabelledLater(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        _ = try await collector.store.ingest(Uploads.upload(bench: "bench-1"), contentSHA256: UUID().uuidString)
        var other = Uploads.upload(bench: "bench-2")
        other.run.board.board = "b2"
        other.run.board.serial = "s2"
        _ = try await collector.store.ingest(other, contentSHA256: UUID().uuidString)

        let batch = InferenceBatch(batchKey: "batch-0001", records: [Self.record("r1"), Self.record("r2"), Self.record("r3", arm: .shadow)])
        let first = try await collector.request(.POST, "/v1/inferences", token: collector.agentToken, body: try Self.body(batch))
        #expect(first.status == 201 && first.json?["stored"] as? Int == 3 && first.json?["replayed"] as? Bool == false, "\(first.body)")
        let again = try await collector.request(.POST, "/v1/inferences", token: collector.agentToken, body: try Self.body(batch))
        #expect(again.status == 200 && again.json?["stored"] as? Int == 3 && again.json?["replayed"] as? Bool == true, "a retried batch answers its first receipt: \(again.body)")
        var changed = batch
        changed.records[0].prediction = "no"
        let reused = try await collector.request(.POST, "/v1/inferences", token: collector.agentToken, body: try Self.body(changed))
        #expect(reused.status == 409 && reused.errorCode == "idempotency-key-reused", "\(reused.body)")

        let overlapping = InferenceBatch(batchKey: "batch-0002", records: [Self.record("r3", arm: .shadow), Self.record("r4", arm: .b)])
        let partly = try await collector.request(.POST, "/v1/inferences", token: collector.agentToken, body: try Self.body(overlapping))
        #expect(partly.status == 201 && partly.json?["stored"] as? Int == 1 && partly.json?["duplicates"] as? Int == 1, "\(partly.body)")

        // All or nothing: one bad record and the good ones beside it are not stored either.
        let refusals: [(InferenceBatch, Int, String)] = [
            (InferenceBatch(batchKey: "batch-0003", records: [Self.record("r5"), Self.record("r6", device: "nobody:here")]), 422, "unknown-device"),
            (InferenceBatch(batchKey: "batch-0004", records: [Self.record("r5"), Self.record("r6", device: "b2:s2")]), 403, "not-permitted"),
            (InferenceBatch(batchKey: "batch-0005", records: [Self.record("r5"), Self.record("r6", model: "kws@9.9.9")]), 422, "unknown-model"),
            (InferenceBatch(batchKey: "batch-0006", records: [Self.record("r5"), Self.record("r6", score: 1e7)]), 422, "invalid-telemetry"),
            (InferenceBatch(batchKey: "batch-0007", records: [Self.record("r5"), Self.record("r5")]), 422, "invalid-telemetry"),
        ]
        for (refused, status, code) in refusals {
            let answer = try await collector.request(.POST, "/v1/inferences", token: collector.agentToken, body: try Self.body(refused))
            #expect(answer.status == status && answer.errorCode == code, "\(refused.batchKey): \(answer.body)")
        }
        let person = try await collector.request(.POST, "/v1/inferences", token: collector.personToken, body: try Self.body(InferenceBatch(batchKey: "batch-0008", records: [Self.record("r7")])))
        #expect(person.status == 403, "a person's token names no bench and reports no telemetry: \(person.body)")

        let labels = InferenceLabelBatch(labels: [
            InferenceLabel(model: "kws", requestID: "r1", label: "yes", at: Date(timeIntervalSince1970: 1_800_000_500)),
            InferenceLabel(model: "kws", requestID: "r2", label: "no", at: Date(timeIntervalSince1970: 1_800_000_500)),
            InferenceLabel(model: "kws", requestID: "never-served", label: "no", at: Date(timeIntervalSince1970: 1_800_000_500)),
        ])
        let labelled = try await collector.request(.POST, "/v1/inferences/labels", token: collector.agentToken, body: try Self.body(labels))
        #expect(labelled.status == 200 && labelled.json?["joined"] as? Int == 2 && labelled.json?["unmatched"] as? Int == 1, "\(labelled.body)")

        let counts = try await collector.request(.GET, "/v1/inferences?model=kws", token: collector.personToken)
        let rows = try #require((try? JSONSerialization.jsonObject(with: Data(counts.body.utf8))) as? [[String: Any]], "\(counts.body)")
        let summary = rows.map { "\($0["model"] ?? "")/\($0["arm"] ?? ""): \($0["records"] ?? 0) records, \($0["labelled"] ?? 0) labelled" }
        #expect(summary == ["kws@1.0.0/b: 1 records, 0 labelled", "kws@1.0.0/production: 2 records, 2 labelled", "kws@1.0.0/shadow: 1 records, 0 labelled"], "\(summary)")
        let missing = try await collector.request(.GET, "/v1/inferences", token: collector.personToken)
        #expect(missing.status == 400, "\(missing.body)")

        let online = try await collector.request(.GET, "/v1/inferences/metrics?model=kws&hours=2160", token: collector.agentToken)
        let report = try JSONCoding.decoder.decode(OnlineMetricsReport.self, from: Data(online.body.utf8))
        #expect(report.groups.map { "\($0.version) \($0.arm.rawValue) \($0.deviceClass) \($0.metrics.records)" }
                == ["kws@1.0.0 b sim-cortex-m4 1", "kws@1.0.0 production sim-cortex-m4 2", "kws@1.0.0 shadow sim-cortex-m4 1"], "\(online.body)")
        #expect(report.groups.first { $0.arm == .production }?.metrics.accuracy == 0.5, "r1 was right, r2 wrong")
        #expect(try await collector.request(.GET, "/v1/inferences/metrics?model=kws&hours=0", token: collector.agentToken).status == 400)
    }

    /// Erasure on request: a compliance_officer erases a subject's records, audited with the
    /// subject's SHA-256 (never the subject), a reason and the count; nobody else may.
    @Test(arguments: CollectorStoreContractTests.kinds) func aSubjectsRecordsAreErasedOnRequestAndAudited(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        _ = try await collector.store.ingest(Uploads.upload(bench: "bench-1"), contentSHA256: UUID().uuidString)
        var records = [Self.record("r1"), Self.record("r2"), Self.record("r3")]
        records[1].subject = "user-r1"
        let stored = try await collector.request(.POST, "/v1/inferences", token: collector.agentToken, body: try Self.body(InferenceBatch(batchKey: "erase-0001", records: records)))
        #expect(stored.json?["stored"] as? Int == 3)
        let registry = collector.store.registry
        let lead = GovernanceService(store: registry, actor: "lead")
        try await lead.addActor(name: "lead", roles: [.techLead])
        try await lead.addActor(name: "fay", roles: [.complianceOfficer])
        let fay = try await LiveCollector.issue(collector.store, TokenGrant(id: "", actor: "fay", kind: .person, bench: nil, createdAt: Date(), expiresAt: nil))
        let request = try JSONSerialization.data(withJSONObject: ["subject": "user-r1", "reason": "erasure request #42 of 2026-11-20"])

        let byOther = try await collector.request(.POST, "/v1/inferences/erase", token: collector.personToken, body: request)
        #expect(byOther.status == 403, "only the compliance role erases: \(byOther.body)")
        let erased = try await collector.request(.POST, "/v1/inferences/erase", token: fay, body: request)
        #expect(erased.status == 200 && erased.json?["erased"] as? Int == 2, "\(erased.body)")
        let counts = try await collector.inferenceCount(model: "kws")
        #expect(counts == 1, "the other subject's record stays")
        let again = try await collector.request(.POST, "/v1/inferences/erase", token: fay, body: request)
        #expect(again.status == 404, "nothing left to erase: \(again.body)")

        let trail = try await registry.auditTrail()
        let entry = try #require(trail.last { $0.action == "telemetry.erase" })
        #expect(entry.actor == "fay" && entry.reason == "erasure request #42 of 2026-11-20" && entry.after == "{\"records\":2}")
        #expect(entry.subject == "subject sha256:" + RunUpload.contentSHA256(ofCanonical: Data("user-r1".utf8)))
        #expect(!trail.contains { "\($0)".contains("user-r1") }, "the audit trail never holds the subject itself")
    }
}


/// Retention (issue 15 §1): records older than `telemetry: {retention-days}` are deleted by the
/// collector's sweep, the younger ones stay.
@Suite(.serialized) struct TelemetryRetentionTests {
    @Test(arguments: CollectorStoreContractTests.kinds) func recordsOlderThanTheRetentionAreDeleted(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        _ = try await collector.store.ingest(Uploads.upload(bench: "bench-1"), contentSHA256: UUID().uuidString)
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        var records = [TelemetryAPITests.record("old"), TelemetryAPITests.record("young"), TelemetryAPITests.record("edge")]
        records[0].at = now.addingTimeInterval(-100 * 86_400)
        records[1].at = now.addingTimeInterval(-10 * 86_400)
        records[2].at = now.addingTimeInterval(-90 * 86_400 + 1)
        _ = try await collector.store.ingestInferences(InferenceBatch(batchKey: "retention-1", records: records), bench: "bench-1", contentSHA256: "x", at: now)
        let retention = TelemetryRetention(store: collector.store, settings: TelemetrySettings(), logger: Logger(label: "test"), sweep: .seconds(3600))
        await retention.prune(now: now)
        #expect(try await collector.inferenceCount(model: "kws") == 2, "only the record older than 90 days is gone")
        await retention.prune(now: now)
        #expect(try await collector.inferenceCount(model: "kws") == 2, "a second sweep deletes nothing more")
        let short = TelemetryRetention(store: collector.store, settings: TelemetrySettings(retentionDays: 5), logger: Logger(label: "test"), sweep: .seconds(3600))
        await short.prune(now: now)
        #expect(try await collector.inferenceCount(model: "kws") == 0)
    }

    @Test func theRetentionIsCheckedWhenTheCollectorStarts() throws {
        #expect(try CollectorSettings.parse("telemetry:\n  retention-days: 30\n", file: "c.yaml").telemetry.retentionDays == 30)
        #expect(try CollectorSettings.parse("monitor: {}\n", file: "c.yaml").telemetry.retentionDays == 90)
        #expect { try CollectorSettings.parse("telemetry:\n  retention-days: 0\n", file: "c.yaml") } throws: { "\($0)".contains("retention-days must be 1 to 36500") }
        #expect { try CollectorSettings.parse("telemetry:\n  retention: 5\n", file: "c.yaml") } throws: { "\($0)".contains("unknown setting 'telemetry.retention'") }
    }
}

extension LiveCollector {
    /// Inference records of `model`'s versions, all arms.
    func inferenceCount(model: String) async throws -> Int {
        try await store.inferenceCounts(model: model).reduce(0) { $0 + $1.records }
    }
}
