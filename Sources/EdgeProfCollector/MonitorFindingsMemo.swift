import EdgeProfCore
import Synchronization

/// The findings of runs already judged, by the runs they were judged against. Confirmation looks
/// at a device's last few runs, so each upload judges those runs again; a stored run never
/// changes, so the same run against the same baseline and the same recent runs gives the same
/// findings, and they are looked up instead. The monitor settings are the collector's for its
/// lifetime, as is this memo; it forgets everything when it reaches its capacity.
final class MonitorFindingsMemo: Sendable {
    /// What a judgement depends on besides the settings: the run and the runs it was judged against.
    struct Key: Hashable {
        var run: Int64
        var baseline: [Int64]
        var recent: [Int64]
    }

    static let capacity = 4096
    private let entries = Mutex<[Key: [MonitorFinding]]>([:])

    func findings(_ key: Key, evaluate: () -> [MonitorFinding]) -> [MonitorFinding] {
        if let known = entries.withLock({ $0[key] }) { return known }
        let judged = evaluate()
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = judged
        }
        return judged
    }

    var count: Int { entries.withLock { $0.count } }
}
