import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

extension DriftKind: ExpressibleByArgument {}

/// `edgeprof drift history MODEL`: the collector's scheduled drift checks of a model.
struct DriftHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "The collector's scheduled drift checks of a model on production telemetry, newest window first.",
        discussion: """
            Data, label, prediction and fairness drift are checked on every UTC day, concept drift and calibration on every \
            ISO week, per version and device class, against the version's first days on that class (docs/monitoring.md). \
            Exit status: 0 when the newest check of every kind, version and class is clear or inconclusive, 1 when one fires.
            """)

    @Argument(help: "The model's name, or NAME@VERSION for one version.")
    var model: String

    @Option(help: "Only this kind: data, concept, label, prediction, fairness or calibration.")
    var kind: DriftKind?

    @Option(name: .customLong("class"), help: "Only this device class.")
    var deviceClass: String?

    @Option(help: "At most this many checks.")
    var limit = 200

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        let checks = try await reportingErrors { () async throws(AgentError) -> [DriftCheckRecord] in
            var items = [URLQueryItem]()
            if model.contains("@") {
                let reference: ModelReference
                do { reference = try ModelReference(parsing: model) } catch { throw .invalidArgument("\(error)") }
                items += [URLQueryItem(name: "model", value: reference.name), URLQueryItem(name: "version", value: reference.version.description)]
            } else {
                do throws(ModelReferenceError) { try ModelReference.validate(name: model) } catch { throw .invalidArgument(error.description) }
                items.append(URLQueryItem(name: "model", value: model))
            }
            if let kind { items.append(URLQueryItem(name: "kind", value: kind.rawValue)) }
            if let deviceClass { items.append(URLQueryItem(name: "class", value: deviceClass)) }
            guard (1...10_000).contains(limit) else { throw .invalidArgument("--limit must be 1 to 10000") }
            items.append(URLQueryItem(name: "limit", value: String(limit)))
            var components = URLComponents()
            components.queryItems = items
            // URLComponents leaves '+' alone, which a query reads as a space.
            let query = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
            let client = try access.client()
            return try client.decoded([DriftCheckRecord].self, from: try await client.call(.GET, "/v1/drift/history?\(query)"), what: "the drift history")
        }
        Terminal.print(format == .json ? GovernanceListing.json(checks) : DriftHistoryListing.table(checks))
        if DriftHistoryListing.firingNow(checks) { throw ExitCode(ExitStatus.gateFail) }
    }
}
