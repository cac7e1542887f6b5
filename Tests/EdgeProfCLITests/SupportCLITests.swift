import Foundation
import Testing

/// The support bundle, read back with the system's tar and sha256sum; running simulators listed.
@Suite struct SupportCLITests {
    func run(_ tool: String, _ arguments: [String], in directory: URL) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test func theBundleExtractsAndItsManifestVerifies() throws {
        let cli = try CLI()
        #expect(try cli.run(["demo", "--speed", "0", "--iterations", "10"]).status == 0)
        let board = try SimulatorProcess(arguments: ["--speed", "0"])
        defer { _ = board.stop() }
        let result = try cli.run(["diag", "bundle", "-o", "support.tar", "--port", board.path])
        #expect(result.status == 0, "\(result.stderr)")
        let (untar, listing) = try run("/bin/tar", ["-xvf", "support.tar"], in: cli.home)
        #expect(untar == 0, "\(listing)")
        let folder = try #require(try FileManager.default.contentsOfDirectory(atPath: cli.home.path).first { $0.hasPrefix("edgeprof-support-") })
        let extracted = cli.home.appendingPathComponent(folder)
        let (verified, report) = try run("/usr/bin/sha256sum", ["-c", "MANIFEST.sha256"], in: extracted)
        #expect(verified == 0, "\(report)")
        #expect(report.split(separator: "\n").count == 8, "seven files and the diagnosis: \(report)")
        let runs = try String(contentsOf: extracted.appendingPathComponent("runs.json"), encoding: .utf8)
        #expect(runs.contains("\"model\" : \"demo-tiny-lm@1.0.0\""))
        let diagnosis = try String(contentsOf: extracted.appendingPathComponent("diag.json"), encoding: .utf8)
        #expect(diagnosis.contains("\"port\" : \"\(board.path)\""))
        #expect(try String(contentsOf: extracted.appendingPathComponent("system.txt"), encoding: .utf8).contains("edgeprof:  0.1.0"))
    }

    @Test func runningSimulatorsAreListedAndForgottenWhenTheyStop() throws {
        let cli = try CLI()
        let board = try SimulatorProcess(arguments: ["--speed", "0"])
        let listed = try cli.run(["devices", "list", "--json"])
        let inventory = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        let simulators = try #require(inventory["simulatedBoards"] as? [[String: Any]])
        #expect(simulators.contains { $0["path"] as? String == board.path && $0["board"] as? String == "edgeprof-sim" })
        let pid = board.process.processIdentifier
        _ = board.stop()
        let after = try cli.run(["devices", "list"])
        #expect(!after.stdout.contains("pid \(pid) "), "a stopped simulator is not listed (its pty may already serve another test's board)")
    }

    /// Issue 13: `sim board` left its registry file behind when stopped by SIGTERM or SIGINT.
    @Test(arguments: [SIGTERM, SIGINT, SIGHUP]) func aStoppedSimulatorWithdrawsItsAnnouncement(signal: Int32) throws {
        let registry = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-sims-\(UUID())")
        defer { try? FileManager.default.removeItem(at: registry) }
        let board = try SimulatorProcess(arguments: ["--speed", "0"], environment: ["EDGEPROF_SIMS": registry.path])
        let announced = try FileManager.default.contentsOfDirectory(atPath: registry.path)
        #expect(announced.count == 1 && announced[0].hasPrefix("\(board.process.processIdentifier)dev-"), "\(announced)")
        kill(board.process.processIdentifier, signal)
        board.process.waitUntilExit()
        #expect(board.process.terminationReason == .exit, "it stopped by itself, not killed by the signal")
        #expect(try FileManager.default.contentsOfDirectory(atPath: registry.path).isEmpty)
    }
}
