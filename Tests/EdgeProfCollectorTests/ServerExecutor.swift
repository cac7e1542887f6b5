import Foundation

/// Runs each job of a server a test starts on a thread of its own. The whole suite shares one
/// process whose cooperative pool has a thread per core; other tests' synchronous work (a CLI
/// waiting on its process, a board on a pseudo-terminal) can hold every one of them for seconds,
/// and a collector served from that pool then misses its clients' deadlines. With this executor
/// preferred, its request handling never waits for the pool.
final class ServerExecutor: TaskExecutor {
    static let shared = ServerExecutor()

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        let thread = Thread { job.runSynchronously(on: executor) }
        thread.name = "edgeprof.test-server"
        thread.start()
    }

    /// Runs `operation` (a server's service group) with this executor preferred, in a task of its own.
    static func serve(_ operation: @escaping @Sendable () async throws -> Void) -> Task<Void, Never> {
        Task { await withTaskExecutorPreference(shared) { _ = try? await operation() } }
    }
}
