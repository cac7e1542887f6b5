import Foundation

/// Runs a cleanup (stopping an emulator) when the process is interrupted (Ctrl-C) or asked to
/// terminate, then exits with 128 + the signal, as a shell expects. Active until `cancel()`.
public final class InterruptGuard: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []
    private static let queue = DispatchQueue(label: "edgeprof.interrupt-guard")

    public init(_ cleanup: @escaping @Sendable () -> Void) {
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: Self.queue)
            source.setEventHandler {
                cleanup()
                FileHandle.standardError.write(Data("\nedgeprof: interrupted; the emulator was stopped\n".utf8))
                exit(128 + signalNumber)
            }
            source.resume()
            sources.append(source)
        }
    }

    public func cancel() {
        for source in sources { source.cancel() }
        sources.removeAll()
        for signalNumber in [SIGINT, SIGTERM, SIGHUP] { signal(signalNumber, SIG_DFL) }
    }

    deinit { cancel() }
}
