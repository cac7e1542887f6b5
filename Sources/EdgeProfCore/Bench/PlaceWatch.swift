import Foundation

/// A bench place as the collector keeps it: its agent's latest report of it.
public struct StoredBenchPlace: Sendable, Codable, Hashable {
    public var bench: String
    public var report: BenchPlaceReport
    public var reportedAt: Date
    /// The agent stopped on purpose (a finished `--count`, an interrupt): not watched for silence.
    public var stopped: Bool

    public init(bench: String, report: BenchPlaceReport, reportedAt: Date, stopped: Bool) {
        self.bench = bench
        self.report = report
        self.reportedAt = reportedAt
        self.stopped = stopped
    }
}

/// What the collector says of every bench place on each sweep (issue 19): a place that stops
/// reporting — its agent killed, its host down, its network cut — raises `place-silent` once
/// three of its declared rounds (at least `minimumSilence`) pass without a report; a place whose
/// last round failed raises `place-unhealthy`. Each clears when the place reports, or reports
/// healthy, again. An agent that stops on purpose is not silent; a place that failed its last
/// round stays unhealthy after its agent stopped, until a round works there again. Pure.
public enum PlaceWatch {
    /// Rounds a place may miss before it is called silent.
    public static let missedRounds = 3.0
    /// Never sooner than this: an agent reports every few seconds at most, and a network hiccup
    /// is not an outage.
    public static let minimumSilence: TimeInterval = 30

    /// How long `place` may go without a report before it is silent.
    public static func silenceLimit(of place: StoredBenchPlace) -> TimeInterval {
        max(missedRounds * place.report.everySeconds, minimumSilence)
    }

    /// The alert key of a place: it concerns a bench, not a model.
    public static func key(of place: StoredBenchPlace) -> MonitorKey {
        MonitorKey(model: "bench:\(place.bench)", deviceClass: place.report.deviceClass ?? "unknown", device: "\(place.bench)/\(place.report.place)")
    }

    /// Both rules' findings for `place` at `now`. Silence counts only time the collector was
    /// listening (since `listeningSince`): a place cannot report to a collector that is down, so
    /// a place quiet for longer than its limit, but not for that long since the collector started,
    /// is neither silent nor reporting (`inconclusive`: an open alert stays open, none opens)
    /// until it reports or its rounds pass again.
    public static func findings(for place: StoredBenchPlace, now: Date, listeningSince: Date? = nil) -> [MonitorFinding] {
        let name = "\(place.bench)/\(place.report.place)"
        let quiet = now.timeIntervalSince(place.reportedAt)
        let listened = now.timeIntervalSince(max(place.reportedAt, listeningSince ?? place.reportedAt))
        let limit = silenceLimit(of: place)
        let state: FindingState = place.stopped || quiet <= limit ? .clear : listened > limit ? .firing : .inconclusive
        let summary = switch state {
        case .firing:
            "place \(name) has not reported for \(Int(quiet)) s (limit \(Int(limit)) s: \(Int(missedRounds)) rounds of \(formatted(place.report.everySeconds)) s); its agent or host may be down"
        case .inconclusive:
            "place \(name) has not reported for \(Int(quiet)) s, but the collector has listened for only \(Int(listened)) s of its \(Int(limit)) s limit"
        default:
            "place \(name) reports"
        }
        let silence = MonitorFinding(rule: .placeSilent, severity: MonitorRule.placeSilent.defaultSeverity, state: state, summary: summary)
        let failing = place.report.problem != nil
        let health = MonitorFinding(
            rule: .placeUnhealthy, severity: MonitorRule.placeUnhealthy.defaultSeverity, state: failing ? .firing : .clear,
            summary: failing
                ? "place \(name) failed its last round: \(place.report.problem ?? "")"
                : "place \(name) is healthy")
        return [silence, health]
    }

    private static func formatted(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

/// What an agent may report of its places; anything else is refused with the field named.
public enum BenchPlaceValidation {
    public static let maximumPlaces = 256

    public static func problem(in reports: [BenchPlaceReport]) -> UploadProblem? {
        guard reports.count <= maximumPlaces else { return UploadProblem(field: "places", problem: "at most \(maximumPlaces) places") }
        var names: Set<String> = []
        for (index, report) in reports.enumerated() {
            let field = "places[\(index)]"
            if RunUploadValidation.nameProblem(report.place) != nil {
                return UploadProblem(field: "\(field).place", problem: "must be 1 to 64 letters, digits, '.', '_', '-' or ':'")
            }
            guard names.insert(report.place).inserted else { return UploadProblem(field: "\(field).place", problem: "'\(report.place)' is reported twice") }
            if let deviceClass = report.deviceClass, RunUploadValidation.nameProblem(deviceClass) != nil {
                return UploadProblem(field: "\(field).deviceClass", problem: "must be 1 to 64 letters, digits, '.', '_', '-' or ':'")
            }
            if report.wiring.count > 1024 { return UploadProblem(field: "\(field).wiring", problem: "must be at most 1024 characters") }
            if let problem = report.problem, problem.count > 2048 { return UploadProblem(field: "\(field).problem", problem: "must be at most 2048 characters") }
            if report.rounds < 0 || report.failures < 0 { return UploadProblem(field: "\(field).rounds", problem: "rounds and failures must be 0 or more") }
            guard report.everySeconds.isFinite, report.everySeconds > 0, report.everySeconds <= 86_400 else {
                return UploadProblem(field: "\(field).everySeconds", problem: "must be above 0 and at most 86400 (a day)")
            }
        }
        return nil
    }
}
