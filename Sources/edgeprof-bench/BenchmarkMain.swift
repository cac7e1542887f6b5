import Foundation

/// `edgeprof-bench`: throughput benchmarks of the hot paths, reported as ratios against
/// baselines measured in the same run. Build with `-c release` for meaningful figures.
@main
struct BenchmarkMain {
    /// Every benchmark by the name that runs it alone; `all` runs all but `fleet`.
    static let benchmarks: [(name: String, summary: String)] = [
        ("link", "Link v1 decoder against the C reference parser"),
        ("ppk2", "PPK2 decode + calibrate + integrate against a C loop doing the same work"),
        ("emulated", "a profile of the QEMU AN386 board: host wall time against on-device time"),
        ("ingest", "storing uploaded runs (runs, iterations, per-token readings) per second"),
        ("json", "an upload's canonical JSON (its digest and strict check) against JSONEncoder writing the same bytes"),
        ("drift", "drift compare on 1M values a side from CSV and JSON, end to end, against numpy and scipy end to end"),
        ("listings", "runs list and gate check on 10 000 stored runs (or the size given) against a sqlite3 join of their rows"),
        ("telemetry", "storing inference telemetry records per second, SQLite (and PostgreSQL with EDGEPROF_BENCH_POSTGRES_URL)"),
        ("alerts", "the monitor's false alarms on unchanged boards and its detection delay after a regression"),
        ("fleet", "halt and rollback reaching a simulated fleet of 100, 1 000 and 10 000 devices (or the sizes given); not in all"),
    ]

    static let usage = """
        usage: edgeprof-bench [all | \(benchmarks.map(\.name).joined(separator: " | "))] [SIZES…]
        Throughput of EdgeProf's hot paths, each against a baseline measured in the same run
        (build with `swift build -c release` for figures worth quoting; README "Benchmarks").

        \(benchmarks.map { "  " + $0.name.padding(toLength: 10, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n"))
        """

    static func main() async {
        let which = CommandLine.arguments.dropFirst().first ?? "all"
        if ["-h", "--help", "help"].contains(which) {
            print(usage)
            return
        }
        guard which == "all" || benchmarks.contains(where: { $0.name == which }) else {
            FileHandle.standardError.write(Data("edgeprof-bench: no benchmark named '\(which)'\n\(usage)\n".utf8))
            exit(64)
        }
        if which == "all" || which == "link" { linkDecoder() }
        if which == "all" || which == "ppk2" { ppk2Pipeline() }
        if which == "all" || which == "emulated" { EmulatedProfileBenchmark.run() }
        if which == "all" || which == "ingest" { await IngestBenchmark.run() }
        if which == "all" || which == "json" { CanonicalJSONBenchmark.run() }
        if which == "all" || which == "drift" { DriftBenchmark.run() }
        if which == "all" || which == "listings" {
            await ListingBenchmark.run(runs: which == "listings" ? CommandLine.arguments.dropFirst(2).compactMap { Int($0) }.first ?? 10_000 : 10_000)
        }
        if which == "all" || which == "telemetry" { await TelemetryIngestBenchmark.run() }
        if which == "all" || which == "alerts" { AlertBenchmark.run() }
        if which == "fleet" {
            let sizes = CommandLine.arguments.dropFirst(2).compactMap { Int($0) }
            await FleetBenchmark.run(sizes: sizes.isEmpty ? [100, 1_000, 10_000] : sizes)
        }
    }

    static func ppk2Pipeline() {
        let benchmark = PPK2PipelineBenchmark(samples: 10_000_000)
        print("PPK2 decode + calibrate + integrate: \(benchmark.sampleCount) samples (100 s at 100 kS/s), best of \(rounds) interleaved rounds")
        var swiftResult = (samples: 0, joules: 0.0)
        var cResult = (samples: 0, joules: 0.0)
        let rates = measureInterleaved(items: benchmark.sampleCount, [
            {
                swiftResult = benchmark.swiftAnalyzer()
                return swiftResult.samples
            },
            {
                cResult = benchmark.cBaseline()
                return cResult.samples
            },
        ])
        let (swift, c) = (rates[0], rates[1])
        report("Swift PowerAnalyzer (64 KiB chunks)", swift, against: c, unit: "samples/s")
        report("C loop, same work", c, against: c, unit: "samples/s")
        print(String(format: "Swift / C: %.2f; energies agree to %.1e relative", swift / c, abs(swiftResult.joules - cResult.joules) / cResult.joules))
    }

    static func linkDecoder() {
        let lines = 200_000
        let benchmark = LinkDecoderBenchmark(lines: lines)
        print("EdgeProf Link v1 decoder: \(benchmark.lineCount) device lines, \(benchmark.corpus.count) bytes, best of \(rounds) interleaved rounds")
        let rates = measureInterleaved(items: benchmark.lineCount, [
            { benchmark.swiftDecoder() }, { benchmark.cReferenceParser() }, { benchmark.splitAndChecksum() },
        ])
        let (swift, c, floor) = (rates[0], rates[1], rates[2])
        report("Swift decoder (assemble, check, typed message)", swift, against: c, unit: "lines/s")
        report("C reference parser (assemble, check, locate fields)", c, against: c, unit: "lines/s")
        report("split + CRC only (floor)", floor, against: c, unit: "lines/s")
        print(String(format: "Swift decoder / C reference parser: %.2f", swift / c))
    }

    static let rounds = 9

    /// Items per second of each body, best of `rounds` rounds. Each round runs every body once,
    /// in turn, so a burst of load on this shared machine falls on all of them rather than on
    /// one side of the ratio. Each body returns how many items it processed.
    static func measureInterleaved(items: Int, _ bodies: [() -> Int]) -> [Double] {
        var best = [Double](repeating: .infinity, count: bodies.count)
        let clock = ContinuousClock()
        for _ in 0..<rounds {
            for (index, body) in bodies.enumerated() {
                var processed = 0
                let elapsed = clock.measure { processed = body() }
                precondition(processed == items, "processed \(processed) of \(items) items")
                best[index] = min(best[index], Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            }
        }
        return best.map { Double(items) / $0 }
    }

    static func report(_ name: String, _ perSecond: Double, against baseline: Double, unit: String) {
        let padded = name.padding(toLength: 54, withPad: " ", startingAt: 0)
        print(padded + String(format: "%12.0f %@  %5.2f× C", perSecond, unit, perSecond / baseline))
    }
}
