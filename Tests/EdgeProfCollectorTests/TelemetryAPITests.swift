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
            device: device, model: model, arm: arm, requestID: request, at: Date(timeIntervalSince1970: 1_800_000_100), prediction: "yes", score: score,
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
    }
}
