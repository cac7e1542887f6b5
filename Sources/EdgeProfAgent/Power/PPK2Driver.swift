import EdgeProfCore
import EdgeProfHardware
import Foundation

/// A Nordic Power Profiler Kit II over its USB CDC serial port: its command bytes, its
/// metadata, and a capture streamed into a `PowerAnalyzer`. Transport and decoding stay apart:
/// this speaks the commands, `EdgeProfCore` decodes. Every wait is bounded.
public final class PPK2Driver {
    enum Command {
        static let getMetadata: UInt8 = 0x19
        static let setSourceVoltage: UInt8 = 0x0D
        static let setPowerMode: UInt8 = 0x11
        static let deviceRunningSet: UInt8 = 0x0C
        static let averageStart: UInt8 = 0x06
        static let averageStop: UInt8 = 0x07
    }

    /// How the PPK2 is wired: it powers the board itself, or measures a board powered elsewhere.
    public enum Mode: String, Sendable, CaseIterable {
        case source
        case ampere
    }

    public static let voltageRange = 800...5000

    public let transport: any ByteTransport
    public private(set) var metadata = PPK2Metadata()

    public init(transport: any ByteTransport) {
        self.transport = transport
    }

    /// Reads the calibration (command 0x19, text up to `END`).
    public func readMetadata(timeout: Duration = .seconds(2)) throws(AgentError) -> PPK2Metadata {
        try send([Command.getMetadata])
        var text: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while !String(decoding: text, as: UTF8.self).contains("END") {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                throw .power(.malformedMetadata("\(transport.portName) sent \(text.count) bytes of metadata and no END within \(timeout.formattedSeconds); is this a PPK2? Replug it"))
            }
            do { text += try transport.read(maxCount: 4096, timeout: remaining) } catch { throw .transport(error) }
        }
        do {
            metadata = try PPK2Metadata(text: String(decoding: text, as: UTF8.self))
        } catch {
            throw .power(error)
        }
        return metadata
    }

    /// Sets the meter mode and voltage (source mode powers the board at `millivolts`) and
    /// switches the DUT's power on.
    public func configure(mode: Mode, millivolts: Int) throws(AgentError) {
        guard Self.voltageRange.contains(millivolts) else {
            throw .invalidArgument("--vdd must be 800 to 5000 mV (the PPK2's range), got \(millivolts)")
        }
        try send([Command.setPowerMode, mode == .source ? 0x02 : 0x01])
        try send([Command.setSourceVoltage, UInt8(millivolts >> 8), UInt8(millivolts & 0xFF)])
        try send([Command.deviceRunningSet, 0x01])
    }

    /// Streams `seconds` of samples into `analyzer` (and `raw`, when given), then stops the
    /// PPK2. A stream that stalls for `stallTimeout` ends the capture early; the result says so.
    public func capture(
        seconds: Double, into analyzer: inout PowerAnalyzer, raw: FileHandle? = nil, stallTimeout: Duration = .seconds(1),
        progress: (Double) -> Void = { _ in }
    ) throws(AgentError) -> (bytes: Int, stalled: Bool) {
        let wanted = Int((seconds / PPK2Sample.periodSeconds).rounded()) * PPK2Sample.size
        return try stream(into: &analyzer, raw: raw, stallTimeout: stallTimeout, wantedBytes: wanted, until: { _ in false }) {
            progress(Double($0) / Double(wanted))
        }
    }

    /// Streams into `analyzer` until `wantedBytes` arrived or `shouldStop` (shown the figures so
    /// far) says so, then stops
    /// the PPK2. A stream that stalls for `stallTimeout` ends early; the result says so.
    public func stream<Consumer: PPK2ByteConsumer>(
        into analyzer: inout Consumer, raw: FileHandle? = nil, stallTimeout: Duration = .seconds(1),
        wantedBytes wanted: Int = .max, until shouldStop: (Consumer) -> Bool, progress: (Int) -> Void = { _ in }
    ) throws(AgentError) -> (bytes: Int, stalled: Bool) {
        var received = 0
        var stalled = false
        try send([Command.averageStart])
        defer { try? send([Command.averageStop]) }
        var lastReport = ContinuousClock.now
        while received < wanted, !shouldStop(analyzer) {
            let chunk: [UInt8]
            do { chunk = try transport.read(maxCount: min(65_536, wanted - received), timeout: stallTimeout) } catch { throw .transport(error) }
            guard !chunk.isEmpty else {
                stalled = true
                break
            }
            received += chunk.count
            analyzer.consume(chunk)
            raw?.write(Data(chunk))
            if ContinuousClock.now - lastReport > .milliseconds(200) {
                progress(received)
                lastReport = ContinuousClock.now
            }
        }
        return (received, stalled)
    }

    private func send(_ bytes: [UInt8]) throws(AgentError) {
        do { try transport.write(bytes, timeout: .seconds(1)) } catch { throw .transport(error) }
    }
}
