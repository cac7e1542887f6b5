import EdgeProfAgent
import EdgeProfCore
import EdgeProfStore
import Foundation
import Testing

/// An agent's spool against a real collector on 127.0.0.1: nothing is lost while it is down,
/// everything arrives once when it is back, refusals are kept.
@Suite(.serialized) struct SpoolDeliveryTests {
    func spool() throws -> SQLiteSpool {
        try SQLiteSpool(path: FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-spool-\(UUID()).sqlite").path)
    }

    @Test func runsWaitWhileTheCollectorIsDownAndArriveOnceWhenItIsBack() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        let spool = try spool()
        let down = CollectorClient(baseURL: "http://127.0.0.1:9", token: collector.agentToken)
        let downDrainer = SpoolDrainer(spool: spool, client: down, bench: "bench-1")
        try spool.enqueue(Uploads.upload(key: "wait-0001"), collector: down.baseURL, localRunID: 1, at: Date())
        let first = try await downDrainer.drainOnce()
        #expect(first.delivered.isEmpty)
        #expect(first.retryReason?.contains("collector unreachable at http://127.0.0.1:9") == true)
        #expect(try spool.status().pending.first?.attempts == 1)

        let up = CollectorClient(baseURL: "http://127.0.0.1:\(collector.port)", token: collector.agentToken, timeout: LiveCollector.clientTimeout)
        let drainer = SpoolDrainer(spool: spool, client: up, bench: "bench-1")
        for index in 0..<5 { try spool.enqueue(Uploads.upload(key: "up-run-000\(index)", latencyTicks: 30 + UInt64(index)), collector: up.baseURL, localRunID: nil, at: Date()) }
        let report = try await drainer.drainOnce()
        #expect(report.delivered.map(\.remoteRunID) == [1, 2, 3, 4, 5])
        #expect(report.remaining == 0)
        #expect(try await collector.runCount() == 5)

        let second = try self.spool()
        let again = SpoolDrainer(spool: second, client: up, bench: "bench-1")
        try second.enqueue(Uploads.upload(key: "up-run-0000", latencyTicks: 30), collector: up.baseURL, localRunID: nil, at: Date())
        let duplicate = try await again.drainOnce()
        #expect(duplicate.delivered.first?.duplicate == true, "a retry of a stored run is answered with its receipt")
        #expect(try await collector.runCount() == 5)
        let agents = try await collector.request(.GET, "/v1/agents", token: collector.personToken)
        #expect(agents.body.contains("\"bench\":\"bench-1\""))
    }

    @Test func aRunTheCollectorRefusesIsKeptNotRetried() async throws {
        let collector = try await LiveCollector.start()
        defer { Task { await collector.stop() } }
        let spool = try spool()
        let client = CollectorClient(baseURL: "http://127.0.0.1:\(collector.port)", token: collector.agentToken, timeout: LiveCollector.clientTimeout)
        let drainer = SpoolDrainer(spool: spool, client: client, bench: "bench-1")
        try spool.enqueue(Uploads.upload(key: "refused-01", model: "kws@2.0.0"), collector: client.baseURL, localRunID: 9, at: Date().addingTimeInterval(-2))
        try spool.enqueue(Uploads.upload(key: "accepted-1"), collector: client.baseURL, localRunID: 10, at: Date().addingTimeInterval(-1))
        let report = try await drainer.drainOnce()
        #expect(report.rejected.map(\.key) == ["refused-01"])
        #expect(report.rejected.first?.reason.hasPrefix("422: model kws@2.0.0 is not registered on this collector") == true)
        #expect(report.delivered.count == 1)
        let status = try spool.status()
        #expect(status.rejected.map(\.localRunID) == [9])
        #expect(try await drainer.drainOnce().rejected.isEmpty, "not retried")
    }
}
