import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Foundation
import Testing

/// `edgeprof diag` against simulated boards with and without injected faults.
@Suite struct DiagnosticsTests {
    var options: DiagnosticsService.Options {
        var options = DiagnosticsService.Options()
        options.driftSeconds = 0.5
        options.timeouts.handshake = .milliseconds(300)
        return options
    }

    func diagnose(_ profile: SimulatedModelProfile, faults: SimulatedFaults = SimulatedFaults()) throws -> DiagnosticReport {
        let board = try SimulatedBoard(profile: profile, speed: 0, faults: faults)
        board.start()
        defer { board.stop() }
        return DiagnosticsService(catalogue: nil).diagnose(port: board.path, options: options)
    }

    func check(_ report: DiagnosticReport, _ name: String) -> DiagnosticCheck? {
        report.checks.first { $0.name == name }
    }

    @Test func aHealthyBoardPassesEveryCheck() throws {
        let report = try diagnose(SimulatedModelProfile())
        #expect(report.checks.map(\.name) == ["open", "handshake", "catalogue", "link quality", "throughput", "device clock"])
        for name in ["open", "handshake", "throughput", "device clock"] {
            #expect(check(report, name)?.verdict == .ok, "\(report.checks)")
        }
        // Round-trip times depend on the machine's load (p99 above 50 ms warns); losses do not.
        let link = try #require(check(report, "link quality"))
        #expect(link.verdict != .fail)
        #expect(link.measured.hasPrefix("20/20 pings answered"))
        #expect(link.measured.hasSuffix("0 damaged lines, 0 lost lines"))
        #expect(check(report, "catalogue")?.verdict == .warn, "no catalogue was given")
        #expect(report.board?.board == "edgeprof-sim")
    }

    @Test func aDriftingClockIsMeasuredWithinItsStatedUncertainty() throws {
        var profile = SimulatedModelProfile()
        profile.clockErrorPPM = 5000
        var slow = options
        // Two seconds: the uncertainty shrinks with the window, and round trips on a loaded CI
        // machine jitter by milliseconds (1 s gave 5 963 ppm there once).
        slow.driftSeconds = 2.0
        let board = try SimulatedBoard(profile: profile, speed: 0)
        board.start()
        defer { board.stop() }
        let clock = try #require(check(DiagnosticsService(catalogue: nil).diagnose(port: board.path, options: slow), "device clock"))
        // "4996 ppm ± 31.5 ppm against the host clock (…)"
        let words = clock.measured.split(separator: " ")
        let ppm = try #require(Double(words[0]))
        let uncertainty = try #require(Double(words[3]))
        #expect(abs(ppm - 5000) <= uncertainty + 50, "\(clock.measured)")
        #expect(uncertainty < 4000, "a 2 s window on a local pty leaves far less doubt than that: \(clock.measured)")
        #expect(clock.verdict == .warn, "\(clock.measured)")
        profile.clockErrorPPM = 50_000
        #expect(check(try diagnose(profile), "device clock")?.verdict == .fail)
    }

    @Test func aDamagingLinkIsFlagged() throws {
        let report = try diagnose(SimulatedModelProfile(), faults: SimulatedFaults(corruptLineProbability: 0.2))
        #expect(report.verdict == .fail)
        #expect(check(report, "link quality")?.verdict != .ok)
    }

    @Test func aSilentBoardFailsTheHandshakeWithAHintAndNothingHangs() throws {
        let silent = try PseudoTerminal()
        defer { silent.close() }
        let started = ContinuousClock.now
        let report = DiagnosticsService(catalogue: nil).diagnose(port: silent.path, options: options)
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(report.checks.map(\.verdict) == [.ok, .fail])
        #expect(report.checks[1].measured.contains("Fix: check that the board is powered"))
    }

    @Test func aMissingPortFailsToOpen() {
        let report = DiagnosticsService(catalogue: nil).diagnose(port: "/dev/ttyNOPE3", options: options)
        #expect(report.checks.count == 1)
        #expect(report.checks[0].measured.hasPrefix("cannot open /dev/ttyNOPE3: no such device"))
    }
}

/// `edgeprof diag` flags every link fault the simulator can inject.
@Suite struct DiagnosticsFaultTests {
    @Test(arguments: [
        ("dropped bytes", SimulatedFaults(dropByteProbability: 0.01)),
        ("cut lines", SimulatedFaults(cutLineProbability: 0.1)),
        ("garbage", SimulatedFaults(garbageProbability: 0.2)),
        ("corruption", SimulatedFaults(corruptLineProbability: 0.1)),
        ("wrong baud", SimulatedFaults(wrongBaud: true)),
    ])
    func eachInjectedFaultIsFlagged(_ name: String, _ faults: SimulatedFaults) throws {
        var profile = SimulatedModelProfile()
        profile.artifactSHA256 = String(repeating: "a", count: 64)
        let board = try SimulatedBoard(profile: profile, speed: 0, faults: faults)
        board.start()
        defer { board.stop() }
        var options = DiagnosticsService.Options()
        options.driftSeconds = 0.3
        options.pings = 40
        options.timeouts.handshake = .milliseconds(300)
        options.timeouts.handshakeAttempts = 10
        let report = DiagnosticsService(catalogue: nil).diagnose(port: board.path, options: options)
        let flagged = report.checks.filter { $0.name != "catalogue" && $0.verdict != .ok }
        #expect(!flagged.isEmpty, "\(name) went unnoticed: \(report.checks)")
        #expect(flagged.allSatisfy { $0.hint != nil || $0.measured.contains("Fix:") }, "every flag says what to do")
    }
}
