import EdgeProfCore
import EdgeProfHardware
import Foundation
import Synchronization

/// A place's power monitor held open for a bench check: configured as the bench file says
/// (which powers a source-mode board), then captured into a `WiringObserver` while one place
/// at a time runs.
final class WiringMonitor: @unchecked Sendable {
    let place: BenchPlace
    private let transport: any ByteTransport
    private let driver: PPK2Driver
    private let metadata: PPK2Metadata
    private let millivolts: Int
    private let stopping = Mutex(false)
    private var observer: WiringObserver
    private var failure: AgentError?
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    init(place: BenchPlace, power: BenchPowerMonitor, port: String) throws(AgentError) {
        self.place = place
        do { transport = try TransportOpener.open(path: port) } catch { throw .transport(error) }
        driver = PPK2Driver(transport: transport)
        millivolts = power.millivolts
        do {
            metadata = try driver.readMetadata()
            try driver.configure(mode: power.mode == .source ? .source : .ampere, millivolts: power.millivolts)
        } catch {
            transport.close()
            throw error
        }
        observer = WiringObserver(metadata: metadata, millivolts: millivolts)
    }

    /// Starts a fresh capture on its own thread; returns once samples arrive (at most 1 s).
    func start() {
        observer = WiringObserver(metadata: metadata, millivolts: millivolts)
        failure = nil
        stopping.withLock { $0 = false }
        let streaming = DispatchSemaphore(value: 0)
        let thread = Thread { [self] in
            var said = false
            do throws(AgentError) {
                _ = try driver.stream(into: &observer, stallTimeout: .seconds(2), until: { observer in
                    if !said, observer.samplesSeen > 0 {
                        said = true
                        streaming.signal()
                    }
                    return stopping.withLock { $0 }
                })
            } catch {
                failure = error
            }
            if !said { streaming.signal() }
            done.signal()
        }
        thread.name = "edgeprof-wiring \(place.name)"
        self.thread = thread
        thread.start()
        _ = streaming.wait(timeout: .now() + 1)
    }

    /// Stops the capture and returns what it saw.
    func finish() throws(AgentError) -> WiringSummary {
        stopping.withLock { $0 = true }
        if thread != nil { done.wait() }
        thread = nil
        if let failure { throw failure }
        return observer.summary
    }

    func close() { transport.close() }
}
