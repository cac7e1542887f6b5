import Foundation

/// `edgeprof-bench`: throughput benchmarks of the hot paths, reported as ratios against
/// baselines measured in the same run. Build with `-c release` for meaningful figures.
@main
struct BenchmarkMain {
    static func main() {
        let lines = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 200_000
        let benchmark = LinkDecoderBenchmark(lines: lines)
        print("EdgeProf Link v1 decoder: \(benchmark.lineCount) device lines, \(benchmark.corpus.count) bytes, best of 5 rounds")
        let swift = measure(lines: benchmark.lineCount) { benchmark.swiftDecoder() }
        let c = measure(lines: benchmark.lineCount) { benchmark.cReferenceParser() }
        let floor = measure(lines: benchmark.lineCount) { benchmark.splitAndChecksum() }
        report("Swift decoder (assemble, check, typed message)", swift, against: c)
        report("C reference parser (assemble, check, locate fields)", c, against: c)
        report("split + CRC only (floor)", floor, against: c)
        print(String(format: "Swift decoder / C reference parser: %.2f", swift / c))
    }

    /// Lines per second, best of five rounds.
    static func measure(lines: Int, _ body: () -> Int) -> Double {
        var best = Double.infinity
        for _ in 0..<5 {
            let clock = ContinuousClock()
            var decoded = 0
            let elapsed = clock.measure { decoded = body() }
            precondition(decoded == lines, "decoded \(decoded) of \(lines) lines")
            best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        return Double(lines) / best
    }

    static func report(_ name: String, _ linesPerSecond: Double, against baseline: Double) {
        let padded = name.padding(toLength: 54, withPad: " ", startingAt: 0)
        print(padded + String(format: "%12.0f lines/s  %5.2f× C", linesPerSecond, linesPerSecond / baseline))
    }
}
