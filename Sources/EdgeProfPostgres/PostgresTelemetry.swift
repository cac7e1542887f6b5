import EdgeProfCore
import Foundation
import Logging
import PostgresNIO

/// Inference telemetry in PostgreSQL (`TelemetrySchema`), kept exactly as the SQLite store keeps
/// it: a batch in one transaction, its key locked so two collectors store it once.
extension PostgresCollectorStore {
    public func ingestInferences(_ batch: InferenceBatch, bench: String, contentSHA256: String, at: Date) async throws(TelemetryRefusal) -> InferenceReceipt {
        let outcome: Result<InferenceReceipt, TelemetryRefusal>
        do {
            outcome = try await client.withTransaction(logger: logger) { connection -> Result<InferenceReceipt, TelemetryRefusal> in
                try await Self.ingestInferences(batch, bench: bench, contentSHA256: contentSHA256, at: at, connection, self.logger)
            }
        } catch {
            throw .store(mapped(error, "store inference telemetry of \(bench)"))
        }
        return try outcome.get()
    }

    private static func ingestInferences(
        _ batch: InferenceBatch, bench: String, contentSHA256: String, at: Date, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> Result<InferenceReceipt, TelemetryRefusal> {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(bench + "\u{1F}" + batch.batchKey)))", logger: logger)
        let existing = try await connection.query(
            "SELECT content_sha256, stored, duplicates FROM inference_batch WHERE bench = \(bench) AND batch_key = \(batch.batchKey)", logger: logger)
        for try await (content, stored, duplicates) in existing.decode((String, Int64, Int64).self) {
            guard content == contentSHA256 else { return .failure(.batchKeyReused(batch.batchKey)) }
            return .success(InferenceReceipt(stored: Int(stored), duplicates: Int(duplicates), replayed: true))
        }
        for device in Set(batch.records.map(\.device)).sorted() {
            var owner: String??
            for try await found in try await connection.query("SELECT bench FROM fleet_device WHERE device = \(device)", logger: logger).decode(String?.self) {
                owner = .some(found)
            }
            guard let owner else { return .failure(.unknownDevice(device)) }
            guard owner == bench else { return .failure(.foreignDevice(device: device, bench: bench)) }
        }
        for model in Set(batch.records.map(\.model)).sorted() {
            guard try await fetchModel(try ModelReference(parsing: model), connection, logger) != nil else { return .failure(.unknownModel(model)) }
        }
        var stored = 0
        for record in batch.records {
            let reference = try ModelReference(parsing: record.model)
            let rows = try await connection.query(
                """
                INSERT INTO inference (model, version, device, bench, arm, request_id, at, received_at, prediction, score, latency_ms,
                    energy_mj, protected_json, features_json, subject)
                VALUES (\(reference.name), \(reference.version.description), \(record.device), \(bench), \(record.arm.rawValue), \(record.requestID),
                    \(record.at), \(at), \(record.prediction), \(record.score), \(record.latencyMs), \(record.energyMillijoules),
                    \(record.protected.map(CanonicalJSON.string)), \(record.features.map(CanonicalJSON.string)), \(record.subject))
                ON CONFLICT (device, arm, request_id) DO NOTHING RETURNING 1
                """, logger: logger)
            for try await _ in rows.decode(Int32.self) { stored += 1 }
        }
        let receipt = InferenceReceipt(stored: stored, duplicates: batch.records.count - stored, replayed: false)
        try await connection.query(
            """
            INSERT INTO inference_batch (bench, batch_key, content_sha256, received_at, stored, duplicates)
            VALUES (\(bench), \(batch.batchKey), \(contentSHA256), \(at), \(Int64(receipt.stored)), \(Int64(receipt.duplicates)))
            """, logger: logger)
        return .success(receipt)
    }

    public func attachLabels(_ batch: InferenceLabelBatch, bench: String) async throws(StoreError) -> LabelReceipt {
        let logger = logger
        return try await transaction("attach labels of \(bench)") { connection in
            var joined = 0
            for label in batch.labels {
                let rows = try await connection.query(
                    """
                    UPDATE inference SET label = \(label.label), labelled_at = \(label.at)
                    WHERE model = \(label.model) AND request_id = \(label.requestID) AND bench = \(bench) RETURNING 1
                    """, logger: logger)
                var matched = false
                for try await _ in rows.decode(Int32.self) { matched = true }
                if matched { joined += 1 }
            }
            return LabelReceipt(joined: joined, unmatched: batch.labels.count - joined)
        }
    }

    public func inferenceObservations(model: String, since: Date) async throws(StoreError) -> [InferenceObservation] {
        let logger = logger
        return try await withConnection("read the inferences of \(model)") { connection in
            let rows = try await connection.query(
                """
                SELECT inference.version, inference.arm, fleet_device.device_class, inference.prediction, inference.label,
                    inference.latency_ms, inference.energy_mj, inference.at
                FROM inference JOIN fleet_device ON fleet_device.device = inference.device
                WHERE inference.model = \(model) AND inference.at >= \(since) ORDER BY inference.at, inference.id
                """, logger: logger)
            var observations: [InferenceObservation] = []
            for try await (version, arm, deviceClass, prediction, label, latency, energy, at) in rows.decode(
                (String, String, String, String, String?, Double?, Double?, Date).self
            ) {
                guard let version = try? SemanticVersion(parsing: version), let arm = InferenceArm(rawValue: arm) else { continue }
                observations.append(InferenceObservation(
                    version: version, arm: arm, deviceClass: deviceClass, prediction: prediction, label: label, latencyMs: latency,
                    energyMillijoules: energy, at: at))
            }
            return observations
        }
    }

    public func pruneInferences(before cutoff: Date) async throws(StoreError) -> Int {
        let logger = logger
        return try await transaction("prune inference telemetry") { connection in
            var pruned = 0
            for try await _ in try await connection.query("DELETE FROM inference WHERE at < \(cutoff) RETURNING 1", logger: logger).decode(Int32.self) { pruned += 1 }
            return pruned
        }
    }

    public func inferenceCounts(model: String) async throws(StoreError) -> [InferenceCount] {
        let logger = logger
        return try await withConnection("count the inferences of \(model)") { connection in
            let rows = try await connection.query(
                """
                SELECT version, arm, COUNT(*), COUNT(label) FROM inference WHERE model = \(model)
                GROUP BY version, arm ORDER BY version, arm
                """, logger: logger)
            var counts: [InferenceCount] = []
            for try await (version, arm, records, labelled) in rows.decode((String, String, Int64, Int64).self) {
                if let arm = InferenceArm(rawValue: arm) {
                    counts.append(InferenceCount(model: "\(model)@\(version)", arm: arm, records: Int(records), labelled: Int(labelled)))
                }
            }
            return counts.sorted(by: InferenceCount.listingOrder)
        }
    }
}

extension PostgresRegistryStore {
    public func telemetryExtent(subject: String) async throws(StoreError) -> TelemetrySubjectExtent {
        let logger = database.logger
        return try await database.withConnection("count a subject's telemetry") { connection in
            var extent = TelemetrySubjectExtent(records: 0, lastRecord: 0)
            for try await (records, last) in try await connection.query(
                "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM inference WHERE subject = \(subject)", logger: logger
            ).decode((Int64, Int64).self) {
                extent = TelemetrySubjectExtent(records: Int(records), lastRecord: last)
            }
            return extent
        }
    }
}
