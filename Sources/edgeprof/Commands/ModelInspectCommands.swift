import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof model show NAME@VERSION`.
struct ModelShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "A version in full: stage, metadata, approvals, attachments, gates, releases.")

    @Argument(help: "NAME@VERSION.")
    var model: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        if governance.collector == nil { try reportingErrors { () throws(AgentError) in try store.requireExisting() } }
        let (version, snapshot, track, gates, policy) = try await governance.withService(store) { service throws(AgentError) in
            let reference = try parseModelReference(model)
            let snapshot = try await service.snapshot(reference.name)
            guard let version = snapshot.version(reference) else {
                throw AgentError.unknownModel(reference, known: snapshot.versions.map(\.reference.description))
            }
            let track = try service.rules(snapshot).track(of: version)
            return (version, snapshot, track, try await service.gateResults(for: reference), service.policyLabel(snapshot))
        }
        Terminal.print(
            format == .json
                ? GovernanceListing.json(GovernanceListing.VersionDetail(version: version, snapshot: snapshot, track: track, gates: gates, policy: policy))
                : GovernanceListing.show(version, snapshot: snapshot, track: track, gates: gates, policy: policy, now: Date()))
    }
}

/// `edgeprof model card NAME@VERSION`.
struct ModelCardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card", abstract: "The model card from the registry and the evidence (Markdown with Hugging Face metadata, HTML, JSON).")

    @Argument(help: "NAME@VERSION.")
    var model: String

    @Option(help: "markdown, html, json, or hf (the Hugging Face model-index metadata only).")
    var format = ModelCardFormat.markdown

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func validate() throws {
        try governance.refusePolicy("a model card")
    }

    func run() async throws {
        if governance.collector == nil { try reportingErrors { () throws(AgentError) in try store.requireExisting() } }
        let reference = try reportingErrors { () throws(AgentError) in try parseModelReference(model) }
        if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            return Terminal.print(try await reportingErrors { () async throws(AgentError) in try await remote.card(reference, format: format) })
        }
        let card = try await governance.withService(store) { service throws(AgentError) in try await service.card(for: reference) }
        Terminal.print(ModelCardRenderer.render(card, as: format))
    }
}

/// `edgeprof model history NAME [--at TIME]`.
struct ModelHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Every stage move and halt of a model; --at answers which version was in production then.")

    @Argument(help: "Model name.")
    var name: String

    @Option(help: ArgumentHelp("A moment (ISO 8601, e.g. 2026-03-01T12:00:00Z).", valueName: "time"))
    var at: String?

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try reportingErrors { () throws(AgentError) in try store.requireExisting() }
        let snapshot = try await store.withRegistry { registry throws(AgentError) in
            let name = try parseModelName(name)
            do throws(StoreError) { return try await registry.snapshot(model: name) } catch { throw .store(error) }
        }
        guard let at else {
            Terminal.print(format == .json ? GovernanceListing.json(HistoryJSON(transitions: snapshot.transitions, halts: snapshot.halts)) : GovernanceListing.history(snapshot))
            return
        }
        let moment = try reportingErrors { () throws(AgentError) in
            guard let moment = Self.parse(at) else {
                throw .invalidArgument("--at '\(at)' is not an ISO 8601 time; write it like 2026-03-01T12:00:00Z")
            }
            return moment
        }
        let answer = ProductionHistory(model: snapshot.name, transitions: snapshot.transitions, halts: snapshot.halts).serving(at: moment)
        Terminal.print(format == .json ? GovernanceListing.json(answer) : GovernanceListing.serving(answer, asked: at))
    }

    static func parse(_ text: String) -> Date? {
        (try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
            ?? (try? Date(text, strategy: Date.ISO8601FormatStyle()))
    }

    struct HistoryJSON: Encodable {
        var transitions: [StageTransition]
        var halts: [HaltEvent]
    }
}
