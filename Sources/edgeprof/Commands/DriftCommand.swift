import ArgumentParser
import EdgeProfAgent
import EdgeProfCore

/// `edgeprof drift`: drift statistics for people.
struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift", abstract: "Compare distributions: KS, PSI and chi-square as scipy and Evidently compute them.",
        subcommands: [DriftCompareCommand.self, DriftHistoryCommand.self])
}

/// Which statistics `drift compare` runs.
enum DriftMethodChoice: String, ExpressibleByArgument, CaseIterable {
    case ks, psi, chi2, all

    var methods: [DriftMethod] {
        switch self {
        case .ks: [.ks]
        case .psi: [.psi]
        case .chi2: [.chi2]
        case .all: []
        }
    }
}

extension RunMetric: ExpressibleByArgument {}
extension PSIConvention: ExpressibleByArgument {}

/// `edgeprof drift compare REFERENCE CURRENT`.
struct DriftCompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a current sample with a reference one.",
        discussion: """
            Each side is a run id (its per-iteration --metric) or a CSV/JSON file of values: latencies, energies, \
            scores (numbers) or labels, token classes (categories). Exit status: 0 no drift, 1 drift, 2 inconclusive \
            (too few values to decide).
            """)

    @Argument(help: "The reference: a run id or a CSV/JSON file.")
    var reference: String

    @Argument(help: "The current sample: a run id or a CSV/JSON file.")
    var current: String

    @Option(help: "Statistic: ks, psi, chi2 or all (those that apply to the values).")
    var method = DriftMethodChoice.all

    @Option(help: "For run ids: latency, ttft, inter-token or energy.")
    var metric = RunMetric.latency

    @Option(help: "The CSV column to read (CSV files with several columns).")
    var column: String?

    @Flag(help: "Read the values as categories even when they look like numbers (class ids).")
    var categorical = false

    @Flag(help: "A one-column CSV's first line is a value, not its header (by default a first line that is not a number is the header).")
    var noHeader = false

    @Option(help: "KS and chi-square: drift when p < alpha.")
    var alpha = 0.05

    @Option(help: "Fewer values than this on either side is inconclusive.")
    var minSamples = 20

    @Option(help: "PSI convention: default (reference deciles) or evidently (Evidently 0.7).")
    var psiConvention = PSIConvention.standard

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must lie between 0 and 1, e.g. 0.05") }
        guard minSamples >= 1 else { throw ValidationError("--min-samples must be at least 1") }
    }

    func run() throws {
        let (referenceSide, currentSide, findings) = try reportingErrors { () throws(AgentError) in
            let open = { () throws(AgentError) -> EvidenceStore in try store.open() }
            let referenceSide = try DriftInput.sample(reference, metric: metric, column: column, categorical: categorical, headerless: noHeader, store: open)
            let currentSide = try DriftInput.sample(current, metric: metric, column: column, categorical: categorical, headerless: noHeader, store: open)
            let settings = DriftSettings(alpha: alpha, minimumSamples: minSamples, psiConvention: psiConvention)
            do throws(DriftComparisonError) {
                let findings = try DriftComparison.compare(
                    reference: referenceSide.sample, current: currentSide.sample, methods: method.methods, settings: settings)
                return (referenceSide, currentSide, findings)
            } catch {
                throw .drift(error)
            }
        }
        let counts = (referenceSide.sample.count, currentSide.sample.count)
        Terminal.print(format == .json
            ? DriftListing.json(reference: referenceSide.source, current: currentSide.source, counts: counts, findings: findings)
            : DriftListing.table(reference: referenceSide.source, current: currentSide.source, counts: counts, findings: findings))
        switch DriftListing.overall(findings) {
        case .noDrift: return
        case .drift: throw ExitCode(ExitStatus.gateFail)
        case .inconclusive: throw ExitCode(ExitStatus.gateInconclusive)
        }
    }
}
