import struct Foundation.Date
import struct Foundation.TimeInterval

/// Slows down a source that keeps presenting bad credentials: after `limit` failed
/// authentications within `window` seconds, the source is refused for `penalty` seconds before
/// any token is even looked up. Pure state: the collector keeps one behind a lock.
public struct AuthenticationThrottle: Sendable {
    public var limit: Int
    public var window: TimeInterval
    public var penalty: TimeInterval
    /// At most this many sources are tracked; the stalest are forgotten first.
    public var capacity: Int

    private var failures: [String: [Date]] = [:]
    private var blockedUntil: [String: Date] = [:]

    public init(limit: Int = 30, window: TimeInterval = 60, penalty: TimeInterval = 60, capacity: Int = 10_000) {
        self.limit = limit
        self.window = window
        self.penalty = penalty
        self.capacity = capacity
    }

    /// When the source may try again, if it is refused now.
    public func blocked(_ source: String, at now: Date) -> Date? {
        guard let until = blockedUntil[source], until > now else { return nil }
        return until
    }

    /// Counts a refused credential; the source is blocked once it reaches the limit.
    public mutating func recordFailure(_ source: String, at now: Date) {
        var recent = (failures[source] ?? []).filter { now.timeIntervalSince($0) < window }
        recent.append(now)
        if recent.count >= limit {
            blockedUntil[source] = now.addingTimeInterval(penalty)
            recent.removeAll()
        }
        failures[source] = recent
        if failures.count > capacity { forgetStalest(now: now) }
    }

    /// A source that authenticated starts afresh.
    public mutating func recordSuccess(_ source: String) {
        failures[source] = nil
    }

    /// Forgets the stalest tenth beyond capacity at once, so that a flood of new sources costs
    /// one sort per thousand of them, not one per failure.
    private mutating func forgetStalest(now: Date) {
        blockedUntil = blockedUntil.filter { $0.value > now }
        let keep = capacity - capacity / 10
        let byLastFailure = failures.sorted { ($0.value.last ?? .distantPast) < ($1.value.last ?? .distantPast) }
        for (source, _) in byLastFailure.prefix(failures.count - keep) { failures[source] = nil }
    }
}
