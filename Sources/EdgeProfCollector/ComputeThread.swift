import Foundation

/// Runs CPU-bound pure work (a window's drift checks over thousands of records) on a thread of its
/// own, so it never holds one of Swift's few cooperative threads — on a two-core machine those
/// also answer every HTTP request, which would otherwise wait for the statistics to finish.
enum ComputeThread {
    static func run<Value: Sendable>(_ body: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.name = "edgeprof.compute"
            thread.start()
        }
    }
}
