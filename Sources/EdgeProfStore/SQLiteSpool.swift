import EdgeProfCore
import Foundation
import GRDB

/// An agent's on-disk spool: every run to upload waits here until the collector has answered with
/// a receipt, so a collector outage, a crash or a reboot loses nothing. One SQLite file (WAL).
public final class SQLiteSpool: Sendable {
    public let location: String
    private let queue: DatabaseQueue

    public init(path: String) throws(StoreError) {
        location = path
        do {
            try PrivateDatabaseFile.prepare(path)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            queue = try OpeningLock.holding(path) {
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
                try Self.migrator.migrate(queue)
                return queue
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw .unavailable(location: path, reason: error.message ?? error.description)
        } catch {
            throw .unavailable(location: path, reason: "\(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: spool") { db in
            try db.create(table: "spooled_run") { t in
                t.primaryKey("key", .text)
                t.column("collector", .text).notNull()
                t.column("bench", .text).notNull()
                t.column("model", .text).notNull()
                t.column("body", .blob).notNull()
                t.column("local_run_id", .integer)
                t.column("enqueued_at", .datetime).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("next_attempt_at", .datetime).notNull()
                t.column("last_error", .text)
                t.column("rejected_at", .datetime)
            }
            try db.create(index: "spooled_run_due", on: "spooled_run", columns: ["collector", "rejected_at", "next_attempt_at"])
            try db.create(table: "delivery") { t in
                t.primaryKey("key", .text)
                t.column("collector", .text).notNull()
                t.column("remote_run_id", .integer).notNull()
                t.column("duplicate", .boolean).notNull()
                t.column("delivered_at", .datetime).notNull()
            }
        }
        return migrator
    }

    /// Puts an upload in the spool, due at once. The same key twice is one entry.
    public func enqueue(_ upload: RunUpload, collector: String, localRunID: Int64?, at time: Date) throws(StoreError) {
        let body: Data
        do { body = try JSONCoding.encoder.encode(upload) } catch {
            throw .failed(location: location, operation: "spool a run", reason: "\(error)")
        }
        try write("spool run \(upload.idempotencyKey)") { db in
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO spooled_run (key, collector, bench, model, body, local_run_id, enqueued_at, next_attempt_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [upload.idempotencyKey, collector, upload.bench, upload.model, body, localRunID, time.stored, time.stored])
        }
    }

    /// Runs of `bench` for `collector` due by `now`, oldest first, with their bodies. Two agents
    /// sharing a spool each deliver only their own bench's runs (their tokens allow no other).
    public func due(collector: String, bench: String, now: Date, limit: Int) throws(StoreError) -> [(SpooledRun, body: Data)] {
        try read("read due runs") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM spooled_run WHERE collector = ? AND bench = ? AND rejected_at IS NULL AND next_attempt_at <= ?
                    ORDER BY enqueued_at, key LIMIT ?
                    """,
                arguments: [collector, bench, now.stored, limit]
            ).map { (Self.entry($0), body: $0["body"]) }
        }
    }

    /// The earliest time a pending run of `bench` for `collector` is due, if any wait.
    public func nextDue(collector: String, bench: String) throws(StoreError) -> Date? {
        try read("read the next due run") { db in
            try Date.fetchOne(
                db, sql: "SELECT MIN(next_attempt_at) FROM spooled_run WHERE collector = ? AND bench = ? AND rejected_at IS NULL",
                arguments: [collector, bench])
        }
    }

    /// The collector stored the run: it leaves the spool and the delivery is remembered.
    public func markDelivered(key: String, collector: String, receipt: RunReceipt, at time: Date) throws(StoreError) {
        try write("mark run \(key) delivered") { db in
            try db.execute(sql: "DELETE FROM spooled_run WHERE key = ?", arguments: [key])
            try db.execute(
                sql: "INSERT OR REPLACE INTO delivery (key, collector, remote_run_id, duplicate, delivered_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [key, collector, receipt.runID, receipt.duplicate, time.stored])
        }
    }

    /// The attempt failed in a way a later one may not: try again at `next`.
    public func markFailed(key: String, error: String, next: Date) throws(StoreError) {
        try write("reschedule run \(key)") { db in
            try db.execute(
                sql: "UPDATE spooled_run SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE key = ?",
                arguments: [error, next.stored, key])
        }
    }

    /// The collector refused the run itself: kept, never retried, shown by `agent status`.
    public func markRejected(key: String, reason: String, at time: Date) throws(StoreError) {
        try write("mark run \(key) rejected") { db in
            try db.execute(
                sql: "UPDATE spooled_run SET attempts = attempts + 1, last_error = ?, rejected_at = ? WHERE key = ?",
                arguments: [reason, time.stored, key])
        }
    }

    /// Pending runs (all collectors), the rejected ones, and the deliveries.
    public func status() throws(StoreError) -> SpoolStatus {
        try read("read the spool") { db in
            let entries = try Row.fetchAll(db, sql: "SELECT * FROM spooled_run ORDER BY enqueued_at, key").map(Self.entry)
            let delivered = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery") ?? 0
            let last = try Row.fetchOne(db, sql: "SELECT * FROM delivery ORDER BY delivered_at DESC, key DESC LIMIT 1").map {
                SpoolDelivery(key: $0["key"], collector: $0["collector"], remoteRunID: $0["remote_run_id"], duplicate: $0["duplicate"], deliveredAt: $0["delivered_at"])
            }
            return SpoolStatus(
                location: location, pending: entries.filter { $0.rejectedAt == nil }, rejected: entries.filter { $0.rejectedAt != nil },
                delivered: delivered, lastDelivery: last)
        }
    }

    /// How many runs of `bench` wait for `collector` (what the agent reports to it).
    public func depth(collector: String, bench: String) throws(StoreError) -> Int {
        try read("count waiting runs") { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM spooled_run WHERE collector = ? AND bench = ? AND rejected_at IS NULL",
                arguments: [collector, bench]) ?? 0
        }
    }

    private static func entry(_ row: Row) -> SpooledRun {
        SpooledRun(
            key: row["key"], collector: row["collector"], bench: row["bench"], model: row["model"], localRunID: row["local_run_id"],
            enqueuedAt: row["enqueued_at"], attempts: row["attempts"], nextAttemptAt: row["next_attempt_at"],
            lastError: row["last_error"], rejectedAt: row["rejected_at"])
    }

    private func read<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try queue.read(body) } catch { throw mapped(error, operation) }
    }

    private func write<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try queue.write(body) } catch { throw mapped(error, operation) }
    }

    private func mapped(_ error: any Error, _ operation: String) -> StoreError {
        if let error = error as? DatabaseError {
            return .failed(location: location, operation: operation, reason: error.message ?? error.description)
        }
        return .failed(location: location, operation: operation, reason: "\(error)")
    }
}
