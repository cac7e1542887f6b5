import EdgeProfCore
import Testing

@Suite struct EdgePerformanceGateTests {
    let model = ModelReference(name: "m", version: SemanticVersion(major: 1, minor: 0, patch: 0))
    let board = BoardInfo(
        protocolVersion: 1, board: "b", serial: "s", firmwareVersion: "1", firmwareBuild: "x", clockHz: 1, tickHz: 1000,
        ramBytes: 1, flashBytes: 1, capabilities: ["tokens"])

    /// A run with `count` iterations of 100 ms and two tokens 10 ms apart, 100 KiB of RAM.
    func run(iterations count: Int, energy: UInt64? = nil) -> RecordedRun {
        let iterations = (0..<count).map { index in
            RecordedIteration(index: UInt32(index), startTicks: 0, endTicks: 100, tokenTicks: [90, 100], energyNanojoules: energy)
        }
        return RecordedRun(
            request: RunRequest(tokens: 2, iterations: UInt32(count), warmup: 0), board: board,
            model: BoardModelInfo(model: "m", artifactSHA256: String(repeating: "a", count: 64), quantization: "int8"),
            iterations: iterations, warmupIterations: 0, discardedIterations: 0,
            totals: RunTotals(aborted: false, iterations: UInt32(count), tokens: UInt64(count * 2), ramPeakBytes: 100 * 1024),
            status: .complete, partialReason: nil, link: LinkStatistics())
    }

    func verdict(_ criteria: [GateCriterion], _ run: RecordedRun, minimum: Int = 10) -> GateVerdict {
        EdgePerformanceGate.evaluate(
            model: model, thresholds: DeviceClassThresholds(deviceClass: "c", minimumIterations: minimum, criteria: criteria),
            summary: ProfileSummary(runs: [run]))
    }

    @Test func passesWhenEveryCriterionIsMet() {
        let result = verdict([GateCriterion(metric: .latencyP95, threshold: 100), GateCriterion(metric: .peakRAM, threshold: 100), GateCriterion(metric: .tokensPerSecond, threshold: 20)], run(iterations: 10))
        #expect(result.outcome == .pass)
        #expect(result.results.map(\.measured) == [100, 100, 20])
    }

    @Test func failsWhenOneCriterionIsMissed() {
        let result = verdict([GateCriterion(metric: .latencyP95, threshold: 99.9), GateCriterion(metric: .tokensPerMillijoule, threshold: 1)], run(iterations: 10))
        #expect(result.outcome == .fail, "a failed criterion beats a missing figure")
        #expect(result.results[0].outcome == .fail)
        #expect(result.results[1].outcome == .inconclusive)
        #expect(result.results[1].note == "the evidence has no tokens per mJ figure")
    }

    @Test func tooFewSamplesIsInconclusiveEvenIfAFigureLooksBad() {
        let result = verdict([GateCriterion(metric: .latencyP95, threshold: 1)], run(iterations: 9))
        #expect(result.outcome == .inconclusive)
        #expect(result.results[0].note == "9 of 10 required measured iterations")
    }

    @Test func missingFigureIsInconclusiveNeverPass() {
        let result = verdict([GateCriterion(metric: .tokensPerMillijoule, threshold: 0)], run(iterations: 10))
        #expect(result.outcome == .inconclusive)
    }

    @Test func energyFiguresFeedTheGate() {
        // 2 tokens per 1 mJ iteration → 2 tokens/mJ; 1 mJ over 0.1 s → 10 mW.
        let summary = ProfileSummary(runs: [run(iterations: 10, energy: 1_000_000)])
        #expect(summary.tokensPerMillijoule == 2)
        #expect(summary.averagePowerMilliwatts == 10)
        #expect(summary.energyPerInferenceMillijoules == 1)
        #expect(verdict([GateCriterion(metric: .tokensPerMillijoule, threshold: 2)], run(iterations: 10, energy: 1_000_000)).outcome == .pass)
    }
}
