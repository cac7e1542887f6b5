import Foundation
import Testing

/// `power record` against a simulated PPK2 in another process, and `power analyze` of its raw file.
@Suite struct PowerCLITests {
    @Test func recordThenAnalyzeGiveTheSameFigures() throws {
        let cli = try CLI()
        let ppk2 = try SimulatorProcess(arguments: ["--speed", "0"], device: "ppk2")
        defer { _ = ppk2.stop() }
        let recorded = try cli.run(["power", "record", "--ppk2", ppk2.path, "--seconds", "0.5", "--raw", "capture.raw", "--format", "json"])
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let analyzed = try cli.run(["power", "analyze", "capture.raw", "--format", "json"])
        #expect(analyzed.status == 0, "\(analyzed.stderr)")
        #expect(recorded.stdout == analyzed.stdout, "the raw file holds exactly what was measured")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(recorded.stdout.utf8)) as? [String: Any])
        let windows = try #require(report["windows"] as? [[String: Any]])
        #expect(windows.count == 4)
        for window in windows {
            let joules = try #require((window["power"] as? [String: Any])?["joules"] as? Double)
            #expect(abs(joules - 0.0064 * 3.3 * 0.05) / (0.0064 * 3.3 * 0.05) < 0.001)
        }
    }

    @Test func badInputIsRefusedClearly() throws {
        let cli = try CLI()
        let notACapture = cli.file("notes.txt", "hello\n")
        let analyzed = try cli.run(["power", "analyze", notACapture])
        #expect(analyzed.status == 66)
        #expect(analyzed.stderr.contains("not an EdgeProf PPK2 capture"))
        let ppk2 = try SimulatorProcess(arguments: ["--speed", "0"], device: "ppk2")
        defer { _ = ppk2.stop() }
        let badVoltage = try cli.run(["power", "record", "--ppk2", ppk2.path, "--vdd", "6000", "--seconds", "0.1"])
        #expect(badVoltage.status == 64)
        #expect(badVoltage.stderr.contains("--vdd must be 800 to 5000 mV"))
    }
}
