import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof bench`: a lab bench described once in a file (docs/bench.md).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Check a bench file's places: find each device and verify its wiring by itself.",
        subcommands: [BenchCheckCommand.self, BenchStatusCommand.self])
}

/// `edgeprof bench check FILE`: every place OK, WARN or FAIL with a fix.
struct BenchCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Find every place's board and monitor, shake hands, and verify the wiring with a short run.",
        discussion: """
            Places are checked one at a time: while one board runs a short run (6 inferences), every power monitor of the \
            bench captures, so a monitor wired to another board, a mark wire on another input or missing, and a monitor in \
            the wrong mode are found and named. Nothing is stored. Exit 0 when no place fails (WARN included), 1 when one does.
            """)

    @Argument(help: ArgumentHelp("The bench file (docs/bench.md).", valueName: "bench.yaml"))
    var file: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var catalogue: CatalogueOptions

    func run() throws {
        let (bench, checks) = try reportingErrors { () throws(AgentError) in
            let loadedCatalogue = try catalogue.required()
            let bench = try BenchFileLoader.load(path: file, catalogue: loadedCatalogue)
            return (bench, BenchChecker(bench: bench, catalogue: loadedCatalogue, leases: try LeaseService()).check())
        }
        Terminal.print(format == .json ? BenchCheckListing.json(bench: bench.name, checks) : BenchCheckListing.table(bench: bench.name, checks))
        if checks.contains(where: { $0.level == .fail }) { throw ExitCode(1) }
    }
}

/// `edgeprof bench status --collector URL`: every place of every bench the collector knows.
struct BenchStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Every place of every bench, as its agent last reported it: reporting, silent or stopped; healthy or failing.",
        discussion: "Exit 0 when every place reports (or was stopped on purpose) and its last round worked, 1 when one is silent or failing.")

    @OptionGroup var access: CollectorAccessOptions

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    func run() async throws {
        let places = try await reportingErrors { () async throws(AgentError) in
            let client = try access.client()
            return try client.decoded([BenchPlaceStatus].self, from: try await client.call(.GET, "/v1/benches/places"), what: "a place list")
        }
        if format == .json {
            let encoder = JSONCoding.encoder
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            Terminal.print(((try? encoder.encode(places)).map { String(decoding: $0, as: UTF8.self) } ?? "[]") + "\n")
        } else {
            Terminal.print(BenchStatusListing.table(places, now: Date()))
        }
        if places.contains(where: { $0.state == .silent || !$0.healthy }) { throw ExitCode(1) }
    }
}
