import EdgeProfCore
import EdgeProfHardware
import Foundation
import Synchronization

/// Which power monitor measures a profile run, and how it is wired.
public struct PowerSetup: Sendable, Hashable {
    public var port: String
    public var millivolts: Int
    public var mode: PPK2Driver.Mode
    /// The logic input the board raises during each inference.
    public var markChannel: Int

    public init(port: String, millivolts: Int = 3300, mode: PPK2Driver.Mode = .source, markChannel: Int = 0) {
        self.port = port
        self.millivolts = millivolts
        self.mode = mode
        self.markChannel = markChannel
    }

    /// `ppk2:PORT`, as `edgeprof profile --power` takes it.
    public init(argument: String, millivolts: Int, mode: PPK2Driver.Mode, markChannel: Int) throws(AgentError) {
        guard argument.hasPrefix("ppk2:"), argument.count > 5 else {
            throw .invalidArgument("--power takes ppk2:PORT (e.g. ppk2:/dev/ttyACM1), got '\(argument)'")
        }
        self.init(port: String(argument.dropFirst(5)), millivolts: millivolts, mode: mode, markChannel: markChannel)
    }

    public var source: String { "ppk2:\(port)" }
}

/// A PPK2 capture running on its own thread beside a profile run: configured before the run,
/// started just before RUN, finished after the board's RESULT once it has seen every
/// iteration's marked window (the monitor's stream may lag the board's link).
public final class PowerCapture: @unchecked Sendable {
    /// When the capture thread stops reading.
    private enum StopRule {
        case running
        case afterWindows(Int, deadline: ContinuousClock.Instant)
        case now

        func reached(by analyzer: PowerAnalyzer) -> Bool {
            switch self {
            case .running: false
            case .now: true
            case .afterWindows(let windows, let deadline): analyzer.closedWindows >= windows || ContinuousClock.now >= deadline
            }
        }
    }

    public let setup: PowerSetup
    private let transport: any ByteTransport
    private let driver: PPK2Driver
    private var analyzer: PowerAnalyzer
    private let rule = Mutex(StopRule.running)
    private let done = DispatchSemaphore(value: 0)
    private let streaming = DispatchSemaphore(value: 0)
    private var saidStreaming = false
    private var failure: AgentError?
    private var thread: Thread?

    public init(_ setup: PowerSetup) throws(AgentError) {
        self.setup = setup
        do {
            transport = try TransportOpener.open(path: setup.port)
        } catch {
            throw .transport(error)
        }
        driver = PPK2Driver(transport: transport)
        do {
            let metadata = try driver.readMetadata()
            try driver.configure(mode: setup.mode, millivolts: setup.millivolts)
            analyzer = PowerAnalyzer(metadata: metadata, volts: Double(setup.millivolts) / 1000, markChannel: setup.markChannel)
        } catch {
            transport.close()
            throw error
        }
    }

    /// Starts measuring and returns once the monitor streams (its first samples arrived, at
    /// most `wait`), so the run's first window is not missed.
    public func start(wait: Duration = .seconds(1)) {
        let thread = Thread { [self] in
            do throws(AgentError) {
                _ = try driver.stream(into: &analyzer, until: { analyzer in
                    if analyzer.samplesSeen > 0 { sayStreaming() }
                    return rule.withLock { $0.reached(by: analyzer) }
                })
            } catch {
                failure = error
            }
            sayStreaming()
            done.signal()
        }
        thread.name = "edgeprof-power \(setup.port)"
        self.thread = thread
        thread.start()
        _ = streaming.wait(timeout: .now() + .nanoseconds(Int(wait.components.seconds * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000)))
    }

    /// On the capture thread only: lets `start` return, once.
    private func sayStreaming() {
        guard !saidStreaming else { return }
        saidStreaming = true
        streaming.signal()
    }

    /// Stops once `windows` marked windows have closed (one per iteration the board ran), or
    /// after `wait` if they never do (a miswired mark, which the join then names), and returns
    /// the capture's figures.
    public func finish(expectingWindows windows: Int, wait: Duration = .seconds(2)) throws(AgentError) -> PowerReport {
        rule.withLock { $0 = .afterWindows(windows, deadline: ContinuousClock.now + wait) }
        return try stopped()
    }

    /// Stops at once (the run failed) and returns what was captured.
    public func finishNow() throws(AgentError) -> PowerReport {
        rule.withLock { $0 = .now }
        return try stopped()
    }

    private func stopped() throws(AgentError) -> PowerReport {
        if thread != nil { done.wait() }
        transport.close()
        if let failure { throw failure }
        return analyzer.report
    }
}
