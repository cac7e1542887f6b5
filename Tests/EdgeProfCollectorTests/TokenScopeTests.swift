import EdgeProfCore
import EdgeProfStore
import Foundation
import Testing

/// Issue 13: an agent token read every bench's runs, `/metrics` was open to anyone, and the
/// database files were created readable by every local user.
@Suite(.serialized) struct TokenScopeTests {
    @Test(arguments: CollectorStoreContractTests.kinds) func anAgentTokenReadsItsOwnBenchsRunsOnly(kind: StoreKind) async throws {
        let collector = try await LiveCollector.start(on: kind)
        defer { Task { await collector.stop() } }
        let other = try await LiveCollector.issue(
            collector.store, TokenGrant(id: "", actor: "b2", kind: .agent, bench: "bench-2", createdAt: Date(), expiresAt: nil))
        var mine = Uploads.upload(key: "bench-1-run-0001")
        mine.bench = "bench-1"
        var theirs = Uploads.upload(key: "bench-2-run-0001")
        theirs.bench = "bench-2"
        #expect(try await collector.request(.POST, "/v1/runs", token: collector.agentToken, body: try Uploads.body(mine)).status == 201)
        #expect(try await collector.request(.POST, "/v1/runs", token: other, body: try Uploads.body(theirs)).status == 201)

        let listed = try await collector.request(.GET, "/v1/runs", token: collector.agentToken)
        #expect((listed.json?["runs"] as? [[String: Any]])?.compactMap { $0["bench"] as? String } == ["bench-1"], "\(listed.body)")
        #expect(try await collector.request(.GET, "/v1/runs?bench=bench-2", token: collector.agentToken).status == 403)
        #expect(try await collector.request(.GET, "/v1/runs/1", token: collector.agentToken).status == 200)
        #expect(try await collector.request(.GET, "/v1/runs/2", token: collector.agentToken).status == 404, "another bench's run is not found")
        let all = try await collector.request(.GET, "/v1/runs", token: collector.personToken)
        #expect((all.json?["runs"] as? [Any])?.count == 2, "people read every bench")
    }

    @Test func metricsCanRequireAToken() async throws {
        let collector = try await LiveCollector.start(metricsNeedToken: true)
        defer { Task { await collector.stop() } }
        #expect(try await collector.request(.GET, "/metrics").status == 401)
        #expect(try await collector.request(.GET, "/metrics", token: collector.agentToken).status == 200)
        #expect(try await collector.request(.GET, "/healthz").status == 200)
    }

    @Test func databaseFilesAreTheirOwnersOnly() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-perm-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("lab.sqlite").path
        let store = try SQLiteCollectorStore(path: path)
        _ = try store.evidence.models()
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file): \(String(mode ?? 0, radix: 8))")
        }
    }
}
