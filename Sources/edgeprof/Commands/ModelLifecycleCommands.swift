import ArgumentParser
import EdgeProfAgent
import EdgeProfCore

/// `edgeprof model promote NAME@VERSION [--to STAGE]`.
struct ModelPromoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "promote", abstract: "Move a version to its next lifecycle stage, through its gates and approvals.",
        discussion: """
            Without --to: development → validation → staging → canary → production. --to also reaches monitoring, \
            degraded, retraining, failed and retired. --emergency requests a deployment to production without approvals or \
            gates, with an escalation record (--informed): nothing moves until a second tech_lead runs `edgeprof model confirm`. \
            Exit codes: 0 moved (or requested), 1 a gate failed, 2 evidence or approvals missing, 65 illegal move or changed \
            artifact, 77 not permitted.
            """)

    @Argument(help: "NAME@VERSION.")
    var model: String

    @Option(help: "Target stage (default: the next on the main path).")
    var to: LifecycleStage?

    @Option(help: "Why (recorded in the audit trail and the release record).")
    var reason: String

    @Flag(help: "Request an emergency deployment to production: needs --informed, and a second tech_lead's `model confirm`.")
    var emergency = false

    @Flag(help: "With --emergency on a halted model: the confirmation lifts the halt in the same act.")
    var liftHalt = false

    @Option(name: .customLong("informed"), help: ArgumentHelp("Who was informed of the emergency deployment; repeat for several.", valueName: "who"))
    var informed: [String] = []

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if emergency, let to, to != .production { throw ValidationError("--emergency deploys to production; drop --to \(to.rawValue)") }
        if !informed.isEmpty, !emergency { throw ValidationError("--informed belongs to an emergency deployment: add --emergency") }
        if liftHalt, !emergency { throw ValidationError("--lift-halt belongs to an emergency deployment: add --emergency (or `edgeprof model resume`)") }
    }

    func run() async throws {
        let reference = try reportingErrors { () throws(AgentError) in try parseModelReference(model) }
        if emergency { return try await requestEmergency(reference) }
        if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            let request = RegistryRequests.Promote(to: to, reason: reason)
            return printDecision(try await reportingErrors { () async throws(AgentError) in try await remote.promote(reference, request) }, format)
        }
        let decision = try await governance.withService(store) { service throws(AgentError) in
            try await service.promote(reference, to: to, reason: reason)
        }
        printDecision(GovernanceListing.DecisionSummary(decision), format)
    }

    private func requestEmergency(_ reference: ModelReference) async throws {
        let request = if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            try await reportingErrors { () async throws(AgentError) in
                try await remote.requestEmergency(reference, RegistryRequests.Emergency(reason: reason, informed: informed, liftHalt: liftHalt ? true : nil))
            }
        } else {
            try await governance.withService(store) { service throws(AgentError) in
                try await service.requestEmergency(reference, informed: informed, reason: reason, liftsHalt: liftHalt)
            }
        }
        Terminal.print(format == .json ? GovernanceListing.json(request) : GovernanceListing.emergencyRequested(request))
    }
}

/// `edgeprof model confirm NAME@VERSION`: the second tech_lead of an emergency deployment.
struct ModelConfirmCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "confirm", abstract: "Confirm (or --decline) an emergency deployment another tech_lead requested.",
        discussion: """
            Emergency deployments follow a two-person rule: the tech_lead who requested one may not confirm it, and a request \
            expires when the policy's window (emergency: confirm-within-minutes, 60 by default) passes. Confirming deploys the \
            version to production (gates evaluated and recorded, not enforced) and lifts a halt when the request said \
            --lift-halt. Exit codes: 0 done, 65 nothing to confirm or an illegal move, 77 not permitted.
            """)

    @Argument(help: "NAME@VERSION.")
    var model: String

    @Option(help: "Why (recorded in the audit trail).")
    var reason: String

    @Flag(help: "Decline the request instead (its requester may withdraw it this way).")
    var decline = false

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let reference = try reportingErrors { () throws(AgentError) in try parseModelReference(model) }
        let remote = try reportingErrors { () throws(AgentError) in try governance.remote(store) }
        if decline {
            let request = if let remote {
                try await reportingErrors { () async throws(AgentError) in try await remote.declineEmergency(reference, reason: reason) }
            } else {
                try await governance.withService(store) { service throws(AgentError) in try await service.declineEmergency(reference, reason: reason) }
            }
            return Terminal.print(
                format == .json ? GovernanceListing.json(request) : "emergency request \(request.id) for \(reference) is declined by \(request.decidedBy ?? "?"): nothing moved\n")
        }
        if let remote {
            return printDecision(try await reportingErrors { () async throws(AgentError) in try await remote.confirmEmergency(reference, reason: reason) }, format)
        }
        let decision = try await governance.withService(store) { service throws(AgentError) in try await service.confirmEmergency(reference, reason: reason) }
        printDecision(GovernanceListing.DecisionSummary(decision), format)
    }
}

/// `edgeprof model rollback NAME [--to VERSION]`.
struct ModelRollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback", abstract: "Put the previous production version back, restoring its thresholds and config.",
        discussion: "The last three production versions stay deployable (policy: deployable-production-versions).")

    @Argument(help: "Model name.")
    var name: String

    @Option(help: "The earlier production version to restore (default: the most recent).")
    var to: String?

    @Option(help: "Why (recorded in the audit trail and the release record).")
    var reason: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let (model, target) = try reportingErrors { () throws(AgentError) in
            let model = try parseModelName(name)
            do throws(SemanticVersionError) { return (model, try to.map(SemanticVersion.init(parsing:))) } catch { throw .invalidArgument(error.description) }
        }
        if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            let request = RegistryRequests.Rollback(to: target?.description, reason: reason)
            return printDecision(try await reportingErrors { () async throws(AgentError) in try await remote.rollback(model, request) }, format)
        }
        let decision = try await governance.withService(store) { service throws(AgentError) in
            try await service.rollback(model: model, to: target, reason: reason)
        }
        printDecision(GovernanceListing.DecisionSummary(decision), format)
    }
}

/// `edgeprof model halt NAME`.
struct ModelHaltCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "halt", abstract: "Emergency halt: the model serves nothing until resumed (any role may pull it).")

    @OptionGroup var arguments: HaltArguments

    func run() async throws {
        try await arguments.record(
            action: "halt", { service, name, reason throws(AgentError) in try await service.halt(model: name, reason: reason) },
            done: "\(arguments.name) is HALTED: it serves nothing until `edgeprof model resume \(arguments.name)`")
    }
}

/// `edgeprof model resume NAME`.
struct ModelResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Lift an emergency halt (needs tech_lead).")

    @OptionGroup var arguments: HaltArguments

    func run() async throws {
        try await arguments.record(
            action: "resume", { service, name, reason throws(AgentError) in try await service.resume(model: name, reason: reason) }, done: "\(arguments.name) resumed")
    }
}

/// What `halt` and `resume` take, and how they report.
struct HaltArguments: ParsableArguments {
    @Argument(help: "Model name.")
    var name: String

    @Option(help: "Why (recorded in the audit trail).")
    var reason: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    /// `action` names the route (`halt` or `resume`) when acting through a collector.
    func record(action: String, _ act: (GovernanceService, String, String) async throws(AgentError) -> HaltEvent, done: String) async throws {
        let model = try reportingErrors { () throws(AgentError) in try parseModelName(name) }
        let event = if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            try await reportingErrors { () async throws(AgentError) in try await remote.halt(model, action, reason: reason) }
        } else {
            try await governance.withService(store) { service throws(AgentError) in try await act(service, model, reason) }
        }
        Terminal.print(format == .json ? GovernanceListing.json(event) : done + "\n")
    }
}

/// `edgeprof model retire NAME@VERSION`.
struct ModelRetireCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire", abstract: "Retire a version, taking it out of serving: archive its record and close it (needs tech_lead).")

    @Argument(help: "NAME@VERSION.")
    var model: String

    @Option(help: "Why.")
    var reason: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let reference = try reportingErrors { () throws(AgentError) in try parseModelReference(model) }
        if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            return printDecision(try await reportingErrors { () async throws(AgentError) in try await remote.retire(reference, reason: reason) }, format)
        }
        let decision = try await governance.withService(store) { service throws(AgentError) in try await service.retire(reference, reason: reason) }
        printDecision(GovernanceListing.DecisionSummary(decision), format)
    }
}
