import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof inferences`: the fleet's inference telemetry at the collector.
struct InferencesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inferences", abstract: "Count and measure the fleet's inference telemetry at the collector, and erase a data subject's.",
        discussion: "Devices (or their gateways) report inferences with their bench's agent token (POST /v1/inferences, docs/collector.md).",
        subcommands: [InferencesCountCommand.self, InferencesMetricsCommand.self, InferencesEraseCommand.self])
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

/// `edgeprof inferences metrics MODEL [--hours H]`.
struct InferencesMetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "Online figures per version, arm and device class, and the ones outside the thresholds.",
        discussion: "Accuracy warning below 0.90 and critical below 0.85, latency p95 above 100 ms and p99 above 200 ms, from 100 samples. Exit 1 when a figure is outside its threshold.")

    @Argument(help: "The model's name.")
    var model: String

    @Option(help: "The window, in hours ending now.")
    var hours = 24.0

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions

    func run() async throws {
        let report = try await reportingErrors { () async throws(AgentError) -> OnlineMetricsReport in
            do throws(ModelReferenceError) { try ModelReference.validate(name: model) } catch { throw .invalidArgument(error.description) }
            guard hours.isFinite, hours >= 0.01, hours <= 2160 else { throw .invalidArgument("--hours must be 0.01 to 2160") }
            let client = try access.client()
            return try client.decoded(OnlineMetricsReport.self, from: try await client.call(.GET, "/v1/inferences/metrics?model=\(model)&hours=\(hours)"), what: "online metrics")
        }
        if format == .json {
            Terminal.print(GovernanceListing.json(report))
        } else {
            let lines = report.groups.map { group in
                let metrics = group.metrics
                let accuracy = metrics.accuracy.map { String(format: "%.3f", $0) } ?? "—"
                let p95 = metrics.latencyMs.map { String(format: "%.1f", $0.p95) } ?? "—"
                let findings = group.findings.map { "\($0.severity.rawValue.uppercased()) \($0.summary)" }.joined(separator: "; ")
                return "\(group.version)  \(group.arm.rawValue)  \(group.deviceClass): \(metrics.records) inferences, accuracy \(accuracy) (\(metrics.labelled) labelled), "
                    + "latency p95 \(p95) ms" + (findings.isEmpty ? "" : "  — \(findings)")
            }
            Terminal.print(lines.isEmpty ? "no inference of \(model) in the last \(hours) h\n" : lines.joined(separator: "\n") + "\n")
        }
        if report.groups.contains(where: { !$0.findings.isEmpty }) { throw ExitCode(ExitStatus.gateFail) }
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
