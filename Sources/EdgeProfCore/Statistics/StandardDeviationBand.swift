/// A band mean ± k·σ over reference values, as NannyML's `StandardDeviationThreshold` draws it:
/// σ is numpy's `np.std` (population, ddof = 0), computed the way numpy computes it.
public struct StandardDeviationBand: Sendable, Codable, Hashable {
    public var mean: Double
    public var standardDeviation: Double
    public var lower: Double
    public var upper: Double

    /// nil for an empty reference.
    public init?(_ reference: [Double], k: Double) {
        guard !reference.isEmpty else { return nil }
        mean = SampleStatistics.mean(reference)
        let center = mean
        standardDeviation = SampleStatistics.mean(reference.map { ($0 - center) * ($0 - center) }).squareRoot()
        lower = mean - k * standardDeviation
        upper = mean + k * standardDeviation
    }

    public func contains(_ value: Double) -> Bool { value >= lower && value <= upper }

    /// The band drawn with σ at least `floor` (the same band when σ already is).
    public func widened(toStandardDeviation floor: Double, k: Double) -> StandardDeviationBand {
        guard floor > standardDeviation else { return self }
        var wider = self
        wider.standardDeviation = floor
        wider.lower = mean - k * floor
        wider.upper = mean + k * floor
        return wider
    }
}
