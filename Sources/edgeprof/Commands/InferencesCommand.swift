import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof inferences`: the fleet's inference telemetry at the collector.
struct InferencesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inferences", abstract: "Count the fleet's inference telemetry at the collector, and erase a data subject's.",
        discussion: "Devices (or their gateways) report inferences with their bench's agent token (POST /v1/inferences, docs/collector.md).",
        subcommands: [InferencesCountCommand.self, InferencesEraseCommand.self])
}

/// `edgeprof inferences count MODEL`.
struct InferencesCountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "count", abstract: "Records and labelled records per version and arm of a model.")

    @Argument(help: "The model's name.")
    var model: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        let counts = try await reportingErrors { () async throws(AgentError) -> [InferenceCount] in
            do throws(ModelReferenceError) { try ModelReference.validate(name: model) } catch { throw .invalidArgument(error.description) }
            let client = try access.client()
            let query = model.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "._-"))) ?? model
            return try client.decoded([InferenceCount].self, from: try await client.call(.GET, "/v1/inferences?model=\(query)"), what: "inference counts")
        }
        if format == .json {
            Terminal.print(GovernanceListing.json(counts))
        } else if counts.isEmpty {
            Terminal.print("no inference of \(model) reported yet\n")
        } else {
            Terminal.print(counts.map { "\($0.model)  \($0.arm.rawValue)  \($0.records) records, \($0.labelled) labelled" }.joined(separator: "\n") + "\n")
        }
    }
}

/// `edgeprof inferences erase --subject S --reason TEXT`.
struct InferencesEraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase", abstract: "Erase every inference record of a data subject (compliance_officer), audited with the subject's SHA-256.")

    @Option(help: "The subject, as the records name it.")
    var subject: String

    @Option(help: "Why (the request it answers).")
    var reason: String

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        let erased = try await reportingErrors { () async throws(AgentError) -> Int in
            let client = try access.client()
            let body: Data
            do { body = try JSONCoding.encoder.encode(RegistryRequests.EraseTelemetry(subject: subject, reason: reason)) } catch {
                throw .invalidArgument("the request cannot be encoded: \(error)")
            }
            struct Answer: Decodable { var erased: Int }
            return try client.decoded(Answer.self, from: try await client.call(.POST, "/v1/inferences/erase", body: body), what: "the erasure").erased
        }
        Terminal.print("erased \(erased) inference record\(erased == 1 ? "" : "s") of the subject; the audit trail names it by its SHA-256\n")
    }
}
