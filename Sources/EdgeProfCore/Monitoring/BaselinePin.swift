import Foundation

/// Reference runs chosen by a person as a device's baseline, instead of its first complete runs:
/// after a deliberate change (new firmware, a re-seated board) the lab pins the runs it trusts
/// and every later run is judged against them.
public struct BaselinePin: Sendable, Codable, Hashable {
    public var key: MonitorKey
    /// Ascending, without repeats.
    public var runIDs: [Int64]
    public var pinnedBy: String
    public var pinnedAt: Date
    public var reason: String

    public init(key: MonitorKey, runIDs: [Int64], pinnedBy: String, pinnedAt: Date, reason: String) {
        self.key = key
        self.runIDs = Array(Set(runIDs)).sorted()
        self.pinnedBy = pinnedBy
        self.pinnedAt = pinnedAt
        self.reason = reason
    }

    /// Most runs a pin may name.
    public static let maximumRuns = 200

    /// Why these runs cannot be the baseline of `key`, or nil when they can: at least `minimum`
    /// runs (fewer would leave the band checks inconclusive), each existing, complete and taken of
    /// that model version on that device. `found` holds the stored runs the store returned for `runIDs`.
    public static func problem(key: MonitorKey, runIDs: [Int64], found: [StoredRun], reason: String, minimum: Int) -> String? {
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { return "reason: say why these runs are the baseline" }
        guard Set(runIDs).count >= max(1, minimum) else {
            return "runIDs: name at least \(max(1, minimum)) runs (the collector's min-baseline-runs); fewer leave the band checks inconclusive"
        }
        guard runIDs.count <= maximumRuns else { return "runIDs: at most \(maximumRuns) runs" }
        let byID = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for id in Array(Set(runIDs)).sorted() {
            guard let run = byID[id] else { return "run \(id) does not exist on this collector" }
            guard MonitorKey(run) == key else {
                return "run \(id) is \(MonitorKey(run)), not \(key): a baseline is of one model version on one device"
            }
            guard run.run.status == .complete else { return "run \(id) is partial; only complete runs can be a baseline" }
        }
        return nil
    }
}

/// The body of `POST /v1/baselines`: which device, which runs, and why.
public struct BaselinePinRequest: Sendable, Codable, Hashable {
    public var model: String
    public var deviceClass: String
    public var device: String
    public var runIDs: [Int64]
    public var reason: String

    public init(key: MonitorKey, runIDs: [Int64], reason: String) {
        model = key.model
        deviceClass = key.deviceClass
        device = key.device
        self.runIDs = runIDs
        self.reason = reason
    }

    public var key: MonitorKey { MonitorKey(model: model, deviceClass: deviceClass, device: device) }
}
