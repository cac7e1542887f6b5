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
/// started just before RUN, finished after the board's RESULT.
public final class PowerCapture: @unchecked Sendable {
    public let setup: PowerSetup
    private let transport: any ByteTransport
    private let driver: PPK2Driver
    private var analyzer: PowerAnalyzer
    private let stopped = Mutex(false)
    private let done = DispatchSemaphore(value: 0)
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

    public func start() {
        let thread = Thread { [self] in
            do throws(AgentError) {
                _ = try driver.stream(into: &analyzer, until: { stopped.withLock { $0 } })
            } catch {
                failure = error
            }
            done.signal()
        }
        thread.name = "edgeprof-power \(setup.port)"
        self.thread = thread
        thread.start()
    }

    /// Lets `grace` pass (so the last window closes), stops the capture and returns its figures.
    public func finish(grace: Duration = .milliseconds(100)) throws(AgentError) -> PowerReport {
        Thread.sleep(forTimeInterval: Double(grace.components.seconds) + Double(grace.components.attoseconds) / 1e18)
        stopped.withLock { $0 = true }
        if thread != nil { done.wait() }
        transport.close()
        if let failure { throw failure }
        return analyzer.report
    }
}
