import Foundation

/// What `edgeprof bench check` found at one place.
public struct PlaceCheck: Sendable, Hashable, Codable {
    public var place: String
    public var boardPort: String?
    public var monitorPort: String?
    /// What the board announced in the handshake (`board serial firmware`), when it answered.
    public var announced: String?
    public var verdict: WiringVerdict

    public init(place: String, boardPort: String? = nil, monitorPort: String? = nil, announced: String? = nil, verdict: WiringVerdict) {
        self.place = place
        self.boardPort = boardPort
        self.monitorPort = monitorPort
        self.announced = announced
        self.verdict = verdict
    }
}

/// Renders a bench check for people (one block per place) or as JSON.
public enum BenchCheckListing {
    public static func table(bench: String, _ checks: [PlaceCheck]) -> String {
        var text = "bench \(bench): \(checks.count) places\n"
        for check in checks {
            let ports = [check.boardPort.map { "board \($0)" }, check.monitorPort.map { "monitor \($0)" }].compactMap { $0 }.joined(separator: ", ")
            text += "\n\(check.verdict.level.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0)) \(check.place)\(ports.isEmpty ? "" : "  (\(ports))")\n"
            if let announced = check.announced { text += "     board: \(announced)\n" }
            text += "     \(check.verdict.fault.map { "[\($0)] " } ?? "")\(check.verdict.finding)\n"
            if let fix = check.verdict.fix { text += "     fix: \(fix)\n" }
        }
        let worst = checks.map(\.verdict.level).max() ?? .ok
        let failing = checks.filter { $0.verdict.level == .fail }.map(\.place)
        text += "\n\(worst.rawValue)" + (failing.isEmpty ? "" : ": \(failing.joined(separator: ", ")) failed") + "\n"
        return text
    }

    public static func json(bench: String, _ checks: [PlaceCheck]) -> String {
        struct Document: Encodable {
            var bench: String
            var level: WiringVerdict.Level
            var places: [PlaceCheck]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let document = Document(bench: bench, level: checks.map(\.verdict.level).max() ?? .ok, places: checks)
        return (try? encoder.encode(document)).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? "{}\n"
    }
}
