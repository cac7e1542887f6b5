import Foundation

/// When each device of a telemetry batch was last heard answering. Pure.
public enum InferenceContact {
    /// Per device, its latest answer in `records`, never later than `receivedAt`: a record timed
    /// ahead (a device's clock may run up to a day fast) counts as heard when it arrived.
    public static func latest(_ records: [InferenceRecord], receivedAt: Date) -> [(device: String, at: Date)] {
        var latest: [String: Date] = [:]
        for record in records {
            let answered = min(record.at, receivedAt)
            if let known = latest[record.device], known >= answered { continue }
            latest[record.device] = answered
        }
        return latest.sorted { $0.key < $1.key }.map { (device: $0.key, at: $0.value) }
    }
}
