import struct Foundation.Date

/// Whole stored runs as JSON (`runs show --raw`, support bundles' digests).
public enum RunListing {
    public static func json(_ runs: [StoredRun]) -> String {
        ReportText.json(runs) + "\n"
    }
}

/// Writes `edgeprof runs list` a page at a time: a listing of any length holds one page of runs
/// in memory, and every format's text is the same whatever the page size. Runs come as their
/// stored headlines; `--raw` JSON pages carry whole runs instead.
public struct RunListingStream: Sendable {
    public let format: ReportFormat
    /// What a table says when no run was listed.
    public let emptyNote: String
    /// How many runs were written so far.
    public private(set) var listed = 0

    public init(format: ReportFormat, emptyNote: String = "no runs stored yet: edgeprof profile --port PATH --model NAME@VERSION") {
        self.format = format
        self.emptyNote = emptyNote
    }

    static let tableHeader = "   id  status    model                       class              board                iterations  latency p95 (ms)"
    static let columns = ["id", "status", "model", "device_class", "board", "measured_iterations", "latency_p95_ms"]

    /// The text of the next page of runs.
    public mutating func page(_ runs: [CollectedRunSummary]) -> String {
        if format == .json { return jsonElements(runs) }
        var text = ""
        for run in runs {
            if listed == 0 { text += heading }
            text += line(run)
            listed += 1
        }
        return text
    }

    /// The text of the next page of whole runs (JSON only: `runs list --raw`).
    public mutating func rawPage(_ runs: [StoredRun]) -> String {
        jsonElements(runs)
    }

    /// What ends the listing.
    public func closing() -> String {
        switch format {
        case .json: return listed == 0 ? "[]\n" : "\n]\n"
        case .table: return listed == 0 ? emptyNote + "\n" : ""
        case .csv, .markdown: return listed == 0 ? heading : ""
        }
    }

    private var heading: String {
        switch format {
        case .table: Self.tableHeader + "\n"
        case .csv: Self.columns.joined(separator: ",") + "\n"
        case .markdown: ReportText.markdownTable(header: Self.columns, rows: [])
        case .json: ""
        }
    }

    private func line(_ run: CollectedRunSummary) -> String {
        let board = "\(run.board):\(run.serial)"
        switch format {
        case .table:
            return ReportText.padded(String(run.id).leftPadded(to: 5, with: " "), 7) + ReportText.padded(run.status.rawValue, 10)
                + ReportText.padded(run.model + " ", 28) + ReportText.padded(run.deviceClass + " ", 19) + ReportText.padded(board + " ", 21)
                + ReportText.padded(String(run.measuredIterations), 12) + ReportText.number(run.latencyP95Ms) + "\n"
        case .csv, .markdown, .json:
            let cells = [String(run.id), run.status.rawValue, run.model, run.deviceClass, board, String(run.measuredIterations),
                         run.latencyP95Ms.map { String($0) } ?? ""]
            if format == .csv { return cells.map(ReportText.csvField).joined(separator: ",") + "\n" }
            return ReportText.markdownRow(cells) + "\n"
        }
    }

    /// A page's elements of the one JSON array: the page encoded as an array, whose elements are
    /// already indented as the whole array's, without its brackets, after the separator.
    private mutating func jsonElements<Element: Encodable>(_ elements: [Element]) -> String {
        guard !elements.isEmpty else { return "" }
        let array = ReportText.json(elements)
        let inner = array.dropFirst(2).dropLast(2)
        defer { listed += elements.count }
        return (listed == 0 ? "[\n" : ",\n") + inner
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
