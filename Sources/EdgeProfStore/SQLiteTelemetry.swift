import EdgeProfCore
import Foundation
import GRDB

/// Inference telemetry in SQLite (`TelemetrySchema`): a batch in one transaction, all or nothing.
extension SQLiteCollectorStore {
    public func ingestInferences(_ batch: InferenceBatch, bench: String, contentSHA256: String, at: Date) async throws(TelemetryRefusal) -> InferenceReceipt {
        let outcome: Result<InferenceReceipt, TelemetryRefusal>
        do {
            outcome = try await write("store inference telemetry of \(bench)") { db in
                try Self.ingestInferences(batch, bench: bench, contentSHA256: contentSHA256, at: at, db)
            }
        } catch {
            throw .store(error)
        }
        return try outcome.get()
    }

    private static func ingestInferences(
        _ batch: InferenceBatch, bench: String, contentSHA256: String, at: Date, _ db: Database
    ) throws -> Result<InferenceReceipt, TelemetryRefusal> {
        if let row = try Row.fetchOne(
            db, sql: "SELECT content_sha256, stored, duplicates FROM inference_batch WHERE bench = ? AND batch_key = ?", arguments: [bench, batch.batchKey]
        ) {
            guard row["content_sha256"] as String == contentSHA256 else { return .failure(.batchKeyReused(batch.batchKey)) }
            return .success(InferenceReceipt(stored: row["stored"], duplicates: row["duplicates"], replayed: true))
        }
        for device in Set(batch.records.map(\.device)).sorted() {
            guard let row = try Row.fetchOne(db, sql: "SELECT bench FROM fleet_device WHERE device = ?", arguments: [device]) else {
                return .failure(.unknownDevice(device))
            }
            guard row["bench"] as String? == bench else { return .failure(.foreignDevice(device: device, bench: bench)) }
        }
        for model in Set(batch.records.map(\.model)).sorted() {
            let reference = try ModelReference(parsing: model)
            guard try SQLiteEvidenceStore.fetchModel(reference, db) != nil else { return .failure(.unknownModel(model)) }
        }
        let insert = try db.cachedStatement(sql: """
            INSERT INTO inference (model, version, device, bench, arm, request_id, at, received_at, prediction, score, latency_ms,
                energy_mj, protected_json, features_json, subject)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device, arm, request_id) DO NOTHING
            """)
        var stored = 0
        for record in batch.records {
            let reference = try ModelReference(parsing: record.model)
            try insert.execute(arguments: [
                reference.name, reference.version.description, record.device, bench, record.arm.rawValue, record.requestID, record.at.stored, at.stored,
                record.prediction, record.score, record.latencyMs, record.energyMillijoules, record.protected.map(CanonicalJSON.string),
                record.features.map(CanonicalJSON.string), record.subject,
            ])
            stored += db.changesCount
        }
        for (device, answered) in InferenceContact.latest(batch.records, receivedAt: at) {
            try db.execute(
                sql: "UPDATE fleet_device SET last_inference_at = ? WHERE device = ? AND (last_inference_at IS NULL OR last_inference_at < ?)",
                arguments: [answered.stored, device, answered.stored])
        }
        let receipt = InferenceReceipt(stored: stored, duplicates: batch.records.count - stored, replayed: false)
        try db.execute(
            sql: "INSERT INTO inference_batch (bench, batch_key, content_sha256, received_at, stored, duplicates) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [bench, batch.batchKey, contentSHA256, at.stored, receipt.stored, receipt.duplicates])
        return .success(receipt)
    }

    public func attachLabels(_ batch: InferenceLabelBatch, bench: String) async throws(StoreError) -> LabelReceipt {
        try await write("attach labels of \(bench)") { db in
            let update = try db.cachedStatement(
                sql: "UPDATE inference SET label = ?, labelled_at = ? WHERE model = ? AND request_id = ? AND bench = ?")
            var joined = 0
            for label in batch.labels {
                try update.execute(arguments: [label.label, label.at.stored, label.model, label.requestID, bench])
                if db.changesCount > 0 { joined += 1 }
            }
            return LabelReceipt(joined: joined, unmatched: batch.labels.count - joined)
        }
    }

    public func inferenceObservations(model: String, since: Date) async throws(StoreError) -> [InferenceObservation] {
        try await read("read the inferences of \(model)") { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT inference.version, inference.arm, fleet_device.device_class, inference.prediction, inference.label,
                        inference.latency_ms, inference.energy_mj, inference.at
                    FROM inference JOIN fleet_device ON fleet_device.device = inference.device
                    WHERE inference.model = ? AND inference.at >= ? ORDER BY inference.at, inference.device, inference.arm, inference.request_id
                    """, arguments: [model, since.stored]
            ).compactMap { row in
                guard let version = try? SemanticVersion(parsing: row["version"]), let arm = InferenceArm(rawValue: row["arm"]) else { return nil }
                return InferenceObservation(
                    version: version, arm: arm, deviceClass: row["device_class"], prediction: row["prediction"], label: row["label"],
                    latencyMs: row["latency_ms"], energyMillijoules: row["energy_mj"], at: row["at"])
            }
        }
    }

    public func pruneInferences(before cutoff: Date) async throws(StoreError) -> Int {
        try await write("prune inference telemetry") { db in
            try db.execute(sql: "DELETE FROM inference WHERE at < ?", arguments: [cutoff.stored])
            return db.changesCount
        }
    }

    public func inferenceCounts(model: String) async throws(StoreError) -> [InferenceCount] {
        try await read("count the inferences of \(model)") { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT version, arm, COUNT(*) AS records, COUNT(label) AS labelled FROM inference WHERE model = ?
                    GROUP BY version, arm ORDER BY version, arm
                    """, arguments: [model]
            ).compactMap { row in
                guard let arm = InferenceArm(rawValue: row["arm"]) else { return nil }
                return InferenceCount(model: "\(model)@\(row["version"] as String)", arm: arm, records: row["records"], labelled: row["labelled"])
            }
            .sorted(by: InferenceCount.listingOrder)
        }
    }
}

extension SQLiteEvidenceStore {
    public func telemetryExtent(subject: String) throws(StoreError) -> TelemetrySubjectExtent {
        try read("count a subject's telemetry") { db in
            let row = try Row.fetchOne(db, sql: "SELECT COUNT(*) AS records, COALESCE(MAX(id), 0) AS last FROM inference WHERE subject = ?", arguments: [subject])
            return TelemetrySubjectExtent(records: row?["records"] ?? 0, lastRecord: row?["last"] ?? 0)
        }
    }
}
