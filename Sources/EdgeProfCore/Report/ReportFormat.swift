import Foundation

/// The output formats of reports: a table for people, JSON and CSV for scripts, Markdown for
/// pull requests and wikis.
public enum ReportFormat: String, Sendable, CaseIterable, Codable {
    case table
    case json
    case csv
    case markdown
}

/// The formats of listings that only people and scripts read: a table, or JSON. Commands that
/// offer no CSV or Markdown do not pretend to (`--format csv` is refused, not printed as a table).
public enum ListFormat: String, Sendable, CaseIterable, Codable {
    case table
    case json
}

/// Number and JSON formatting shared by the renderers.
enum ReportText {
    static func number(_ value: Double?) -> String {
        guard let value else { return "—" }
        guard value.isFinite else { return "\(value)" }
        let magnitude = abs(value)
        if magnitude >= 1000 { return String(format: "%.1f", value) }
        if magnitude >= 10 { return String(format: "%.2f", value) }
        return String(format: "%.3f", value)
    }

    /// The shortest text that reads back as `value` ("0.05", "3"), for thresholds people wrote.
    static func plain(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    static func fixed(_ value: Double, _ digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "\(value)"
    }

    static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// A GitHub Markdown table; `|` in a cell is escaped.
    static func markdownTable(header: [String], rows: [[String]]) -> String {
        ([markdownRow(header), "|" + header.map { _ in "---|" }.joined()] + rows.map(markdownRow)).joined(separator: "\n") + "\n"
    }

    /// One row of a Markdown table, without its line end.
    static func markdownRow(_ cells: [String]) -> String {
        "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
    }

    static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}

extension ProfileReport {
    public func rendered(as format: ReportFormat) -> String {
        switch format {
        case .json: return ReportText.json(self)
        case .csv:
            var lines = ["metric,value,unit"]
            for row in metricRows {
                lines.append([ReportText.csvField(row.name), row.value.map { "\($0)" } ?? "", row.unit].joined(separator: ","))
            }
            if emulated { lines.append("emulated board,1,") }
            return lines.joined(separator: "\n") + "\n"
        case .markdown:
            var lines = [
                "### \(model) on \(board.board) (\(deviceClass))\(emulated ? ", emulated" : "")", "",
                "Run \(runID), \(status.rawValue)\(partialReason.map { ": \($0)" } ?? ""); \(summary.measuredIterations) measured iterations; percentiles: numpy `\(PercentileMethod.linear.rawValue)`.",
                "", "| metric | value | unit |", "|---|---:|---|",
            ]
            lines += metricRows.map { "| \($0.name) | \(ReportText.number($0.value)) | \($0.unit) |" }
            if emulated { lines += ["", Self.emulatedNote] }
            lines += ["", "Evidence key `\(evidenceKey.prefix(12))` (artifact \(boardModel.artifactSHA256.prefix(12)), \(board.board):\(board.serial), firmware \(board.firmwareBuild), \(board.wireProtocol ?? LinkProtocol.name))."]
            return lines.joined(separator: "\n") + "\n"
        case .table:
            return tableText
        }
    }

    static let emulatedNote = "the board runs under an emulator; its ticks are repeatable instruction-count proxies, not real latency"

    private var tableText: String {
        var lines: [String] = []
        lines.append("\(model) on \(board.board) \(board.serial) (class \(deviceClass)) via \(port)")
        lines.append("  firmware \(board.firmwareVersion) build \(board.firmwareBuild), \(boardModel.quantization), clock \(board.clockHz / 1_000_000) MHz, tick \(board.tickHz) Hz")
        if emulated { lines.append("  EMULATED: \(Self.emulatedNote)") }
        let statusLine = status == .complete ? "complete" : "PARTIAL: \(partialReason ?? "incomplete")"
        if board.wireProtocol == "mlperf-tiny-dut" {
            lines.append("  run \(runID): \(statusLine); \(summary.measuredIterations) MLPerf Tiny windows (+\(request.warmup) warmup inferences); latency is per inference")
        } else {
            lines.append("  run \(runID): \(statusLine); \(summary.measuredIterations) measured iterations (+\(request.warmup) warmup), \(request.tokens) tokens each")
        }
        if summary.discardedIterations > 0 || link.droppedLines > 0 || link.lostLines > 0 {
            lines.append("  link: \(link.crcErrors) checksum errors, \(link.syntaxErrors + link.overlongLines + link.malformedMessages) malformed lines, \(link.lostLines) lost lines; \(summary.discardedIterations) iterations discarded")
        }
        lines.append("")
        let width = (metricRows.map(\.name.count).max() ?? 10) + 2
        for row in metricRows {
            lines.append("  " + ReportText.padded(row.name, width) + ReportText.padded(ReportText.number(row.value), 12) + row.unit)
        }
        lines.append("")
        lines.append("  percentiles: numpy '\(PercentileMethod.linear.rawValue)' over \(summary.measuredIterations) iterations")
        if summary.energyPerInferenceMillijoules != nil || energySource != "board" {
            lines.append("  energy measured by \(energySource)\(energyNote.map { ": \($0)" } ?? "")")
        }
        lines.append("  evidence key \(evidenceKey.prefix(12)): artifact \(boardModel.artifactSHA256.prefix(12))… × \(board.board):\(board.serial) × fw \(board.firmwareBuild) × \(board.wireProtocol ?? LinkProtocol.name)")
        lines.append("  stored in \(store) (run \(runID), raw per-token timings included)")
        return lines.joined(separator: "\n") + "\n"
    }
}
