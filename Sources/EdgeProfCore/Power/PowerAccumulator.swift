/// Streaming power figures in constant memory: energy (Σ I·V·Δt over 10 µs samples), average
/// and peak power, and what makes a figure untrustworthy (lost or saturated samples).
public struct PowerAccumulator: Sendable, Hashable, Codable {
    public var samples = 0
    public var lostSamples = 0
    /// Samples at the top of the highest range: the true current may be higher.
    public var saturatedSamples = 0
    /// Samples whose range field was not 0–4 (NaN current); left out of the sums.
    public var invalidSamples = 0
    public var joules = 0.0
    public var peakWatts = 0.0

    public init() {}

    /// Counts wrap rather than trap: at 100 kS/s an Int64 count would take millions of years
    /// to overflow, and the per-sample loop is leaner without the checks.
    @inline(__always)
    public mutating func add(amperes: Double, volts: Double, saturated: Bool) {
        guard amperes.isFinite else {
            invalidSamples &+= 1
            return
        }
        let watts = amperes * volts
        joules += watts * PPK2Sample.periodSeconds
        samples &+= 1
        if watts > peakWatts { peakWatts = watts }
        saturatedSamples &+= saturated ? 1 : 0
    }

    public var seconds: Double { Double(samples + lostSamples + invalidSamples) * PPK2Sample.periodSeconds }
    public var averageWatts: Double? { samples > 0 ? joules / (Double(samples) * PPK2Sample.periodSeconds) : nil }

    /// Why the energy is not a trustworthy number, or nil when it is.
    public var inconclusiveReason: String? {
        if samples == 0 { return "no samples" }
        if saturatedSamples > 0 { return "\(saturatedSamples) samples saturated the highest range: the true current is higher" }
        if lostSamples > 0 { return "\(lostSamples) samples were lost in transit" }
        if invalidSamples > 0 { return "\(invalidSamples) samples had an invalid range" }
        return nil
    }
}
