import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import Foundation
import Testing

/// The MLPerf Tiny DUT session on a real pseudo-terminal, against a scripted device.
@Suite struct MLPerfSessionTests {
    /// A device that boots slowly: its banner comes after the host's first command, and only then
    /// the command's answer. Each answer must still pair with its own command (a CI run once
    /// took the banner's `m-ready` for `name`'s answer, and every later command got the answer
    /// before its own: `db load 100`'s refusal was lost).
    @Test func aBannerAfterTheFirstCommandIsNotItsAnswer() async throws {
        let device = try PseudoTerminal()
        defer { device.close() }
        let transport = try TransportOpener.open(path: device.path)
        defer { transport.close() }
        let answers: [String: String] = [
            "name": "m-name-dut-[slow-board]\r\nm-ready\r\n",
            "db load 100": "e-[db load needs 1 to 64 bytes]\r\nm-ready\r\n",
        ]
        let script = Thread {
            var received: [UInt8] = []
            var first = true
            while let bytes = try? device.read(timeout: .seconds(10)), !bytes.isEmpty || !received.isEmpty {
                received += bytes
                while let end = received.firstIndex(of: UInt8(ascii: "%")) {
                    let command = String(decoding: received[..<end], as: UTF8.self)
                    received.removeSubrange(...end)
                    var reply = first ? "m-timestamp-mode-performance\r\nm-lap-us-12\r\nm-init-done\r\nm-ready\r\n" : ""
                    first = false
                    reply += answers[command] ?? "e-[Unknown command: \(command)]\r\nm-ready\r\n"
                    try? device.write(Array(reply.utf8), timeout: .seconds(2))
                }
                if bytes.isEmpty { break }
            }
        }
        script.start()
        var session = MLPerfSession(transport: transport)
        let lines = try session.send("name")
        #expect(lines == [.name("slow-board")])
        do {
            _ = try session.send("db load 100")
            Issue.record("db load 100 was answered as accepted")
        } catch {
            #expect("\(error)".contains("e-[db load needs 1 to 64 bytes]"), "\(error)")
        }
    }
}
