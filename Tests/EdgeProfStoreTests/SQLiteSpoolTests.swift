import EdgeProfCore
import EdgeProfStore
import Foundation
import Testing

/// The agent's spool on a real SQLite file: runs wait until delivered, survive reopening, and
/// rejected ones are kept.
@Suite struct SQLiteSpoolTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-spool-\(UUID())/spool.sqlite").path
    let collector = "http://lab:8470"

    func upload(_ key: String) -> RunUpload {
        let sha = String(repeating: "a", count: 64)
        return RunUpload(
            idempotencyKey: key, bench: "b1", model: "kws@1.0.0", artifactSHA256: sha,
            context: RunContext(deviceClass: "m4", port: "p", startedAt: Date(timeIntervalSince1970: 1), finishedAt: Date(timeIntervalSince1970: 2)),
            run: RecordedRun(
                request: RunRequest(tokens: 1, iterations: 1, warmup: 0),
                board: BoardInfo(protocolVersion: 1, board: "b", serial: "s", firmwareVersion: "1", firmwareBuild: "x", clockHz: 1, tickHz: 1000, ramBytes: 1, flashBytes: 1, capabilities: []),
                model: BoardModelInfo(model: "kws", artifactSHA256: sha, quantization: "int8"),
                iterations: [RecordedIteration(index: 1, startTicks: 0, endTicks: 9, tokenTicks: [9])],
                warmupIterations: 0, discardedIterations: 0, totals: nil, status: .complete, partialReason: nil, link: LinkStatistics()))
    }

    @Test func runsWaitInOrderUntilDeliveredAndSurviveReopening() throws {
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        let spool = try SQLiteSpool(path: path)
        try spool.enqueue(upload("key-000001"), collector: collector, localRunID: 1, at: now)
        try spool.enqueue(upload("key-000002"), collector: collector, localRunID: 2, at: now.addingTimeInterval(1))
        try spool.enqueue(upload("key-000001"), collector: collector, localRunID: 1, at: now.addingTimeInterval(2))
        #expect(try spool.depth(collector: collector, bench: "b1") == 2, "the same key twice is one entry")
        #expect(try spool.depth(collector: "http://elsewhere", bench: "b1") == 0)
        #expect(try spool.depth(collector: collector, bench: "b2") == 0, "another bench's agent does not see them")

        let reopened = try SQLiteSpool(path: path)
        let due = try reopened.due(collector: collector, bench: "b1", now: now.addingTimeInterval(5), limit: 10)
        #expect(due.map(\.0.key) == ["key-000001", "key-000002"])
        #expect(try JSONCoding.decoder.decode(RunUpload.self, from: due[0].body) == upload("key-000001"), "the body is the upload, byte for byte")

        try reopened.markFailed(key: "key-000001", error: "connection refused", next: now.addingTimeInterval(60))
        #expect(try reopened.due(collector: collector, bench: "b1", now: now.addingTimeInterval(5), limit: 10).map(\.0.key) == ["key-000002"])
        #expect(try reopened.nextDue(collector: collector, bench: "b1") == now.addingTimeInterval(1))
        try reopened.markDelivered(key: "key-000002", collector: collector, receipt: RunReceipt(runID: 41, duplicate: false), at: now.addingTimeInterval(6))
        try reopened.markRejected(key: "key-000001", reason: "422: unknown model", at: now.addingTimeInterval(7))

        let status = try SQLiteSpool(path: path).status()
        #expect(status.pending.isEmpty)
        #expect(status.rejected.map(\.key) == ["key-000001"])
        #expect(status.rejected.first?.attempts == 2)
        #expect(status.rejected.first?.lastError == "422: unknown model")
        #expect(status.delivered == 1)
        #expect(status.lastDelivery?.remoteRunID == 41)
        #expect(try reopened.depth(collector: collector, bench: "b1") == 0, "rejected runs are not retried")
    }

    @Test func anUnwritablePlaceIsAClearError() {
        #expect(throws: StoreError.self) { try SQLiteSpool(path: "/proc/edgeprof/spool.sqlite") }
    }
}
