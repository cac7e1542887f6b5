/// Link faults a simulated board injects into what crosses its link, to prove the host copes:
/// corrupted lines, garbage between lines, dropped bytes, lines cut mid-frame, a reset in the
/// middle of a run, and a baud-rate mismatch.
public struct SimulatedFaults: Sendable, Codable, Hashable {
    /// Probability that a line has one byte altered in transit.
    public var corruptLineProbability = 0.0
    /// Probability that a burst of random bytes precedes a line.
    public var garbageProbability = 0.0
    /// Probability that any one byte is lost.
    public var dropByteProbability = 0.0
    /// Probability that a line loses its tail, terminator included (it merges with the next).
    public var cutLineProbability = 0.0
    /// The board reboots (READY banner, sequence back to 0) after sending this many lines of a run.
    public var resetAfterRunLines: Int?
    /// Both sides' UARTs disagree on the baud rate: every byte arrives garbled, both ways.
    public var wrongBaud = false

    public init(
        corruptLineProbability: Double = 0, garbageProbability: Double = 0, dropByteProbability: Double = 0,
        cutLineProbability: Double = 0, resetAfterRunLines: Int? = nil, wrongBaud: Bool = false
    ) {
        self.corruptLineProbability = corruptLineProbability
        self.garbageProbability = garbageProbability
        self.dropByteProbability = dropByteProbability
        self.cutLineProbability = cutLineProbability
        self.resetAfterRunLines = resetAfterRunLines
        self.wrongBaud = wrongBaud
    }

    /// True when bytes cross the link unchanged.
    public var leavesBytesIntact: Bool {
        corruptLineProbability == 0 && garbageProbability == 0 && dropByteProbability == 0 && cutLineProbability == 0 && !wrongBaud
    }

    /// What actually goes on the wire for one line the board sends.
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
        if cutLineProbability > 0, random.nextUnit() < cutLineProbability, body.count > 2 {
            body = Array(body.prefix(1 + Int(random.next() % UInt64(body.count - 2))))
        }
        if dropByteProbability > 0 {
            body = body.filter { _ in random.nextUnit() >= dropByteProbability }
        }
        out += body
        return wrongBaud ? out.map(Self.misclocked) : out
    }

    /// What a byte becomes when the receiver samples at twice the sender's baud rate, roughly:
    /// its bits smeared into the high half, never a clean newline.
    static func misclocked(_ byte: UInt8) -> UInt8 {
        (byte >> 1) | 0x80
    }

    /// The board's side of a baud mismatch: bytes garbled, but its UART still ends a frame on
    /// the host's newlines (line idle), so it answers each garbled line with an error.
    static func misclockedKeepingLines(_ byte: UInt8) -> UInt8 {
        byte == 0x0A ? byte : misclocked(byte)
    }
}
