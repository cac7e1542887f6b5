import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import Foundation
import Synchronization
import Testing

/// A board whose INFO announces the `shadow` capability but that never sends its SHADOW line
/// (firmware that does not follow SPEC §2) is still profiled: once the handshake's wait ends it is
/// taken as running no shadow, rather than answered with "no answer" three times.
@Suite struct ShadowHandshakeTests {
    final class StopFlag: Sendable {
        let stopped = Mutex(false)
    }

    /// Answers every HELLO on `terminal` with INFO (caps with `shadow`) and MODEL, and nothing else.
    static func answerWithoutShadow(_ terminal: PseudoTerminal, stop: StopFlag) {
        var pending: [UInt8] = []
        var sequence: UInt16 = 0
        while !stop.stopped.withLock({ $0 }) {
            guard let bytes = try? terminal.read(timeout: .milliseconds(20)) else { return }
            pending += bytes
            while let newline = pending.firstIndex(of: 10) {
                let line = Array(pending[..<newline])
                pending.removeFirst(newline + 1)
                guard let frame = try? LinkLineParser.parse(line), frame.verb == "HELLO" else { continue }
                var info = LinkFrameBuilder(verb: "INFO", sequence: sequence)
                for (key, value) in [("re", "\(frame.sequence)"), ("proto", "1"), ("caps", "tokens,serve,install,shadow"), ("board", "odd"), ("serial", "S1"),
                                     ("fw", "1"), ("build", "b"), ("clock_hz", "1000"), ("tick_hz", "1000"), ("ram", "1"), ("flash", "1")] {
                    info.add(key, text: value)
                }
                var model = LinkFrameBuilder(verb: "MODEL", sequence: sequence &+ 1)
                model.add("re", UInt64(frame.sequence))
                model.add("model", text: "m")
                model.add("sha256", text: String(repeating: "d", count: 64))
                model.add("quant", text: "int8")
                sequence &+= 2
                try? terminal.write(info.frame.encoded() + model.frame.encoded(), timeout: .seconds(1))
            }
        }
    }

    @Test func aBoardThatAnnouncesAShadowButSendsNoLineIsTakenAsRunningNone() throws {
        let terminal = try PseudoTerminal()
        let stop = StopFlag()
        let board = Thread { Self.answerWithoutShadow(terminal, stop: stop) }
        board.start()
        defer {
            stop.stopped.withLock { $0 = true }
            Thread.sleep(forTimeInterval: 0.05)
            terminal.close()
        }
        let transport = try TransportOpener.open(path: terminal.path)
        defer { transport.close() }
        let started = ContinuousClock.now
        let (info, model) = try LinkSession(transport: transport, timeouts: Bench.fastTimeouts).handshake()
        #expect(info.capabilities.contains("shadow") && info.shadowModel == nil)
        #expect(model.model == "m")
        #expect(ContinuousClock.now - started < .seconds(1), "one HELLO's wait, not three")
    }
}
