import EdgeProfCore
import Foundation
import GRDB

/// The drift scheduler's reads and writes in SQLite (`DriftSchema`): telemetry read per version
/// and device class, windows claimed and completed in transactions so a window is checked once.
extension SQLiteCollectorStore {
    public func oldestInference() async throws(StoreError) -> Date? {
        try await read("find the oldest inference") { db in
            try Date.fetchOne(db, sql: "SELECT MIN(at) FROM inference")
        }
    }

    public func driftSubjects(from: Date, to: Date) async throws(StoreError) -> [DriftSubject: Date] {
        try await read("find the versions served in a drift window") { db in
            let active = try Row.fetchAll(
                db, sql: """
                    SELECT DISTINCT inference.model, inference.version, fleet_device.device_class
                    FROM inference JOIN fleet_device ON fleet_device.device = inference.device
                    WHERE inference.at >= ? AND inference.at < ? AND inference.arm != 'shadow'
                    """, arguments: [from.stored, to.stored])
            var subjects: [DriftSubject: Date] = [:]
            for row in active {
                let (model, version, deviceClass): (String, String, String) = (row["model"], row["version"], row["device_class"])
                let first = try Date.fetchOne(
                    db, sql: """
                        SELECT MIN(inference.at) FROM inference JOIN fleet_device ON fleet_device.device = inference.device
                        WHERE inference.model = ? AND inference.version = ? AND fleet_device.device_class = ? AND inference.arm != 'shadow'
                        """, arguments: [model, version, deviceClass])
                if let first { subjects[DriftSubject(model: "\(model)@\(version)", deviceClass: deviceClass)] = first }
            }
            return subjects
        }
    }

    public func driftRecords(_ subject: DriftSubject, from: Date, to: Date) async throws(StoreError) -> [DriftRecord] {
        let reference: ModelReference
        do { reference = try ModelReference(parsing: subject.model) } catch { return [] }
        return try await read("read the telemetry of \(subject)") { db in
            try Row.fetchAll(
                db, sql: """
                    SELECT inference.prediction, inference.label, inference.score, inference.protected_json, inference.features_json,
                        inference.latency_ms, inference.at
                    FROM inference JOIN fleet_device ON fleet_device.device = inference.device
                    WHERE inference.model = ? AND inference.version = ? AND fleet_device.device_class = ? AND inference.arm != 'shadow'
                        AND inference.at >= ? AND inference.at < ?
                    ORDER BY inference.at, inference.device, inference.arm, inference.request_id
                    """, arguments: [reference.name, reference.version.description, subject.deviceClass, from.stored, to.stored]
            ).map { row in
                DriftRecord(
                    prediction: row["prediction"], label: row["label"], score: row["score"],
                    protected: DriftRecordColumns.protected(row["protected_json"]), features: DriftRecordColumns.features(row["features_json"]),
                    latencyMs: row["latency_ms"], at: row["at"])
            }
        }
    }

    public func claimDriftWindow(_ window: DriftWindow, collector: String, at now: Date, lease: TimeInterval) async throws(StoreError) -> Bool {
        try await write("claim the \(window)") { db in
            try db.execute(
                sql: """
                    INSERT INTO drift_window (cadence, window_start, claimed_by, claimed_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (cadence, window_start) DO UPDATE SET claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at
                    WHERE drift_window.completed_at IS NULL AND (drift_window.claimed_by = excluded.claimed_by OR drift_window.claimed_at < ?)
                    """, arguments: [window.cadence.rawValue, window.start.stored, collector, now.stored, now.addingTimeInterval(-lease).stored])
            return db.changesCount == 1
        }
    }

    public func completeDriftWindow(_ window: DriftWindow, collector: String, checks: [DriftCheckRecord], at now: Date) async throws(StoreError) -> Bool {
        try await write("complete the \(window)") { db in
            let holder = try Row.fetchOne(
                db, sql: "SELECT claimed_by, completed_at FROM drift_window WHERE cadence = ? AND window_start = ?",
                arguments: [window.cadence.rawValue, window.start.stored])
            guard let holder, holder["claimed_by"] as String == collector, (holder["completed_at"] as Date?) == nil else { return false }
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO drift_check (model, version, device_class, kind, window_start, window_end, state, severity, value, threshold, p_value,
                        summary, reference_samples, current_samples, policy_sha256, checked_at, checked_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (model, version, device_class, kind, window_start) DO NOTHING
                    """)
            for check in checks {
                guard let reference = try? ModelReference(parsing: check.subject.model) else { continue }
                try insert.execute(arguments: [
                    reference.name, reference.version.description, check.subject.deviceClass, check.kind.rawValue, check.windowStart.stored, check.windowEnd.stored,
                    check.outcome.state.rawValue, check.severity.rawValue, check.outcome.value, check.outcome.threshold, check.outcome.pValue,
                    check.outcome.summary, check.outcome.referenceSamples, check.outcome.currentSamples, check.policySHA256, check.checkedAt.stored, check.checkedBy,
                ])
            }
            try db.execute(
                sql: "UPDATE drift_window SET completed_at = ?, checks = ? WHERE cadence = ? AND window_start = ?",
                arguments: [now.stored, checks.count, window.cadence.rawValue, window.start.stored])
            return true
        }
    }

    public func completedDriftWindows(_ cadence: DriftCadence) async throws(StoreError) -> Set<Date> {
        try await read("read the completed drift windows") { db in
            Set(try Date.fetchAll(db, sql: "SELECT window_start FROM drift_window WHERE cadence = ? AND completed_at IS NOT NULL", arguments: [cadence.rawValue]))
        }
    }

    public func driftHistory(_ query: DriftHistoryQuery) async throws(StoreError) -> [DriftCheckRecord] {
        try evidence.driftHistory(query)
    }
}

extension SQLiteEvidenceStore {
    public func driftHistory(_ query: DriftHistoryQuery) throws(StoreError) -> [DriftCheckRecord] {
        try read("read the drift history of \(query.model)") { db in
            var sql = "SELECT * FROM drift_check WHERE model = ?"
            var arguments: StatementArguments = [query.model]
            if let version = query.version {
                sql += " AND version = ?"
                arguments += [version]
            }
            if let kind = query.kind {
                sql += " AND kind = ?"
                arguments += [kind.rawValue]
            }
            if let deviceClass = query.deviceClass {
                sql += " AND device_class = ?"
                arguments += [deviceClass]
            }
            sql += " ORDER BY window_start DESC, version, device_class, kind LIMIT ?"
            arguments += [query.limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap { row in
                DriftRecordColumns.check(
                    model: row["model"], version: row["version"], deviceClass: row["device_class"], kind: row["kind"], windowStart: row["window_start"],
                    windowEnd: row["window_end"], state: row["state"], severity: row["severity"], value: row["value"], threshold: row["threshold"],
                    pValue: row["p_value"], summary: row["summary"], referenceSamples: row["reference_samples"], currentSamples: row["current_samples"],
                    policySHA256: row["policy_sha256"], checkedAt: row["checked_at"], checkedBy: row["checked_by"])
            }
        }
    }
}
