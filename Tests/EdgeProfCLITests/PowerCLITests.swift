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

    /// Issue 13: `--mark -1` and `--mark 300` aborted `power analyze`; an INCONCLUSIVE capture
    /// exited 0 and its CSV and JSON did not say so.
    @Test func marksOutsideTheLogicInputsAreRefusedAndAnInconclusiveCaptureSaysSo() throws {
        let cli = try CLI()
        let ppk2 = try SimulatorProcess(arguments: ["--speed", "0"], device: "ppk2")
        defer { _ = ppk2.stop() }
        #expect(try cli.run(["power", "record", "--ppk2", ppk2.path, "--seconds", "0.1", "--raw", "capture.raw"]).status == 0)
        let unmarked = try cli.run(["power", "record", "--ppk2", ppk2.path, "--seconds", "0.1", "--mark", "none", "--format", "json"])
        #expect(unmarked.status == 0 && unmarked.stdout.contains("\"windows\" : [\n\n  ]"), "\(unmarked.stdout)\(unmarked.stderr)")
        let nine = try cli.run(["power", "record", "--ppk2", ppk2.path, "--seconds", "0.1", "--mark", "9"])
        #expect(nine.status == 64 && nine.stderr.contains("--mark must be a logic input 0-7, or none; got 9"), "\(nine.stderr)")
        for mark in ["-1", "300", "8"] {
            let refused = try cli.run(["power", "analyze", "capture.raw", "--mark=\(mark)"])
            #expect(refused.status == 64 && refused.stderr.contains("--mark must be a logic input 0-7"), "\(mark): \(refused.stderr)")
        }
        let whole = try String(contentsOf: cli.home.appendingPathComponent("capture.raw"), encoding: .isoLatin1)
        let header = String(whole.prefix { $0 != "\n" }) + "\n"
        _ = cli.file("empty.raw", header)
        let table = try cli.run(["power", "analyze", "empty.raw"])
        #expect(table.status == 2 && table.stdout.contains("INCONCLUSIVE: no samples"), "\(table.stdout) \(table.stderr)")
        let json = try cli.run(["power", "analyze", "empty.raw", "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(json.status == 2 && report["verdict"] as? String == "INCONCLUSIVE" && report["inconclusiveReason"] as? String == "no samples")
        let csv = try cli.run(["power", "analyze", "empty.raw", "--format", "csv"])
        #expect(csv.status == 2 && csv.stdout.hasSuffix(",\"INCONCLUSIVE: no samples\"\n"), "\(csv.stdout)")
    }
}
