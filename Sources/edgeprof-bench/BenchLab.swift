import EdgeProfAgent
import EdgeProfCore
import Foundation

/// A collector for the fleet benchmark: a fresh database (SQLite file, or a new PostgreSQL
/// database), two tech_leads and an agent set up with the `edgeprof` CLI, and `edgeprof collector
/// serve` running as its own process, so that its CPU and memory are its own.
final class BenchLab: @unchecked Sendable {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-fleet-bench-\(UUID())")
    let database: String
    private var server: Process?
    private(set) var url = ""
    private(set) var agent = CollectorClient(baseURL: "http://127.0.0.1", token: "")
    private(set) var lead = CollectorClient(baseURL: "http://127.0.0.1", token: "")
    private(set) var secondLead = CollectorClient(baseURL: "http://127.0.0.1", token: "")

    static var edgeprof: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("edgeprof").path
    }

    init(store: String) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        if store == "postgres", let server = ProcessInfo.processInfo.environment["EDGEPROF_BENCH_POSTGRES_URL"] {
            let name = "edgeprof_bench_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())"
            _ = try Self.tool("/usr/bin/env", ["psql", server, "-q", "-c", "CREATE DATABASE \(name)"])
            guard var url = URLComponents(string: server) else { throw BenchFailure("EDGEPROF_BENCH_POSTGRES_URL is not a URL: \(server)") }
            url.path = "/" + name
            database = url.string ?? server
        } else {
            database = folder.appendingPathComponent("collector.sqlite").path
        }
    }

    /// Actors, tokens, monitoring that opens a critical alert on a p95 above 80 ms, and the server.
    func start() async throws {
        _ = try cli(["actors", "add", "lead", "--role", "tech_lead", "--role", "data_scientist", "--actor", "lead"])
        _ = try cli(["actors", "add", "lead2", "--role", "tech_lead", "--actor", "lead"])
        let agentToken = try cli(["collector", "token", "create", "--for", "bench-1-agent", "--bench", "bench-1", "--actor", "lead"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let leadToken = try cli(["collector", "token", "create", "--for", "lead", "--person", "--actor", "lead"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let secondToken = try cli(["collector", "token", "create", "--for", "lead2", "--person", "--actor", "lead"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let config = folder.appendingPathComponent("collector.yaml").path
        try Data("monitor:\n  baseline-runs: 2\n  min-baseline-runs: 2\n  p95-above-ms: 80\n  p95-consecutive-runs: 1\n  confirm-runs: 1\n".utf8)
            .write(to: URL(fileURLWithPath: config))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.edgeprof)
        process.arguments = ["collector", "serve", "--db", database, "--port", "0", "--config", config]
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        server = process
        var text = ""
        while !text.contains("collector listening on ") || !text.contains(" (database") {
            let chunk = errors.fileHandleForReading.availableData
            if chunk.isEmpty { throw BenchFailure("the collector stopped before listening: \(text)") }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: #"http://127\.0\.0\.1:\d+"#, options: .regularExpression) else { throw BenchFailure("no port in: \(text)") }
        url = String(text[range])
        agent = CollectorClient(baseURL: url, token: agentToken)
        lead = CollectorClient(baseURL: url, token: leadToken)
        secondLead = CollectorClient(baseURL: url, token: secondToken)
        // Keep reading its log so that it never blocks on a full pipe.
        Thread { while !errors.fileHandleForReading.availableData.isEmpty {} }.start()
    }

    func stop() {
        server?.terminate()
        server?.waitUntilExit()
        try? FileManager.default.removeItem(at: folder)
    }

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_DATA_HOME"] = folder.appendingPathComponent("xdg").path
        environment["EDGEPROF_LEASES"] = folder.appendingPathComponent("leases.sqlite").path
        return environment
    }

    func cli(_ arguments: [String]) throws -> String {
        try Self.tool(Self.edgeprof, arguments + ["--db", database], environment: environment)
    }

    static func tool(_ path: String, _ arguments: [String], environment: [String: String]? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BenchFailure("\(path) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: stderr, as: UTF8.self))")
        }
        return String(decoding: stdout, as: UTF8.self)
    }

    /// Registers lm@`version` with its bytes over the API; the artifact's SHA-256.
    func register(_ version: String, _ bytes: [UInt8]) async throws -> String {
        let body = try JSONCoding.encoder.encode(RegistryRequests.Register(version: version, artifactBase64: Data(bytes).base64EncodedString(), metadata: nil, tags: nil))
        let model = try lead.decoded(RegisteredModel.self, from: try await lead.call(.POST, "/v1/models/lm/versions", body: body), what: "a registered version")
        return model.artifactSHA256
    }

    /// Puts lm@`version` in production by emergency deployment: one tech_lead asks, the other confirms.
    func deploy(_ version: String) async throws {
        let request = try JSONCoding.encoder.encode(RegistryRequests.Emergency(reason: "benchmark", informed: ["bench@example.com"], liftHalt: nil))
        _ = try await lead.call(.POST, "/v1/models/lm/\(version)/emergency", body: request)
        _ = try await secondLead.call(.POST, "/v1/models/lm/\(version)/emergency/confirm", body: try JSONCoding.encoder.encode(["reason": "confirmed"]))
    }

    func act(_ path: String, _ body: [String: String]) async throws {
        _ = try await lead.call(.POST, path, body: try JSONCoding.encoder.encode(body))
    }

    func fleetStatus() async throws -> FleetStatus {
        try lead.decoded(FleetStatus.self, from: try await lead.call(.GET, "/v1/fleet/status"), what: "the fleet's status")
    }

    func rollback() async throws -> RollbackProgress? {
        do {
            return try lead.decoded(RollbackProgress.self, from: try await lead.call(.GET, "/v1/models/lm/rollback"), what: "a rollback's progress")
        } catch .collector(_, 404?, _, _) {
            return nil
        }
    }

    /// User + system CPU the collector process has used, in seconds.
    func collectorCPUSeconds() -> Double {
        guard let pid = server?.processIdentifier, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The collector's peak resident memory (VmHWM), in MB.
    func collectorPeakMB() -> Double {
        guard let pid = server?.processIdentifier, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes / 1024
    }
}
