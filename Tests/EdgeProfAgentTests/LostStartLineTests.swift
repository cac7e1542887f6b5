import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import Foundation
import Testing

/// A noisy link that damages the board's START line must not lose the run: its first events
/// show it started, the damaged line is counted, and every iteration is kept (found when a
/// longer INFO line moved the simulator's seeded byte drops onto START).
@Suite struct LostStartLineTests {
    static func line(_ verb: String, _ sequence: UInt16, _ fields: [(String, String)]) -> [UInt8] {
        LinkFrame(verb: verb, sequence: sequence, fields: fields.map { LinkField(key: $0.0, value: $0.1) }).encoded()
    }

    @Test func aRunWhoseStartLineIsDamagedIsStillRecorded() throws {
        let board = try PseudoTerminal()
        defer { board.close() }
        let transport = try TransportOpener.open(path: board.path)
        defer { transport.close() }
        let info = BoardInfo(protocolVersion: 1, board: "b", serial: "s", firmwareVersion: "1", firmwareBuild: "x", clockHz: 1, tickHz: 1000, ramBytes: 1, flashBytes: 1, capabilities: ["tokens"])
        let model = BoardModelInfo(model: "m", artifactSHA256: String(repeating: "a", count: 64), quantization: "int8")
        let request = RunRequest(tokens: 2, iterations: 1, warmup: 0)
        let replies = Thread {
            var start = Self.line("START", 5, [("re", "0"), ("iters", "1"), ("warmup", "0"), ("tokens", "2"), ("input", "default")])
            start[start.count - 3] ^= 0x01  // a bit flipped in the CRC: the line is dropped
            var bytes = start
            bytes += Self.line("ITER", 6, [("it", "0"), ("warm", "0"), ("t", "100")])
            bytes += Self.line("TOK", 7, [("it", "0"), ("i", "0"), ("t", "150")])
            bytes += Self.line("TOK", 8, [("it", "0"), ("i", "1"), ("t", "180")])
            bytes += Self.line("DONE", 9, [("it", "0"), ("t", "200"), ("tokens", "2")])
            bytes += Self.line("RESULT", 10, [("re", "0"), ("status", "ok"), ("iters", "1"), ("tokens", "2"), ("ram_peak", "10")])
            _ = try? board.read(timeout: .seconds(2))
            try? board.write(bytes, timeout: .seconds(2))
        }
        replies.start()
        let run = try LinkSession(transport: transport).run(request, board: info, model: model)
        #expect(run.status == .complete, "\(run.partialReason ?? "")")
        #expect(run.iterations.map(\.tokenTicks) == [[150, 180]])
        #expect(run.link.crcErrors == 1, "the damaged START is counted")
    }
}
