import EdgeProfCore
import Foundation
import GRDB

extension SQLiteEvidenceStore {
    /// A page of runs as listings show them, from each run's stored headline: no iteration or
    /// token row is read, so a page costs the same whatever the runs hold.
    public func runSummaries(_ query: RunQuery) throws(StoreError) -> [CollectedRunSummary] {
        try read("list runs") { db in try Self.runSummaries(query, db) }
    }

    static func runSummaries(_ query: RunQuery, _ db: Database) throws -> [CollectedRunSummary] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT run.id, run.bench, run.status, run.device_class, run.port, run.started_at, run.finished_at, run.place, run.wiring,
                    run.board_json, run.headline_json, model_version.name AS model_name, model_version.version AS model_version
                FROM run JOIN model_version ON model_version.id = run.model_version_id
                WHERE run.id > ?
                  AND (? IS NULL OR (model_version.name = ? AND model_version.version = ?))
                  AND (? IS NULL OR run.device_class = ?)
                  AND (? IS NULL OR run.bench = ?)
                  AND (? IS NULL OR (run.board = ? AND run.serial = ?))
                ORDER BY run.id \(query.newestFirst ? "DESC" : "ASC") LIMIT ?
                """,
            arguments: [
                query.after, query.model?.name, query.model?.name, query.model?.version.description,
                query.deviceClass, query.deviceClass, query.bench, query.bench,
                query.device?.board, query.device?.board, query.device?.serial, query.limit,
            ])
        return try rows.compactMap { row -> CollectedRunSummary? in
            guard let version = try? SemanticVersion(parsing: row["model_version"]) else { return nil }
            let board: BoardInfo = try JSONColumn.decode(row["board_json"])
            return CollectedRunSummary(
                id: row["id"], model: ModelReference(name: row["model_name"], version: version), bench: row["bench"],
                context: RunContext(
                    deviceClass: row["device_class"], port: row["port"], startedAt: row["started_at"], finishedAt: row["finished_at"],
                    place: row["place"], wiring: row["wiring"]),
                status: RunStatus(rawValue: row["status"]) ?? .partial, board: board,
                headline: try JSONColumn.decode(row["headline_json"]))
        }
    }
}
