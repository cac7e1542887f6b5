import EdgeProfCore
import Foundation
import PostgresNIO

/// The bench places agents report (issue 19), kept as the SQLite store keeps them.
extension PostgresCollectorStore {
    public func recordBenchPlaces(_ reports: [BenchPlaceReport], bench: String, stopped: Bool, at: Date) async throws(StoreError) {
        guard !reports.isEmpty else { return }
        try await withConnection("record the places of bench \(bench)") { connection in
            for report in reports {
                try await connection.query(
                    """
                    INSERT INTO bench_place (bench, place, json, reported_at, stopped) VALUES (\(bench), \(report.place), \(try Self.json(report)), \(at), \(stopped))
                    ON CONFLICT (bench, place) DO UPDATE SET json = excluded.json, reported_at = excluded.reported_at, stopped = excluded.stopped
                    """, logger: self.logger)
            }
        }
    }

    public func benchPlaces() async throws(StoreError) -> [StoredBenchPlace] {
        try await withConnection("list the bench places") { connection in
            var places: [StoredBenchPlace] = []
            let rows = try await connection.query("SELECT bench, json, reported_at, stopped FROM bench_place ORDER BY bench, place", logger: self.logger)
            for try await (bench, json, reportedAt, stopped) in rows.decode((String, String, Date, Bool).self) {
                places.append(StoredBenchPlace(bench: bench, report: try Self.decodeJSON(json), reportedAt: reportedAt, stopped: stopped))
            }
            return places
        }
    }
}
