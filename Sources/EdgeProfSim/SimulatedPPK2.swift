import EdgeProfCore
import EdgeProfHardware
import Foundation
import Synchronization

/// A Nordic PPK2 on a pseudo-terminal: it answers the PPK2's command bytes (metadata, source
/// voltage, meter mode, DUT power, start/stop) and streams the exact sample format at
/// 100 kS/s from a `PowerTrace`, so every figure has an analytic ground truth.
public final class SimulatedPPK2: @unchecked Sendable {
    /// Faults to prove the host copes.
    public struct Faults: Sendable, Hashable {
        /// Every Nth sample is not sent (0: none): lost samples the host must count exactly.
        public var dropEveryNthSample = 0
        /// Metadata values replaced by `-nan`, e.g. ["R1", "GS2"].
        public var nanMetadataKeys: [String] = []
        /// Stop streaming after this many samples, while still "running".
        public var stallAfterSamples: Int?
        /// Bytes of a half sample sent before the stream (it starts mid-sample).
        public var leadingPartialBytes = 0
        /// How long after its start command the monitor begins to measure (its first sample).
        public var startLatency: Duration = .zero
        /// How far the stream runs behind real time (USB buffering, a loaded host): each
        /// sample still describes its own instant, it only arrives later.
        public var streamLag: Duration = .zero

        public init() {}
    }

    /// How the monitor is wired to its board on the bench, which the host cannot see and a
    /// bench check must find out: where the mark wire lands, and how the board is supplied.
    public struct Wiring: Sendable, Hashable {
        /// How the board gets its power.
        public enum Supply: Sendable, Hashable {
            /// Either mode measures it (the default of a single simulated monitor).
            case either
            /// The PPK2 is its only supply: it runs only while the PPK2 sources and powers it.
            case source
            /// Its own supply runs through VIN→VOUT: in source mode the PPK2 reads no current.
            case ampere
        }

        public var supply: Supply
        /// The logic input the board's mark wire lands on; nil: the trace's mark channel.
        public var markInput: Int?
        /// Whether a mark wire is there at all.
        public var markWired: Bool

        public init(supply: Supply = .either, markInput: Int? = nil, markWired: Bool = true) {
            self.supply = supply
            self.markInput = markInput
            self.markWired = markWired
        }
    }

    public var path: String { terminal.path }
    public let trace: PowerTrace
    public let metadata: PPK2Metadata
    private let faults: Faults
    /// 1 = real time (100 kS/s); 0 = as fast as the host reads.
    private let speed: Double
    /// When wired to a simulated board, its activity replaces the trace's fixed cycle.
    private let activity: BoardActivity?
    private let wiring: Wiring
    private let marked = Mutex(MarkedRuns())

    /// The lengths, in samples, of the marked stretches sent so far: each window's ground truth.
    struct MarkedRuns {
        var lengths: [Int] = []
        var current = 0
    }
    private let terminal: PseudoTerminal
    private let state = Mutex(State())
    private var thread: Thread?
    private let finished = DispatchSemaphore(value: 0)

    private struct State {
        var stopped = false
        var streaming = false
        var vddMillivolts = 3300
        var sourceMeter = false
        var dutPowered = false
    }

    public init(
        trace: PowerTrace = PowerTrace(), metadata: PPK2Metadata = SimulatedPPK2.defaultMetadata, speed: Double = 1,
        faults: Faults = Faults(), activity: BoardActivity? = nil, wiring: Wiring = Wiring()
    ) throws(TransportError) {
        self.trace = trace
        self.wiring = wiring
        self.metadata = metadata
        self.speed = speed
        self.faults = faults
        self.activity = activity
        terminal = try PseudoTerminal()
        if wiring.supply == .source {
            // A PPK2-powered board was left on by an earlier session: it runs until told otherwise.
            state.withLock {
                $0.sourceMeter = true
                $0.dutPowered = true
            }
        }
    }

    /// A calibrated unit's values: near-unity gains, no quadratic term worth the name.
    public static var defaultMetadata: PPK2Metadata {
        var metadata = PPK2Metadata()
        metadata.calibrated = true
        metadata.r = [1031.64, 101.65, 10.15, 0.94, 0.043]
        metadata.gs = [1e-9, 1e-9, 1e-9, 1e-9, 1e-9]
        metadata.hardware = "sim"
        return metadata
    }

    /// The source voltage the host set, in millivolts.
    public var vddMillivolts: Int { state.withLock { $0.vddMillivolts } }
    /// Marked stretches sent so far, in samples, the one still running included.
    public var markedSampleCounts: [Int] {
        marked.withLock { runs in runs.current > 0 ? runs.lengths + [runs.current] : runs.lengths }
    }

    /// Whether the host chose source-meter mode (the PPK2 powers the board).
    public var isSourceMeter: Bool { state.withLock { $0.sourceMeter } }
    /// Whether the PPK2 is sampling (between the host's start and stop commands).
    public var isStreaming: Bool { state.withLock { $0.streaming } }
    /// Whether the host switched the board's power on.
    public var isDUTPowered: Bool { state.withLock { $0.dutPowered } }

    public func start() {
        let thread = Thread { [self] in
            serve()
            finished.signal()
        }
        thread.name = "edgeprof-sim-ppk2"
        self.thread = thread
        thread.start()
    }

    public func stop() {
        let running = state.withLock { state in
            defer { state.stopped = true }
            return !state.stopped && thread != nil
        }
        if running { finished.wait() }
        terminal.close()
    }

    private func serve() {
        var index = 0
        var sent = 0
        var pendingCommand: [UInt8] = []
        let start = ContinuousClock.now
        var streamStart = start
        while !state.withLock({ $0.stopped }) {
            let streaming = state.withLock { $0.streaming }
            guard let bytes = try? terminal.read(timeout: streaming ? .zero : .milliseconds(20)) else { return }
            pendingCommand += bytes
            while let command = Self.nextCommand(&pendingCommand) {
                if handle(command) {
                    index = 0
                    sent = 0
                    streamStart = ContinuousClock.now + faults.startLatency
                    if faults.leadingPartialBytes > 0 {
                        try? terminal.write(Array(repeating: 0xA5, count: faults.leadingPartialBytes), timeout: .seconds(1))
                    }
                }
            }
            guard state.withLock({ $0.streaming }) else { continue }
            if let stall = faults.stallAfterSamples, sent >= stall { continue }
            var due = index + 1000
            if speed > 0 {
                let elapsed = ContinuousClock.now - streamStart - faults.streamLag
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                due = min(due, Int(seconds * speed / PPK2SampleClock.period))
                if due <= index {
                    Thread.sleep(forTimeInterval: 0.002)
                    continue
                }
            }
            let chunk = samples(from: index, to: due, streamStart: streamStart, sentSoFar: &sent)
            index = due
            try? terminal.write(chunk, timeout: .seconds(5))
        }
    }

    private func samples(from first: Int, to end: Int, streamStart: ContinuousClock.Instant, sentSoFar sent: inout Int) -> [UInt8] {
        let encoder = PPK2Encoder(metadata: metadata, vddMillivolts: Double(vddMillivolts))
        var bytes: [UInt8] = []
        bytes.reserveCapacity((end - first) * 4)
        for index in first..<end {
            if faults.dropEveryNthSample > 0, index % faults.dropEveryNthSample == faults.dropEveryNthSample - 1 { continue }
            if let stall = faults.stallAfterSamples, sent >= stall { break }
            var (amperes, marked): (Double, Bool)
            if let activity {
                let active = activity.isActive(at: streamStart + .nanoseconds(Int64(index) * 10_000))
                (amperes, marked) = (active ? trace.activeAmperes : trace.sleepAmperes, active)
            } else {
                (amperes, marked) = trace.current(at: index)
            }
            if !measuresCurrent { amperes = 0 }
            record(marked: marked)
            let logic: UInt8 = marked && wiring.markWired ? 1 << UInt8(wiring.markInput ?? trace.markChannel) : 0
            let sample = encoder.sample(amperes: amperes, counter: UInt8(index & 0x3F), logic: logic)
            withUnsafeBytes(of: sample.raw.littleEndian) { bytes += $0 }
            sent += 1
        }
        return bytes
    }

    /// Whether the board's current flows through the measuring path in the host's chosen mode.
    private var measuresCurrent: Bool {
        switch wiring.supply {
        case .either: true
        case .ampere: !isSourceMeter
        case .source: isSourceMeter && isDUTPowered
        }
    }

    /// Tells the wired board whether it has power (a PPK2-supplied board runs only while the
    /// PPK2 sources and powers it).
    private func updateBoardPower() {
        guard wiring.supply == .source else { return }
        activity?.setPowered(isSourceMeter && isDUTPowered)
    }

    private func record(marked: Bool) {
        self.marked.withLock { runs in
            if marked {
                runs.current += 1
            } else if runs.current > 0 {
                runs.lengths.append(runs.current)
                runs.current = 0
            }
        }
    }

    /// Cuts one command from the pending bytes: its opcode decides its length.
    private static func nextCommand(_ pending: inout [UInt8]) -> [UInt8]? {
        guard let opcode = pending.first else { return nil }
        let length: Int
        switch opcode {
        case 0x0D: length = 3  // source voltage, mV big-endian
        case 0x11, 0x0C: length = 2  // meter mode; DUT power
        case 0x25: length = 6  // user gain: range + f32
        default: length = 1
        }
        guard pending.count >= length else { return nil }
        defer { pending.removeFirst(length) }
        return Array(pending.prefix(length))
    }

    /// Applies a command; true when it starts streaming.
    private func handle(_ command: [UInt8]) -> Bool {
        switch command[0] {
        case 0x19:
            var text = metadata.text(vddMillivolts: vddMillivolts)
            for key in faults.nanMetadataKeys {
                text = text.replacingOccurrences(of: "\n\(key): ", with: "\n\(key): -nan\nX_\(key): ")
            }
            try? terminal.write(Array(text.utf8), timeout: .seconds(1))
        case 0x0D:
            state.withLock { $0.vddMillivolts = Int(command[1]) << 8 | Int(command[2]) }
        case 0x11:
            state.withLock { $0.sourceMeter = command[1] == 0x02 }
            updateBoardPower()
        case 0x0C:
            state.withLock { $0.dutPowered = command[1] == 0x01 }
            updateBoardPower()
        case 0x06:
            state.withLock { $0.streaming = true }
            return true
        case 0x07, 0x20:
            state.withLock { $0.streaming = false }
        default:
            break
        }
        return false
    }
}
