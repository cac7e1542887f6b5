import EdgeProfSim
import Foundation

/// `edgeprof drift compare` on a million values a side, end to end as a user runs it (the
/// `edgeprof` binary beside this one), against Python doing the same with numpy and scipy, also
/// end to end (interpreter start and imports included), on the same files in the same run.
enum DriftBenchmark {
    static let values = 1_000_000

    /// The Python with scipy: $EDGEPROF_BENCH_PYTHON, the tools' virtual environment, or python3.
    static var python: String? {
        let candidates = [ProcessInfo.processInfo.environment["EDGEPROF_BENCH_PYTHON"], ".build/python/bin/python", "/usr/bin/python3"].compactMap { $0 }
        return candidates.first { candidate in
            (try? BenchLab.tool(candidate, ["-c", "import numpy, scipy.stats"])) != nil
        }
    }

    static func run() {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("edgeprof-drift-bench-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let edgeprof = BenchLab.edgeprof
        guard FileManager.default.isExecutableFile(atPath: edgeprof) else {
            print("drift: skipped, \(edgeprof) is missing. Fix: swift build -c release (both products)")
            return
        }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let files = try SampleFiles(folder: folder, values: values)
            print("Drift input: \(values) values a side (normal, a slight shift), best of 3, end to end; baseline Python \(python ?? "(none with scipy: pip install numpy scipy)")")
            let drift: Set<Int32> = [0, 1, 2]
            func ours(_ arguments: [String]) throws -> MeasuredChild {
                try MeasuredChild.best(of: 3, edgeprof, ["drift", "compare"] + arguments, accepted: drift)
            }
            func theirs(_ script: String, _ arguments: [String]) throws -> MeasuredChild? {
                guard let python else { return nil }
                return try MeasuredChild.best(of: 3, python, ["-c", script] + arguments)
            }
            try row("KS, CSV (shortest repr, as pandas writes)", ours([files.reference.repr, files.current.repr, "--method", "ks"]),
                    theirs(Scripts.ksCSV, [files.reference.repr, files.current.repr]), "numpy loadtxt + scipy ks_2samp")
            try row("KS, CSV (%.18e, as numpy.savetxt writes)", ours([files.reference.exponent, files.current.exponent, "--method", "ks"]),
                    theirs(Scripts.ksCSV, [files.reference.exponent, files.current.exponent]), "numpy loadtxt + scipy ks_2samp")
            try row("KS, JSON", ours([files.reference.json, files.current.json, "--method", "ks"]),
                    theirs(Scripts.ksJSON, [files.reference.json, files.current.json]), "json.load + scipy ks_2samp")
            try row("PSI, JSON", ours([files.reference.json, files.current.json, "--method", "psi"]),
                    theirs(Scripts.psiJSON, [files.reference.json, files.current.json]), "json.load + numpy deciles, histogram, PSI")
            try row("chi-square, categorical CSV", ours([files.reference.categories, files.current.categories, "--method", "chi2", "--categorical"]),
                    theirs(Scripts.chi2CSV, [files.reference.categories, files.current.categories]), "numpy loadtxt(str) + unique + scipy chisquare")
        } catch {
            print("drift benchmark failed: \(error)")
        }
    }

    static func row(_ name: String, _ ours: MeasuredChild, _ theirs: MeasuredChild?, _ baseline: String) {
        let padded = name.padding(toLength: 44, withPad: " ", startingAt: 0)
        guard let theirs else {
            print(padded + String(format: "%7.2f s  %6.1f MB   (no baseline)", ours.seconds, ours.peakMB))
            return
        }
        print(padded + String(format: "%7.2f s  %6.1f MB   %@ %5.2f s  %6.1f MB   ratio %4.2f×", ours.seconds, ours.peakMB, baseline, theirs.seconds, theirs.peakMB, ours.seconds / theirs.seconds))
    }

    /// The Python side of each row.
    enum Scripts {
        static let ksCSV = "import sys, numpy, scipy.stats; print(scipy.stats.ks_2samp(numpy.loadtxt(sys.argv[1]), numpy.loadtxt(sys.argv[2])))"
        static let ksJSON = "import sys, json, numpy, scipy.stats; l = lambda p: numpy.asarray(json.load(open(p))); print(scipy.stats.ks_2samp(l(sys.argv[1]), l(sys.argv[2])))"
        static let psiJSON = """
            import sys, json, numpy
            a, b = (numpy.asarray(json.load(open(p))) for p in sys.argv[1:3])
            edges = numpy.quantile(a, numpy.linspace(0, 1, 11)); edges[0], edges[-1] = -numpy.inf, numpy.inf
            p, q = (numpy.histogram(x, edges)[0] / len(x) for x in (a, b))
            print(numpy.sum((q - p) * numpy.log(q / p)))
            """
        static let chi2CSV = """
            import sys, numpy, scipy.stats
            a, b = (numpy.unique(numpy.loadtxt(p, dtype=str, skiprows=1), return_counts=True) for p in sys.argv[1:3])
            categories = sorted(set(a[0]) | set(b[0])); r, c = dict(zip(*a)), dict(zip(*b))
            expected = numpy.array([r.get(k, 0) for k in categories], float); observed = numpy.array([c.get(k, 0) for k in categories], float)
            print(scipy.stats.chisquare(observed, expected / expected.sum() * observed.sum()))
            """
    }

    /// The reference and current samples written in each form.
    struct SampleFiles {
        struct Side {
            var repr: String
            var exponent: String
            var json: String
            var categories: String
        }

        var reference: Side
        var current: Side

        init(folder: URL, values: Int) throws {
            reference = try Self.write(folder, "reference", values: values, mean: 10, seed: 1)
            current = try Self.write(folder, "current", values: values, mean: 10.02, seed: 2)
        }

        static func write(_ folder: URL, _ name: String, values: Int, mean: Double, seed: UInt64) throws -> Side {
            var random = SplitMix64(seed: seed)
            let samples = (0..<values).map { _ in mean + 2 * sqrt(-2 * log(random.nextUnit())) * cos(2 * .pi * random.nextUnit()) }
            let side = Side(
                repr: folder.appendingPathComponent("\(name).csv").path, exponent: folder.appendingPathComponent("\(name)-e.csv").path,
                json: folder.appendingPathComponent("\(name).json").path, categories: folder.appendingPathComponent("\(name)-classes.csv").path)
            try Data(samples.map { "\($0)\n" }.joined().utf8).write(to: URL(fileURLWithPath: side.repr))
            try Data(samples.map { String(format: "%.18e\n", $0) }.joined().utf8).write(to: URL(fileURLWithPath: side.exponent))
            try Data(("[" + samples.map { "\($0)" }.joined(separator: ", ") + "]\n").utf8).write(to: URL(fileURLWithPath: side.json))
            let classes = samples.map { "class-\(min(max(Int($0 - 6), 0), 7))\n" }
            try Data(("class\n" + classes.joined()).utf8).write(to: URL(fileURLWithPath: side.categories))
            return side
        }
    }
}
