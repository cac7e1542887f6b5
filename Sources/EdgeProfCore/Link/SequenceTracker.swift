/// Counts lines lost from a sender's sequence numbers (16 bits, wrapping). A number seen
/// again or earlier counts as one disorder, not 65 535 losses.
public struct SequenceTracker: Sendable, Hashable {
    private var expected: UInt16?
    public private(set) var lost = 0

    public init(expecting next: UInt16? = nil) {
        expected = next
    }

    /// Records `sequence`; returns how many lines went missing just before it.
    @discardableResult
    public mutating func observe(_ sequence: UInt16) -> Int {
        defer { expected = sequence &+ 1 }
        guard let expected, sequence != expected else { return 0 }
        let gap = sequence &- expected
        let missing = gap < 0x8000 ? Int(gap) : 1
        lost += missing
        return missing
    }

    /// Forgets the expected number (the sender rebooted and restarts at 0).
    public mutating func restart() {
        expected = nil
    }
}
