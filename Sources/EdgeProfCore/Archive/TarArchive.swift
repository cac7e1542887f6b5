/// Writes POSIX ustar archives (what `tar -xf` reads everywhere). Pure: files in, bytes out.
public enum TarArchive {
    /// One file of an archive; `name` is at most 100 bytes of a relative path.
    public struct Entry: Sendable, Hashable {
        public var name: String
        public var contents: [UInt8]

        public init(name: String, contents: [UInt8]) {
            self.name = name
            self.contents = contents
        }
    }

    public enum ArchiveError: Error, Sendable, Hashable, CustomStringConvertible {
        case nameTooLong(String)

        public var description: String {
            switch self {
            case .nameTooLong(let name): "archive entry name longer than 100 bytes: \(name)"
            }
        }
    }

    /// The archive: a 512-byte header and padded contents per entry, then two zero blocks.
    public static func archive(_ entries: [Entry], modifiedAt seconds: Int) throws(ArchiveError) -> [UInt8] {
        var out: [UInt8] = []
        for entry in entries {
            out += try header(for: entry, modifiedAt: seconds)
            out += entry.contents
            out += [UInt8](repeating: 0, count: (512 - entry.contents.count % 512) % 512)
        }
        out += [UInt8](repeating: 0, count: 1024)
        return out
    }

    private static func header(for entry: Entry, modifiedAt seconds: Int) throws(ArchiveError) -> [UInt8] {
        let name = Array(entry.name.utf8)
        guard !name.isEmpty, name.count <= 100 else { throw .nameTooLong(entry.name) }
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int) {
            block.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
        }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let digits = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(0o644, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(entry.contents.count, width: 12), at: 124)
        put(octal(seconds, width: 12), at: 136)
        put(Array("        ".utf8), at: 148)
        block[156] = UInt8(ascii: "0")
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(Array("edgeprof".utf8), at: 265)
        put(Array("edgeprof".utf8), at: 297)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7) + [UInt8(ascii: " ")], at: 148)
        return block
    }
}
