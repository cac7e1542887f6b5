import struct Foundation.Date

/// Renders stored runs for `edgeprof runs list`.
public enum RunListing {
    public static func table(_ runs: [StoredRun]) -> String {
        guard !runs.isEmpty else { return "no runs stored yet: edgeprof profile --port PATH --model NAME@VERSION\n" }
        var lines = ["   id  status    model                       class              board                iterations  latency p95 (ms)"]
        for stored in runs {
            let summary = ProfileSummary(runs: [stored.run])
            lines.append(
                ReportText.padded(String(stored.id).leftPadded(to: 5, with: " "), 7) + ReportText.padded(stored.run.status.rawValue, 10)
                    + ReportText.padded(stored.model.description, 28) + ReportText.padded(stored.context.deviceClass, 19)
                    + ReportText.padded("\(stored.run.board.board):\(stored.run.board.serial)", 21)
                    + ReportText.padded(String(summary.measuredIterations), 12) + ReportText.number(summary.latencyMs?.p95))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func json(_ runs: [StoredRun]) -> String {
        ReportText.json(runs) + "\n"
    }

    /// `runs list` in any format: the table's columns as CSV (one row per run) or a Markdown table.
    public static func rendered(_ runs: [StoredRun], as format: ReportFormat) -> String {
        let header = ["id", "status", "model", "device_class", "board", "measured_iterations", "latency_p95_ms"]
        let rows = runs.map { stored -> [String] in
            let summary = ProfileSummary(runs: [stored.run])
            return [String(stored.id), stored.run.status.rawValue, stored.model.description, stored.context.deviceClass,
                    "\(stored.run.board.board):\(stored.run.board.serial)", String(summary.measuredIterations),
                    summary.latencyMs.map { String($0.p95) } ?? ""]
        }
        switch format {
        case .table: return table(runs)
        case .json: return json(runs)
        case .csv: return ([header] + rows).map { $0.map(ReportText.csvField).joined(separator: ",") }.joined(separator: "\n") + "\n"
        case .markdown: return ReportText.markdownTable(header: header, rows: rows)
        }
    }
}

/// A run in a few fields, without its raw timings: for support bundles.
public struct RunDigest: Sendable, Codable, Hashable {
    public var id: Int64
    public var model: String
    public var deviceClass: String
    public var status: RunStatus
    public var partialReason: String?
    public var board: String
    public var firmwareBuild: String
    public var evidenceKey: String
    public var startedAt: Date
    public var measuredIterations: Int
    public var discardedIterations: Int
    public var latencyP50Ms: Double?
    public var latencyP95Ms: Double?
    public var link: LinkStatistics

    public init(_ stored: StoredRun) {
        let summary = ProfileSummary(runs: [stored.run])
        id = stored.id
        model = stored.model.description
        deviceClass = stored.context.deviceClass
        status = stored.run.status
        partialReason = stored.run.partialReason
        board = "\(stored.run.board.board):\(stored.run.board.serial)"
        firmwareBuild = stored.run.board.firmwareBuild
        evidenceKey = stored.run.evidenceKey().shortID
        startedAt = stored.context.startedAt
        measuredIterations = summary.measuredIterations
        discardedIterations = summary.discardedIterations
        latencyP50Ms = summary.latencyMs?.p50
        latencyP95Ms = summary.latencyMs?.p95
        link = stored.run.link
    }
}

extension RunListing {
    public static func json(_ digests: [RunDigest]) -> String {
        ReportText.json(digests) + "\n"
    }
}
