import EdgeProfCore
import EdgeProfStore
import Foundation
import Testing

/// The SQLite store on a real file: registry rules, run round trips, persistence.
@Suite struct SQLiteEvidenceStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-store-\(UUID())/db.sqlite").path
    let reference = ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 2, patch: 0))
    let sha = String(repeating: "c", count: 64)

    func run(status: RunStatus = .complete) -> RecordedRun {
        RecordedRun(
            request: RunRequest(tokens: 2, iterations: 2, warmup: 1),
            board: BoardInfo(protocolVersion: 1, board: "b", serial: "s", firmwareVersion: "1", firmwareBuild: "x", clockHz: 1, tickHz: 1000, ramBytes: 1, flashBytes: 1, capabilities: ["tokens"]),
            model: BoardModelInfo(model: "kws", artifactSHA256: sha, quantization: "int8"),
            iterations: [
                RecordedIteration(index: 1, startTicks: 0, endTicks: 30, tokenTicks: [10, 30], energyNanojoules: 5),
                RecordedIteration(index: 2, startTicks: 1 << 40, endTicks: (1 << 40) + 99, tokenTicks: [(1 << 40) + 50, (1 << 40) + 99]),
            ],
            warmupIterations: 1, discardedIterations: 0, totals: RunTotals(aborted: false, iterations: 2, tokens: 4, ramPeakBytes: 7),
            status: status, partialReason: status == .partial ? "cut" : nil, link: LinkStatistics())
    }

    func context(_ deviceClass: String) -> RunContext {
        RunContext(deviceClass: deviceClass, port: "/dev/pts/1", startedAt: Date(timeIntervalSince1970: 1_000), finishedAt: Date(timeIntervalSince1970: 1_001))
    }

    @Test func versionsAreImmutable() throws {
        let store = try SQLiteEvidenceStore(path: path)
        let model = try store.registerDirectly(reference, sha: sha, actor: "ana")
        #expect(try store.model(reference) == model)
        #expect(throws: StoreError.duplicateVersion(reference, existingSHA256: sha)) {
            try store.registerDirectly(reference, sha: String(repeating: "d", count: 64), actor: "ana")
        }
        #expect(try store.models().count == 1)
    }

    @Test func runsRoundTripWithEveryRawTimingAndSurviveReopening() throws {
        let model = try SQLiteEvidenceStore(path: path).registerDirectly(reference, sha: sha, actor: "ana")
        let store = try SQLiteEvidenceStore(path: path)
        let first = try store.save(run(), model: model, context: context("m4"))
        _ = try store.save(run(status: .partial), model: model, context: context("m7"))
        let reopened = try SQLiteEvidenceStore(path: path)
        let stored = try #require(try reopened.run(id: first))
        #expect(stored.run == run(), "40-bit tick counts survive too")
        #expect(stored.context == context("m4"))
        #expect(try reopened.runs(of: model, deviceClass: "m7").map(\.run.status) == [.partial])
        #expect(try reopened.runs(of: model, deviceClass: nil).count == 2)
        #expect(try reopened.run(id: 999) == nil)
    }

    @Test func anUnusablePathIsAClearError() {
        #expect {
            try SQLiteEvidenceStore(path: "/proc/edgeprof/db.sqlite")
        } throws: { error in
            "\(error)".hasPrefix("cannot open the database /proc/edgeprof/db.sqlite:") && "\(error)".hasSuffix("or choose another with --db")
        }
    }
}

/// The audit trail in SQLite: written with the act it records, and append-only.
@Suite struct AuditTrailStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-audit-\(UUID())/db.sqlite").path

    @Test func registrationAndItsEntryCommitTogether() throws {
        let store = try SQLiteEvidenceStore(path: path)
        let reference = ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 0, patch: 0))
        _ = try store.registerDirectly(reference, sha: String(repeating: "a", count: 64), actor: "ana")
        #expect(throws: StoreError.self) {
            try store.registerDirectly(reference, sha: String(repeating: "b", count: 64), actor: "bo")
        }
        let trail = try store.auditTrail().filter { $0.action == "model.register" }
        #expect(try store.auditTrail().count == 2, "registration and its move to development; the refused one left nothing")
        #expect(trail[0].actor == "ana" && trail[0].action == "model.register" && trail[0].subject == "kws@1.0.0")
        #expect(AuditChain.verify(try store.auditTrail()) == .intact(entries: 2))
    }
}
