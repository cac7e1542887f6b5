import Foundation

/// One place of one bench as `GET /v1/benches/places` shows it: the agent's last report, whether
/// the place still reports, and the alerts open on it.
public struct BenchPlaceStatus: Sendable, Codable, Hashable {
    public enum State: String, Sendable, Codable, Hashable {
        /// Its agent reports it within three of its rounds.
        case reporting
        /// No report for longer than that (`place-silent`).
        case silent
        /// Its agent stopped on purpose.
        case stopped
    }

    public var bench: String
    public var place: String
    public var deviceClass: String?
    public var wiring: String
    public var state: State
    public var healthy: Bool
    public var problem: String?
    public var rounds: Int
    public var failures: Int
    public var lastRoundAt: Date?
    public var everySeconds: Double
    public var reportedAt: Date
    /// Rules of the alerts open on the place (`place-silent`, `place-unhealthy`).
    public var openAlerts: [String]

    public init(_ stored: StoredBenchPlace, now: Date, openAlerts: [String]) {
        bench = stored.bench
        place = stored.report.place
        deviceClass = stored.report.deviceClass
        wiring = stored.report.wiring
        state = stored.stopped ? .stopped : now.timeIntervalSince(stored.reportedAt) > PlaceWatch.silenceLimit(of: stored) ? .silent : .reporting
        healthy = stored.report.isHealthy
        problem = stored.report.problem
        rounds = stored.report.rounds
        failures = stored.report.failures
        lastRoundAt = stored.report.lastRoundAt
        everySeconds = stored.report.everySeconds
        reportedAt = stored.reportedAt
        self.openAlerts = openAlerts
    }
}

/// Renders `edgeprof bench status`: one line per place of every bench.
public enum BenchStatusListing {
    public static func table(_ places: [BenchPlaceStatus], now: Date) -> String {
        guard !places.isEmpty else { return "no bench has reported a place yet (agents report theirs with `edgeprof agent run --bench bench.yaml`)\n" }
        let nameWidth = max(7, (places.map { $0.bench.count + $0.place.count + 1 }.max() ?? 0) + 2)
        let classWidth = max(7, (places.map { ($0.deviceClass ?? "—").count }.max() ?? 0) + 2)
        var text = ReportText.padded("PLACE", nameWidth) + ReportText.padded("CLASS", classWidth) + ReportText.padded("STATE", 11)
            + ReportText.padded("HEALTH", 10) + ReportText.padded("ROUNDS", 12) + ReportText.padded("REPORTED", 11) + "ALERTS / PROBLEM\n"
        for place in places {
            let ago = Int(now.timeIntervalSince(place.reportedAt).rounded())
            let notes = (place.openAlerts + [place.problem].compactMap { $0 }).joined(separator: "; ")
            text += ReportText.padded("\(place.bench)/\(place.place)", nameWidth) + ReportText.padded(place.deviceClass ?? "—", classWidth)
                + ReportText.padded(place.state.rawValue, 11) + ReportText.padded(place.healthy ? "ok" : "FAILING", 10)
                + ReportText.padded("\(place.rounds) ok, \(place.failures) ✗", 12) + ReportText.padded("\(ago) s ago", 11) + (notes.isEmpty ? "—" : notes) + "\n"
        }
        return text
    }
}
