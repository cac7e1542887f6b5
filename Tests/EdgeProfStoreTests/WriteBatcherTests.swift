@testable import EdgeProfStore
import EdgeProfCore
import Foundation
import GRDB
import Synchronization
import Testing

/// Group commit as the collector's uploads and findings meet it, on a real SQLite file: many
/// writers at once, each answered with its own outcome once committed, a failing one rolled back
/// alone, and far fewer transactions than writes.
@Suite struct WriteBatcherTests {
    /// Counts the transactions the writer connection commits.
    final class Commits: TransactionObserver, Sendable {
        private let count = Mutex(0)
        var committed: Int { count.withLock { $0 } }
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { count.withLock { $0 += 1 } }
        func databaseDidRollback(_ db: Database) {}
    }

    struct Refused: Error {}

    @Test func concurrentWritesShareTransactionsAndAFailingOneIsRolledBackAlone() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-batcher-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pool = try DatabasePool(path: folder.appendingPathComponent("batch.sqlite").path)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE item (n INTEGER PRIMARY KEY)") }
        let commits = Commits()
        pool.add(transactionObserver: commits)
        let batcher = WriteBatcher(pool: pool) { error, operation in
            .failed(location: "batch.sqlite", operation: operation, reason: "\(error)")
        }
        let writes = 300
        let outcomes = await withTaskGroup(of: (Int, Result<Int, StoreError>).self) { group in
            for n in 0..<writes {
                group.addTask {
                    do throws(StoreError) {
                        return (n, .success(try await batcher.submit("write \(n)") { db in
                            try db.execute(sql: "INSERT INTO item (n) VALUES (?)", arguments: [n])
                            if n % 7 == 0 { throw Refused() }
                            return n * 2
                        }))
                    } catch {
                        return (n, .failure(error))
                    }
                }
            }
            return await group.reduce(into: [Int: Result<Int, StoreError>]()) { $0[$1.0] = $1.1 }
        }
        for n in 0..<writes {
            switch outcomes[n] {
            case .success(let value): #expect(n % 7 != 0 && value == n * 2, "write \(n)")
            case .failure(let error): #expect(n % 7 == 0 && error.description.contains("write \(n)"), "write \(n): \(error)")
            case nil: Issue.record("write \(n) was never answered")
            }
        }
        let stored = try await pool.read { db in try Int.fetchAll(db, sql: "SELECT n FROM item ORDER BY n") }
        #expect(stored == (0..<writes).filter { $0 % 7 != 0 }, "exactly the writes that did not throw are stored")
        #expect(commits.committed < writes / 4, "\(writes) writes in \(commits.committed) transactions")
    }
}
