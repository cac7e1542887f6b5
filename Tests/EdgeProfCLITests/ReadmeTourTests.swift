import Foundation
import Testing

/// Issue 13: the README tour, followed literally, failed at several steps (files from nowhere, a
/// model never registered, kws against kws-tiny). This runs its first block as written, with the
/// built binary on the PATH instead of its `swift build` line.
@Suite struct ReadmeTourTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func tour() throws -> String {
        let readme = try String(contentsOf: repository.appendingPathComponent("README.md"), encoding: .utf8)
        guard let section = readme.range(of: "## Tour\n"), let open = readme.range(of: "```sh\n", range: section.upperBound..<readme.endIndex),
              let close = readme.range(of: "\n```\n", range: open.upperBound..<readme.endIndex) else { return "" }
        return String(readme[open.upperBound..<close.lowerBound])
    }

    @Test(.timeLimit(.minutes(3))) func theTourRunsAsWritten() async throws {
        let script = try Self.tour()
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first?.hasPrefix("swift build && export PATH=") == true, "the tour starts by building: \(lines.first ?? "")")
        // Whatever stops the tour early, its background board is stopped too. The trap must not
        // fail the tour: a board the tour's own `kill` stopped may be gone but still listed.
        let body = "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT\n" + lines.dropFirst().joined(separator: "\n")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-euo", "pipefail", "-c", body]
        process.currentDirectoryURL = Self.repository
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["EDGEPROF_SIMS"] = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-tour-sims-\(UUID())").path
        environment.removeValue(forKey: "EDGEPROF_ACTOR")
        process.environment = environment
        // A file, not a pipe: a background process still holding the output cannot hang the test.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-tour-\(UUID()).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        defer { try? FileManager.default.removeItem(at: log) }
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        // Waited for on a thread of its own: the tour takes a while, and a blocked thread of the
        // small cooperative pool would starve the tests that run a collector meanwhile.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                process.waitUntilExit()
                continuation.resume()
            }.start()
        }
        try handle.close()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let trouble = text.split(separator: "\n").filter { $0.contains("rror") || $0.contains("atal") || $0.contains("Killed") || $0.contains("ignal") }
        #expect(process.terminationStatus == 0, "the tour stopped (exit \(process.terminationStatus)); its complaints:\n\(trouble.joined(separator: "\n"))\nits end:\n\(text.suffix(3000))")
        #expect(text.contains("Edge-performance gate: PASS") || text.contains("PASS"), "\(text.suffix(2000))")
    }
}
