import Foundation
import Testing

/// `edgeprof ci` when something goes wrong: the JUnit report is written whatever happens, says
/// which step failed and which did not run, and the exit code is the first failure's.
@Suite struct CICommandCLITests {
    func prepared() throws -> (CLI, artifact: String) {
        let cli = try CLI()
        try cli.addDefaultActor()
        let artifact = cli.file("model.bin", "int8 weights")
        #expect(try cli.run(["model", "register", "tiny", "1.0.0", "--artifact", artifact]).status == 0)
        return (cli, artifact)
    }

    func report(_ cli: CLI) throws -> String {
        let path = cli.home.appendingPathComponent("junit.xml").path
        #expect(try CLI.junitSchemaProblems(path) == nil)
        return (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }

    @Test func aVerdictAndAnOutageEachExitWithTheirCode() throws {
        let (cli, artifact) = try prepared()
        let board = try SimulatorProcess(arguments: ["--artifact", artifact, "--speed", "0", "--seed", "2"])
        defer { _ = board.stop() }
        let strict = cli.file("strict.yaml", "device-classes:\n  sim-cortex-m4:\n    min-iterations: 5\n    max-latency-p95-ms: 1\n")
        let job = ["ci", "--port", board.path, "--model", "tiny@1.0.0", "--iterations", "5", "--tokens", "4", "--junit", "junit.xml"]
        let failed = try cli.run(job + ["--thresholds", strict])
        #expect(failed.status == 1, "\(failed.stderr)")
        var xml = try report(cli)
        #expect(xml.contains("name=\"profile\"") && xml.contains("<property name=\"run_id\" value=\"1\"/>"), "\(xml)")
        #expect(xml.contains("<failure type=\"FAIL\" message=\"latency p95"), "\(xml)")
        #expect(xml.contains("<property name=\"run_ids\" value=\"1\"/>"), "the gate judged this run only: \(xml)")

        // The build passes, but the lab's collector cannot be reached: the run waits in the spool.
        let lenient = cli.file("lenient.yaml", "device-classes:\n  sim-cortex-m4:\n    min-iterations: 5\n    max-latency-p95-ms: 100000\n")
        let closed = try FlashCLITests.freePort()
        let outage = try cli.run(job + ["--thresholds", lenient, "--upload", "http://127.0.0.1:\(closed)", "--token", "ept_unused", "--format", "json"])
        #expect(outage.status == 74, "\(outage.stderr)")
        xml = try report(cli)
        #expect(xml.contains("<error type=\"collector-unreachable\""), "\(xml)")
        #expect(xml.contains("<property name=\"verdict\" value=\"PASS\"/>"), "\(xml)")
        let object = try JSONSerialization.jsonObject(with: Data(outage.stdout.utf8)) as? [String: Any]
        #expect((object?["gate"] as? [String: Any])?["outcome"] as? String == "PASS")
        #expect((object?["steps"] as? [[String: Any]])?.map { $0["name"] as? String } == ["profile", "upload"])
    }

    @Test func aBrokenThresholdsFileStopsBeforeTheBoardIsTouched() throws {
        let (cli, _) = try prepared()
        let broken = cli.file("broken.yaml", "device-classes:\n  sim-cortex-m4:\n    max-latency: 3\n")
        let result = try cli.run(["ci", "--port", "/dev/null", "--model", "tiny@1.0.0", "--thresholds", broken, "--junit", "junit.xml", "--flash", "x.elf"])
        #expect(result.status == 65, "\(result.stderr)")
        let xml = try report(cli)
        #expect(xml.contains("name=\"flash\"") && xml.contains("<skipped message=\"not run: the thresholds file"), "\(xml)")
        #expect(xml.contains("<error type=\"configuration\""), "\(xml)")
    }

    @Test func aFlashThatFailsLeavesTheBoardUnmeasured() throws {
        let (cli, _) = try prepared()
        let gates = cli.file("gates.yaml", "device-classes:\n  cortex-m4f-128k:\n    max-latency-p95-ms: 10\n")
        let firmware = EmulatedBoardCLITests.firmware.appendingPathComponent("build/an386/edgeprof-fw.elf").path
        let result = try cli.run(
            ["ci", "--device", "nucleo-f446re", "--port", "/dev/null", "--flash", firmware, "--probe", "066DFF485550755187121914", "--model", "tiny@1.0.0",
             "--thresholds", gates, "--junit", "junit.xml"],
            environment: ["PATH": cli.home.path])
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("openocd is not installed (or not on PATH)"), "\(result.stderr)")
        let xml = try report(cli)
        #expect(xml.contains("<error type=\"flash\" message=\"openocd is not installed"), "\(xml)")
        #expect(xml.contains("<skipped message=\"not run: the flash failed\"/>") && !xml.contains("edge-performance"), "\(xml)")
    }
}
