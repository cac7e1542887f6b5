import EdgeProfCore
import EdgeProfStore
import Foundation
import Testing

/// The lab, end to end, every part a real process: simulated boards on pseudo-terminals, one
/// agent per bench, the collector; a regression injected into one board raises a critical alert
/// that reaches a webhook, and recovery resolves it.
@Suite(.serialized) struct LabEndToEndTests {
    /// A folder with a lab's files and a way to run `edgeprof` in it.
    final class Lab: @unchecked Sendable {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-lab-\(UUID())")
        private var processes: [Process] = []

        init() throws { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }

        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        var environment: [String: String] {
            var environment = ProcessInfo.processInfo.environment
            environment["XDG_DATA_HOME"] = path("xdg")
            environment["EDGEPROF_LEASES"] = path("leases.sqlite")
            environment["EDGEPROF_ACTOR"] = "me"
            environment["EDGEPROF_SIMS"] = path("sims")
            return environment
        }

        @discardableResult
        func run(_ arguments: [String], database: String) throws -> (status: Int32, stdout: String, stderr: String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CollectorCrashTests.binary)
            process.arguments = arguments
            process.environment = environment.merging(["EDGEPROF_DB": path(database)]) { $1 }
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
        }

        /// Starts a long-running `edgeprof` and returns the first line it prints (a board's pty).
        func start(_ arguments: [String], database: String, firstLine: Bool) throws -> (Process, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: CollectorCrashTests.binary)
            process.arguments = arguments
            process.environment = environment.merging(["EDGEPROF_DB": path(database)]) { $1 }
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            processes.append(process)
            var line = ""
            if firstLine {
                while !line.hasSuffix("\n") {
                    let byte = out.fileHandleForReading.readData(ofLength: 1)
                    if byte.isEmpty { break }
                    line += String(decoding: byte, as: UTF8.self)
                }
            }
            return (process, line.trimmingCharacters(in: .whitespacesAndNewlines))
        }

        /// The real sqlite3 on one of the lab's databases; its output without the last newline.
        func sqlite(_ sql: String, database: String) throws -> String {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [path(database), sql]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return text.trimmingCharacters(in: .newlines)
        }

        func stop(_ process: Process) {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }

        func stopAll() { processes.forEach(stop) }
    }

    @Test(.timeLimit(.minutes(3))) func aRegressionOnOneBoardReachesTheWebhookAndResolves() async throws {
        let lab = try Lab()
        defer { lab.stopAll() }
        let webhook = try await WebhookReceiver.start()
        defer { Task { await webhook.stop() } }
        let artifact = lab.path("kws.tflite")
        try Data("int8 weights".utf8).write(to: URL(fileURLWithPath: artifact))
        for database in ["lab.sqlite", "bench-1.sqlite", "bench-2.sqlite"] {
            #expect(try lab.run(["actors", "add", "me", "--role", "data_scientist", "--role", "tech_lead", "--actor", "me"], database: database).status == 0)
            #expect(try lab.run(["model", "register", "kws", "1.0.0", "--artifact", artifact], database: database).status == 0)
        }
        var tokens: [String: String] = [:]
        for bench in ["bench-1", "bench-2"] {
            tokens[bench] = try lab.run(["collector", "token", "create", "--for", "\(bench)-agent", "--bench", bench, "--actor", "me"], database: "lab.sqlite")
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let person = try lab.run(["collector", "token", "create", "--for", "me", "--person", "--actor", "me"], database: "lab.sqlite").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try """
            webhooks:
              - url: \(webhook.url)
                secret: \(WebhookReceiver.secret)
                min-severity: critical
            monitor:
              confirm-runs: 1
              clear-runs: 1
              baseline-runs: 3
              latency-ratio: 2
            """.write(toFile: lab.path("collector.yaml"), atomically: true, encoding: .utf8)
        let port = CollectorCrashTests.freePort()
        let url = "http://127.0.0.1:\(port)"
        _ = try lab.start(["collector", "serve", "--port", String(port), "--config", lab.path("collector.yaml")], database: "lab.sqlite", firstLine: false)

        func board(_ serial: String, tokenMs: Double) throws -> (Process, String) {
            try lab.start(["sim", "board", "--artifact", artifact, "--model", "kws", "--serial", serial, "--speed", "0", "--token-ms", String(tokenMs)],
                          database: "unused.sqlite", firstLine: true)
        }
        func agent(_ bench: String, port pty: String, count: Int) throws {
            let result = try lab.run(
                ["agent", "run", "--collector", url, "--token", tokens[bench]!, "--bench", bench, "--port", pty, "--model", "kws@1.0.0",
                 "--iterations", "20", "--tokens", "8", "--every", "0.05", "--count", String(count), "--spool", lab.path("\(bench)-spool.sqlite")],
                database: "\(bench).sqlite")
            #expect(result.status == 0, "agent \(bench): \(result.stderr)")
        }

        var (boardA, ptyA) = try board("SIM-A", tokenMs: 4)
        let (_, ptyB) = try board("SIM-B", tokenMs: 4)
        try await Task.sleep(for: .milliseconds(500))
        try agent("bench-1", port: ptyA, count: 4)
        try agent("bench-2", port: ptyB, count: 4)
        #expect(webhook.events.isEmpty, "no critical alert while both boards behave")

        lab.stop(boardA)
        (boardA, ptyA) = try board("SIM-A", tokenMs: 12)
        try agent("bench-1", port: ptyA, count: 1)
        let opened = await webhook.waitFor(1)
        #expect(opened.map(\.event) == ["alert.opened"])
        let alert = try #require(opened.first?.alert)
        #expect(alert.rule == .latencyRatio)
        #expect(alert.severity == .critical)
        #expect(alert.key.device == "edgeprof-sim:SIM-A")
        #expect(alert.finding.summary.contains("× the baseline median"))

        let listed = try lab.run(["alerts", "list", "--collector", url, "--token", person], database: "lab.sqlite")
        #expect(listed.stdout.contains("CRITICAL  open"), "\(listed.stdout)\(listed.stderr)")
        #expect(!listed.stdout.contains("SIM-B"), "the healthy board raised nothing")

        lab.stop(boardA)
        (boardA, ptyA) = try board("SIM-A", tokenMs: 4)
        try agent("bench-1", port: ptyA, count: 1)
        let events = await webhook.waitFor(2)
        #expect(events.map(\.event) == ["alert.opened", "alert.resolved"])
        #expect(events.last?.alert.id == alert.id)
        #expect(events.last?.alert.state == .resolved)

        let runs = try lab.run(["alerts", "list", "--collector", url, "--token", person, "--all", "--format", "json"], database: "lab.sqlite")
        let all = try JSONCoding.decoder.decode([Alert].self, from: Data(runs.stdout.utf8))
        #expect(all.first { $0.id == alert.id }?.state == .resolved)

        // A CI job gates the release on the runs the collector holds, with its own thresholds file.
        try "device-classes:\n  sim-cortex-m4:\n    min-iterations: 20\n    max-latency-p95-ms: 10000\n".write(
            toFile: lab.path("gates.yaml"), atomically: true, encoding: .utf8)
        let gate = try lab.run(
            ["gate", "check", "--collector", url, "--token", tokens["bench-1"]!, "--model", "kws@1.0.0", "--device-class", "sim-cortex-m4",
             "--thresholds", lab.path("gates.yaml"), "--junit", lab.path("gate.xml"), "--format", "json"], database: "unused.sqlite")
        #expect(gate.status == 0, "PASS on the collector's runs: \(gate.stdout)\(gate.stderr)")
        let verdict = try JSONCoding.decoder.decode(GateVerdict.self, from: Data(gate.stdout.utf8))
        #expect(verdict.runIDs.count == 10, "every complete run of both benches")
        #expect(try String(contentsOfFile: lab.path("gate.xml"), encoding: .utf8).contains("failures=\"0\""))

        // A person pins SIM-B's runs as its baseline from the command line, lists and unpins it.
        let benchB = try await SQLiteCollectorStore(path: lab.path("lab.sqlite")).runSummaries(RunQuery(bench: "bench-2", limit: 10)).map { String($0.id) }
        let device = ["--model", "kws@1.0.0", "--device-class", "sim-cortex-m4", "--device", "edgeprof-sim:SIM-B", "--collector", url, "--token", person]
        let pinned = try lab.run(["alerts", "baseline", "pin"] + device + benchB.flatMap { ["--run", $0] } + ["--reason", "re-seated board"], database: "lab.sqlite")
        #expect(pinned.status == 0 && pinned.stdout.contains("as the baseline of kws@1.0.0 on edgeprof-sim:SIM-B"), "\(pinned.stdout)\(pinned.stderr)")
        let pins = try lab.run(["alerts", "baseline", "list", "--collector", url, "--token", person], database: "lab.sqlite")
        #expect(pins.stdout.contains(benchB.joined(separator: ",")) && pins.stdout.contains("re-seated board"), "\(pins.stdout)")
        #expect(try lab.run(["alerts", "baseline", "unpin"] + device, database: "lab.sqlite").status == 0)
        let again = try lab.run(["alerts", "baseline", "unpin"] + device, database: "lab.sqlite")
        #expect(again.status != 0 && again.stderr.contains("has no pinned baseline"), "\(again.stderr)")
    }
}

extension LabEndToEndTests {
    /// A lab's registry is shared by hosts that cannot read each other's files: registering into
    /// PostgreSQL keeps the artifact's bytes, so a move made later, from anywhere, re-hashes them.
    @Test(.enabled(if: StoreKind.postgresURL != nil)) func aLabRegistryKeepsTheArtifactsBytes() async throws {
        let fixture = try await StoreUnderTest.make(.postgres)
        defer { fixture.close() }
        let lab = try Lab()
        defer { lab.stopAll() }
        let artifact = lab.path("kws-2.bin")
        try Data("int8 weights of kws 2.0.0".utf8).write(to: URL(fileURLWithPath: artifact))
        let db = ["--db", fixture.address]
        #expect(try lab.run(["actors", "add", "me", "--role", "ml_engineer", "--actor", "me"] + db, database: "unused.sqlite").status == 0)
        let registered = try lab.run(["model", "register", "kws", "2.0.0", "--artifact", artifact, "--format", "json"] + db, database: "unused.sqlite")
        #expect(registered.status == 0, "\(registered.stderr)")
        #expect(registered.stdout.contains(StoredArtifact.scheme), "\(registered.stdout)")
        try FileManager.default.removeItem(atPath: artifact)
        let promoted = try lab.run(["model", "promote", "kws@2.0.0", "--reason", "validate"] + db, database: "unused.sqlite")
        #expect(promoted.status == 0 && promoted.stdout.contains("validation"), "the copy in the database re-hashes: \(promoted.stdout)\(promoted.stderr)")
    }
}

extension LabEndToEndTests {
    /// A person with a token and no database credentials governs through the collector from the
    /// command line: the same commands, the token's actor, the collector's rules, and the exit
    /// codes a local refusal would give.
    @Test(arguments: CollectorStoreContractTests.kinds) func theRegistryCommandsActThroughTheCollector(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        let lab = try Lab()
        var tokens: [String: String] = [:]
        for name in ["lead", "sci", "eng"] {
            tokens[name] = try await LiveCollector.issue(collector.store, TokenGrant(id: "", actor: name, kind: .person, bench: nil, createdAt: Date(), expiresAt: nil))
        }
        func edgeprof(_ arguments: [String], as actor: String) throws -> (status: Int32, stdout: String, stderr: String) {
            try lab.run(arguments + ["--collector", "http://127.0.0.1:\(collector.port)", "--token", tokens[actor]!], database: "unused.sqlite")
        }
        let first = try edgeprof(["actors", "add", "lead", "--role", "tech_lead"], as: "lead")
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(try edgeprof(["actors", "add", "sci", "--role", "data_scientist"], as: "lead").status == 0)
        #expect(try edgeprof(["actors", "add", "eng", "--role", "ml_engineer"], as: "lead").status == 0)
        let refused = try edgeprof(["actors", "add", "eve", "--role", "tech_lead"], as: "sci")
        #expect(refused.status == 77 && refused.stderr.contains("answered 403"), "\(refused.stderr)")

        try Data("int8 weights of reg 1.0.0".utf8).write(to: URL(fileURLWithPath: lab.path("reg.bin")))
        let registered = try edgeprof(["model", "register", "reg", "1.0.0", "--artifact", lab.path("reg.bin"), "--format", "json"], as: "sci")
        #expect(registered.status == 0 && registered.stdout.contains(StoredArtifact.scheme), "\(registered.stdout)\(registered.stderr)")
        try "# restart the board\n".write(toFile: lab.path("runbook.md"), atomically: true, encoding: .utf8)
        #expect(try edgeprof(["model", "attach", "reg@1.0.0", lab.path("runbook.md"), "--kind", "runbook"], as: "eng").status == 0)
        let promoted = try edgeprof(["model", "promote", "reg@1.0.0", "--reason", "validate"], as: "eng")
        #expect(promoted.status == 0 && promoted.stdout.contains("validation"), "\(promoted.stdout)\(promoted.stderr)")
        let leap = try edgeprof(["model", "promote", "reg@1.0.0", "--to", "production", "--reason", "skip"], as: "eng")
        #expect(leap.status == 65 && leap.stderr.contains("cannot move from validation to production"), "\(leap.stderr)")
        let approved = try edgeprof(["model", "approve", "reg@1.0.0", "data_validation", "--reason", "checked"], as: "sci")
        #expect(approved.status == 0 && approved.stdout.contains("signed by sci"), "\(approved.stdout)\(approved.stderr)")
        let card = try edgeprof(["model", "card", "reg@1.0.0", "--format", "markdown"], as: "eng")
        #expect(card.status == 0 && card.stdout.contains("reg") && card.stdout.contains("validation"), "\(card.stdout)\(card.stderr)")
        let show = try edgeprof(["model", "show", "reg@1.0.0"], as: "eng")
        #expect(show.status == 64 && show.stderr.contains("does not go through --collector"), "never silently read another registry: \(show.stderr)")
        #expect(try edgeprof(["model", "halt", "reg", "--reason", "incident"], as: "eng").stdout.contains("HALTED"))
        #expect(try edgeprof(["model", "resume", "reg", "--reason", "fixed"], as: "lead").status == 0)
        try "approvals:\n  separation-of-duties: {registrant-may-approve-production: false}\n".write(toFile: lab.path("policy.yaml"), atomically: true, encoding: .utf8)
        let proposed = try edgeprof(["policy", "propose", lab.path("policy.yaml"), "--reason", "the lab's rules"], as: "lead")
        #expect(proposed.status == 0 && proposed.stdout.hasPrefix("proposed policy v1"), "\(proposed.stdout)\(proposed.stderr)")
        let ownApproval = try edgeprof(["policy", "approve", "1", "--reason", "fine"], as: "lead")
        #expect(ownApproval.status == 77 && ownApproval.stderr.contains("may not approve it"), "\(ownApproval.stderr)")
        let waiting = try edgeprof(["policy", "show", "1"], as: "eng")
        #expect(waiting.status == 0 && waiting.stdout.contains("compliance_officer"), "\(waiting.stdout)\(waiting.stderr)")
        let versions = try edgeprof(["policy", "list", "--format", "json"], as: "eng")
        #expect(versions.status == 0 && versions.stdout.contains("\"proposed\""), "\(versions.stdout)\(versions.stderr)")
        let log = try await collector.request(.GET, "/v1/audit?model=reg", token: tokens["eng"])
        #expect(log.body.contains("model.halt") && log.body.contains("model.resume"), "the model's own acts are in its log: \(log.body)")
        let both = try lab.run(["model", "retire", "reg@1.0.0", "--reason", "x", "--collector", "http://127.0.0.1:1", "--token", "t", "--db", lab.path("x.sqlite")], database: "unused.sqlite")
        #expect(both.status == 64 && both.stderr.contains("--collector and --db name two registries"), "\(both.stderr)")
        let trail = try await collector.store.registry.auditTrail()
        #expect(trail.filter { $0.actor == "eng" }.map(\.action).contains("model.halt") && AuditChain.verify(trail) == .intact(entries: trail.count))
    }
}
