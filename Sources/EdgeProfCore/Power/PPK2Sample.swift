/// One raw PPK2 measurement: a little-endian u32 every 10 µs (100 kS/s).
/// Bits 0–13 ADC, 14–16 measurement range (0–4), 18–23 a 6-bit counter (+1 per sample, for
/// loss detection), 24–31 the logic inputs D0–D7 (Nordic pc-nrfconnect-ppk, serialDevice).
public struct PPK2Sample: Sendable, Hashable {
    public static let size = 4
    public static let periodSeconds = 10e-6

    public var raw: UInt32

    public init(raw: UInt32) {
        self.raw = raw
    }

    @inline(__always) public var adc: UInt32 { raw & 0x3FFF }
    @inline(__always) public var range: Int { Int((raw >> 14) & 0x7) }
    @inline(__always) public var counter: UInt8 { UInt8((raw >> 18) & 0x3F) }
    @inline(__always) public var logic: UInt8 { UInt8(truncatingIfNeeded: raw >> 24) }
    /// At the top of the highest range (range 4, ADC 0x3FFF): the true current may be higher.
    @inline(__always) public var isSaturated: Bool { raw & 0x1_FFFF == 4 << 14 | 0x3FFF }

    public init(adc: UInt32, range: Int, counter: UInt8, logic: UInt8) {
        raw = (adc & 0x3FFF) | (UInt32(range & 0x7) << 14) | (UInt32(counter & 0x3F) << 18) | (UInt32(logic) << 24)
    }
}
