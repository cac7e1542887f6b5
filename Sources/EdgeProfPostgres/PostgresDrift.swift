import EdgeProfCore
import Foundation
import PostgresNIO

/// The drift scheduler's reads and writes in PostgreSQL (`DriftSchema`), as the SQLite store does
/// them: a window is claimed by an upsert that only takes a free or expired claim, and completed
/// in a transaction that holds the window's row, so two collectors never check it twice.
extension PostgresCollectorStore {
    public func oldestInference() async throws(StoreError) -> Date? {
        let logger = logger
        return try await withConnection("find the oldest inference") { connection in
            var oldest: Date?
            for try await at in try await connection.query("SELECT MIN(at) FROM inference", logger: logger).decode(Date?.self) { oldest = at }
            return oldest
        }
    }

    public func driftSubjects(from: Date, to: Date) async throws(StoreError) -> [DriftSubject: Date] {
        let logger = logger
        return try await withConnection("find the versions served in a drift window") { connection in
            let rows = try await connection.query(
                """
                SELECT active.model, active.version, active.device_class,
                    (SELECT MIN(inference.at) FROM inference JOIN fleet_device ON fleet_device.device = inference.device
                     WHERE inference.model = active.model AND inference.version = active.version AND fleet_device.device_class = active.device_class
                        AND inference.arm <> 'shadow')
                FROM (SELECT DISTINCT inference.model, inference.version, fleet_device.device_class
                      FROM inference JOIN fleet_device ON fleet_device.device = inference.device
                      WHERE inference.at >= \(from) AND inference.at < \(to) AND inference.arm <> 'shadow') AS active
                """, logger: logger)
            var subjects: [DriftSubject: Date] = [:]
            for try await (model, version, deviceClass, first) in rows.decode((String, String, String, Date?).self) {
                if let first { subjects[DriftSubject(model: "\(model)@\(version)", deviceClass: deviceClass)] = first }
            }
            return subjects
        }
    }

    public func driftRecords(_ subject: DriftSubject, from: Date, to: Date) async throws(StoreError) -> [DriftRecord] {
        let reference: ModelReference
        do { reference = try ModelReference(parsing: subject.model) } catch { return [] }
        let logger = logger
        return try await withConnection("read the telemetry of \(subject)") { connection in
            let rows = try await connection.query(
                """
                SELECT inference.prediction, inference.label, inference.score, inference.protected_json, inference.features_json, inference.latency_ms,
                    inference.at
                FROM inference JOIN fleet_device ON fleet_device.device = inference.device
                WHERE inference.model = \(reference.name) AND inference.version = \(reference.version.description)
                    AND fleet_device.device_class = \(subject.deviceClass) AND inference.arm <> 'shadow'
                    AND inference.at >= \(from) AND inference.at < \(to)
                ORDER BY inference.at, inference.device, inference.arm, inference.request_id
                """, logger: logger)
            var records: [DriftRecord] = []
            for try await (prediction, label, score, protected, features, latency, at) in rows.decode((String, String?, Double?, String?, String?, Double?, Date).self) {
                records.append(DriftRecord(
                    prediction: prediction, label: label, score: score, protected: DriftRecordColumns.protected(protected),
                    features: DriftRecordColumns.features(features), latencyMs: latency, at: at))
            }
            return records
        }
    }

    public func claimDriftWindow(_ window: DriftWindow, collector: String, at now: Date, lease: TimeInterval) async throws(StoreError) -> Bool {
        let logger = logger
        let expired = now.addingTimeInterval(-lease)
        return try await withConnection("claim the \(window)") { connection in
            let rows = try await connection.query(
                """
                INSERT INTO drift_window (cadence, window_start, claimed_by, claimed_at) VALUES (\(window.cadence.rawValue), \(window.start), \(collector), \(now))
                ON CONFLICT (cadence, window_start) DO UPDATE SET claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at
                WHERE drift_window.completed_at IS NULL AND (drift_window.claimed_by = excluded.claimed_by OR drift_window.claimed_at < \(expired))
                RETURNING 1
                """, logger: logger)
            var claimed = false
            for try await _ in rows.decode(Int32.self) { claimed = true }
            return claimed
        }
    }

    public func completeDriftWindow(_ window: DriftWindow, collector: String, checks: [DriftCheckRecord], at now: Date) async throws(StoreError) -> Bool {
        let logger = logger
        return try await transaction("complete the \(window)") { connection in
            var holder: (String, Date?)?
            for try await row in try await connection.query(
                "SELECT claimed_by, completed_at FROM drift_window WHERE cadence = \(window.cadence.rawValue) AND window_start = \(window.start) FOR UPDATE",
                logger: logger
            ).decode((String, Date?).self) { holder = row }
            guard let holder, holder.0 == collector, holder.1 == nil else { return false }
            for check in checks {
                guard let reference = try? ModelReference(parsing: check.subject.model) else { continue }
                let outcome = check.outcome
                try await connection.query(
                    """
                    INSERT INTO drift_check (model, version, device_class, kind, window_start, window_end, state, severity, value, threshold, p_value,
                        summary, reference_samples, current_samples, policy_sha256, checked_at, checked_by)
                    VALUES (\(reference.name), \(reference.version.description), \(check.subject.deviceClass), \(check.kind.rawValue), \(check.windowStart),
                        \(check.windowEnd), \(outcome.state.rawValue), \(check.severity.rawValue), \(outcome.value), \(outcome.threshold), \(outcome.pValue),
                        \(outcome.summary), \(Int64(outcome.referenceSamples)), \(Int64(outcome.currentSamples)), \(check.policySHA256), \(check.checkedAt),
                        \(check.checkedBy))
                    ON CONFLICT (model, version, device_class, kind, window_start) DO NOTHING
                    """, logger: logger)
            }
            try await connection.query(
                """
                UPDATE drift_window SET completed_at = \(now), checks = \(Int64(checks.count))
                WHERE cadence = \(window.cadence.rawValue) AND window_start = \(window.start)
                """, logger: logger)
            return true
        }
    }

    public func completedDriftWindows(_ cadence: DriftCadence) async throws(StoreError) -> Set<Date> {
        let logger = logger
        return try await withConnection("read the completed drift windows") { connection in
            var starts = Set<Date>()
            for try await start in try await connection.query(
                "SELECT window_start FROM drift_window WHERE cadence = \(cadence.rawValue) AND completed_at IS NOT NULL", logger: logger
            ).decode(Date.self) { starts.insert(start) }
            return starts
        }
    }

    public func driftHistory(_ query: DriftHistoryQuery) async throws(StoreError) -> [DriftCheckRecord] {
        let logger = logger
        return try await withConnection("read the drift history of \(query.model)") { connection in
            let rows = try await connection.query(
                """
                SELECT model, version, device_class, kind, window_start, window_end, state, severity, value, threshold, p_value, summary,
                    reference_samples, current_samples, policy_sha256, checked_at, checked_by
                FROM drift_check
                WHERE model = \(query.model) AND (\(query.version)::text IS NULL OR version = \(query.version))
                    AND (\(query.kind?.rawValue)::text IS NULL OR kind = \(query.kind?.rawValue))
                    AND (\(query.deviceClass)::text IS NULL OR device_class = \(query.deviceClass))
                ORDER BY window_start DESC, version, device_class, kind LIMIT \(Int64(query.limit))
                """, logger: logger)
            var checks: [DriftCheckRecord] = []
            for try await row in rows {
                let row = row.makeRandomAccess()
                let check = DriftRecordColumns.check(
                    model: try row["model"].decode(String.self), version: try row["version"].decode(String.self),
                    deviceClass: try row["device_class"].decode(String.self), kind: try row["kind"].decode(String.self),
                    windowStart: try row["window_start"].decode(Date.self), windowEnd: try row["window_end"].decode(Date.self),
                    state: try row["state"].decode(String.self), severity: try row["severity"].decode(String.self),
                    value: try row["value"].decode(Double?.self), threshold: try row["threshold"].decode(Double?.self),
                    pValue: try row["p_value"].decode(Double?.self), summary: try row["summary"].decode(String.self),
                    referenceSamples: Int(try row["reference_samples"].decode(Int64.self)), currentSamples: Int(try row["current_samples"].decode(Int64.self)),
                    policySHA256: try row["policy_sha256"].decode(String.self), checkedAt: try row["checked_at"].decode(Date.self),
                    checkedBy: try row["checked_by"].decode(String.self))
                if let check { checks.append(check) }
            }
            return checks
        }
    }
}

extension PostgresRegistryStore {
    public func driftHistory(_ query: DriftHistoryQuery) async throws(StoreError) -> [DriftCheckRecord] {
        try await database.driftHistory(query)
    }
}
