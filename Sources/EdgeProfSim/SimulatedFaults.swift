/// Link faults a simulated board injects into what it sends, to prove the host copes:
/// corrupted lines (one byte flipped) and bursts of garbage between lines.
public struct SimulatedFaults: Sendable, Codable, Hashable {
    /// Probability that a line has one byte altered in transit.
    public var corruptLineProbability = 0.0
    /// Probability that a burst of random bytes precedes a line.
    public var garbageProbability = 0.0

    public init(corruptLineProbability: Double = 0, garbageProbability: Double = 0) {
        self.corruptLineProbability = corruptLineProbability
        self.garbageProbability = garbageProbability
    }

    public var isNone: Bool { corruptLineProbability == 0 && garbageProbability == 0 }

    /// What actually goes on the wire for `line`.
    func apply(to line: [UInt8], random: inout SplitMix64) -> [UInt8] {
        var out: [UInt8] = []
        if garbageProbability > 0, random.nextUnit() < garbageProbability {
            let count = 1 + Int(random.next() % 24)
            out += (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) }.filter { $0 != 0x0A }
        }
        var body = line
        if corruptLineProbability > 0, random.nextUnit() < corruptLineProbability, body.count > 1 {
            let position = Int(random.next() % UInt64(body.count - 1))
            body[position] ^= UInt8(1 + random.next() % 0x1F)
            if body[position] == 0x0A { body[position] = 0x7E }
        }
        return out + body
    }
}
