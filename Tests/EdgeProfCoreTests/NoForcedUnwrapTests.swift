import Foundation
import Testing

/// Issue 13: a database written by a newer edgeprof aborted with `try!` and a backtrace. No
/// source file traps on a value it did not make itself: no `try!`, `as!` or force-unwrap
/// anywhere in Sources (string literals and comments aside).
@Suite struct NoForcedUnwrapTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    /// The code of a Swift file with its string literals and comments blanked out.
    static func code(_ text: String) -> String {
        var result = ""
        var index = text.startIndex
        func starts(_ prefix: String) -> Bool { text[index...].hasPrefix(prefix) }
        while index < text.endIndex {
            if starts("//") {
                while index < text.endIndex, text[index] != "\n" { index = text.index(after: index) }
            } else if starts("/*") {
                guard let end = text.range(of: "*/", range: index..<text.endIndex) else { break }
                index = end.upperBound
            } else if starts("\"\"\"") {
                let open = text.index(index, offsetBy: 3)
                guard let end = text.range(of: "\"\"\"", range: open..<text.endIndex) else { break }
                index = end.upperBound
                result += "\"\""
            } else if text[index] == "\"" {
                index = text.index(after: index)
                while index < text.endIndex, text[index] != "\"", text[index] != "\n" {
                    if text[index] == "\\" { index = text.index(after: index) }
                    if index < text.endIndex { index = text.index(after: index) }
                }
                if index < text.endIndex { index = text.index(after: index) }
                result += "\"\""
            } else {
                result.append(text[index])
                index = text.index(after: index)
            }
        }
        return result
    }

    static func offences(in code: String) -> [String] {
        let patterns = [#"try!"#, #"\bas!"#, #"[A-Za-z0-9_\)\]]!(?!=)"#]
        return code.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { number, line in
            patterns.contains { line.range(of: $0, options: .regularExpression) != nil } ? "\(number + 1): \(line.trimmingCharacters(in: .whitespaces))" : nil
        }
    }

    @Test func theScannerSeesForcedUnwrapsButNotStringsOrNegation() {
        #expect(Self.offences(in: Self.code("let a = b!\nlet c = d[0]!.e\nx = try! f()\ny = z as! Int")).count == 4)
        #expect(Self.offences(in: Self.code("if !a, b != c { print(\"hi!\") } // wow!\nlet s = \"\"\"\n  done!\n  \"\"\"")).isEmpty)
    }

    @Test func noSourceFileForcesAnUnwrap() throws {
        let files = try #require(FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        #expect(files.count > 100, "the scan found the sources at \(Self.sources.path)")
        var found: [String] = []
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            found += Self.offences(in: Self.code(text)).map { "\(file.lastPathComponent):\($0)" }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }
}
