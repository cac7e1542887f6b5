import Foundation
import Synchronization

/// A user's request to stop a run at the next safe point (Ctrl-C once), and what to undo when
/// they insist (Ctrl-C twice). Set from a signal source, polled by the run loop.
public final class StopRequest: Sendable {
    private let raised = Atomic<Int32>(0)
    private let cleanups = Mutex<[Int: @Sendable () -> Void]>([:])
    private let nextCleanup = Atomic<Int>(0)

    public init() {}

    /// The signal that asked for the stop, nil while none did.
    public var signal: Int32? {
        let number = raised.load(ordering: .acquiring)
        return number == 0 ? nil : number
    }

    public var isRequested: Bool { signal != nil }

    /// Records the request; false when one was already made (the user insists).
    @discardableResult
    public func request(signal number: Int32) -> Bool {
        raised.compareExchange(expected: 0, desired: number, ordering: .acquiringAndReleasing).exchanged
    }

    /// Why a run ended early because of this request, for its partial reason.
    public var reason: String? {
        signal.map { "interrupted by \(Self.name(of: $0)) before the run finished" }
    }

    /// Runs `body` with `cleanup` registered: an insisting user's second signal runs it
    /// before the process exits (an emulator is stopped, not orphaned).
    public func withCleanup<T, E: Error>(_ cleanup: @escaping @Sendable () -> Void, _ body: () throws(E) -> T) throws(E) -> T {
        let key = nextCleanup.add(1, ordering: .relaxed).newValue
        cleanups.withLock { $0[key] = cleanup }
        defer { _ = cleanups.withLock { $0.removeValue(forKey: key) } }
        return try body()
    }

    /// Runs every registered cleanup once.
    func runCleanups() {
        let pending = cleanups.withLock { current in
            defer { current.removeAll() }
            return Array(current.values)
        }
        for cleanup in pending { cleanup() }
    }

    static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT (Ctrl-C)"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(signal)"
        }
    }
}
