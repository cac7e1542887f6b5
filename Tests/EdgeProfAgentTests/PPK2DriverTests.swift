import EdgeProfAgent
import EdgeProfCore
import EdgeProfHardware
import EdgeProfSim
import Foundation
import Testing

/// The PPK2 driver against the simulated PPK2 on a real pty: figures equal the analytic ground
/// truth, losses are counted exactly, and every fault ends clearly and in bounded time.
@Suite struct PPK2DriverTests {
    func capture(
        _ ppk2: SimulatedPPK2, seconds: Double, millivolts: Int = 3300
    ) throws -> (report: PowerReport, stalled: Bool, metadata: PPK2Metadata) {
        ppk2.start()
        defer { ppk2.stop() }
        let transport = try TransportOpener.open(path: ppk2.path)
        defer { transport.close() }
        let driver = PPK2Driver(transport: transport)
        let metadata = try driver.readMetadata()
        try driver.configure(mode: .source, millivolts: millivolts)
        var analyzer = PowerAnalyzer(metadata: metadata, volts: Double(millivolts) / 1000, markChannel: ppk2.trace.markChannel)
        let result = try driver.capture(seconds: seconds, into: &analyzer)
        #expect(ppk2.isSourceMeter, "the driver selected source-meter mode")
        #expect(ppk2.isDUTPowered, "the driver switched the board on")
        return (analyzer.report, result.stalled, metadata)
    }

    @Test func windowEnergiesEqualTheAnalyticValueWithinATenthOfAPercent() throws {
        let ppk2 = try SimulatedPPK2(speed: 0)
        let (report, stalled, metadata) = try capture(ppk2, seconds: 1.0)
        #expect(!stalled)
        #expect(metadata.calibrated)
        #expect(ppk2.vddMillivolts == 3300, "the driver set the source voltage")
        #expect(report.total.samples == 100_000)
        #expect(report.windows.count == 9, "ten inferences start in 1 s; the last is still running")
        let truth = ppk2.trace.activeJoules(volts: 3.3)
        for window in report.windows {
            #expect(abs(window.power.joules - truth) / truth < 0.001, "\(window.power.joules) J against \(truth) J")
            #expect(window.endSample - window.startSample == ppk2.trace.activeSamples)
        }
        let traceJoules = (0..<100_000).reduce(0.0) { $0 + ppk2.trace.current(at: $1).amperes * 3.3 * 10e-6 }
        #expect(abs(report.total.joules - traceJoules) / traceJoules < 0.001)
        #expect(report.total.inconclusiveReason == nil)
    }

    @Test func droppedSamplesAreCountedExactly() throws {
        var faults = SimulatedPPK2.Faults()
        faults.dropEveryNthSample = 997
        let (report, _, _) = try capture(try SimulatedPPK2(speed: 0, faults: faults), seconds: 0.5)
        let span = report.total.samples + report.total.lostSamples
        let dropped = (0..<span).filter { $0 % 997 == 996 }.count
        #expect(report.total.lostSamples == dropped)
        #expect(report.total.inconclusiveReason == "\(dropped) samples were lost in transit")
    }

    @Test func nanMetadataFallsBackToDefaultsAndSaysSo() throws {
        var faults = SimulatedPPK2.Faults()
        faults.nanMetadataKeys = ["R1", "GS2"]
        let (report, _, metadata) = try capture(try SimulatedPPK2(speed: 0, faults: faults), seconds: 0.1)
        #expect(metadata.fallbacks == ["R1 is '-nan'", "GS2 is '-nan'"])
        #expect(report.calibrationFallbacks == metadata.fallbacks)
        #expect(report.total.samples == 10_000)
    }

    @Test func aStreamStartingMidSampleIsRealigned() throws {
        var faults = SimulatedPPK2.Faults()
        faults.leadingPartialBytes = 2
        let (report, _, _) = try capture(try SimulatedPPK2(speed: 0, faults: faults), seconds: 0.1)
        #expect(report.bytesSkipped == 2)
        #expect(report.total.lostSamples == 0)
    }

    @Test func aStalledStreamEndsTheCaptureInBoundedTime() throws {
        var faults = SimulatedPPK2.Faults()
        faults.stallAfterSamples = 5000
        let started = ContinuousClock.now
        let (report, stalled, _) = try capture(try SimulatedPPK2(speed: 0, faults: faults), seconds: 2)
        #expect(stalled)
        #expect(report.total.samples == 5000)
        #expect(ContinuousClock.now - started < .seconds(4))
    }

    @Test func saturationIsFlaggedNotMeasured() throws {
        var trace = PowerTrace()
        trace.activeAmperes = 20
        let (report, _, _) = try capture(try SimulatedPPK2(trace: trace, speed: 0), seconds: 0.2)
        #expect(report.total.inconclusiveReason?.contains("saturated the highest range") == true)
        #expect(report.windows.allSatisfy { $0.power.inconclusiveReason != nil })
    }

    @Test func aSilentPortIsNotAPPK2() throws {
        let silent = try PseudoTerminal()
        defer { silent.close() }
        let transport = try TransportOpener.open(path: silent.path)
        defer { transport.close() }
        #expect {
            try PPK2Driver(transport: transport).readMetadata(timeout: .milliseconds(300))
        } throws: { error in
            "\(error)".contains("sent 0 bytes of metadata and no END within 300 ms; is this a PPK2?")
        }
    }
}
