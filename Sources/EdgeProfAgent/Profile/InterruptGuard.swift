import Foundation

/// Handles SIGINT, SIGTERM and SIGHUP while active (until `cancel()`), then puts back the
/// handlers that were there before. Two modes:
/// - with a cleanup only: the first signal runs it (stopping an emulator) and exits with
///   128 + the signal, as a shell expects;
/// - with a `StopRequest`: the first signal asks the run to stop at its next safe point (the
///   partial run is then stored) and says so; a second runs the request's cleanups and exits.
public final class InterruptGuard: @unchecked Sendable {
    private static let signals = [SIGINT, SIGTERM, SIGHUP]
    private static let queue = DispatchQueue(label: "edgeprof.interrupt-guard")
    private var sources: [DispatchSourceSignal] = []
    private var previous: [Int32: sighandler_t?] = [:]

    /// Exits at the first signal, after `cleanup`.
    public init(_ cleanup: @escaping @Sendable () -> Void) {
        install { signalNumber in
            cleanup()
            FileHandle.standardError.write(Data("\nedgeprof: interrupted; the emulator was stopped\n".utf8))
            exit(128 + signalNumber)
        }
    }

    /// Asks `stop` to stop at the first signal, printing `note`; exits at the second.
    public init(stop: StopRequest, note: String) {
        install { signalNumber in
            if stop.request(signal: signalNumber) {
                FileHandle.standardError.write(Data("\nedgeprof: \(note) (interrupt again to quit at once)\n".utf8))
                return
            }
            stop.runCleanups()
            FileHandle.standardError.write(Data("\nedgeprof: interrupted again; quitting without storing\n".utf8))
            exit(128 + signalNumber)
        }
    }

    private func install(_ handler: @escaping @Sendable (Int32) -> Void) {
        for signalNumber in Self.signals {
            previous[signalNumber] = signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: Self.queue)
            // Signals that arrive before the handler runs are merged into one event whose `data`
            // counts them: two quick Ctrl-C on a busy machine are still two interrupts. (The
            // source holds its handler until it is cancelled, which releases it.)
            source.setEventHandler { [source] in
                for _ in 0..<max(1, Int(source.data)) { handler(signalNumber) }
            }
            source.resume()
            sources.append(source)
        }
    }

    public func cancel() {
        for source in sources { source.cancel() }
        sources.removeAll()
        for (signalNumber, handler) in previous { signal(signalNumber, handler ?? SIG_DFL) }
        previous.removeAll()
    }

    deinit { cancel() }
}
