import EdgeProfCore
import Foundation
import Logging
import PostgresNIO

/// The fleet inventory in PostgreSQL, kept exactly as the SQLite store keeps it: one row per
/// device, updated by every stored run in its transaction, labelled by governance acts.
enum PostgresFleet {
    /// Records that `run` was seen on its device: a newer run replaces what the device is, runs
    /// and serves; an older one (delivered late) only moves its first sighting back.
    static func recordSighting(
        of run: RecordedRun, runID: Int64, model: ModelReference, context: RunContext, bench: String?, _ connection: PostgresConnection, _ logger: Logger
    ) async throws {
        let device = FleetDevice.identity(of: run.board)
        let serving = ServingReport(
            announcedModel: run.model.model, artifactSHA256: run.model.artifactSHA256, registered: model, reportedAt: context.finishedAt, since: context.startedAt,
            shadowArtifactSHA256: run.board.shadowModel?.artifactSHA256)
        try await connection.query(
            """
            INSERT INTO fleet_device (device, board, serial, device_class, bench, firmware_version, firmware_build, emulated,
                labels_json, first_seen_at, last_seen_at, last_run_id, serving_json, serving_state, state_reported_at, place)
            VALUES (\(device), \(run.board.board), \(run.board.serial), \(context.deviceClass), \(bench), \(run.board.firmwareVersion),
                \(run.board.firmwareBuild), \(run.board.isEmulated), '{}', \(context.startedAt), \(context.finishedAt), \(runID),
                \(try PostgresCollectorStore.json(serving)), \(run.board.servingState?.rawValue), \(run.board.servingState.map { _ in context.startedAt }),
                \(context.place))
            ON CONFLICT (device) DO UPDATE SET device_class = excluded.device_class, bench = excluded.bench, place = excluded.place,
                firmware_version = excluded.firmware_version, firmware_build = excluded.firmware_build, emulated = excluded.emulated,
                last_seen_at = excluded.last_seen_at, last_run_id = excluded.last_run_id,
                serving_json = CASE
                    WHEN (fleet_device.serving_json::jsonb ->> 'artifactSHA256') = (excluded.serving_json::jsonb ->> 'artifactSHA256')
                        AND fleet_device.serving_json::jsonb ? 'since'
                    THEN jsonb_set(excluded.serving_json::jsonb, '{since}', fleet_device.serving_json::jsonb -> 'since')::text
                    ELSE excluded.serving_json END
            WHERE excluded.last_seen_at >= fleet_device.last_seen_at
            """, logger: logger)
        try await connection.query(
            "UPDATE fleet_device SET first_seen_at = \(context.startedAt) WHERE device = \(device) AND first_seen_at > \(context.startedAt)",
            logger: logger)
        if let state = run.board.servingState {
            try await connection.query(
                """
                UPDATE fleet_device SET serving_state = \(state.rawValue), state_reported_at = \(context.startedAt)
                WHERE device = \(device) AND (state_reported_at IS NULL OR state_reported_at < \(context.startedAt))
                """, logger: logger)
        }
    }

    /// Records what a device's agent reports; false when the fleet does not know the device.
    static func recordReport(
        _ report: DeviceReport, device: String, registered: ModelReference?, at: Date, _ connection: PostgresConnection, _ logger: Logger
    ) async throws -> Bool {
        let current = try await self.device(named: device, connection, logger)
        guard let stored = current?.serving else { return false }
        let serving = FleetReportMerge.merge(stored, report: report, registered: registered, at: at)
        try await connection.query(
            """
            UPDATE fleet_device SET serving_state = \(report.servingState.rawValue), state_reported_at = \(at),
                serving_json = \(try PostgresCollectorStore.json(serving))
            WHERE device = \(device)
            """, logger: logger)
        return true
    }

    /// Replaces a device's labels, refusing when they are no longer those the decision saw.
    static func relabel(
        _ device: String, from before: [String: String], to after: [String: String], _ connection: PostgresConnection, _ logger: Logger, location: String
    ) async throws {
        var rows = 0
        for try await _ in try await connection.query(
            """
            UPDATE fleet_device SET labels_json = \(CanonicalJSON.string(after))
            WHERE device = \(device) AND labels_json = \(CanonicalJSON.string(before)) RETURNING 1
            """, logger: logger
        ).decode(Int32.self) { rows += 1 }
        guard rows == 1 else { throw StoreError.failed(location: location, operation: "label \(device)", reason: "its labels changed meanwhile") }
    }

    /// Builds the inventory from the runs stored before it existed (migration 12), oldest first.
    static func fillFromRuns(_ connection: PostgresConnection, _ logger: Logger) async throws {
        let rows = try await connection.query(
            """
            SELECT run.*, model_version.name AS model_name, model_version.version AS model_version
            FROM run JOIN model_version ON model_version.id = run.model_version_id ORDER BY run.id
            """, logger: logger)
        var collected: [(PostgresRandomAccessRow, ModelReference)] = []
        for try await row in rows {
            let row = row.makeRandomAccess()
            if let version = try? SemanticVersion(parsing: row["model_version"].decode(String.self)) {
                collected.append((row, ModelReference(name: try row["model_name"].decode(String.self), version: version)))
            }
        }
        for (row, model) in collected {
            let stored = try await PostgresCollectorStore.storedRun(row, model: model, connection, logger, tokens: false)
            try await recordSighting(of: stored.run, runID: stored.id, model: model, context: stored.context, bench: try row["bench"].decode(String?.self), connection, logger)
        }
    }

    static func devices(_ query: FleetQuery, _ connection: PostgresConnection, _ logger: Logger) async throws -> [FleetDevice] {
        let rows = try await connection.query(
            """
            SELECT * FROM fleet_device
            WHERE (\(query.deviceClass)::text IS NULL OR device_class = \(query.deviceClass)) AND (\(query.bench)::text IS NULL OR bench = \(query.bench))
            ORDER BY device
            """, logger: logger)
        var devices: [FleetDevice] = []
        for try await row in rows { devices.append(try device(row.makeRandomAccess())) }
        return devices.filter(query.matches)
    }

    static func device(named device: String, _ connection: PostgresConnection, _ logger: Logger) async throws -> FleetDevice? {
        var found: FleetDevice?
        for try await row in try await connection.query("SELECT * FROM fleet_device WHERE device = \(device)", logger: logger) {
            found = try self.device(row.makeRandomAccess())
        }
        return found
    }

    static func device(_ row: PostgresRandomAccessRow) throws -> FleetDevice {
        FleetDevice(
            device: try row["device"].decode(String.self), board: try row["board"].decode(String.self), serial: try row["serial"].decode(String.self),
            deviceClass: try row["device_class"].decode(String.self), bench: try row["bench"].decode(String?.self),
            firmwareVersion: try row["firmware_version"].decode(String.self), firmwareBuild: try row["firmware_build"].decode(String.self),
            emulated: try row["emulated"].decode(Bool.self), labels: try PostgresCollectorStore.decodeJSON(row["labels_json"].decode(String.self)),
            firstSeenAt: try row["first_seen_at"].decode(Date.self), lastSeenAt: try row["last_seen_at"].decode(Date.self),
            lastRunID: try row["last_run_id"].decode(Int64.self), serving: try PostgresCollectorStore.decodeJSON(row["serving_json"].decode(String.self)),
            servingState: try row["serving_state"].decode(String?.self).flatMap(ServingState.init(rawValue:)),
            stateReportedAt: try row["state_reported_at"].decode(Date?.self), place: try row["place"].decode(String?.self),
            lastInferenceAt: try row["last_inference_at"].decode(Date?.self))
    }
}

extension PostgresRegistryStore {
    public func fleetDevices(_ query: FleetQuery) async throws(StoreError) -> [FleetDevice] {
        let logger = database.logger
        return try await database.withConnection("list the fleet") { connection in try await PostgresFleet.devices(query, connection, logger) }
    }

    public func recordReport(_ report: DeviceReport, device: String, registered: ModelReference?, at: Date) async throws(StoreError) -> Bool {
        let logger = database.logger
        return try await database.transaction("record the report of \(device)") { connection in
            try await PostgresFleet.recordReport(report, device: device, registered: registered, at: at, connection, logger)
        }
    }

    public func fleetDevice(_ device: String) async throws(StoreError) -> FleetDevice? {
        let logger = database.logger
        return try await database.withConnection("look up device \(device)") { connection in
            try await PostgresFleet.device(named: device, connection, logger)
        }
    }
}
