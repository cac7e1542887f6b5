import EdgeProfCore
import Foundation
import Testing

/// Issue 18: gates and model cards read run figures — one row per run and iteration, every
/// token only for inter-token latency — instead of whole runs. Both stores give the figures of
/// the whole runs exactly, and the counts form reads no token row at all.
@Suite(.serialized) struct RunFiguresContractTests {
    /// Iterations with no token, one token and several, in two device classes, one run partial.
    static func uploads() -> [RunUpload] {
        (0..<4).map { number in
            var upload = Uploads.upload(key: "figures-run-\(number)", latencyTicks: UInt64(40 + number))
            upload.run.iterations = (0..<5).map { index in
                let start = UInt64(number * 100_000 + index * 1_000)
                let tokens = (0..<(index + number) % 4).map { start + 3 + UInt64($0 * (5 + index)) }
                return RecordedIteration(
                    index: UInt32(index + 1), startTicks: start, endTicks: start + 90 + UInt64(index), tokenTicks: tokens,
                    energyNanojoules: number == 2 ? nil : UInt64(4_000 + index), inferences: number == 3 ? 2 : nil)
            }
            if number == 1 { upload.context.deviceClass = "sim-cortex-m7" }
            if number == 3 {
                upload.run.status = .partial
                upload.run.partialReason = "board reset"
            }
            return upload
        }
    }

    @Test(arguments: CollectorStoreContractTests.kinds) func figuresAreTheWholeRunsAndCountsReadNoToken(kind: StoreKind) async throws {
        let fixture = try await StoreUnderTest.make(kind)
        defer { fixture.close() }
        let store = fixture.store
        for upload in Self.uploads() { _ = try await store.ingest(upload, contentSHA256: upload.contentSHA256) }
        let model = try #require(try await store.registry.model(LiveCollector.reference))

        let withGaps = try await store.registry.runFigures(of: model, deviceClass: nil, runID: nil, tokens: .gaps)
        var whole: [StoredRun] = []
        for figures in withGaps { whole.append(try #require(try await store.run(id: figures.id))) }
        #expect(withGaps == whole.map(StoredRunFigures.init), "every figure of the whole runs, in stored order")
        #expect(withGaps.map(\.status) == [.complete, .complete, .complete, .partial] && withGaps[3].partialReason == "board reset")

        let counts = try await store.registry.runFigures(of: model, deviceClass: nil, runID: nil, tokens: .counts)
        #expect(counts == withGaps.map(Self.withoutGaps))
        let summary = ProfileSummary(figures: counts.map(\.figures))
        var expected = ProfileSummary(runs: whole.map(\.run))
        #expect(expected.interTokenLatencyMs != nil && summary.interTokenLatencyMs == nil)
        expected.interTokenLatencyMs = nil
        #expect(summary == expected, "every other figure is the one the whole runs give")

        #expect(try await store.registry.runFigures(of: model, deviceClass: "sim-cortex-m7", runID: nil, tokens: .gaps).map(\.id) == [withGaps[1].id])
        #expect(try await store.registry.runFigures(of: model, deviceClass: nil, runID: withGaps[2].id, tokens: .gaps) == [withGaps[2]])
        #expect(try await store.registry.runFigures(of: model, deviceClass: "sim-cortex-m7", runID: withGaps[2].id, tokens: .counts).isEmpty)

        _ = try await fixture.execute("UPDATE iteration SET token_count = 0, first_token_ticks = NULL")
        _ = try await fixture.execute(IterationTokenFigures.fillFromTokens)
        #expect(try await store.registry.runFigures(of: model, deviceClass: nil, runID: nil, tokens: .counts) == counts,
                "the migration computes what a run stored before it would have kept")
        _ = try await fixture.execute("DELETE FROM token")
        #expect(try await store.registry.runFigures(of: model, deviceClass: nil, runID: nil, tokens: .counts) == counts, "no token row is read")
    }

    static func withoutGaps(_ run: StoredRunFigures) -> StoredRunFigures {
        var run = run
        for index in run.figures.iterations.indices { run.figures.iterations[index].tokenGapTicks = nil }
        return run
    }
}
