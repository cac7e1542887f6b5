/// When devices that stopped answering make a serving outage (the outage playbook, 003 §7).
/// Only devices that take part in serving count: those whose agent reports their serving state or
/// whose inferences reach the collector (a board only ever profiled on a bench serves no one).
/// Such a device is silent, and what it serves flagged stale, after `afterMinutes` with no run,
/// report or inference; a version on a device class is in outage once `share` of its devices are
/// silent. A device silent for more than `forgetDays` is taken as gone from the fleet and no longer
/// counts. The default 10 minutes leaves a sweep's margin inside the documents' 15-minute
/// detection clock for critical incidents.
public struct OutagePolicy: Sendable, Hashable, Codable {
    public var afterMinutes = 10
    public var share = 0.5
    public var forgetDays = 7

    public init() {}

    /// `afterMinutes` in seconds.
    public var after: Double { Double(afterMinutes) * 60 }
    /// `forgetDays` in seconds.
    public var forget: Double { Double(forgetDays) * 86_400 }
}
