import EdgeProfCore
import EdgeProfSim
import Foundation
import Testing

/// Issue 18: summaries are reduced from run figures (what a store reads for a gate) rather than
/// from whole runs. The figures must give exactly the series `RunMetric` gives the drift
/// checks, and leaving the tokens out may only take inter-token latency away.
struct RunFiguresTests {
    static func randomRuns(seed: UInt64) -> [RecordedRun] {
        var random = SplitMix64(seed: seed)
        return (0..<Int.random(in: 1...4, using: &random)).map { number in
            let tickHz = [1_000, 32_768, 1_000_000, 64_000_000][Int.random(in: 0...3, using: &random)]
            let withEnergy = Bool.random(using: &random)
            let windows = Int.random(in: 0...4, using: &random) == 0
            let iterations = (0..<Int.random(in: 0...12, using: &random)).map { index -> RecordedIteration in
                let start = UInt64.random(in: 0...1 << 40, using: &random)
                var tick = start
                let tokens = (0..<Int.random(in: 0...9, using: &random)).map { _ -> UInt64 in
                    tick += UInt64.random(in: 0...50_000, using: &random)
                    return tick
                }
                return RecordedIteration(
                    index: UInt32(index + 1), startTicks: start, endTicks: tick + UInt64.random(in: 0...9_000, using: &random), tokenTicks: tokens,
                    energyNanojoules: withEnergy || index % 3 == 1 ? UInt64.random(in: 1...5_000_000, using: &random) : nil,
                    inferences: windows ? UInt32.random(in: 0...50, using: &random) : nil)
            }
            return RecordedRun(
                request: RunRequest(tokens: 9, iterations: UInt32(iterations.count), warmup: 0),
                board: BoardInfo(protocolVersion: 1, board: "b\(number)", serial: "s", firmwareVersion: "1", firmwareBuild: "x", clockHz: 1, tickHz: UInt64(tickHz), ramBytes: 1, flashBytes: 1, capabilities: ["tokens"]),
                model: BoardModelInfo(model: "m", artifactSHA256: String(repeating: "a", count: 64), quantization: "int8"),
                iterations: iterations, warmupIterations: 0, discardedIterations: Int.random(in: 0...3, using: &random),
                totals: RunTotals(aborted: false, iterations: 1, tokens: 1, ramPeakBytes: UInt64.random(in: 1...1 << 20, using: &random)),
                status: .complete, partialReason: nil, link: LinkStatistics())
        }
    }

    @Test(arguments: 0..<300) func summariesOfFiguresReduceTheSeriesTheDriftChecksCompare(seed: Int) {
        let runs = Self.randomRuns(seed: UInt64(seed))
        let summary = ProfileSummary(figures: runs.map(RunFigures.init))
        let series = { (metric: RunMetric) in runs.flatMap { metric.values(in: $0) } }
        #expect(summary.latencyMs == SampleStatistics(series(.latency), method: .linear))
        #expect(summary.timeToFirstTokenMs == SampleStatistics(series(.ttft), method: .linear))
        #expect(summary.interTokenLatencyMs == SampleStatistics(series(.interToken), method: .linear))
        #expect(summary.measuredIterations == runs.reduce(0) { $0 + $1.iterations.count })
        #expect(summary.tokens == UInt64(runs.reduce(0) { $0 + $1.iterations.reduce(0) { $0 + $1.tokenTicks.count } }))
        #expect(summary.discardedIterations == runs.reduce(0) { $0 + $1.discardedIterations })
        #expect(summary.ramPeakBytes == runs.compactMap { $0.totals?.ramPeakBytes }.max())
        #expect(summary == ProfileSummary(runs: runs))

        var counted = runs.map(RunFigures.init)
        for run in counted.indices {
            for iteration in counted[run].iterations.indices { counted[run].iterations[iteration].tokenGapTicks = nil }
        }
        var withoutGaps = summary
        withoutGaps.interTokenLatencyMs = nil
        #expect(ProfileSummary(figures: counted) == withoutGaps, "only inter-token latency needs every token")
    }

    @Test func oneRunWithoutGapsTakesInterTokenLatencyFromAll() throws {
        let seed = try #require((UInt64(0)..<100).first { seed in
            let runs = Self.randomRuns(seed: seed)
            return runs.count > 1 && runs[0].iterations.contains { $0.tokenTicks.count > 1 } && runs[1].iterations.contains { $0.tokenTicks.count > 1 }
        })
        let runs = Self.randomRuns(seed: seed).map(RunFigures.init)
        #expect(ProfileSummary(figures: runs).interTokenLatencyMs != nil)
        var mixed = runs
        mixed[0].iterations = mixed[0].iterations.map { iteration in
            var iteration = iteration
            iteration.tokenGapTicks = nil
            return iteration
        }
        #expect(ProfileSummary(figures: mixed).interTokenLatencyMs == nil, "never a figure from part of the evidence")
    }

    @Test func tokenRowsBecomeEachIterationsGaps() {
        var accumulator = TokenGapAccumulator()
        for (run, iteration, ticks) in [(1, 1, 10), (1, 1, 15), (1, 1, 27), (1, 2, 100), (2, 1, 5), (2, 1, 4), (2, 1, 9)] as [(Int64, Int64, UInt64)] {
            accumulator.add(run: run, iteration: iteration, ticks: ticks)
        }
        let gaps = accumulator.finished()
        #expect(gaps == [1: [1: [5, 12], 2: []], 2: [1: [0, 5]]], "one token has no gap; ticks out of order count zero, never trap")
        var empty = TokenGapAccumulator()
        #expect(empty.finished().isEmpty)
    }
}
