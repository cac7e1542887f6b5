import Foundation

/// Runs blocking work (an emulator session, seconds of serial I/O) on a thread of its own, so
/// that it never holds one of the few threads of Swift's cooperative pool, which every test of
/// this process shares (with two cores, two such tests would starve every collector under test).
enum OffThePool {
    static func run(_ body: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread {
                do {
                    try body()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }
}
