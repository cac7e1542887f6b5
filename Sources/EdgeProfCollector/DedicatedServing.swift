import Foundation

/// Serves a collector that shares its process with other work from threads of its own. Swift's
/// cooperative pool has a thread per core; in-process simulations (the demos' fleets driving
/// boards over their links) and tests waiting on processes can hold every one of them for
/// seconds, and a collector served from that pool then misses its clients' deadlines. With this
/// executor preferred, each of the collector's jobs runs on a thread of its own and never waits
/// for the pool. `edgeprof collector serve` has the process to itself and does not need it.
public final class DedicatedServing: TaskExecutor {
    public static let shared = DedicatedServing()

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        let thread = Thread { job.runSynchronously(on: executor) }
        thread.name = "edgeprof.collector"
        thread.start()
    }

    /// The executor the collector's work prefers, for the tasks it starts itself: an unstructured
    /// task does not inherit a task executor preference, but it does inherit this value.
    @TaskLocal public static var preferred: DedicatedServing?

    /// Runs `operation` (a collector's service group) with this executor preferred, in a task of its own.
    public static func serve(_ operation: @escaping @Sendable () async throws -> Void) -> Task<Void, Never> {
        Task { await $preferred.withValue(shared) { await withTaskExecutorPreference(shared) { _ = try? await operation() } } }
    }
}
