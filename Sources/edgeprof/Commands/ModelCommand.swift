import ArgumentParser
import EdgeProfAgent
import EdgeProfCore

/// `edgeprof model`: the model registry.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model", abstract: "Register and list model versions.",
        subcommands: [ModelRegisterCommand.self, ModelListCommand.self])
}

/// `edgeprof model register NAME VERSION --artifact FILE`.
struct ModelRegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register", abstract: "Register a model version with its artifact's SHA-256.")

    @Argument(help: "Model name: letters, digits, '.', '_' or '-'.")
    var name: String

    @Argument(help: "Semantic version, e.g. 1.4.0.")
    var version: String

    @Option(help: ArgumentHelp("The model file (its SHA-256 identifies this version).", valueName: "file"))
    var artifact: String

    @Option(help: ArgumentHelp("Who registers it, for the audit trail (default: $EDGEPROF_ACTOR, else your login).", valueName: "name"))
    var actor: String?

    @Option(help: "Output format: table or json.")
    var format = ReportFormat.table

    @OptionGroup var store: StoreOptions

    func run() throws {
        let model = try reportingErrors { () throws(AgentError) in
            try ModelRegistrar(store: try store.open()).register(
                name: name, version: version, artifactPath: artifact, actor: Actor.current(explicit: actor))
        }
        switch format {
        case .json: Terminal.print(ModelListing.json([model]))
        default: Terminal.print("registered \(model.reference): sha256 \(model.artifactSHA256) (\(model.artifactBytes) bytes)\n")
        }
    }
}

/// `edgeprof model list`.
struct ModelListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List registered model versions.")

    @Option(help: "Output format: table or json.")
    var format = ReportFormat.table

    @OptionGroup var store: StoreOptions

    func run() throws {
        let models = try reportingErrors { () throws(AgentError) in
            let store = try store.open()
            do throws(StoreError) { return try store.models() } catch { throw .store(error) }
        }
        switch format {
        case .json: Terminal.print(ModelListing.json(models))
        default: Terminal.print(ModelListing.table(models))
        }
    }
}
