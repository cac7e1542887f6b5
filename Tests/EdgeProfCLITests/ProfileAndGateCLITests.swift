import Foundation
import Testing

/// Profiling a board served by another process, and the gate's three answers, through the binary.
@Suite struct ProfileAndGateCLITests {
    let thresholds = """
        device-classes:
          sim-cortex-m4:
            min-iterations: 10
            max-latency-p95-ms: 250
            min-tokens-per-mj: 2
        """

    func registered(_ cli: CLI) throws -> String {
        try cli.addDefaultActor()
        let artifact = cli.file("model.bin", "int8 weights")
        #expect(try cli.run(["model", "register", "tiny", "1.0.0", "--artifact", artifact]).status == 0)
        return artifact
    }

    @Test func profileOfABoardInAnotherProcessThenPassFailAndInconclusive() throws {
        let cli = try CLI()
        let artifact = try registered(cli)
        let board = try SimulatorProcess(arguments: ["--artifact", artifact, "--speed", "0", "--seed", "4"])
        defer { _ = board.stop() }
        #expect(board.path.hasPrefix("/dev/pts/"))

        let short = try cli.run(["profile", "--port", board.path, "--model", "tiny@1.0.0", "--iterations", "3", "--warmup", "0", "--format", "json"])
        #expect(short.status == 0, "\(short.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(short.stdout.utf8)) as? [String: Any]
        #expect(report?["status"] as? String == "complete")
        #expect((report?["summary"] as? [String: Any])?["measuredIterations"] as? Int == 3)

        let gates = cli.file("gates.yaml", thresholds)
        let junit = cli.home.appendingPathComponent("gate.xml").path
        let inconclusive = try cli.run(["gate", "check", "--model", "tiny@1.0.0", "--device-class", "sim-cortex-m4", "--thresholds", gates, "--junit", junit])
        #expect(inconclusive.status == 2)
        #expect(inconclusive.stdout.contains("INCONCLUSIVE"))
        #expect(inconclusive.stdout.contains("3 of 10 required measured iterations"))
        #expect(try String(contentsOfFile: junit, encoding: .utf8).contains("errors=\"2\""))
        #expect(try CLI.junitSchemaProblems(junit) == nil)

        let full = try cli.run(["profile", "--port", board.path, "--model", "tiny@1.0.0", "--iterations", "12"])
        #expect(full.status == 0, "\(full.stderr)")
        let pass = try cli.run(["gate", "check", "--model", "tiny@1.0.0", "--device-class", "sim-cortex-m4", "--thresholds", gates])
        #expect(pass.status == 0, "\(pass.stdout)")
        #expect(pass.stdout.hasPrefix("edge-performance gate: PASS"))

        let strict = cli.file("strict.yaml", thresholds.replacingOccurrences(of: "max-latency-p95-ms: 250", with: "max-latency-p95-ms: 100"))
        let failReport = cli.home.appendingPathComponent("fail.xml").path
        let fail = try cli.run(["gate", "check", "--model", "tiny@1.0.0", "--device-class", "sim-cortex-m4", "--thresholds", strict, "--format", "markdown", "--junit", failReport])
        #expect(fail.status == 1)
        #expect(fail.stdout.hasPrefix("### Edge-performance gate: FAIL"))
        #expect(try CLI.junitSchemaProblems(failReport) == nil)
        let failXML = try String(contentsOfFile: failReport, encoding: .utf8)
        #expect(failXML.contains("<testcase classname=\"edgeprof.gate.tiny.sim-cortex-m4\" name=\"max-latency-p95-ms\""))
        #expect(failXML.contains("<property name=\"threshold\" value=\"100.0\"/>"))
        #expect(failXML.contains("<property name=\"emulated\" value=\"false\"/>"))
        #expect(board.stop() == 0 || board.stop() == 15, "the simulator stops cleanly on SIGTERM")
    }

    /// A CI job still gets a report when the gate cannot run, and the exit code says why.
    @Test func aGateThatCannotRunStillWritesAValidReport() throws {
        let cli = try CLI()
        _ = try registered(cli)
        let gates = cli.file("gates.yaml", thresholds)
        let cases: [(name: String, arguments: [String], status: Int32, type: String)] = [
            ("bad-thresholds", ["--model", "tiny@1.0.0", "--thresholds", cli.file("bad.yaml", "device-classes:\n  sim-cortex-m4:\n    max-latency: 3\n")], 65, "configuration"),
            ("missing-thresholds", ["--model", "tiny@1.0.0", "--thresholds", cli.home.appendingPathComponent("none.yaml").path], 65, "configuration"),
            ("unknown-model", ["--model", "absent@1.0.0", "--thresholds", gates], 66, "not-found"),
            ("malformed-model", ["--model", "tiny", "--thresholds", gates], 64, "invalid-argument"),
        ]
        for testCase in cases {
            let report = cli.home.appendingPathComponent("\(testCase.name).xml").path
            let result = try cli.run(["gate", "check", "--device-class", "sim-cortex-m4", "--junit", report] + testCase.arguments)
            #expect(result.status == testCase.status, "\(testCase.name): \(result.stderr)")
            #expect(try CLI.junitSchemaProblems(report) == nil, "\(testCase.name)")
            let xml = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
            #expect(xml.contains("tests=\"1\" failures=\"0\" errors=\"1\""), "\(testCase.name): \(xml)")
            #expect(xml.contains("<error type=\"\(testCase.type)\""), "\(testCase.name): \(xml)")
            let stderrLine = result.stderr.replacingOccurrences(of: "edgeprof: error: ", with: "").split(separator: "\n").first.map(String.init) ?? ""
            #expect(!stderrLine.isEmpty && xml.contains(stderrLine.replacingOccurrences(of: "\"", with: "&quot;").prefix(40)), "\(testCase.name): the report carries the message the terminal showed")
        }
    }

    @Test func aFaultyLinkStillGivesACompleteRunWithItsErrorsCounted() throws {
        let cli = try CLI()
        let artifact = try registered(cli)
        let board = try SimulatorProcess(arguments: ["--artifact", artifact, "--speed", "0", "--corrupt-rate", "0.05", "--garbage-rate", "0.05", "--no-records"])
        defer { _ = board.stop() }
        let result = try cli.run(["profile", "--port", board.path, "--model", "tiny@1.0.0", "--iterations", "30"])
        #expect(result.status == 0 || result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains("checksum errors"))
    }

    @Test func badInputExitsWithItsDocumentedCode() throws {
        let cli = try CLI()
        _ = try registered(cli)
        let unknownModel = try cli.run(["profile", "--port", "/dev/null", "--model", "tiny@9.9.9"])
        #expect(unknownModel.status == 66)
        #expect(unknownModel.stderr.contains("unknown model tiny@9.9.9 (registered: tiny@1.0.0)"))

        let noPort = try cli.run(["profile", "--port", "/dev/ttyNOPE0", "--model", "tiny@1.0.0"])
        #expect(noPort.status == 69)
        #expect(noPort.stderr == "edgeprof: error: cannot open /dev/ttyNOPE0: no such device. Fix: check the cable and run `edgeprof devices list` to see the ports present\n")

        let badModel = try cli.run(["profile", "--port", "/dev/null", "--model", "tiny"])
        #expect(badModel.status == 64)

        let malformed = cli.file("bad.yaml", "device-classes:\n  sim-cortex-m4:\n    max-latency-p95-ms: soon\n")
        let gate = try cli.run(["gate", "check", "--model", "tiny@1.0.0", "--device-class", "sim-cortex-m4", "--thresholds", malformed])
        #expect(gate.status == 65)
        #expect(gate.stderr == "edgeprof: error: \(malformed):3: device class 'sim-cortex-m4': field 'max-latency-p95-ms' must be a number ≥ 0 (in ms), got 'soon'\n")
    }

    @Test func permissionDeniedNamesTheFix() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let cli = try CLI()
        _ = try registered(cli)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: cli.home.path)
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: cli.database)
        let board = try SimulatorProcess(arguments: ["--speed", "0"])
        defer { _ = board.stop() }
        let denied = try cli.run(
            ["profile", "--port", board.path, "--model", "tiny@1.0.0"],
            prefix: ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
        #expect(denied.status == 69, "\(denied.stderr)")
        #expect(denied.stderr.contains("permission denied (EACCES). Fix: add your user to the 'dialout' group"))
    }
}

/// The machine-wide lease file serves every user of the bench, whoever created it.
@Suite struct SharedLeaseFileCLITests {
    @Test func aLeaseFileRootCreatedIsWritableByOthers() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let cli = try CLI()
        let board = try SimulatorProcess(arguments: ["--speed", "0"])
        defer { _ = board.stop() }
        #expect(try cli.run(["devices", "leases"]).stdout == "no leases in force\n", "root creates the lease file")
        let asNobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        let lease = try cli.run(["devices", "lease", board.path, "--purpose", "night shift"], prefix: asNobody)
        #expect(lease.status == 0, "\(lease.stderr)")
        let listed = try cli.run(["devices", "leases"])
        #expect(listed.stdout.contains("nobody@"))
        #expect(listed.stdout.contains("(night shift)"))
        let refused = try cli.run(["devices", "release", board.path])
        #expect(refused.status == 66, "root does not hold that lease")
        #expect(try cli.run(["devices", "release", board.path, "--force"]).status == 0)
    }
}
