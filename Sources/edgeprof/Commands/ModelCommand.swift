import ArgumentParser
import Foundation
import EdgeProfAgent
import EdgeProfCore

/// `edgeprof model`: the model registry and its governance.
struct ModelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Register model versions and take them through their lifecycle.",
        discussion: "docs/governance.md describes the lifecycle, roles, gates and release records.",
        subcommands: [
            ModelRegisterCommand.self, ModelListCommand.self, ModelShowCommand.self, ModelAttachCommand.self, ModelApproveCommand.self, ModelRevokeApprovalCommand.self,
            ModelPromoteCommand.self, ModelConfirmCommand.self, ModelRollbackCommand.self, ModelHaltCommand.self, ModelResumeCommand.self, ModelRetireCommand.self,
            ModelCardCommand.self, ModelShadowReportCommand.self, ModelHistoryCommand.self,
        ])
}

/// `edgeprof model register NAME VERSION --artifact FILE`.
struct ModelRegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register", abstract: "Register a model version with its artifact's SHA-256 (needs data_scientist or ml_engineer).")

    @Argument(help: "Model name: letters, digits, '.', '_' or '-'.")
    var name: String

    @Argument(help: "Semantic version, e.g. 1.4.0.")
    var version: String

    @Option(help: ArgumentHelp("The model file (its SHA-256 identifies this version; a PostgreSQL registry keeps a copy of its bytes).", valueName: "file"))
    var artifact: String

    @Option(help: ArgumentHelp("YAML or JSON with metrics, hyperparameters, training data, config hashes, considerations (docs/governance.md).", valueName: "file"))
    var metadata: String?

    @Option(name: .customLong("tag"), help: ArgumentHelp("A tag; repeat for several.", valueName: "tag"))
    var tags: [String] = []

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func validate() throws {
        try governance.refusePolicy("a registration")
    }

    func run() async throws {
        if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            let model = try await reportingErrors { () async throws(AgentError) in
                try await remote.register(name: name, version: version, artifact: artifact, metadataFile: metadata, tags: tags)
            }
            return report(model)
        }
        let model = try await store.withRegistry { registry throws(AgentError) in
            var metadata = try loadMetadata(metadata)
            metadata.tags += tags
            let registrar = ModelRegistrar(store: registry)
            let actor = Actor.current(explicit: governance.actor)
            // A lab's registry is read by collectors on other hosts: it keeps the artifact's bytes.
            guard store.isLabDatabase else {
                return try await registrar.register(name: name, version: version, artifactPath: artifact, metadata: metadata, actor: actor)
            }
            return try await registrar.register(name: name, version: version, copyingArtifact: artifact, metadata: metadata, actor: actor)
        }
        report(model)
    }

    private func report(_ model: RegisteredModel) {
        switch format {
        case .json: Terminal.print(GovernanceListing.json(model))
        default: Terminal.print("registered \(model.reference) in development: sha256 \(model.artifactSHA256) (\(model.artifactBytes) bytes)\n")
        }
    }
}

/// `edgeprof model list`.
struct ModelListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List registered model versions and their stages.")

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try reportingErrors { () throws(AgentError) in try store.requireExisting() }
        let versions = try await store.withRegistry { registry throws(AgentError) in
            do throws(StoreError) {
                let records = try await registry.versionRecords()
                var snapshots: [String: RegistrySnapshot] = [:]
                for name in Set(records.map(\.reference.name)) { snapshots[name] = try await registry.snapshot(model: name) }
                return records.map { record in
                    let snapshot = snapshots[record.reference.name]
                    return GovernanceListing.ListedVersion(
                        record: record, halted: snapshot?.isHalted ?? false,
                        emergencyRequested: snapshot?.emergencies.contains { $0.reference == record.reference && $0.isOpen(at: Date()) } ?? false)
                }
            } catch {
                throw .store(error)
            }
        }
        Terminal.print(format == .json ? GovernanceListing.json(versions) : GovernanceListing.versions(versions))
    }
}
