/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor): the checksum
/// that ends every EdgeProf Link v1 line.
public enum LinkCRC16 {
    public static let initial: UInt16 = 0xFFFF

    @usableFromInline static let table: [UInt16] = (0..<256).map { byte in
        var crc = UInt16(byte) << 8
        for _ in 0..<8 {
            crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1
        }
        return crc
    }

    /// Continues `crc` over `bytes`.
    @inlinable
    public static func checksum<Bytes: Sequence<UInt8>>(_ bytes: Bytes, startingWith crc: UInt16 = initial) -> UInt16 {
        var crc = crc
        table.withUnsafeBufferPointer { table in
            for byte in bytes {
                crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
            }
        }
        return crc
    }
}
