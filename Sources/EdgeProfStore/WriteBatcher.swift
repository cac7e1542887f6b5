import EdgeProfCore
import GRDB

/// Group commit for the collector's SQLite store: writes that come with every upload (the run
/// itself, then the monitor's findings on it) wait while a transaction is being written, then go
/// into the next transaction together, so many of them share one fsync. Each write runs in its
/// own savepoint: one that throws is rolled back alone and the others are stored. Nothing is
/// answered before its transaction has committed, so a crash loses only unanswered writes
/// (agents send their uploads again).
actor WriteBatcher {
    /// One write's part of the shared transaction: run in its savepoint, it returns how to
    /// answer its caller once the transaction has committed; `abandon` answers when it did not.
    private struct Item: Sendable {
        var attempt: @Sendable (Database) -> @Sendable () -> Void
        var abandon: @Sendable (StoreError) -> Void
    }

    /// Most writes one transaction takes (a run is ~300–3 000 rows).
    static let maximumBatch = 64

    private let pool: DatabasePool
    private let mapError: @Sendable (any Error, String) -> StoreError
    private var pending: [Item] = []
    private var draining = false

    init(pool: DatabasePool, mapError: @escaping @Sendable (any Error, String) -> StoreError) {
        self.pool = pool
        self.mapError = mapError
    }

    /// Runs `work` in the next shared transaction and returns what it returned once that
    /// transaction has committed; `operation` names it in an error.
    func submit<T: Sendable>(_ operation: String, _ work: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        let mapError = mapError
        let outcome: Result<T, StoreError> = await withCheckedContinuation { continuation in
            pending.append(Item(
                attempt: { db in
                    let outcome = Self.inSavepoint(db, work).mapError { mapError($0, operation) }
                    return { continuation.resume(returning: outcome) }
                },
                abandon: { error in continuation.resume(returning: .failure(error)) }))
            if !draining {
                draining = true
                Task { await drain() }
            }
        }
        return try outcome.get()
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(Self.maximumBatch))
            pending.removeFirst(batch.count)
            do {
                let answers = try await pool.write { db in batch.map { $0.attempt(db) } }
                for answer in answers { answer() }
            } catch {
                let failure = mapError(error, "commit \(batch.count) writes")
                for item in batch { item.abandon(failure) }
            }
        }
        draining = false
    }

    /// One write inside its own savepoint, rolled back alone if it throws.
    private static func inSavepoint<T>(_ db: Database, _ work: (Database) throws -> T) -> Result<T, any Error> {
        do {
            try db.execute(sql: "SAVEPOINT batched")
            do {
                let outcome = try work(db)
                try db.execute(sql: "RELEASE batched")
                return .success(outcome)
            } catch {
                try db.execute(sql: "ROLLBACK TO batched; RELEASE batched")
                throw error
            }
        } catch {
            return .failure(error)
        }
    }
}
