import EdgeProfCore
import Glibc

/// The exact timeline a simulated board will report for one RUN: its ground truth. Pure:
/// the same profile, seed, run number and request give the same ticks on every machine.
public struct SimulatedRunPlan: Sendable, Hashable {
    /// One iteration's ticks, relative to the run's first tick.
    public struct Iteration: Sendable, Hashable {
        public var index: UInt32
        public var warmup: Bool
        public var startTicks: UInt64
        public var tokenTicks: [UInt64]
        public var endTicks: UInt64
        public var energyNanojoules: UInt64?
    }

    public var iterations: [Iteration]

    public init(profile: SimulatedModelProfile, seed: UInt64, runNumber: UInt64, request: RunRequest) {
        var random = SplitMix64(seed: seed ^ (runNumber &* 0xD1B5_4A32_D192_ED03))
        let ticksPerMs = Double(profile.tickHz) / 1000
        func draw(_ medianMs: Double, _ sigma: Double) -> UInt64 {
            max(1, UInt64((medianMs * exp(sigma * random.nextGaussian()) * ticksPerMs).rounded()))
        }
        let gap = UInt64((profile.iterationGapMs * ticksPerMs).rounded())
        var now: UInt64 = 0
        var iterations: [Iteration] = []
        let total = request.warmup + request.iterations
        iterations.reserveCapacity(Int(total))
        for index in 0..<total {
            let start = now
            var tokens: [UInt64] = []
            if profile.generatesTokens {
                now += draw(profile.firstTokenMedianMs, profile.firstTokenSigma)
                tokens.append(now)
                for _ in 1..<max(request.tokens, 1) {
                    now += draw(profile.tokenMedianMs, profile.tokenSigma)
                    tokens.append(now)
                }
            } else {
                now += draw(profile.firstTokenMedianMs, profile.firstTokenSigma)
            }
            let energy = profile.activePowerMilliwatts.map { milliwatts in
                UInt64((milliwatts * Double(now - start) / Double(profile.tickHz) * 1e6).rounded())
            }
            iterations.append(Iteration(
                index: index, warmup: index < request.warmup, startTicks: start, tokenTicks: tokens, endTicks: now,
                energyNanojoules: energy))
            now += gap
        }
        self.iterations = iterations
    }

    /// Per-iteration latencies of the measured iterations in milliseconds, as a host computes them.
    public func measuredLatenciesMs(tickHz: UInt32) -> [Double] {
        iterations.filter { !$0.warmup }.map { Double($0.endTicks - $0.startTicks) * (1000 / Double(tickHz)) }
    }

    /// Gaps between consecutive tokens of measured iterations in milliseconds.
    public func measuredInterTokenMs(tickHz: UInt32) -> [Double] {
        iterations.filter { !$0.warmup }.flatMap { iteration in
            zip(iteration.tokenTicks, iteration.tokenTicks.dropFirst()).map { Double($1 - $0) * (1000 / Double(tickHz)) }
        }
    }
}
