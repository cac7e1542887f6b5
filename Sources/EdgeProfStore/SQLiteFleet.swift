import EdgeProfCore
import Foundation
import GRDB

/// The fleet inventory in SQLite: one row per device, kept current by every stored run (in the
/// run's transaction) and labelled by governance acts.
extension SQLiteEvidenceStore {
    /// Records that `run` was seen on its device: a newer run replaces what the device is, runs
    /// and serves; an older one (delivered late) only moves its first sighting back.
    static func recordSighting(of run: RecordedRun, runID: Int64, model: ModelReference, context: RunContext, bench: String?, _ db: Database) throws {
        let device = FleetDevice.identity(of: run.board)
        let serving = ServingReport(
            announcedModel: run.model.model, artifactSHA256: run.model.artifactSHA256, registered: model, reportedAt: context.finishedAt,
            since: context.startedAt,
            shadowArtifactSHA256: run.board.shadowModel?.artifactSHA256)
        try db.cachedStatement(sql: """
                INSERT INTO fleet_device (device, board, serial, device_class, bench, firmware_version, firmware_build, emulated,
                    labels_json, first_seen_at, last_seen_at, last_run_id, serving_json, serving_state, state_reported_at, place)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(device) DO UPDATE SET device_class = excluded.device_class, bench = excluded.bench, place = excluded.place,
                    firmware_version = excluded.firmware_version, firmware_build = excluded.firmware_build, emulated = excluded.emulated,
                    last_seen_at = excluded.last_seen_at, last_run_id = excluded.last_run_id,
                    serving_json = CASE
                        WHEN json_extract(fleet_device.serving_json, '$.artifactSHA256') = json_extract(excluded.serving_json, '$.artifactSHA256')
                            AND json_extract(fleet_device.serving_json, '$.since') IS NOT NULL
                        THEN json_set(excluded.serving_json, '$.since', json_extract(fleet_device.serving_json, '$.since'))
                        ELSE excluded.serving_json END
                WHERE excluded.last_seen_at >= fleet_device.last_seen_at
                """).execute(
            arguments: [
                device, run.board.board, run.board.serial, context.deviceClass, bench, run.board.firmwareVersion, run.board.firmwareBuild,
                run.board.isEmulated, context.startedAt.stored, context.finishedAt.stored, runID, try JSONColumn.encode(serving),
                run.board.servingState?.rawValue, run.board.servingState.map { _ in context.startedAt.stored }, context.place,
            ])
        if let state = run.board.servingState {
            try db.cachedStatement(sql: "UPDATE fleet_device SET serving_state = ?, state_reported_at = ? WHERE device = ? AND (state_reported_at IS NULL OR state_reported_at < ?)").execute(
                arguments: [state.rawValue, context.startedAt.stored, device, context.startedAt.stored])
        }
        try db.cachedStatement(sql: "UPDATE fleet_device SET first_seen_at = ? WHERE device = ? AND first_seen_at > ?").execute(
            arguments: [context.startedAt.stored, device, context.startedAt.stored])
    }

    /// Builds the inventory from the runs stored before it existed (schema v18), oldest first.
    /// Every run stored since records its device, so an empty inventory beside runs is one
    /// that was never filled; this costs two lookups once it is.
    static func fillFleetFromRuns(_ db: Database) throws {
        guard try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM fleet_device) AND EXISTS (SELECT 1 FROM run)") == true else { return }
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT run.*, model_version.name AS model_name, model_version.version AS model_version
                FROM run JOIN model_version ON model_version.id = run.model_version_id ORDER BY run.id
                """)
        for row in rows {
            guard let version = try? SemanticVersion(parsing: row["model_version"]) else { continue }
            let stored = try storedRun(from: row, model: ModelReference(name: row["model_name"], version: version), db, tokens: false)
            try recordSighting(of: stored.run, runID: stored.id, model: stored.model, context: stored.context, bench: row["bench"], db)
        }
    }

    /// Records what a device's agent reports; false when the fleet does not know the device.
    public func recordReport(_ report: DeviceReport, device: String, registered: ModelReference?, at: Date) throws(StoreError) -> Bool {
        try write("record the report of \(device)") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT serving_json FROM fleet_device WHERE device = ?", arguments: [device]) else { return false }
            let serving = FleetReportMerge.merge(try JSONColumn.decode(row["serving_json"]) as ServingReport, report: report, registered: registered, at: at)
            try db.execute(
                sql: "UPDATE fleet_device SET serving_state = ?, state_reported_at = ?, serving_json = ? WHERE device = ?",
                arguments: [report.servingState.rawValue, at.stored, try JSONColumn.encode(serving), device])
            return db.changesCount == 1
        }
    }

    public func fleetDevices(_ query: FleetQuery) throws(StoreError) -> [FleetDevice] {
        try read("list the fleet") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM fleet_device WHERE (? IS NULL OR device_class = ?) AND (? IS NULL OR bench = ?) ORDER BY device
                    """,
                arguments: [query.deviceClass, query.deviceClass, query.bench, query.bench]
            ).map(Self.fleetDevice(from:)).filter(query.matches)
        }
    }

    public func fleetDevice(_ device: String) throws(StoreError) -> FleetDevice? {
        try read("look up device \(device)") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM fleet_device WHERE device = ?", arguments: [device]).map(Self.fleetDevice(from:))
        }
    }

    static func fleetDevice(from row: Row) throws -> FleetDevice {
        FleetDevice(
            device: row["device"], board: row["board"], serial: row["serial"], deviceClass: row["device_class"], bench: row["bench"],
            firmwareVersion: row["firmware_version"], firmwareBuild: row["firmware_build"], emulated: row["emulated"],
            labels: try JSONColumn.decode(row["labels_json"]), firstSeenAt: row["first_seen_at"], lastSeenAt: row["last_seen_at"],
            lastRunID: row["last_run_id"], serving: try JSONColumn.decode(row["serving_json"]),
            servingState: (row["serving_state"] as String?).flatMap(ServingState.init(rawValue:)), stateReportedAt: row["state_reported_at"],
            place: row["place"], lastInferenceAt: row["last_inference_at"])
    }
}
