import EdgeProfCore
import GRDB

/// Group commit for the collector's SQLite store: uploads that arrive while a transaction is
/// being written wait, then go into the next transaction together, so many runs share one
/// fsync. Each upload runs in its own savepoint: one that throws is rolled back alone and the
/// others are stored. Nothing is acknowledged before its transaction has committed, so a crash
/// loses only unacknowledged uploads, which agents send again.
actor IngestBatcher {
    /// One upload's work inside the shared transaction: its receipt or the refusal to answer.
    typealias Work = @Sendable (Database) throws -> Result<RunReceipt, IngestRefusal>

    private struct Item: Sendable {
        var work: Work
        var continuation: CheckedContinuation<Result<RunReceipt, IngestRefusal>, Never>
    }

    /// Most uploads one transaction takes (a run is ~300–3 000 rows).
    static let maximumBatch = 64

    private let pool: DatabasePool
    private let mapError: @Sendable (any Error) -> StoreError
    private var pending: [Item] = []
    private var draining = false

    init(pool: DatabasePool, mapError: @escaping @Sendable (any Error) -> StoreError) {
        self.pool = pool
        self.mapError = mapError
    }

    func submit(_ work: @escaping Work) async -> Result<RunReceipt, IngestRefusal> {
        await withCheckedContinuation { continuation in
            pending.append(Item(work: work, continuation: continuation))
            if !draining {
                draining = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(Self.maximumBatch))
            pending.removeFirst(batch.count)
            let outcomes = await write(batch)
            for (item, outcome) in zip(batch, outcomes) { item.continuation.resume(returning: outcome) }
        }
        draining = false
    }

    /// Writes the batch in one transaction; every item gets its outcome.
    private func write(_ batch: [Item]) async -> [Result<RunReceipt, IngestRefusal>] {
        let mapError = mapError
        do {
            return try await pool.write { db in batch.map { item in Self.attempt(item.work, db, mapError) } }
        } catch {
            return Array(repeating: .failure(.store(mapError(error))), count: batch.count)
        }
    }

    /// One upload inside its own savepoint, rolled back alone if it throws.
    private static func attempt(
        _ work: Work, _ db: Database, _ mapError: @Sendable (any Error) -> StoreError
    ) -> Result<RunReceipt, IngestRefusal> {
        do {
            try db.execute(sql: "SAVEPOINT upload")
            do {
                let outcome = try work(db)
                try db.execute(sql: "RELEASE upload")
                return outcome
            } catch {
                try db.execute(sql: "ROLLBACK TO upload; RELEASE upload")
                throw error
            }
        } catch {
            return .failure(.store(mapError(error)))
        }
    }
}
