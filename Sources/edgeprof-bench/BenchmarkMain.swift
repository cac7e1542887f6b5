import Foundation

/// `edgeprof-bench`: throughput benchmarks of the hot paths, reported as ratios against
/// baselines measured in the same run. Build with `-c release` for meaningful figures.
@main
struct BenchmarkMain {
    static func main() async {
        let which = CommandLine.arguments.dropFirst().first ?? "all"
        if which == "all" || which == "link" { linkDecoder() }
        if which == "all" || which == "ppk2" { ppk2Pipeline() }
        if which == "all" || which == "emulated" { EmulatedProfileBenchmark.run() }
        if which == "all" || which == "ingest" { await IngestBenchmark.run() }
        if which == "all" || which == "telemetry" { await TelemetryIngestBenchmark.run() }
        if which == "all" || which == "alerts" { AlertBenchmark.run() }
        if which == "fleet" {
            let sizes = CommandLine.arguments.dropFirst(2).compactMap { Int($0) }
            await FleetBenchmark.run(sizes: sizes.isEmpty ? [100, 1_000, 10_000] : sizes)
        }
    }

    static func ppk2Pipeline() {
        let benchmark = PPK2PipelineBenchmark(samples: 10_000_000)
        print("PPK2 decode + calibrate + integrate: \(benchmark.sampleCount) samples (100 s at 100 kS/s), best of 5 rounds")
        var swiftResult = (samples: 0, joules: 0.0)
        var cResult = (samples: 0, joules: 0.0)
        let swift = measure(lines: benchmark.sampleCount) {
            swiftResult = benchmark.swiftAnalyzer()
            return swiftResult.samples
        }
        let c = measure(lines: benchmark.sampleCount) {
            cResult = benchmark.cBaseline()
            return cResult.samples
        }
        report("Swift PowerAnalyzer (64 KiB chunks)", swift, against: c, unit: "samples/s")
        report("C loop, same work", c, against: c, unit: "samples/s")
        print(String(format: "Swift / C: %.2f; energies agree to %.1e relative", swift / c, abs(swiftResult.joules - cResult.joules) / cResult.joules))
    }

    static func linkDecoder() {
        let lines = 200_000
        let benchmark = LinkDecoderBenchmark(lines: lines)
        print("EdgeProf Link v1 decoder: \(benchmark.lineCount) device lines, \(benchmark.corpus.count) bytes, best of 5 rounds")
        let swift = measure(lines: benchmark.lineCount) { benchmark.swiftDecoder() }
        let c = measure(lines: benchmark.lineCount) { benchmark.cReferenceParser() }
        let floor = measure(lines: benchmark.lineCount) { benchmark.splitAndChecksum() }
        report("Swift decoder (assemble, check, typed message)", swift, against: c, unit: "lines/s")
        report("C reference parser (assemble, check, locate fields)", c, against: c, unit: "lines/s")
        report("split + CRC only (floor)", floor, against: c, unit: "lines/s")
        print(String(format: "Swift decoder / C reference parser: %.2f", swift / c))
    }

    /// Items per second, best of five rounds; `body` returns how many it processed.
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

    static func report(_ name: String, _ perSecond: Double, against baseline: Double, unit: String) {
        let padded = name.padding(toLength: 54, withPad: " ", startingAt: 0)
        print(padded + String(format: "%12.0f %@  %5.2f× C", perSecond, unit, perSecond / baseline))
    }
}
