import Foundation
import Testing

/// docs/ci/: the GitHub Actions and GitLab CI examples, parsed as their runners parse them
/// (python3's YAML loader) and their edgeprof steps run as written, against a blank emulated
/// board waiting behind QEMU's gdbstub as a bench's board waits behind its probe, and a real
/// collector: the build is flashed, profiled, gated and uploaded; the JUnit report validates.
@Suite(.serialized) struct CIExamplesEndToEndTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let firmware = repository.appendingPathComponent("devices/qemu-mps2/firmware/build")

    /// The job's environment and its shell steps, read by a YAML parser other than ours.
    struct Job: Decodable {
        var env: [String: String]
        var scripts: [String]
    }

    static func job(_ file: String) throws -> Job {
        let reader = """
            import json, sys, yaml
            document = yaml.safe_load(open(sys.argv[1]))
            if "jobs" in document:
                job = document["jobs"]["board"]
                env, scripts = job.get("env", {}), [step["run"] for step in job["steps"] if "run" in step]
            else:
                job = document["edge-performance"]
                env, scripts = job.get("variables", {}), job["script"]
            print(json.dumps({"env": {key: str(value) for key, value in env.items()}, "scripts": scripts}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", reader, repository.appendingPathComponent("docs/ci/\(file)").path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(file) does not parse as YAML")
        return try JSONDecoder().decode(Job.self, from: data)
    }

    @Test(.timeLimit(.minutes(5))) func bothExamplesFlashProfileGateAndUploadTheBuild() async throws {
        let lab = try LabEndToEndTests.Lab()
        defer { lab.stopAll() }
        #expect(try lab.run(["actors", "add", "me", "--role", "tech_lead", "--actor", "me"], database: "lab.sqlite").status == 0)
        #expect(try lab.run(["actors", "add", "ci", "--role", "data_scientist", "--actor", "me"], database: "lab.sqlite").status == 0)
        let benchToken = try lab.run(["collector", "token", "create", "--for", "bench-1-agent", "--bench", "bench-1", "--actor", "me"], database: "lab.sqlite")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let ciToken = try lab.run(["collector", "token", "create", "--for", "ci", "--person", "--actor", "me"], database: "lab.sqlite")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let collector = CollectorCrashTests.Server(database: lab.path("lab.sqlite"), port: CollectorCrashTests.freePort())
        try collector.start()
        defer { collector.kill() }
        try await collector.waitUntilListening()

        for (number, file) in ["github-actions.yml", "gitlab-ci.yml"].enumerated() {
            let job = try Self.job(file)
            // The runner's checkout: the build's outputs and the thresholds file the repository keeps.
            let checkout = lab.path("checkout-\(number)")
            try FileManager.default.createDirectory(atPath: checkout + "/build", withIntermediateDirectories: true)
            try "device-classes:\n  qemu-mps2-an386:\n    min-iterations: 20\n    max-latency-p95-ms: 50\n".write(
                toFile: checkout + "/edgeprof-gates.yaml", atomically: true, encoding: .utf8)
            // The bench's board, powered and halted, waiting for its probe.
            let gdbPort = CollectorCrashTests.freePort()
            let (board, terminal) = try lab.start(["sim", "emulated", "qemu-mps2-an386", "--blank", "--gdb-port", "\(gdbPort)"], database: "unused.sqlite", firstLine: true)
            defer { lab.stop(board) }
            let overrides = [
                "BOARD": "qemu-mps2-an386", "PORT": terminal, "PROBE": "127.0.0.1:\(gdbPort)", "MODEL": "tiny-lm", "VERSION": "1.0.0-ci.\(number + 1)",
                "ARTIFACT": Self.firmware.appendingPathComponent("tiny-lm.bin").path, "FIRMWARE": Self.firmware.appendingPathComponent("an386/edgeprof-fw.elf").path,
                "EDGEPROF_DB": checkout + "/job.sqlite", "EDGEPROF_COLLECTOR": "http://127.0.0.1:\(collector.port)", "EDGEPROF_TOKEN": benchToken,
                "REGISTRY_TOKEN": ciToken,
            ]
            #expect(Set(overrides.keys).subtracting(["EDGEPROF_TOKEN", "REGISTRY_TOKEN"]).isSubset(of: Set(job.env.keys)), "\(file) names the job's variables")
            let runnerOnly = job.env.filter { $0.value.contains("${{") || $0.value.contains("$CI_") }.keys
            #expect(Set(runnerOnly).isSubset(of: Set(overrides.keys)), "\(file): every value the runner fills in is given here")
            var environment = lab.environment.merging(job.env) { $1 }.merging(overrides) { $1 }
            environment["PATH"] = URL(fileURLWithPath: CollectorCrashTests.binary).deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
            let edgeprofSteps = job.scripts.filter { $0.contains("edgeprof ") }
            #expect(job.scripts.filter { !$0.contains("edgeprof ") } == ["make firmware"], "\(file): only the project's own build is left out")
            for script in edgeprofSteps {
                let result = try Self.shell(script, in: checkout, environment: environment)
                #expect(result.status == 0, "\(file): \(script)\n\(result.output)")
            }

            let report = checkout + "/edgeprof-junit.xml"
            #expect(try CLISchema.problems(report) == nil, "\(file)")
            let xml = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
            for step in ["flash", "profile", "upload"] {
                #expect(xml.contains("<testcase classname=\"edgeprof.ci.tiny-lm\" name=\"\(step)\""), "\(file): \(step)")
            }
            #expect(xml.contains("name=\"max-latency-p95-ms\"") && xml.contains("<property name=\"verdict\" value=\"PASS\"/>"), "\(xml)")
            #expect(!xml.contains("<error") && !xml.contains("<failure") && !xml.contains("<skipped"), "\(xml)")
        }
        let stored = try lab.sqlite("SELECT m.version, r.bench FROM run r JOIN model_version m ON m.id = r.model_version_id ORDER BY r.id", database: "lab.sqlite")
        #expect(stored == "1.0.0-ci.1|bench-1\n1.0.0-ci.2|bench-1", "the collector holds both jobs' runs: \(stored)")
    }

    static func shell(_ script: String, in directory: String, environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-e", "-c", script]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }
}

/// docs/junit.xsd checked by the real xmllint.
enum CLISchema {
    static func problems(_ file: String) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/xmllint")
        process.arguments = ["--noout", "--schema", CIExamplesEndToEndTests.repository.appendingPathComponent("docs/junit.xsd").path, file]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : text
    }
}
