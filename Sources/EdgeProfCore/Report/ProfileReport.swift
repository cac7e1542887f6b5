/// Everything a user sees after a profile: what ran where, its figures and where they were stored.
public struct ProfileReport: Sendable, Codable, Hashable {
    public var runID: Int64
    public var model: ModelReference
    public var deviceClass: String
    public var port: String
    public var status: RunStatus
    public var partialReason: String?
    public var board: BoardInfo
    public var boardModel: BoardModelInfo
    public var evidenceKey: String
    public var request: RunRequest
    public var summary: ProfileSummary
    public var link: LinkStatistics
    public var store: String
    /// Where the energy figures came from ("board", or the instrument) and why any are missing.
    public var energySource: String
    public var energyNote: String?
    /// The board is emulated: its figures are instruction-count proxies, not real latency.
    public var emulated: Bool
    /// The shadow model's figures beside the serving one's, when the board ran a shadow.
    public var shadow: ShadowSummary?

    public init(runID: Int64, model: ModelReference, deviceClass: String, port: String, run: RecordedRun, summary: ProfileSummary, store: String) {
        self.runID = runID
        self.model = model
        self.deviceClass = deviceClass
        self.port = port
        status = run.status
        partialReason = run.partialReason
        board = run.board
        boardModel = run.model
        evidenceKey = run.evidenceKey().id
        request = run.request
        self.summary = summary
        link = run.link
        self.store = store
        energySource = run.energySource ?? "board"
        energyNote = run.energyNote
        emulated = run.board.isEmulated
        shadow = run.shadow.map { ShadowSummary(run: run, shadow: $0) }
    }

    /// The report's figures as (name, value, unit) rows, in the order every format shows them.
    public var metricRows: [(name: String, value: Double?, unit: String)] {
        var rows: [(String, Double?, String)] = []
        func series(_ name: String, _ stats: SampleStatistics?) {
            rows.append(("\(name) p50", stats?.p50, "ms"))
            rows.append(("\(name) p90", stats?.p90, "ms"))
            rows.append(("\(name) p95", stats?.p95, "ms"))
            rows.append(("\(name) p99", stats?.p99, "ms"))
            rows.append(("\(name) mean", stats?.mean, "ms"))
        }
        series("latency", summary.latencyMs)
        if summary.throughputMedian != nil {
            rows.append(("throughput (median of windows)", summary.throughputMedian, "inferences/s"))
        }
        if summary.timeToFirstTokenMs != nil {
            series("time to first token", summary.timeToFirstTokenMs)
            series("inter-token latency", summary.interTokenLatencyMs)
            rows.append(("tokens per second", summary.tokensPerSecond, "tokens/s"))
        }
        rows.append(("peak RAM", summary.ramPeakBytes.map { Double($0) / 1024 }, "KiB"))
        rows.append(("peak stack", summary.stackPeakBytes.map { Double($0) / 1024 }, "KiB"))
        rows.append(("arena high-water", summary.arenaHighWaterBytes.map { Double($0) / 1024 }, "KiB"))
        rows.append(("heap high-water", summary.heapHighWaterBytes.map { Double($0) / 1024 }, "KiB"))
        if summary.flashBytes != nil {
            rows.append(("flash (ELF)", summary.flashBytes.map { Double($0) / 1024 }, "KiB"))
            rows.append(("static RAM (ELF)", summary.staticRAMBytes.map { Double($0) / 1024 }, "KiB"))
        }
        if summary.energyPerInferenceMillijoules != nil {
            rows.append(("energy per inference", summary.energyPerInferenceMillijoules, "mJ"))
            rows.append(("average power", summary.averagePowerMilliwatts, "mW"))
            rows.append(("energy per token", summary.microjoulesPerToken, "µJ"))
            rows.append(("tokens per mJ", summary.tokensPerMillijoule, "tokens/mJ"))
        }
        if let shadow {
            let name = "shadow \(shadow.model.model) (\(shadow.model.artifactSHA256.prefix(12)))"
            rows.append(("\(name) iterations", Double(shadow.iterations), "iterations"))
            rows.append(("\(name) token agreement", shadow.tokenAgreement.map { $0 * 100 }, "%"))
            rows.append(("\(name) latency p50", shadow.latencyMs?.p50, "ms"))
            rows.append(("\(name) latency p95", shadow.latencyMs?.p95, "ms"))
            rows.append(("\(name) latency ÷ serving", shadow.latencyRatio, "×"))
        }
        return rows
    }
}
