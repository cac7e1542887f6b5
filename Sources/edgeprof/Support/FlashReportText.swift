import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof flash`'s answer for people and for scripts.
enum FlashReportText {
    static func table(_ report: FlashReport) -> String {
        var lines = ["flashed \(report.board) with \(report.firmware) by \(report.tool.rawValue) in \(String(format: "%.1f", report.seconds)) s"]
        lines += report.commands.map { "  ran: \($0)" }
        switch report.verification {
        case .confirmed(let buildID): lines.append("  OK: the board announces the image's build id \(buildID)\(report.readsBack ? "; the read-back matched" : "")")
        case .readBackOnly(let reason): lines.append("  WARN: \(reason)")
        case .mismatch(let problem): lines.append("  FAIL: \(problem)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func json(_ report: FlashReport) -> String {
        let (verified, note): (String, String?) = switch report.verification {
        case .confirmed: ("build-id", nil)
        case .readBackOnly(let reason): (report.readsBack ? "read-back" : "none", reason)
        case .mismatch(let problem): ("mismatch", problem)
        }
        var object: [String: Any] = [
            "board": report.board, "firmware": report.firmware, "tool": report.tool.rawValue, "commands": report.commands,
            "seconds": report.seconds, "readsBack": report.readsBack, "verified": verified,
        ]
        if let buildID = report.imageBuildID { object["buildID"] = buildID }
        if let note { object["note"] = note }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
