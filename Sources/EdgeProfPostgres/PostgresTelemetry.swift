import EdgeProfCore
import Foundation
import Logging
import PostgresNIO

/// Inference telemetry in PostgreSQL (`TelemetrySchema`), kept exactly as the SQLite store keeps
/// it: a batch in one transaction, its key locked so two collectors store it once.
extension PostgresCollectorStore {
    /// Rows per INSERT or UPDATE statement (15 parameters each, well under PostgreSQL's 65 535).
    static let insertRowsPerStatement = 500

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
        // Many rows per statement: one round trip per few hundred records, not per record.
        for start in stride(from: 0, to: batch.records.count, by: insertRowsPerStatement) {
            let chunk = batch.records[start..<min(start + insertRowsPerStatement, batch.records.count)]
            var binds = PostgresBindings(capacity: chunk.count * 15)
            var tuples: [String] = []
            for (offset, record) in chunk.enumerated() {
                let reference = try ModelReference(parsing: record.model)
                tuples.append("(" + (1...15).map { "$\(offset * 15 + $0)" }.joined(separator: ", ") + ")")
                binds.append(reference.name)
                binds.append(reference.version.description)
                binds.append(record.device)
                binds.append(bench)
                binds.append(record.arm.rawValue)
                binds.append(record.requestID)
                binds.append(record.at)
                binds.append(at)
                binds.append(record.prediction)
                binds.append(record.score)
                binds.append(record.latencyMs)
                binds.append(record.energyMillijoules)
                binds.append(record.protected.map(CanonicalJSON.string))
                binds.append(record.features.map(CanonicalJSON.string))
                binds.append(record.subject)
            }
            let sql = """
                INSERT INTO inference (model, version, device, bench, arm, request_id, at, received_at, prediction, score, latency_ms,
                    energy_mj, protected_json, features_json, subject)
                VALUES \(tuples.joined(separator: ", "))
                ON CONFLICT (device, arm, request_id) DO NOTHING RETURNING 1
                """
            for try await _ in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).decode(Int32.self) { stored += 1 }
        }
        for (device, answered) in InferenceContact.latest(batch.records, receivedAt: at) {
            try await connection.query(
                """
                UPDATE fleet_device SET last_inference_at = \(answered)
                WHERE device = \(device) AND (last_inference_at IS NULL OR last_inference_at < \(answered))
                """, logger: logger)
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
            var joined = Set<Int64>()
            for start in stride(from: 0, to: batch.labels.count, by: Self.insertRowsPerStatement) {
                let chunk = batch.labels[start..<min(start + Self.insertRowsPerStatement, batch.labels.count)]
                var binds = PostgresBindings(capacity: chunk.count * 5 + 1)
                binds.append(bench)
                var tuples: [String] = []
                for (offset, label) in chunk.enumerated() {
                    let first = offset * 5 + 2
                    tuples.append("($\(first)::bigint, $\(first + 1)::text, $\(first + 2)::text, $\(first + 3)::text, $\(first + 4)::timestamptz)")
                    binds.append(Int64(start + offset))
                    binds.append(label.model)
                    binds.append(label.requestID)
                    binds.append(label.label)
                    binds.append(label.at)
                }
                // A label counts once however many of the request's records (arms) it joins.
                let sql = """
                    UPDATE inference SET label = given.label, labelled_at = given.at
                    FROM (VALUES \(tuples.joined(separator: ", "))) AS given (position, model, request_id, label, at)
                    WHERE inference.model = given.model AND inference.request_id = given.request_id AND inference.bench = $1
                    RETURNING given.position
                    """
                for try await position in try await connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).decode(Int64.self) {
                    joined.insert(position)
                }
            }
            let matched = joined.count
            return LabelReceipt(joined: matched, unmatched: batch.labels.count - matched)
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
                WHERE inference.model = \(model) AND inference.at >= \(since) ORDER BY inference.at, inference.device, inference.arm, inference.request_id
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
