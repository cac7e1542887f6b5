import ArgumentParser
import EdgeProfAgent
import EdgeProfCore

/// `edgeprof audit`: the append-only, hash-chained record of governance acts.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show and verify the tamper-evident audit trail.",
        subcommands: [AuditLogCommand.self, AuditVerifyCommand.self])
}

/// `edgeprof audit log [--model NAME]`.
struct AuditLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "List governance acts, oldest first.")

    @Option(help: ArgumentHelp("Only the acts on this model (any version).", valueName: "name"))
    var model: String?

    @Option(help: "Output format: table or json.")
    var format = ReportFormat.table

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let entries = try await store.withRegistry { registry throws(AgentError) in
            do throws(StoreError) { return try await registry.auditTrail() } catch { throw .store(error) }
        }.filter { entry in model.map { entry.concerns(model: $0) } ?? true }
        Terminal.print(format == .json ? AuditListing.json(entries) : AuditListing.table(entries))
    }
}

/// `edgeprof audit verify`: exit 0 when every entry holds, 1 naming the first that does not.
struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check every hash and link of the audit trail.",
        discussion: "Exit codes: 0 intact, 1 broken (the first bad entry is named).")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let verification = try await store.withRegistry { registry throws(AgentError) in
            do throws(StoreError) { return AuditChain.verify(try await registry.auditTrail()) } catch { throw .store(error) }
        }
        Terminal.print(AuditListing.verdict(verification))
        if case .broken = verification { throw ExitCode(ExitStatus.gateFail) }
    }
}
