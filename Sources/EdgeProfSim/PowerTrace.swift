/// A synthetic supply-current trace with a known energy: the board sleeps, then runs an
/// inference (logic D0 high) at a higher current, over and over. Sleep and inference fall in
/// different PPK2 ranges, so Nordic's smoothing after range changes is exercised: it biases
/// the first 3 samples of a window, 0.04 % of a 50 ms window.
public struct PowerTrace: Sendable, Codable, Hashable {
    public var sleepAmperes = 0.000_45
    public var sleepSeconds = 0.050
    public var activeAmperes = 0.0064
    public var activeSeconds = 0.050
    /// The logic input that is high during each inference (0–7).
    public var markChannel = 0

    public init() {}

    public var periodSamples: Int { Int((sleepSeconds / PPK2SampleClock.period).rounded()) + activeSamples }
    public var activeSamples: Int { Int((activeSeconds / PPK2SampleClock.period).rounded()) }

    /// The current at sample `index`, and whether the mark is high.
    @inline(__always)
    public func current(at index: Int) -> (amperes: Double, marked: Bool) {
        let phase = index % periodSamples
        return phase >= periodSamples - activeSamples ? (activeAmperes, true) : (sleepAmperes, false)
    }

    /// The exact energy of one inference at `volts`, in joules.
    public func activeJoules(volts: Double) -> Double {
        activeAmperes * volts * Double(activeSamples) * PPK2SampleClock.period
    }
}

/// The PPK2's sample clock: 100 kS/s.
public enum PPK2SampleClock {
    public static let period = 10e-6
}
