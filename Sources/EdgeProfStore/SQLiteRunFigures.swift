import EdgeProfCore
import Foundation
import GRDB

extension SQLiteEvidenceStore {
    /// The figures of a version's stored runs, in stored order: one run and iteration row each,
    /// and the token rows only for `.gaps` (inter-token latency).
    public func runFigures(of model: RegisteredModel, deviceClass: String?, runID: Int64?, tokens: TokenDetail) throws(StoreError) -> [StoredRunFigures] {
        try read("read the figures of the runs of \(model.reference)") { db in
            let filter = "model_version_id = ? AND (? IS NULL OR device_class = ?) AND (? IS NULL OR id = ?)"
            let arguments: StatementArguments = [model.id, deviceClass, deviceClass, runID, runID]
            let gaps = tokens == .gaps ? try Self.tokenGaps(db, runsWhere: filter, arguments) : [:]
            var iterations: [Int64: [IterationFigures]] = [:]
            let iterationRows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT run_id, idx, start_ticks, end_ticks, energy_nj, inferences, token_count, first_token_ticks FROM iteration
                    WHERE run_id IN (SELECT id FROM run WHERE \(filter)) ORDER BY run_id, idx
                    """,
                arguments: arguments)
            while let row = try iterationRows.next() {
                let runID: Int64 = row[0]
                let index: Int64 = row[1]
                iterations[runID, default: []].append(IterationFigures(
                    startTicks: UInt64(bitPattern: row[2]), endTicks: UInt64(bitPattern: row[3]),
                    energyNanojoules: (row[4] as Int64?).map { UInt64(bitPattern: $0) }, inferences: (row[5] as Int64?).map { UInt32(clamping: $0) },
                    tokenCount: Int(clamping: row[6] as Int64), firstTokenTicks: (row[7] as Int64?).map { UInt64(bitPattern: $0) },
                    tokenGapTicks: tokens == .gaps ? gaps[runID]?[index] ?? [] : nil))
            }
            let runs = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, status, partial_reason, device_class, port, started_at, finished_at, place, wiring, board_json, evidence_key,
                        totals_json, firmware_json, discarded_iterations
                    FROM run WHERE \(filter) ORDER BY id
                    """,
                arguments: arguments)
            return try runs.map { row in
                let id: Int64 = row["id"]
                let board: BoardInfo = try JSONColumn.decode(row["board_json"])
                let evidenceKey: String = row["evidence_key"]
                return StoredRunFigures(
                    id: id,
                    context: RunContext(
                        deviceClass: row["device_class"], port: row["port"], startedAt: row["started_at"], finishedAt: row["finished_at"],
                        place: row["place"], wiring: row["wiring"]),
                    status: RunStatus(rawValue: row["status"]) ?? .partial, partialReason: row["partial_reason"], board: board,
                    evidenceKey: String(evidenceKey.prefix(12)),
                    figures: RunFigures(
                        tickHz: board.tickHz, discardedIterations: row["discarded_iterations"],
                        totals: try (row["totals_json"] as String?).map(JSONColumn.decode),
                        firmwareSize: try (row["firmware_json"] as String?).map(JSONColumn.decode), iterations: iterations[id] ?? []))
            }
        }
    }

    /// The gaps between consecutive tokens of every iteration of the runs `filter` selects.
    private static func tokenGaps(_ db: Database, runsWhere filter: String, _ arguments: StatementArguments) throws -> [Int64: [Int64: [UInt64]]] {
        var accumulator = TokenGapAccumulator()
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT run_id, iteration, ticks FROM token WHERE run_id IN (SELECT id FROM run WHERE \(filter)) ORDER BY run_id, iteration, idx",
            arguments: arguments)
        while let row = try rows.next() {
            accumulator.add(run: row[0], iteration: row[1], ticks: UInt64(bitPattern: row[2]))
        }
        return accumulator.finished()
    }
}
