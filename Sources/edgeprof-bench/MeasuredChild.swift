import Foundation

/// Runs a command with its output thrown away and reports its wall time and peak resident
/// memory as GNU time measures it (`%M`). Not wait4 from here: Linux keeps the spawning
/// process's own peak in the child's across exec, so a large benchmark process would hide a
/// small child's figure; GNU time forks from a small process.
struct MeasuredChild {
    var seconds: Double
    var peakMB: Double

    static let time = "/usr/bin/time"

    /// Fails when GNU time is missing, or the command cannot start or exits with another status
    /// than `accepted` (a drift check's 1 and 2 are verdicts, not failures).
    static func run(_ executable: String, _ arguments: [String], accepted: Set<Int32> = [0]) throws -> MeasuredChild {
        guard FileManager.default.isExecutableFile(atPath: time) else {
            throw BenchFailure("\(time) is missing. Fix: apt-get install time (GNU time measures the peak memory)")
        }
        let report = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-bench-time-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: report) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: time)
        process.arguments = ["-f", "%M", "-o", report, executable] + arguments
        process.standardOutput = FileHandle.nullDevice
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        process.waitUntilExit()
        let elapsed = clock.now - start
        guard accepted.contains(process.terminationStatus) else {
            throw BenchFailure("\(executable) \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus))")
        }
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        guard let kilobytes = text.split(separator: "\n").last.flatMap({ Double($0.trimmingCharacters(in: .whitespaces)) }) else {
            throw BenchFailure("GNU time reported no peak memory: \(text)")
        }
        return MeasuredChild(seconds: IngestBenchmark.seconds(elapsed), peakMB: kilobytes / 1024)
    }

    /// The fastest of `rounds` runs, with the largest peak memory seen.
    static func best(of rounds: Int, _ executable: String, _ arguments: [String], accepted: Set<Int32> = [0]) throws -> MeasuredChild {
        var best = MeasuredChild(seconds: .infinity, peakMB: 0)
        for _ in 0..<rounds {
            let measured = try run(executable, arguments, accepted: accepted)
            best = MeasuredChild(seconds: min(best.seconds, measured.seconds), peakMB: max(best.peakMB, measured.peakMB))
        }
        return best
    }
}
