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
        #expect(report.checks.filter { $0.name != "catalogue" }.allSatisfy { $0.verdict == .ok }, "\(report.checks)")
        #expect(check(report, "catalogue")?.verdict == .warn, "no catalogue was given")
        #expect(report.board?.board == "edgeprof-sim")
    }

    @Test func aDriftingClockIsMeasured() throws {
        var profile = SimulatedModelProfile()
        profile.clockErrorPPM = 3000
        let clock = try #require(check(try diagnose(profile), "device clock"))
        #expect(clock.verdict == .warn)
        let ppm = try #require(Double(clock.measured.split(separator: " ")[0]))
        #expect(abs(ppm - 3000) < 300, "\(clock.measured)")
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
