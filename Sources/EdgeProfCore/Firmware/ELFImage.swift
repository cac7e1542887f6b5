/// A 32-bit little-endian ARM ELF file as far as memory figures need it: its sections and
/// program segments. Pure: bytes in, values out; every malformed input is an `ELFError`.
public struct ELFImage: Sendable, Hashable {
    /// One section header, with its name resolved.
    public struct Section: Sendable, Hashable, Codable {
        public var name: String
        public var type: UInt32
        public var flags: UInt32
        public var address: UInt32
        public var size: UInt32

        public var isAllocated: Bool { flags & 0x2 != 0 }
        public var isWritable: Bool { flags & 0x1 != 0 }
        public var isExecutable: Bool { flags & 0x4 != 0 }
        /// SHT_NOBITS: occupies memory but no file bytes (.bss, reservations).
        public var hasNoBits: Bool { type == 8 }
    }

    /// One program header (segment).
    public struct Segment: Sendable, Hashable, Codable {
        public var type: UInt32
        public var virtualAddress: UInt32
        public var physicalAddress: UInt32
        public var fileSize: UInt32
        public var memorySize: UInt32
        public var flags: UInt32
    }

    public static let machineARM: UInt16 = 40

    public var machine: UInt16
    public var entry: UInt32
    /// SHN_XINDEX: the real section-name table index is in section 0's sh_link.
    static let extendedIndex = 0xffff

    public var sections: [Section]
    public var segments: [Segment]
    /// The GNU build-id note (`ld --build-id`) in lowercase hex, as `readelf -n` prints it; nil
    /// when the image has none. Firmware that announces it as its Link v1 `build` lets a flasher
    /// confirm that the board runs this very image.
    public var buildID: String?

    public init(bytes: [UInt8]) throws(ELFError) {
        let reader = Reader(bytes: bytes)
        guard bytes.count >= 4, bytes[0] == 0x7F, bytes[1] == 0x45, bytes[2] == 0x4C, bytes[3] == 0x46 else {
            throw .notELF
        }
        guard bytes.count >= 52 else { throw .truncated(what: "the ELF header", end: 52, size: bytes.count) }
        guard bytes[4] == 1 else { throw .unsupported("a 64-bit ELF (class \(bytes[4])); firmware for Cortex-M is 32-bit") }
        guard bytes[5] == 1 else { throw .unsupported("a big-endian ELF (data encoding \(bytes[5])); Cortex-M firmware is little-endian") }
        machine = try reader.u16(at: 18)
        guard machine == Self.machineARM else { throw .wrongMachine(machine) }
        entry = try reader.u32(at: 24)
        let programOffset = Int(try reader.u32(at: 28))
        let sectionOffset = Int(try reader.u32(at: 32))
        let programEntrySize = Int(try reader.u16(at: 42))
        let programCount = Int(try reader.u16(at: 44))
        let sectionEntrySize = Int(try reader.u16(at: 46))
        var sectionCount = Int(try reader.u16(at: 48))
        var namesIndex = Int(try reader.u16(at: 50))
        // Extended numbering (65 280 sections or more): e_shnum 0 and e_shstrndx SHN_XINDEX say
        // that section 0's sh_size and sh_link hold the real count and index.
        if sectionOffset != 0, sectionEntrySize >= 40, sectionCount == 0 || namesIndex == Self.extendedIndex {
            try reader.require(sectionOffset, sectionEntrySize, "the first section header (extended section numbering)")
            if sectionCount == 0 { sectionCount = Int(try reader.u32(at: sectionOffset + 20)) }
            if namesIndex == Self.extendedIndex { namesIndex = Int(try reader.u32(at: sectionOffset + 24)) }
        }

        if programCount > 0 {
            guard programEntrySize >= 32 else { throw .malformed("program headers of \(programEntrySize) bytes (at least 32 expected)") }
            try reader.require(programOffset, programEntrySize * programCount, "the program header table")
        }
        segments = []
        for index in 0..<programCount {
            let base = programOffset + index * programEntrySize
            segments.append(Segment(
                type: try reader.u32(at: base), virtualAddress: try reader.u32(at: base + 8), physicalAddress: try reader.u32(at: base + 12),
                fileSize: try reader.u32(at: base + 16), memorySize: try reader.u32(at: base + 20), flags: try reader.u32(at: base + 24)))
        }

        guard sectionCount > 0 else { throw .malformed("no section headers (a stripped image?): sizes come from sections") }
        guard sectionEntrySize >= 40 else { throw .malformed("section headers of \(sectionEntrySize) bytes (at least 40 expected)") }
        try reader.require(sectionOffset, sectionEntrySize * sectionCount, "the section header table")
        guard namesIndex < sectionCount else { throw .malformed("the section-name table index \(namesIndex) is beyond \(sectionCount) sections") }
        let namesBase = sectionOffset + namesIndex * sectionEntrySize
        let namesOffset = Int(try reader.u32(at: namesBase + 16))
        let namesSize = Int(try reader.u32(at: namesBase + 20))
        try reader.require(namesOffset, namesSize, "the section-name table")
        sections = []
        for index in 0..<sectionCount {
            let base = sectionOffset + index * sectionEntrySize
            let nameOffset = Int(try reader.u32(at: base))
            guard nameOffset < max(namesSize, 1) else { throw .malformed("section \(index)'s name lies outside the section-name table") }
            sections.append(Section(
                name: reader.cString(at: namesOffset + nameOffset, limit: namesOffset + namesSize), type: try reader.u32(at: base + 4),
                flags: try reader.u32(at: base + 8), address: try reader.u32(at: base + 12), size: try reader.u32(at: base + 20)))
        }
        buildID = nil
        for index in 0..<sectionCount where sections[index].type == Self.noteSection {
            let base = sectionOffset + index * sectionEntrySize
            let notes = (offset: Int(try reader.u32(at: base + 16)), size: Int(sections[index].size))
            if let found = try reader.gnuBuildID(notesAt: notes.offset, size: notes.size) {
                buildID = found
                break
            }
        }
    }

    static let noteSection: UInt32 = 7

    /// Bounds-checked little-endian reads.
    private struct Reader {
        let bytes: [UInt8]

        func require(_ offset: Int, _ length: Int, _ what: String) throws(ELFError) {
            guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count - offset else {
                throw .truncated(what: what, end: offset + length, size: bytes.count)
            }
        }

        func u16(at offset: Int) throws(ELFError) -> UInt16 {
            try require(offset, 2, "a header field")
            return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
        }

        func u32(at offset: Int) throws(ELFError) -> UInt32 {
            try require(offset, 4, "a header field")
            return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
        }

        /// Walks the notes of one SHT_NOTE section for NT_GNU_BUILD_ID (type 3, owner "GNU").
        func gnuBuildID(notesAt offset: Int, size: Int) throws(ELFError) -> String? {
            try require(offset, size, "a note section")
            var cursor = offset
            let end = offset + size
            while end - cursor >= 12 {
                let nameSize = Int(try u32(at: cursor))
                let descriptionSize = Int(try u32(at: cursor + 4))
                let type = try u32(at: cursor + 8)
                let nameStart = cursor + 12
                let descriptionStart = nameStart + (nameSize + 3) / 4 * 4
                let next = descriptionStart + (descriptionSize + 3) / 4 * 4
                guard nameSize <= size, descriptionSize <= size, next <= end else { throw .malformed("a note runs past the end of its section") }
                if type == 3, nameSize == 4, Array(bytes[nameStart..<nameStart + 4]) == [0x47, 0x4E, 0x55, 0x00], descriptionSize > 0 {
                    return bytes[descriptionStart..<descriptionStart + descriptionSize].map { byte in
                        let digits = String(byte, radix: 16)
                        return digits.count == 1 ? "0" + digits : digits
                    }.joined()
                }
                cursor = next
            }
            return nil
        }

        func cString(at offset: Int, limit: Int) -> String {
            var end = offset
            while end < min(limit, bytes.count), bytes[end] != 0 { end += 1 }
            return String(decoding: bytes[offset..<max(offset, end)], as: UTF8.self)
        }
    }
}

/// What is wrong with a file given as firmware, with what was expected.
public enum ELFError: Error, Sendable, Hashable, CustomStringConvertible {
    case notELF
    case unsupported(String)
    case wrongMachine(UInt16)
    case truncated(what: String, end: Int, size: Int)
    case malformed(String)

    public var description: String {
        switch self {
        case .notELF: "not an ELF file (no \\x7FELF magic): give the .elf the firmware build produces, not a .bin or .hex"
        case .unsupported(let what): "\(what)"
        case .wrongMachine(let machine): "an ELF for machine \(machine)\(machine == 62 ? " (x86-64)" : machine == 183 ? " (AArch64)" : ""), not ARM (40): give the Cortex-M firmware's ELF"
        case .truncated(let what, let end, let size): "truncated: \(what) would end at byte \(end) but the file has \(size) bytes"
        case .malformed(let problem): "malformed ELF: \(problem)"
        }
    }
}
