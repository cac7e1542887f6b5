import Synchronization

/// Runs already decoded for the monitor, by run id. A stored run never changes, so a run read
/// once serves every later upload of its device that needs it as baseline or recent history:
/// each upload then decodes only itself. Bounded: past `limit` runs it starts afresh.
public final class StoredRunCache: Sendable {
    private let runs = Mutex<[Int64: StoredRun]>([:])
    public let limit: Int

    public init(limit: Int = 4096) {
        self.limit = limit
    }

    public func run(_ id: Int64) -> StoredRun? {
        runs.withLock { $0[id] }
    }

    public func keep(_ run: StoredRun) {
        runs.withLock { cached in
            if cached.count >= limit { cached.removeAll(keepingCapacity: true) }
            cached[run.id] = run
        }
    }
}
