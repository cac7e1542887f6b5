/// The figures of one or more runs, computed from their raw per-token timings.
///
/// Definitions (also in docs/metrics.md):
/// - latency: end − start of a measured iteration (one inference, or one whole generation);
/// - time to first token: first token − iteration start;
/// - inter-token latency: the gap between consecutive tokens of an iteration;
/// - tokens/s: all tokens ÷ all iteration time (end to end, first token included);
/// - energy per inference: mean of the board's per-iteration energy; tokens/mJ: tokens ÷ energy;
/// - memory: the highest value any run reported.
public struct ProfileSummary: Sendable, Codable, Hashable {
    public var runs: Int
    public var measuredIterations: Int
    public var discardedIterations: Int
    public var tokens: UInt64
    public var latencyMs: SampleStatistics?
    public var timeToFirstTokenMs: SampleStatistics?
    public var interTokenLatencyMs: SampleStatistics?
    public var tokensPerSecond: Double?
    public var stackPeakBytes: UInt64?
    public var arenaHighWaterBytes: UInt64?
    public var heapHighWaterBytes: UInt64?
    public var ramPeakBytes: UInt64?
    /// From the firmware ELF (the largest image among the runs): flash and static RAM.
    public var flashBytes: UInt64?
    public var staticRAMBytes: UInt64?
    public var energyPerInferenceMillijoules: Double?
    public var averagePowerMilliwatts: Double?
    public var tokensPerMillijoule: Double?
    public var microjoulesPerToken: Double?
    /// MLPerf Tiny windows: inferences per second, the median over windows as the runner reports.
    public var throughputMedian: Double?

    public init(runs: [RecordedRun], method: PercentileMethod = .linear) {
        self.init(figures: runs.map(RunFigures.init), method: method)
    }

    /// From runs' figures as a store reads them: without token gaps in any run, no inter-token
    /// latency (every other figure is the same as from the whole runs).
    public init(figures runs: [RunFigures], method: PercentileMethod = .linear) {
        var latencies: [Double] = []
        var firstTokens: [Double] = []
        var gaps: [Double] = []
        var energies: [Double] = []
        var totalSeconds = 0.0
        var energySeconds = 0.0
        var tokensWithEnergy: UInt64 = 0
        var tokenCount: UInt64 = 0
        var everyIterationHasEnergy = true
        var windows: [Double] = []
        let everyRunHasGaps = runs.allSatisfy(\.hasTokenGaps)
        for run in runs {
            let msPerTick = 1000 / Double(run.tickHz)
            var runTicks: UInt64 = 0
            var energyTicks: UInt64 = 0
            for iteration in run.iterations {
                let ticks = iteration.endTicks - iteration.startTicks
                latencies.append(Double(ticks) * msPerTick / Double(max(iteration.inferences ?? 1, 1)))
                if let first = iteration.firstTokenTicks { firstTokens.append(Double(first - iteration.startTicks) * msPerTick) }
                if everyRunHasGaps, let tokenGaps = iteration.tokenGapTicks {
                    for gap in tokenGaps { gaps.append(Double(gap) * msPerTick) }
                }
                if let nanojoules = iteration.energyNanojoules { energies.append(Double(nanojoules) / 1e6) }
                if let count = iteration.inferences { windows.append(Double(count) / (Double(ticks) / Double(run.tickHz))) }
                runTicks += ticks
                tokenCount += UInt64(iteration.tokenCount)
                if iteration.energyNanojoules != nil {
                    energyTicks += ticks
                    tokensWithEnergy += UInt64(iteration.tokenCount)
                } else {
                    everyIterationHasEnergy = false
                }
            }
            totalSeconds += Double(runTicks) / Double(run.tickHz)
            energySeconds += Double(energyTicks) / Double(run.tickHz)
        }
        self.runs = runs.count
        measuredIterations = latencies.count
        discardedIterations = runs.reduce(0) { $0 + $1.discardedIterations }
        tokens = tokenCount
        latencyMs = SampleStatistics(latencies, method: method)
        timeToFirstTokenMs = SampleStatistics(firstTokens, method: method)
        interTokenLatencyMs = SampleStatistics(gaps, method: method)
        tokensPerSecond = totalSeconds > 0 && tokenCount > 0 ? Double(tokenCount) / totalSeconds : nil
        stackPeakBytes = runs.compactMap { $0.totals?.stackPeakBytes }.max()
        arenaHighWaterBytes = runs.compactMap { $0.totals?.arenaHighWaterBytes }.max()
        heapHighWaterBytes = runs.compactMap { $0.totals?.heapHighWaterBytes }.max()
        ramPeakBytes = runs.compactMap { $0.totals?.ramPeakBytes }.max()
        flashBytes = runs.compactMap { $0.firmwareSize?.flash }.max()
        throughputMedian = Percentile.of(sorted: windows.filter(\.isFinite).sorted(), 50)
        staticRAMBytes = runs.compactMap { $0.firmwareSize?.staticRAM }.max()
        if everyIterationHasEnergy, !energies.isEmpty {
            let totalMillijoules = energies.reduce(0, +)
            energyPerInferenceMillijoules = SampleStatistics.mean(energies)
            averagePowerMilliwatts = energySeconds > 0 ? totalMillijoules / energySeconds : nil
            if tokensWithEnergy > 0, totalMillijoules > 0 {
                tokensPerMillijoule = Double(tokensWithEnergy) / totalMillijoules
                microjoulesPerToken = totalMillijoules * 1000 / Double(tokensWithEnergy)
            }
        }
    }
}
