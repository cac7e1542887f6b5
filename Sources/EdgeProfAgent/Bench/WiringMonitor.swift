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
    /// Nil while capturing; once set, the capture stops when its samples reach `until` (the
    /// stream may trail the board's link) or at `deadline`.
    private let stopRule = Mutex<(until: ContinuousClock.Instant, deadline: ContinuousClock.Instant)?>(nil)
    private var startedAt = ContinuousClock.now
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
        stopRule.withLock { $0 = nil }
        let streaming = DispatchSemaphore(value: 0)
        startedAt = ContinuousClock.now
        let thread = Thread { [self] in
            var said = false
            do throws(AgentError) {
                _ = try driver.stream(into: &observer, stallTimeout: .seconds(2), until: { [startedAt] observer in
                    if !said, observer.samplesSeen > 0 {
                        said = true
                        streaming.signal()
                    }
                    guard let rule = stopRule.withLock({ $0 }) else { return false }
                    let covered = startedAt + .microseconds(Int64(observer.samplesSeen) * 10)
                    return covered >= rule.until || ContinuousClock.now >= rule.deadline
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

    /// Stops the capture once its samples reach `until` (at most `wait` from now) and returns
    /// what it saw.
    func finish(covering until: ContinuousClock.Instant, wait: Duration = .seconds(3)) throws(AgentError) -> WiringSummary {
        stopRule.withLock { $0 = (until, ContinuousClock.now + wait) }
        if thread != nil { done.wait() }
        thread = nil
        if let failure { throw failure }
        return observer.summary
    }

    func close() { transport.close() }
}
