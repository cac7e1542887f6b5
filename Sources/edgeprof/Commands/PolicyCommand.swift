import ArgumentParser
import EdgeProfAgent
import EdgeProfCore

/// `edgeprof policy`: the registry's governance policy, changed only by governance acts.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy", abstract: "Show the registry's governance policy; propose and approve changes to it.",
        discussion: """
            The policy lives in the registry: every command decides under the version in force, whatever folder it runs in. \
            A change is proposed by a tech_lead or compliance_officer and comes into force once every role that the policy \
            in force names (policy-changes: approvals; default compliance_officer and tech_lead) has approved it, each through \
            another actor than the proposer. While the registry holds no model version, a proposal is adopted at once.
            """,
        subcommands: [PolicyShowCommand.self, PolicyListCommand.self, PolicyProposeCommand.self, PolicyApproveCommand.self])
}

/// `edgeprof policy show [VERSION]`.
struct PolicyShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A policy version's text, thresholds and approvals (default: the one in force).")

    @Argument(help: "Policy version (0 is the built-in policy).")
    var version: Int?

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        if let remote = try reportingErrors({ () throws(AgentError) in try access.remote(store) }) {
            let (record, missing) = try await reportingErrors { () async throws(AgentError) in try await remote.policy(version: version) }
            Terminal.print(format == .json ? GovernanceListing.json(record) : PolicyListing.show(record, missing: missing))
            return
        }
        try reportingErrors { () throws(AgentError) in try store.requireExisting() }
        let (record, missing) = try await store.withRegistry { registry throws(AgentError) in
            let snapshot = try await GovernanceService(store: registry, actor: "").snapshot("")
            guard let record = version.map(snapshot.policy(version:)) ?? snapshot.policyInForce else {
                throw AgentError.invalidArgument("there is no policy v\(version ?? 0); `edgeprof policy list` shows the versions")
            }
            let current = try GovernanceService(store: registry, actor: "").rules(snapshot).policy
            return (record, record.state == .proposed ? record.missingRoles(under: current) : [])
        }
        Terminal.print(format == .json ? GovernanceListing.json(record) : PolicyListing.show(record, missing: missing))
    }
}

/// `edgeprof policy list`.
struct PolicyListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every policy version: state, proposer, approvals, sha256.")

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var access: CollectorAccessOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let policies: [PolicyRecord]
        if let remote = try reportingErrors({ () throws(AgentError) in try access.remote(store) }) {
            policies = try await reportingErrors { () async throws(AgentError) in try await remote.policies() }
        } else {
            try reportingErrors { () throws(AgentError) in try store.requireExisting() }
            policies = try await store.withRegistry { registry throws(AgentError) in
                try await GovernanceService(store: registry, actor: "").snapshot("").policies
            }
        }
        Terminal.print(format == .json ? GovernanceListing.json(policies) : PolicyListing.list(policies))
    }
}

/// `edgeprof policy propose FILE --reason TEXT`.
struct PolicyProposeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "propose", abstract: "Propose a policy file (with the edge thresholds file it names, embedded) as the next version.")

    @Argument(help: "The policy YAML (docs/governance.md).")
    var file: String

    @Option(help: "Why the policy changes.")
    var reason: String

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if governance.policy != nil { throw ValidationError("give the proposed policy as the FILE argument, not --policy") }
    }

    func run() async throws {
        let (text, thresholds) = try reportingErrors { () throws(AgentError) in try GovernanceService.readPolicyFile(file) }
        let record = if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            try await reportingErrors { () async throws(AgentError) in
                try await remote.proposePolicy(RegistryRequests.ProposePolicy(policy: text, thresholds: thresholds, reason: reason))
            }
        } else {
            try await governance.withService(store) { service throws(AgentError) in
                try await service.proposePolicy(text: text, thresholds: thresholds, reason: reason)
            }
        }
        Terminal.print(
            record.state == .active
                ? "policy v\(record.version) is in force (sha256 \(record.sha256)): adopted as the registry holds no model version yet\n"
                : "proposed policy v\(record.version) (sha256 \(record.sha256)); it comes into force once approved: edgeprof policy approve \(record.version) --reason TEXT\n")
    }
}

/// `edgeprof policy approve VERSION --reason TEXT`.
struct PolicyApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a proposed policy version for one of your roles.")

    @Argument(help: "The proposed version.")
    var version: Int

    @Option(help: "Why you approve it.")
    var reason: String

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let (approval, activated) = if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            try await reportingErrors { () async throws(AgentError) in
                let answer = try await remote.approvePolicy(version: version, reason: reason)
                return (answer.approval, answer.activated)
            }
        } else {
            try await governance.withService(store) { service throws(AgentError) in
                try await service.approvePolicy(version: version, reason: reason)
            }
        }
        let signed = approval.map { "\($0.actor) approved policy v\(version) as \($0.role.rawValue)" } ?? "approved policy v\(version)"
        Terminal.print(signed + (activated ? "; policy v\(version) is now in force\n" : "; more approvals are needed (edgeprof policy show \(version))\n"))
    }
}
