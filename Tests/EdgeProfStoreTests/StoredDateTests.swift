@testable import EdgeProfStore
import Foundation
import GRDB
import Synchronization
import Testing

/// Dates bound by the SQLite stores (`StoredDate`): the same text GRDB's own formatter writes, read
/// back as the same instant (to the millisecond), and computed without shared state, so threads
/// binding dates at once each get their own (GRDB's shared `DateFormatter` once wrote "" when
/// first used by two threads at once).
@Suite struct StoredDateTests {
    @Test func theTextIsGRDBsForEveryKindOfDate() {
        var random = SystemRandomNumberGenerator()
        var dates = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -0.0005), Date(timeIntervalSince1970: 951_782_400),  // 2000-02-29
            Date(timeIntervalSince1970: 4_107_542_399.999), Date(timeIntervalSince1970: -2_208_988_800),  // 2099-12-31, 1900-01-01
            Date(timeIntervalSince1970: 1_788_739_200.1234), Date(timeIntervalSince1970: 253_402_300_799.9),
        ]
        for _ in 0..<2000 { dates.append(Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...4_000_000_000, using: &random))) }
        for date in dates {
            // Single-threaded here, so GRDB's formatter is trustworthy as the oracle.
            #expect(StoredDate.text(date) == String.fromDatabaseValue(date.databaseValue), "\(date.timeIntervalSince1970)")
        }
    }

    @Test func datesFormattedOnManyThreadsAtOnceAreEachTheirOwn() {
        let dates = (0..<20_000).map { Date(timeIntervalSince1970: 1_788_739_200 + Double($0) * 37.123) }
        let expected = dates.map(StoredDate.text)
        let wrong = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            var mismatches = 0
            for index in stride(from: thread, to: dates.count, by: 8) where String.fromDatabaseValue(dates[index].stored.databaseValue) != expected[index] {
                mismatches += 1
            }
            wrong.withLock { $0 += mismatches }
        }
        #expect(wrong.withLock { $0 } == 0)
    }

    @Test func datesBoundFromManyThreadsAtOnceAllReadBack() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("stored-date-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pool = try DatabasePool(path: path)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE stamp (writer INTEGER, idx INTEGER, at DATETIME NOT NULL)") }
        let base = Date(timeIntervalSince1970: 1_788_739_200)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for index in 0..<200 {
                        let at = base.addingTimeInterval(Double(writer * 1000 + index) + 0.25)
                        // A read binding a date beside every write, as the collector's queries do.
                        _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM stamp WHERE at >= ?", arguments: [at.stored]) }
                        try await pool.write { db in
                            try db.execute(sql: "INSERT INTO stamp (writer, idx, at) VALUES (?, ?, ?)", arguments: [writer, index, at.stored])
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let rows = try pool.read { db in try Row.fetchAll(db, sql: "SELECT writer, idx, at FROM stamp") }
        #expect(rows.count == 1600)
        for row in rows {
            let text: String = row["at"]
            let expected = base.addingTimeInterval(Double((row["writer"] as Int) * 1000 + (row["idx"] as Int)) + 0.25)
            #expect(text == StoredDate.text(expected), "every row holds its own date, none an empty or mangled one")
            let read = try #require(Date.fromDatabaseValue(row["at"] as DatabaseValue))
            #expect(abs(read.timeIntervalSince(expected)) < 0.0005)
        }
    }
}
