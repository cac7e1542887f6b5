import Crypto
@testable import EdgeProfCollector
import EdgeProfCore
import Foundation
import Testing

/// The real `mlflow` client (PyPI, pinned in scripts/python-requirements.txt, installed into
/// .build/python by the test command) against a live collector on each store: it creates models
/// and versions from file:// sources, searches, tags, aliases and transitions them, and reads the
/// profile runs; scripts/mlflow-client-check holds its expectations. Here: it passes, the bytes and
/// SHA-256 the registry keeps are the file's, and every act is in the audit trail as the token's actor.
@Suite(.serialized)
struct MLflowClientTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let python = repository.appendingPathComponent(".build/python/bin/python").path

    @Test(arguments: StoreKind.allCases)
    func theMLflowClientWorksTheRegistryUnderItsRules(kind: StoreKind) async throws {
        #expect(
            FileManager.default.isExecutableFile(atPath: Self.python),
            "the MLflow client is missing: scripts/test installs scripts/python-requirements.txt into .build/python")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-mlflow-\(UUID())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let artifact = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let model = root.appendingPathComponent("kws int8.tflite")
        try artifact.write(to: model)
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-outside-\(UUID()).bin")
        try Data("secret".utf8).write(to: outside)
        defer { try? FileManager.default.removeItem(at: outside) }

        let collector = try await LiveCollector.start(on: kind, mlflowArtifactRoot: root.path)
        defer { Task { await collector.stop() } }
        let head = try await collector.store.registry.snapshot(model: "").auditHead
        _ = try await collector.store.registry.commit(GovernanceChange(
            actor: "ana", at: Date(), expectedAuditHead: head,
            operations: [.addActor(RegistryActor(name: "ana", roles: [.dataScientist, .mlEngineer, .techLead], addedAt: Date(), addedBy: "ana"))]))
        for _ in 0..<2 {
            let reply = try await collector.request(.POST, "/v1/runs", token: collector.agentToken, body: try Uploads.body(Uploads.upload()))
            #expect(reply.status == 201, "\(reply.body)")
        }

        var environment = ProcessInfo.processInfo.environment
        environment["MLFLOW_TRACKING_URI"] = "http://127.0.0.1:\(collector.port)"
        environment["MLFLOW_TRACKING_TOKEN"] = collector.personToken
        environment["EDGEPROF_MLFLOW_SOURCE"] = model.absoluteString
        environment["EDGEPROF_MLFLOW_OUTSIDE"] = outside.path
        environment["EDGEPROF_RUNS_MODEL"] = "kws"
        let (status, said) = try await Self.run(script: "scripts/mlflow-client-check", environment: environment)
        #expect(status == 0, "scripts/mlflow-client-check on \(kind):\n\(said)")

        let sha256 = SHA256.hash(data: artifact).map { String(format: "%02x", $0) }.joined()
        let summary = said.split(separator: "\n").last.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(summary?["sha256"] as? String == sha256)
        #expect((summary?["runs"] as? [String])?.count == 2, "search_runs should find both stored runs: \(said)")
        #expect(try await collector.store.registry.artifact(sha256: sha256) == Array(artifact), "the registry keeps the source's bytes")

        let trail = try await collector.store.registry.auditTrail()
        func act(_ action: String, _ subject: String) -> AuditEntry? { trail.first { $0.action == action && $0.subject == subject } }
        #expect(act("model.create", "edge-kws")?.actor == "ana")
        #expect(act("model.register", "edge-kws@1.0.0")?.after?.contains(sha256) == true)
        #expect(act("model.register", "edge-kws@2.1.0")?.actor == "ana")
        #expect(act("version.tag.set", "edge-kws@1.0.0")?.actor == "ana")
        #expect(act("model.alias.set", "edge-kws")?.actor == "ana")
        #expect(act("model.alias.remove", "edge-kws")?.actor == "ana")
        #expect(trail.contains { $0.action == "model.transition" && $0.subject == "edge-kws@1.0.0" && $0.after?.contains("validation") == true && $0.actor == "ana" })
        #expect(trail.contains { $0.action == "model.transition" && $0.subject == "edge-kws@2.1.0" && $0.after?.contains("retired") == true && $0.actor == "ana" })
        #expect(!trail.contains { $0.subject.hasPrefix("edge-kws") && $0.after?.contains("staging") == true }, "the refused transition wrote nothing")
    }

    /// Runs one of the repository's Python scripts with the tools' interpreter on a thread of its
    /// own: waiting for it must not hold a thread of the cooperative pool, which the other tests'
    /// collectors in this process need.
    static func run(script: String, environment: [String: String]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: python)
                process.arguments = [repository.appendingPathComponent(script).path]
                process.environment = environment
                let output = Pipe()
                process.standardOutput = output
                process.standardError = output
                do {
                    try process.run()
                    let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    process.waitUntilExit()
                    continuation.resume(returning: (process.terminationStatus, said))
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
    }
}
