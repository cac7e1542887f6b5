import ArgumentParser
import EdgeProfAgent
import EdgeProfCore

/// `edgeprof actors`: the people who act on the registry and their roles.
struct ActorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actors", abstract: "Add, change, deactivate and list the actors of the registry and their roles.",
        subcommands: [
            ActorsAddCommand.self, ActorsListCommand.self, ActorsGrantCommand.self, ActorsRemoveRoleCommand.self, ActorsDeactivateCommand.self,
            ActorsReactivateCommand.self,
        ])
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
    var format = ListFormat.table

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try reportingErrors { () throws(AgentError) in try store.requireExisting() }
        let actors = try await store.withRegistry { registry throws(AgentError) in
            do throws(StoreError) { return try await registry.snapshot(model: "").actors } catch { throw .store(error) }
        }
        Terminal.print(format == .json ? GovernanceListing.json(actors) : GovernanceListing.actors(actors))
    }
}

/// `edgeprof actors grant NAME --role ROLE --reason TEXT`.
struct ActorsGrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant", abstract: "Give an actor another role (tech_lead or compliance_officer; never to themselves).")

    @Option(help: ArgumentHelp("The role to grant.", valueName: "role"))
    var role: GovernanceRole

    @OptionGroup var change: ActorChangeArguments

    func run() async throws {
        try await change.apply(action: "grant", role: role) { rules, name, reason throws(GovernanceError) in try rules.grantRole(role, to: name, reason: reason) }
    }
}

/// `edgeprof actors remove-role NAME --role ROLE --reason TEXT`.
struct ActorsRemoveRoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove-role", abstract: "Take a role from an actor (tech_lead or compliance_officer); an actor keeps at least one.")

    @Option(help: ArgumentHelp("The role to remove.", valueName: "role"))
    var role: GovernanceRole

    @OptionGroup var change: ActorChangeArguments

    func run() async throws {
        try await change.apply(action: "remove-role", role: role) { rules, name, reason throws(GovernanceError) in
            try rules.removeRole(role, from: name, reason: reason)
        }
    }
}

/// `edgeprof actors deactivate NAME --reason TEXT`.
struct ActorsDeactivateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deactivate", abstract: "Stop an actor from acting; their API tokens stop working at once (tech_lead or compliance_officer).")

    @OptionGroup var change: ActorChangeArguments

    func run() async throws {
        try await change.apply(action: "deactivate", role: nil) { rules, name, reason throws(GovernanceError) in try rules.deactivateActor(name, reason: reason) }
    }
}

/// `edgeprof actors reactivate NAME --reason TEXT`.
struct ActorsReactivateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reactivate", abstract: "Let a deactivated actor act again (tech_lead or compliance_officer).")

    @OptionGroup var change: ActorChangeArguments

    func run() async throws {
        try await change.apply(action: "reactivate", role: nil) { rules, name, reason throws(GovernanceError) in try rules.reactivateActor(name, reason: reason) }
    }
}

/// What the actor-changing commands take, and how they act (on --db or through --collector).
struct ActorChangeArguments: ParsableArguments {
    @Argument(help: "The actor's name.")
    var name: String

    @Option(help: "Why (recorded in the audit trail).")
    var reason: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    /// `action` names the API route (`POST /v1/actors/NAME/ACTION`).
    func apply(
        action: String, role: GovernanceRole?, _ decide: @escaping @Sendable (GovernanceRules, String, String) throws(GovernanceError) -> GovernanceChange
    ) async throws {
        let actor = if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            try await reportingErrors { () async throws(AgentError) in
                try await remote.changeActor(name, action: action, RegistryRequests.ActorChange(reason: reason, role: role))
            }
        } else {
            try await governance.withService(store) { service throws(AgentError) in
                try await service.changeActor(name) { rules throws(GovernanceError) in try decide(rules, name, reason) }
            }
        }
        Terminal.print(format == .json ? GovernanceListing.json(actor) : GovernanceListing.actors([actor]))
    }
}
