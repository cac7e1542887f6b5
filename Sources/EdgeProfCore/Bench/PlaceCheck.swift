import Foundation

/// What `edgeprof bench check` found at one place.
public struct PlaceCheck: Sendable, Hashable, Codable {
    public var place: String
    public var boardPort: String?
    public var monitorPort: String?
    /// What the board announced in the handshake (`board serial firmware`), when it answered.
    public var announced: String?
    public var verdict: WiringVerdict
    /// Whether its flasher can flash it from this host; nil for a place without one.
    public var flasher: WiringVerdict?

    public init(
        place: String, boardPort: String? = nil, monitorPort: String? = nil, announced: String? = nil, verdict: WiringVerdict, flasher: WiringVerdict? = nil
    ) {
        self.place = place
        self.boardPort = boardPort
        self.monitorPort = monitorPort
        self.announced = announced
        self.verdict = verdict
        self.flasher = flasher
    }

    /// The place's level: the worse of its wiring's and its flasher's.
    public var level: WiringVerdict.Level { max(verdict.level, flasher?.level ?? .ok) }
}

/// Renders a bench check for people (one block per place) or as JSON.
public enum BenchCheckListing {
    public static func table(bench: String, _ checks: [PlaceCheck]) -> String {
        var text = "bench \(bench): \(checks.count) places\n"
        for check in checks {
            let ports = [check.boardPort.map { "board \($0)" }, check.monitorPort.map { "monitor \($0)" }].compactMap { $0 }.joined(separator: ", ")
            text += "\n\(check.level.rawValue.padding(toLength: 4, withPad: " ", startingAt: 0)) \(check.place)\(ports.isEmpty ? "" : "  (\(ports))")\n"
            if let announced = check.announced { text += "     board: \(announced)\n" }
            text += "     \(check.verdict.fault.map { "[\($0)] " } ?? "")\(check.verdict.finding)\n"
            if let fix = check.verdict.fix { text += "     fix: \(fix)\n" }
            if let flasher = check.flasher {
                text += "     flasher: \(flasher.fault.map { "[\($0)] " } ?? "")\(flasher.finding)\n"
                if let fix = flasher.fix { text += "     fix: \(fix)\n" }
            }
        }
        let worst = checks.map(\.level).max() ?? .ok
        let failing = checks.filter { $0.level == .fail }.map(\.place)
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
        let document = Document(bench: bench, level: checks.map(\.level).max() ?? .ok, places: checks)
        return (try? encoder.encode(document)).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? "{}\n"
    }
}
