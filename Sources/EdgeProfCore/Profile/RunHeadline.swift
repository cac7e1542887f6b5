/// The figures a listing shows for one run, computed once when the run is stored, so a page of
/// runs never reads raw timings: its cost is the page's, whatever the runs hold.
public struct RunHeadline: Sendable, Codable, Hashable {
    public var measuredIterations: Int
    public var discardedIterations: Int
    public var latencyP50Ms: Double?
    public var latencyP95Ms: Double?
    public var latencyP99Ms: Double?
    public var timeToFirstTokenP50Ms: Double?
    public var tokensPerSecond: Double?
    public var energyPerInferenceMillijoules: Double?
    public var tokensPerMillijoule: Double?

    public init(_ run: RecordedRun) {
        let summary = ProfileSummary(runs: [run])
        measuredIterations = summary.measuredIterations
        discardedIterations = summary.discardedIterations
        latencyP50Ms = summary.latencyMs?.p50
        latencyP95Ms = summary.latencyMs?.p95
        latencyP99Ms = summary.latencyMs?.p99
        timeToFirstTokenP50Ms = summary.timeToFirstTokenMs?.p50
        tokensPerSecond = summary.tokensPerSecond
        energyPerInferenceMillijoules = summary.energyPerInferenceMillijoules
        tokensPerMillijoule = summary.tokensPerMillijoule
    }
}
