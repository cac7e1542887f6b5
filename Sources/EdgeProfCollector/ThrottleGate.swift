import EdgeProfCore
import Foundation
import Synchronization

/// The collector's one `AuthenticationThrottle`, shared by every request behind a lock.
final class ThrottleGate: Sendable {
    private let state: Mutex<AuthenticationThrottle>

    init(_ throttle: AuthenticationThrottle) {
        state = Mutex(throttle)
    }

    func blocked(_ source: String) -> Date? {
        state.withLock { $0.blocked(source, at: Date()) }
    }

    func recordFailure(_ source: String) {
        state.withLock { $0.recordFailure(source, at: Date()) }
    }

    func recordSuccess(_ source: String) {
        state.withLock { $0.recordSuccess(source) }
    }
}
