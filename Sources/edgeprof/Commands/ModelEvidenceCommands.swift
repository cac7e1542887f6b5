import ArgumentParser
import EdgeProfAgent
import EdgeProfCore

/// `edgeprof model attach NAME@VERSION --kind KIND FILE`.
struct ModelAttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach", abstract: "Attach evidence to a version: predictions, a shadow report, a risk assessment, a runbook…",
        discussion: """
            Kinds the gates read: predictions (CSV y_true,y_pred[,score][,group][,weight]: fairness and calibration), \
            shadow-report (shadow evidence), and the checklist's documents (risk-assessment, runbook, rollback-plan by default).
            """)

    @Argument(help: "NAME@VERSION.")
    var model: String

    @Argument(help: "The file (text: CSV, Markdown, JSON).")
    var file: String

    @Option(help: ArgumentHelp("What the file is, e.g. predictions, shadow-report, risk-assessment.", valueName: "kind"))
    var kind: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let reference = try reportingErrors { () throws(AgentError) in try parseModelReference(model) }
        let attachment = if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            try await reportingErrors { () async throws(AgentError) in try await remote.attach(reference, kind: kind, file: file) }
        } else {
            GovernanceListing.AttachmentSummary(try await governance.withService(store) { service throws(AgentError) in
                try await service.attach(reference, kind: kind, file: file)
            })
        }
        Terminal.print(
            format == .json
                ? GovernanceListing.json(attachment)
                : "attached \(attachment.kind) \(attachment.fileName) to \(attachment.reference): sha256 \(attachment.sha256)\n")
    }
}

/// `edgeprof model approve NAME@VERSION STAGE --reason TEXT`.
struct ModelApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Sign an approval stage of a version (needs the stage's role).",
        discussion: "Stages and their default roles: \(ApprovalStage.allCases.map { "\($0.rawValue) (\($0.defaultRole.rawValue))" }.joined(separator: ", ")).")

    @Argument(help: "NAME@VERSION.")
    var model: String

    @Argument(help: "The approval stage.")
    var stage: ApprovalStage

    @Option(help: "Why you approve.")
    var reason: String

    @Option(name: .customLong("evidence"), help: ArgumentHelp("What you looked at (run id, report, URL); repeat for several.", valueName: "text"))
    var evidence: [String] = []

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let reference = try reportingErrors { () throws(AgentError) in try parseModelReference(model) }
        let approval = if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            try await reportingErrors { () async throws(AgentError) in
                try await remote.approve(reference, RegistryRequests.Approve(stage: stage, reason: reason, evidence: evidence))
            }
        } else {
            try await governance.withService(store) { service throws(AgentError) in
                try await service.approve(reference, stage: stage, reason: reason, evidence: evidence)
            }
        }
        Terminal.print(
            format == .json
                ? GovernanceListing.json(approval)
                : "\(approval.stage.rawValue) of \(approval.reference) signed by \(approval.actor) as \(approval.role.rawValue)\n")
    }
}

/// `edgeprof model revoke-approval NAME@VERSION STAGE --reason TEXT`.
struct ModelRevokeApprovalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke-approval", abstract: "Withdraw an approval before the move it enabled (its signer, a tech_lead or a compliance_officer).",
        discussion: "Once the version has entered the stage the approval was required for, the approval stays on record: fail, roll back or retire the version instead.")

    @Argument(help: "NAME@VERSION.")
    var model: String

    @Argument(help: "The approval stage to withdraw.")
    var stage: ApprovalStage

    @Option(help: "Why (recorded in the audit trail).")
    var reason: String

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var governance: GovernanceOptions
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let reference = try reportingErrors { () throws(AgentError) in try parseModelReference(model) }
        let revocation = if let remote = try reportingErrors({ () throws(AgentError) in try governance.remote(store) }) {
            try await reportingErrors { () async throws(AgentError) in
                try await remote.revokeApproval(reference, RegistryRequests.RevokeApproval(stage: stage, reason: reason))
            }
        } else {
            try await governance.withService(store) { service throws(AgentError) in try await service.revokeApproval(reference, stage: stage, reason: reason) }
        }
        Terminal.print(
            format == .json
                ? GovernanceListing.json(revocation)
                : "\(stage.rawValue) of \(reference) (signed by \(revocation.approval.actor)) is revoked by \(revocation.revokedBy)\n")
    }
}
