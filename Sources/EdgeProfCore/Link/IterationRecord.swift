/// One `REC` line of Link v1.1 (SPEC §7): all or part of one iteration's events, its ticks as
/// deltas (on the wire: LEB128 varints, steps between deltas after a line's first token, base64url). A record that begins an iteration carries its start tick; one that
/// ends it carries the end tick's delta and the energy. Deltas of later lines continue from the
/// previous line's last token, so `RecordCursor` turns a sequence of them back into ticks.
public struct IterationRecord: Sendable, Hashable {
    public var iteration: UInt32
    /// The shadow model's run of `iteration` (SITER/STOK/SDONE when sent as lines).
    public var shadow: Bool
    public var warmup: Bool
    /// The iteration's start tick, on the line that begins it.
    public var startTicks: UInt64?
    /// The index of this line's first token.
    public var firstToken: UInt32
    /// Each token's tick minus the previous one (the start tick for token 0).
    public var tokenDeltas: [UInt64]
    /// Each token's id, when the board reports ids.
    public var tokenIDs: [UInt64]?
    /// On the line that ends the iteration: its end tick minus the last token's (or the start's).
    public var endDelta: UInt64?
    public var energyNanojoules: UInt64?

    public init(
        iteration: UInt32, shadow: Bool = false, warmup: Bool = false, startTicks: UInt64?, firstToken: UInt32 = 0,
        tokenDeltas: [UInt64], tokenIDs: [UInt64]? = nil, endDelta: UInt64?, energyNanojoules: UInt64? = nil
    ) {
        self.iteration = iteration
        self.shadow = shadow
        self.warmup = warmup
        self.startTicks = startTicks
        self.firstToken = firstToken
        self.tokenDeltas = tokenDeltas
        self.tokenIDs = tokenIDs
        self.endDelta = endDelta
        self.energyNanojoules = energyNanojoules
    }
}

/// Reads and writes the `d=` value of a REC line: a flags byte, then LEB128 varints, in base64url
/// without padding (SPEC §7). Pure; every malformed record is refused with what is wrong.
public enum IterationRecordCodec {
    static let begins: UInt8 = 0x01, warmup: UInt8 = 0x02, ids: UInt8 = 0x04, ends: UInt8 = 0x08, energy: UInt8 = 0x10, shadow: UInt8 = 0x20
    static let knownFlags: UInt8 = 0x3F

    /// Decodes a record of iteration `iteration` from its `d=` value; the error says what is wrong.
    public static func decode(iteration: UInt32, blob text: String.UTF8View) throws(IterationRecordError) -> IterationRecord {
        try decode(iteration: iteration, bytes: try base64URLDecode(text))
    }

    /// Decodes a record of iteration `iteration` from its bytes (a REC line's `d=` once decoded,
    /// or a record frame's record, SPEC §8).
    public static func decode(iteration: UInt32, bytes: [UInt8]) throws(IterationRecordError) -> IterationRecord {
        var reader = VarintReader(bytes: bytes)
        return try decode(iteration: iteration, reading: &reader)
    }

    /// Decodes the record that fills `reader`'s bytes from its offset on.
    static func decode(iteration: UInt32, reading reader: inout VarintReader) throws(IterationRecordError) -> IterationRecord {
        guard let flags = reader.byte() else { throw .init("is empty") }
        guard flags & ~knownFlags == 0 else { throw .init("has unknown flag bits \(flags & ~knownFlags)") }
        let shadow = flags & Self.shadow != 0, ends = flags & Self.ends != 0
        guard !(shadow && flags & warmup != 0) else { throw .init("marks a shadow iteration as a warmup") }
        guard ends || flags & energy == 0 else { throw .init("carries energy on a line that does not end the iteration") }
        let first = try reader.varint("the first token index"), count = try reader.varint("the token count")
        let (past, overflowed) = first.addingReportingOverflow(count)
        guard !overflowed, past <= UInt64(RunRequest.tokenLimit) else { throw .init("goes past token \(RunRequest.tokenLimit)") }
        guard flags & begins != 0 || first > 0 else { throw .init("continues an iteration from token 0") }
        guard ends || count > 0 else { throw .init("neither carries a token nor ends the iteration") }
        let start: UInt64? = flags & begins != 0 ? try reader.varint("the start tick") : nil
        var deltas: [UInt64] = []
        var identifiers: [UInt64]? = flags & ids != 0 ? [] : nil
        deltas.reserveCapacity(Int(count))
        var tick = start ?? 0
        for index in 0..<count {
            let value = try reader.varint("a token delta")
            let delta = index == 0 ? value : (deltas.last ?? 0) &+ unzigzag(value)
            deltas.append(delta)
            if identifiers != nil { identifiers?.append(try reader.varint("a token id")) }
            tick = try advance(tick, by: delta)
        }
        var endDelta: UInt64?
        var energy: UInt64?
        if ends {
            let delta = try reader.varint("the end delta")
            _ = try advance(tick, by: delta)
            endDelta = delta
            if flags & Self.energy != 0 { energy = try reader.varint("the energy") }
        }
        guard reader.atEnd else { throw .init("has \(reader.bytes.count - reader.offset) bytes after its last field") }
        return IterationRecord(
            iteration: iteration, shadow: shadow, warmup: flags & warmup != 0, startTicks: start, firstToken: UInt32(first),
            tokenDeltas: deltas, tokenIDs: identifiers, endDelta: endDelta, energyNanojoules: energy)
    }

    /// Ticks of a line that begins at its own start tick must not pass 2^64 − 1; later lines are
    /// checked against the ticks they continue from (`RecordCursor`).
    private static func advance(_ tick: UInt64, by delta: UInt64) throws(IterationRecordError) -> UInt64 {
        let (sum, overflow) = tick.addingReportingOverflow(delta)
        guard !overflow else { throw .init("has ticks past 2^64 − 1") }
        return sum
    }

    /// The `d=` value of `record`, spelled as a board built on the C reference spells it (for tests).
    public static func encode(_ record: IterationRecord) -> String {
        base64URLEncode(bytes(of: record))
    }

    /// The bytes of `record` as SPEC §7.2 lays them out, before any spelling.
    public static func bytes(of record: IterationRecord) -> [UInt8] {
        var flags: UInt8 = record.startTicks == nil ? 0 : begins
        if record.warmup { flags |= warmup }
        if record.tokenIDs != nil { flags |= ids }
        if record.shadow { flags |= shadow }
        if record.endDelta != nil { flags |= ends }
        if record.endDelta != nil, record.energyNanojoules != nil { flags |= energy }
        var bytes: [UInt8] = [flags]
        appendVarint(UInt64(record.firstToken), to: &bytes)
        appendVarint(UInt64(record.tokenDeltas.count), to: &bytes)
        if let start = record.startTicks { appendVarint(start, to: &bytes) }
        for (index, delta) in record.tokenDeltas.enumerated() {
            appendVarint(index == 0 ? delta : zigzag(delta &- record.tokenDeltas[index - 1]), to: &bytes)
            if let id = record.tokenIDs?[index] { appendVarint(id, to: &bytes) }
        }
        if let end = record.endDelta {
            appendVarint(end, to: &bytes)
            if let energy = record.energyNanojoules { appendVarint(energy, to: &bytes) }
        }
        return bytes
    }

    /// A line's first token travels as its delta, every later one as the zigzag code of its delta
    /// minus the one before, taken modulo 2^64: decode steps take about as long as each other.
    static func zigzag(_ difference: UInt64) -> UInt64 {
        difference << 1 ^ (0 &- (difference >> 63))
    }

    static func unzigzag(_ value: UInt64) -> UInt64 {
        value >> 1 ^ (0 &- (value & 1))
    }

    /// Appends `value` as an unsigned LEB128 varint.
    public static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let sextets: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    /// `bytes` in base64url (RFC 4648 §5) without padding.
    public static func base64URLEncode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = UInt32(0)
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * offset) }
            for sextet in 0...chunk.count { out.append(alphabet[Int(value >> (18 - 6 * sextet) & 63)]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Canonical base64url without padding: every character from the alphabet, no length of 4n + 1,
    /// and zero bits after the last byte, so that each record has exactly one spelling.
    static func base64URLDecode(_ text: String.UTF8View) throws(IterationRecordError) -> [UInt8] {
        guard text.count % 4 != 1 else { throw .init("is not base64url: \(text.count) characters") }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.count * 3 / 4)
        var accumulator = UInt32(0), bits = 0
        for character in text {
            let sextet = sextets[Int(character)]
            guard sextet != 0xFF else { throw .init("is not base64url: '\(Character(Unicode.Scalar(character)))'") }
            accumulator = accumulator << 6 | UInt32(sextet)
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        guard accumulator == 0 else { throw .init("is not canonical base64url: its last character has bits past the data") }
        return bytes
    }
}

/// Reads LEB128 varints: at most 10 bytes, within 64 bits, and minimal (no trailing zero group).
struct VarintReader {
    let bytes: [UInt8]
    private(set) var offset: Int

    init(bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var atEnd: Bool { offset == bytes.count }

    mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func varint(_ what: String) throws(IterationRecordError) -> UInt64 {
        var value = UInt64(0)
        for group in 0..<10 {
            guard let byte = byte() else { throw .init("ends inside \(what)") }
            let payload = UInt64(byte & 0x7F)
            guard group < 9 || payload <= 1 else { throw .init("has \(what) past 2^64 − 1") }
            value |= payload << UInt64(7 * group)
            if byte & 0x80 == 0 {
                guard group == 0 || payload != 0 else { throw .init("has \(what) in a non-minimal varint") }
                return value
            }
        }
        throw .init("has \(what) longer than 10 bytes")
    }
}

/// Why a REC line's record was refused.
public struct IterationRecordError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problem: String

    init(_ problem: String) {
        self.problem = problem
    }

    public var description: String { "the record \(problem)" }
}
