import Foundation

/// One period a drift check looks at: [start, end), a UTC day or an ISO week.
public struct DriftWindow: Sendable, Codable, Hashable, Comparable, CustomStringConvertible {
    public var cadence: DriftCadence
    public var start: Date
    public var end: Date

    /// The window of `cadence` that holds `time`.
    public init(cadence: DriftCadence, containing time: Date) {
        let day = (time.timeIntervalSince1970 / 86_400).rounded(.down)
        let first: Double
        switch cadence {
        case .daily:
            first = day
        case .weekly:
            // 1970-01-05 (day 4) was a Monday.
            let sinceMonday = (day - 4).truncatingRemainder(dividingBy: 7)
            first = day - (sinceMonday < 0 ? sinceMonday + 7 : sinceMonday)
        }
        self.cadence = cadence
        start = Date(timeIntervalSince1970: first * 86_400)
        end = start.addingTimeInterval(cadence.seconds)
    }

    /// The window that follows this one.
    public var next: DriftWindow { DriftWindow(cadence: cadence, containing: end) }

    public static func < (left: DriftWindow, right: DriftWindow) -> Bool { left.start < right.start }

    public var description: String { "\(cadence.rawValue) window \(AuditChain.timestamp(start)) – \(AuditChain.timestamp(end))" }
}

/// Which windows are due for checking (issue 15 §5). Pure. A window is due once it has ended and
/// `grace` has passed (late labels arrive), and it is not done yet; the collector checks due
/// windows oldest first, so one that was down for days catches up window by window.
public enum DriftSchedule {
    /// The collector catches up at most this far back (the telemetry older than that is gone anyway).
    public static let maximumCatchUp = 400

    /// Due windows of `cadence`, oldest first: from the one holding `earliest` (the oldest
    /// telemetry) to the last whose end plus `grace` is at or before `now`, except `done`.
    public static func due(_ cadence: DriftCadence, earliest: Date, now: Date, grace: TimeInterval, done: Set<Date>) -> [DriftWindow] {
        guard earliest <= now else { return [] }
        var window = DriftWindow(cadence: cadence, containing: earliest)
        let newestDue = DriftWindow(cadence: cadence, containing: now.addingTimeInterval(-grace - cadence.seconds))
        // Jump over whole windows nobody can catch up on any more.
        let oldestKept = DriftWindow(cadence: cadence, containing: newestDue.start.addingTimeInterval(-Double(maximumCatchUp - 1) * cadence.seconds))
        if window < oldestKept { window = oldestKept }
        var due: [DriftWindow] = []
        while window.end.addingTimeInterval(grace) <= now {
            if !done.contains(window.start) { due.append(window) }
            window = window.next
        }
        return due
    }

    /// The reference period of a version on a device class: its first `days` UTC days of telemetry.
    public static func referencePeriod(firstSeen: Date, days: Int) -> (start: Date, end: Date) {
        let start = DriftWindow(cadence: .daily, containing: firstSeen).start
        return (start, start.addingTimeInterval(Double(days) * 86_400))
    }
}
