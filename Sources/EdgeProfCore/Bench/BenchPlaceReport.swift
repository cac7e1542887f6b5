import Foundation

/// How one place of a bench fares, as its agent reports it to the collector: whether its last
/// round worked, what went wrong if not, and how often it is meant to report (so the collector
/// can tell a place that went quiet).
public struct BenchPlaceReport: Sendable, Codable, Hashable {
    public var place: String
    public var deviceClass: String?
    /// The board and monitor as the bench file names them (`BenchPlace.wiringSummary`).
    public var wiring: String
    /// Nil when the last round worked.
    public var problem: String?
    /// Rounds that worked and failed since the agent started.
    public var rounds: Int
    public var failures: Int
    /// When the place last finished a round (nil before its first).
    public var lastRoundAt: Date?
    /// Seconds between the place's rounds (`agent run --every`).
    public var everySeconds: Double

    public init(
        place: String, deviceClass: String?, wiring: String, problem: String? = nil, rounds: Int = 0, failures: Int = 0, lastRoundAt: Date? = nil,
        everySeconds: Double
    ) {
        self.place = place
        self.deviceClass = deviceClass
        self.wiring = wiring
        self.problem = problem
        self.rounds = rounds
        self.failures = failures
        self.lastRoundAt = lastRoundAt
        self.everySeconds = everySeconds
    }

    public var isHealthy: Bool { problem == nil }
}
