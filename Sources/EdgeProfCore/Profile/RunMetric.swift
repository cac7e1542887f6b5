/// A per-iteration figure of a run: the series a profile summary reduces and drift statistics compare.
public enum RunMetric: String, Sendable, Codable, CaseIterable {
    /// Latency per inference, ms.
    case latency
    /// Time to first token, ms.
    case ttft
    /// Gaps between consecutive tokens, ms.
    case interToken = "inter-token"
    /// Energy per iteration, mJ (iterations without a measured energy are left out).
    case energy

    /// The run's values of this metric, in iteration order.
    public func values(in run: RecordedRun) -> [Double] {
        let msPerTick = 1000 / Double(run.board.tickHz)
        var values: [Double] = []
        for iteration in run.iterations {
            switch self {
            case .latency:
                let ticks = iteration.endTicks - iteration.startTicks
                values.append(Double(ticks) * msPerTick / Double(max(iteration.inferences ?? 1, 1)))
            case .ttft:
                if let first = iteration.tokenTicks.first { values.append(Double(first - iteration.startTicks) * msPerTick) }
            case .interToken:
                for (previous, next) in zip(iteration.tokenTicks, iteration.tokenTicks.dropFirst()) {
                    values.append(Double(next - previous) * msPerTick)
                }
            case .energy:
                if let nanojoules = iteration.energyNanojoules { values.append(Double(nanojoules) / 1e6) }
            }
        }
        return values
    }
}
