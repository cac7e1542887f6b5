import ArgumentParser
import EdgeProfAgent
import EdgeProfCore

/// `edgeprof actors`: the people who act on the registry and their roles.
struct ActorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actors", abstract: "Add and list the actors of the registry and their roles.",
        subcommands: [ActorsAddCommand.self, ActorsListCommand.self])
}

/// `edgeprof actors add NAME --role ROLE…`.
struct ActorsAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add an actor with roles.",
        discussion: "The first actor adds themselves (--actor NAME); after that only a tech_lead or compliance_officer adds actors.")

    @Argument(help: "The actor's name (login or e-mail).")
    var name: String

    @Option(name: .customLong("role"), help: ArgumentHelp("A role: \(GovernanceRole.allCases.map(\.rawValue).joined(separator: ", ")); repeat for several.", valueName: "role"))
    var roles: [GovernanceRole] = []

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            _ = try await reportingErrors { () async throws(AgentError) in try await remote.addActor(RegistryRequests.AddActor(name: name, roles: roles)) }
        } else {
            try await governance.withService(store) { service throws(AgentError) in try await service.addActor(name: name, roles: roles) }
        }
        Terminal.print("added \(name): \(roles.map(\.rawValue).joined(separator: ", "))\n")
    }
}

/// `edgeprof actors list`.
struct ActorsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List actors and their roles.")

    @Option(help: "Output format: table or json.")
    var format = ReportFormat.table

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let actors = try await store.withRegistry { registry throws(AgentError) in
            do throws(StoreError) { return try await registry.snapshot(model: "").actors } catch { throw .store(error) }
        }
        Terminal.print(format == .json ? GovernanceListing.json(actors) : GovernanceListing.actors(actors))
    }
}
