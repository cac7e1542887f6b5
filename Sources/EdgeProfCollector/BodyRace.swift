import Foundation
import Synchronization

/// The first of several outcomes to arrive, once: a request body read against its deadline.
final class BodyRace: Sendable {
    private let state = Mutex<(result: Result<Data, any Error>?, waiter: CheckedContinuation<Data, any Error>?)>((nil, nil))

    /// Records `result` unless another came first, and wakes the waiter.
    func settle(_ result: Result<Data, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Data, any Error>? in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    /// The first outcome, waiting for it if none has come yet.
    func value() async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLock { state -> Result<Data, any Error>? in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}
