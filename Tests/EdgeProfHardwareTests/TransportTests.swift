import EdgeProfHardware
import Foundation
import Testing

/// The transports against real pseudo-terminals and real device nodes.
@Suite struct TransportTests {
    @Test func aMissingPortSaysHowToFindOne() {
        #expect(throws: TransportError.notFound(port: "/dev/ttyEDGEPROF9")) {
            try TransportOpener.open(path: "/dev/ttyEDGEPROF9")
        }
        #expect(TransportError.notFound(port: "/dev/x").description.contains("edgeprof devices list"))
    }

    @Test func aNonTerminalIsRefused() throws {
        #expect(throws: TransportError.notATerminal(port: "/dev/null")) { try TransportOpener.open(path: "/dev/null") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-port-\(UUID())").path
        _ = FileManager.default.createFile(atPath: file, contents: Data())
        #expect(throws: TransportError.notATerminal(port: file)) { try TransportOpener.open(path: file) }
    }

    @Test func aBusyPortIsRefused() throws {
        let terminal = try PseudoTerminal()
        defer { terminal.close() }
        let first = try TransportOpener.open(path: terminal.path)
        defer { first.close() }
        #expect(throws: TransportError.busy(port: terminal.path, holder: nil)) { try TransportOpener.open(path: terminal.path) }
        first.close()
        try TransportOpener.open(path: terminal.path).close()
    }

    @Test func anUnsupportedBaudRateIsRefused() throws {
        let terminal = try PseudoTerminal()
        defer { terminal.close() }
        #expect(throws: TransportError.unsupportedBaud(port: terminal.path, baud: 12345)) {
            try TransportOpener.open(path: terminal.path, baud: 12345)
        }
    }

    @Test func bytesCrossBothWaysAndReadsAreBounded() throws {
        let terminal = try PseudoTerminal()
        defer { terminal.close() }
        let host = try TransportOpener.open(path: terminal.path)
        defer { host.close() }
        let started = ContinuousClock.now
        #expect(try host.read(maxCount: 64, timeout: .milliseconds(100)).isEmpty)
        #expect(ContinuousClock.now - started < .seconds(1))
        try host.write(Array("PING 0 *1234\n".utf8), timeout: .seconds(1))
        #expect(try terminal.read(timeout: .seconds(1)) == Array("PING 0 *1234\n".utf8))
        let payload = (0..<20_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        DispatchQueue.global().async { try? terminal.write(payload, timeout: .seconds(5)) }
        var received: [UInt8] = []
        while received.count < payload.count {
            let chunk = try host.read(maxCount: 4096, timeout: .seconds(2))
            if chunk.isEmpty { break }
            received += chunk
        }
        #expect(received == payload, "raw mode: every byte value arrives unchanged")
    }

    @Test func aVanishedDeviceIsReportedNotHung() throws {
        let terminal = try PseudoTerminal()
        let host = try TransportOpener.open(path: terminal.path)
        defer { host.close() }
        terminal.close()
        #expect(throws: TransportError.disconnected(port: host.portName)) { try host.read(maxCount: 64, timeout: .seconds(2)) }
    }

    @Test func permissionDeniedNamesTheDialoutFix() {
        let message = TransportError.permissionDenied(port: "/dev/ttyACM0").description
        #expect(message.contains("dialout"))
        #expect(message.contains("60-edgeprof.rules"))
    }
}

/// A port held by another process is refused, naming that process.
@Suite struct BusyPortTests {
    @Test func theHolderIsNamed() throws {
        let terminal = try PseudoTerminal()
        defer { terminal.close() }
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = ["--no-fork", terminal.path, "sleep", "20"]
        try holder.run()
        defer {
            kill(holder.processIdentifier, SIGKILL)  // SIGTERM may be blocked in the inherited signal mask
            holder.waitUntilExit()
        }
        var message = ""
        for _ in 0..<100 where message.isEmpty {
            do {
                try TransportOpener.open(path: terminal.path).close()
                usleep(20_000)
            } catch {
                message = error.description
            }
        }
        #expect(message.hasPrefix("cannot open \(terminal.path): the port is busy, held by pid "), "\(message)")
        #expect(message.hasSuffix("Fix: stop that program or wait for its run to finish"))
    }
}
