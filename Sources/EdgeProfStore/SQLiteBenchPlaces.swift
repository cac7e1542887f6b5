import EdgeProfCore
import Foundation
import GRDB

/// The bench places agents report (issue 19): one row per bench and place, its latest report.
extension SQLiteCollectorStore {
    public func recordBenchPlaces(_ reports: [BenchPlaceReport], bench: String, stopped: Bool, at: Date) async throws(StoreError) {
        guard !reports.isEmpty else { return }
        try await write("record the places of bench \(bench)") { db in
            for report in reports {
                let (place, json) = (report.place, try JSONColumn.encode(report))
                try db.execute(
                    sql: """
                        INSERT INTO bench_place (bench, place, json, reported_at, stopped) VALUES (?, ?, ?, ?, ?)
                        ON CONFLICT(bench, place) DO UPDATE SET json = excluded.json, reported_at = excluded.reported_at, stopped = excluded.stopped
                        """,
                    arguments: [bench, place, json, at.stored, stopped])
            }
        }
    }

    public func benchPlaces() async throws(StoreError) -> [StoredBenchPlace] {
        try await read("list the bench places") { db in
            try Row.fetchAll(db, sql: "SELECT bench, json, reported_at, stopped FROM bench_place ORDER BY bench, place").map { row in
                StoredBenchPlace(bench: row["bench"], report: try JSONColumn.decode(row["json"]), reportedAt: row["reported_at"], stopped: row["stopped"])
            }
        }
    }
}
