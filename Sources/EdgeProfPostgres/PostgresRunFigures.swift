import EdgeProfCore
import Foundation
import PostgresNIO

extension PostgresRegistryStore {
    /// As the SQLite store: one run and iteration row each, the token rows only for `.gaps`.
    public func runFigures(of model: RegisteredModel, deviceClass: String?, runID: Int64?, tokens: TokenDetail) async throws(StoreError) -> [StoredRunFigures] {
        let logger = database.logger
        return try await database.withConnection("read the figures of the runs of \(model.reference)") { connection in
            var runs: [StoredRunFigures] = []
            for try await row in try await connection.query(
                """
                SELECT id, status, partial_reason, device_class, port, started_at, finished_at, place, wiring, board_json, evidence_key,
                    totals_json, firmware_json, discarded_iterations
                FROM run WHERE model_version_id = \(model.id) AND (\(deviceClass)::text IS NULL OR device_class = \(deviceClass))
                  AND (\(runID)::bigint IS NULL OR id = \(runID))
                ORDER BY id
                """, logger: logger)
            {
                runs.append(try Self.runFigures(row.makeRandomAccess()))
            }
            let ids = runs.map(\.id)
            var gaps: [Int64: [Int64: [UInt64]]] = [:]
            if tokens == .gaps {
                var accumulator = TokenGapAccumulator()
                for try await (run, iteration, ticks) in try await connection.query(
                    "SELECT run_id, iteration, ticks FROM token WHERE run_id = ANY(\(ids)) ORDER BY run_id, iteration, idx", logger: logger
                ).decode((Int64, Int64, Int64).self) {
                    accumulator.add(run: run, iteration: iteration, ticks: UInt64(bitPattern: ticks))
                }
                gaps = accumulator.finished()
            }
            var iterations: [Int64: [IterationFigures]] = [:]
            for try await (run, index, start, end, energy, inferences, count, first) in try await connection.query(
                """
                SELECT run_id, idx, start_ticks, end_ticks, energy_nj, inferences, token_count, first_token_ticks FROM iteration
                WHERE run_id = ANY(\(ids)) ORDER BY run_id, idx
                """, logger: logger
            ).decode((Int64, Int64, Int64, Int64, Int64?, Int64?, Int64, Int64?).self) {
                iterations[run, default: []].append(IterationFigures(
                    startTicks: UInt64(bitPattern: start), endTicks: UInt64(bitPattern: end), energyNanojoules: energy.map { UInt64(bitPattern: $0) },
                    inferences: inferences.map { UInt32(clamping: $0) }, tokenCount: Int(clamping: count), firstTokenTicks: first.map { UInt64(bitPattern: $0) },
                    tokenGapTicks: tokens == .gaps ? gaps[run]?[index] ?? [] : nil))
            }
            for index in runs.indices { runs[index].figures.iterations = iterations[runs[index].id] ?? [] }
            return runs
        }
    }

    /// A run row's figures, its iterations still to be filled in.
    private static func runFigures(_ row: PostgresRandomAccessRow) throws -> StoredRunFigures {
        let board: BoardInfo = try PostgresCollectorStore.decodeJSON(row["board_json"].decode(String.self))
        return StoredRunFigures(
            id: try row["id"].decode(Int64.self),
            context: RunContext(
                deviceClass: try row["device_class"].decode(String.self), port: try row["port"].decode(String.self),
                startedAt: try row["started_at"].decode(Date.self), finishedAt: try row["finished_at"].decode(Date.self),
                place: try row["place"].decode(String?.self), wiring: try row["wiring"].decode(String?.self)),
            status: RunStatus(rawValue: try row["status"].decode(String.self)) ?? .partial, partialReason: try row["partial_reason"].decode(String?.self),
            board: board, evidenceKey: String(try row["evidence_key"].decode(String.self).prefix(12)),
            figures: RunFigures(
                tickHz: board.tickHz, discardedIterations: Int(clamping: try row["discarded_iterations"].decode(Int64.self)),
                totals: try row["totals_json"].decode(String?.self).map(PostgresCollectorStore.decodeJSON),
                firmwareSize: try row["firmware_json"].decode(String?.self).map(PostgresCollectorStore.decodeJSON), iterations: []))
    }
}
