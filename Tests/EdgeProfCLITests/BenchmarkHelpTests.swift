import Foundation
import Testing

/// `edgeprof-bench` says what it measures when asked, and refuses a name it does not know
/// instead of measuring nothing in silence.
@Suite struct BenchmarkHelpTests {
    static var binary: String {
        URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().appendingPathComponent("edgeprof-bench").path
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test func helpListsEveryBenchmark() throws {
        let help = try Self.run(["--help"])
        #expect(help.status == 0)
        for name in ["link", "ppk2", "emulated", "ingest", "telemetry", "alerts", "fleet"] {
            #expect(help.stdout.contains("\n  \(name) "), "\(name) is missing from: \(help.stdout)")
        }
    }

    @Test func anUnknownBenchmarkIsAUsageError() throws {
        let unknown = try Self.run(["linkk"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.hasPrefix("edgeprof-bench: no benchmark named 'linkk'"))
        #expect(unknown.stdout.isEmpty, "nothing was measured")
    }
}
