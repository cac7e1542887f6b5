/// One class's canary for one rollout, drawn once: its members, its slots, the class's size.
public struct CanaryDraw: Sendable, Hashable {
    public var members: Set<String>
    public var slots: Int
    public var classSize: Int

    public init(_ devices: [String], rollout: String, share: Double) {
        let unique = Array(Set(devices))
        let slots = Int((share * Double(unique.count)).rounded(.down))
        let candidates: [(device: String, bucket: Double)] = unique.compactMap { device in
            let bucket = RolloutBucket.of(device: device, rollout: rollout)
            return bucket < share ? (device, bucket) : nil
        }
        let ranked = candidates.sorted { first, second in
            first.bucket == second.bucket ? first.device < second.device : first.bucket < second.bucket
        }
        members = Set(ranked.prefix(slots).map { $0.device })
        self.slots = slots
        classSize = unique.count
    }
}
