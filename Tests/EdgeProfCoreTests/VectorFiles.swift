import Foundation

/// Reads the tab-separated vector files of firmware-protocols/ and the test fixtures.
enum VectorFiles {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let linkVectors = repository.appendingPathComponent("firmware-protocols/edgeprof-link/v1/vectors")

    /// Rows of a vector file, split on tabs, comments skipped.
    static func rows(_ name: String) throws -> [[String]] {
        let text = try String(contentsOf: linkVectors.appendingPathComponent(name), encoding: .utf8)
        return text.split(separator: "\n", omittingEmptySubsequences: true)
            .filter { !$0.hasPrefix("#") }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Decodes the `\xNN` escapes of the vector files.
    static func bytes(_ escaped: String) -> [UInt8] {
        var out: [UInt8] = []
        let chars = Array(escaped.utf8)
        var index = 0
        while index < chars.count {
            if chars[index] == UInt8(ascii: "\\"), index + 3 < chars.count, chars[index + 1] == UInt8(ascii: "x"),
               let value = UInt8(String(decoding: chars[(index + 2)...(index + 3)], as: UTF8.self), radix: 16)
            {
                out.append(value)
                index += 4
            } else {
                out.append(chars[index])
                index += 1
            }
        }
        return out
    }
}
