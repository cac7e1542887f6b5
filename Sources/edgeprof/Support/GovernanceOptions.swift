import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `--actor` and `--policy`, shared by the registry commands.
struct GovernanceOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Who acts (default: $EDGEPROF_ACTOR, else your login); must be a registered actor with the role.", valueName: "name"))
    var actor: String?

    @Option(help: ArgumentHelp(
        "Evaluate under this policy file instead of the registry's: a dry run (commands that write refuse it; `edgeprof policy propose` changes the registry's policy).",
        valueName: "file"))
    var policy: String?

    @OptionGroup var catalogue: CatalogueOptions

    @Option(help: ArgumentHelp("Act through a lab's collector as your token's actor, instead of on --db (the collector's rules and policy decide).", valueName: "url"))
    var collector: String?

    @Option(help: ArgumentHelp("API token for --collector (default: $EDGEPROF_TOKEN).", valueName: "ept_…"))
    var token: String?

    func validate() throws {
        if collector != nil, actor != nil { throw ValidationError("with --collector you act as your token's actor: drop --actor") }
        if collector != nil, policy != nil { throw ValidationError("with --collector the collector's policy decides: drop --policy") }
    }

    /// Refuses `--policy` on a command that writes or publishes (a model card, a registration):
    /// only `model show` evaluates under another policy, labelled as a dry run.
    func refusePolicy(_ command: String) throws {
        if policy != nil {
            throw ValidationError("\(command) works under the registry's policy only; --policy FILE is for `edgeprof model show` dry runs (`edgeprof policy propose` changes the policy)")
        }
    }

    /// The collector to act through, when --collector is given.
    func remote(_ store: StoreOptions) throws(AgentError) -> RegistryRemote? {
        guard let collector else { return nil }
        guard store.db == nil else { throw .invalidArgument("--collector and --db name two registries: give one") }
        return RegistryRemote(client: try CollectorAccessOptions.client(url: collector, token: token))
    }

    /// Runs `body` with the governance service of the registry in --db, acting as --actor. A
    /// command that cannot act through a collector refuses --collector rather than ignore it.
    func withService<T: Sendable>(_ store: StoreOptions, _ body: (GovernanceService) async throws(AgentError) -> T) async throws -> T {
        guard collector == nil else {
            let refusal = AgentError.invalidArgument(
                "this command reads --db and does not go through --collector; on the collector, GET /v1/models/NAME/history and /v1/models/NAME/VERSION/gates show the same")
            Terminal.error(refusal.description)
            throw ExitCode(ExitStatus.code(for: refusal))
        }
        return try await store.withRegistry { registry throws(AgentError) in
            let dryRun = try policy.map { path throws(AgentError) in
                let (text, thresholds) = try GovernanceService.readPolicyFile(path)
                return PolicyRecord.dryRun(text: text, thresholds: thresholds)
            }
            return try await body(GovernanceService(
                store: registry, actor: Actor.current(explicit: actor), catalogue: catalogue.loadIfAvailable(), dryRunPolicy: dryRun))
        }
    }
}

/// Prints what a lifecycle move did, for people or as JSON.
func printDecision(_ result: GovernanceListing.DecisionSummary, _ format: ListFormat) {
    Terminal.print(format == .json ? GovernanceListing.json(result) : GovernanceListing.decision(result))
}

/// Reads a `--metadata` file.
func loadMetadata(_ path: String?) throws(AgentError) -> VersionMetadata {
    guard let path else { return VersionMetadata() }
    guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
        throw .config(ConfigError(file: path, line: nil, message: "cannot read the metadata file (missing, unreadable or not UTF-8)"))
    }
    do { return try VersionMetadata(yaml: text, file: path) } catch { throw .config(error) }
}

/// Parses a NAME (no version) with the precise reason when it is malformed.
func parseModelName(_ text: String) throws(AgentError) -> String {
    do { try ModelReference.validate(name: text) } catch { throw .invalidArgument(error.description) }
    return text
}

extension LifecycleStage: ExpressibleByArgument {}
extension ApprovalStage: ExpressibleByArgument {}
extension GovernanceRole: ExpressibleByArgument {}
extension ModelCardFormat: ExpressibleByArgument {}
