import ArgumentParser
import EdgeProfAgent
import EdgeProfCore
import Foundation

/// `edgeprof audit`: the append-only, hash-chained record of governance acts.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Show and verify the tamper-evident audit trail.",
        subcommands: [AuditLogCommand.self, AuditVerifyCommand.self, AuditKeygenCommand.self, AuditCheckpointCommand.self])
}

/// `edgeprof audit log [--model NAME]`.
struct AuditLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "log", abstract: "List governance acts, oldest first.")

    @Option(help: ArgumentHelp("Only the acts on this model (any version).", valueName: "name"))
    var model: String?

    @Option(help: "Output format: table or json.")
    var format = ListFormat.table

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try reportingErrors { () throws(AgentError) in try store.requireExisting() }
        let entries = try await store.withRegistry { registry throws(AgentError) in
            do throws(StoreError) { return try await registry.auditTrail() } catch { throw .store(error) }
        }.filter { entry in model.map { entry.concerns(model: $0) } ?? true }
        Terminal.print(format == .json ? AuditListing.json(entries) : AuditListing.table(entries))
    }
}

/// `edgeprof audit verify [--checkpoint FILE]`: exit 0 when every entry holds, 1 naming the
/// first that does not, or when the trail no longer contains a signed checkpoint's head.
struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Check every hash and link of the audit trail, and that it still holds a signed checkpoint.",
        discussion: "Exit codes: 0 intact, 1 broken (the first bad entry is named) or cut short of a checkpoint.")

    @Option(help: ArgumentHelp("A checkpoint from `edgeprof audit checkpoint` or GET /v1/audit/checkpoint, kept outside the database.", valueName: "file"))
    var checkpoint: String?

    @Option(help: ArgumentHelp("The signer's public key (base64) to trust; without it, the key inside the checkpoint is used and said so.", valueName: "key"))
    var publicKey: String?

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try reportingErrors { () throws(AgentError) in try store.requireExisting() }
        let signed = try reportingErrors { () throws(AgentError) in try checkpoint.map(AuditFiles.readCheckpoint) }
        let trail = try await store.withRegistry { registry throws(AgentError) in
            do throws(StoreError) { return try await registry.auditTrail() } catch { throw .store(error) }
        }
        let verification = AuditChain.verify(trail)
        Terminal.print(AuditListing.verdict(verification))
        var broken = false
        if case .broken = verification { broken = true }
        if let signed {
            let found = signed.verify(against: trail, trustedKey: publicKey)
            Terminal.print(AuditListing.checkpoint(found, signed, keyPinned: publicKey != nil))
            if case .holds = found {} else { broken = true }
        }
        if broken { throw ExitCode(ExitStatus.gateFail) }
    }
}

/// `edgeprof audit keygen --out FILE`: an Ed25519 key for signing checkpoints, kept outside the database.
struct AuditKeygenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen", abstract: "Make an Ed25519 key for signing audit checkpoints (file mode 0600); prints its public key.")

    @Option(help: ArgumentHelp("Where to write the private key; an existing file is never overwritten.", valueName: "file"))
    var out: String

    func run() async throws {
        let key = try reportingErrors { () throws(AgentError) in try AuditFiles.writeNewKey(to: out) }
        Terminal.print("wrote \(out) (keep it off the database host's backups of the registry)\npublic key \(key.publicKey)\n")
    }
}

/// `edgeprof audit checkpoint --key FILE`: the trail's head, signed.
struct AuditCheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint", abstract: "Sign the audit trail's head with a key kept outside the database; keep the JSON elsewhere.",
        discussion: "`edgeprof audit verify --checkpoint FILE` later fails if the trail no longer contains that head or is shorter than it.")

    @Option(help: ArgumentHelp("The signing key from `edgeprof audit keygen`.", valueName: "file"))
    var key: String

    @Option(help: ArgumentHelp("Write the checkpoint here instead of standard output.", valueName: "file"))
    var out: String?

    @OptionGroup var store: StoreOptions

    func run() async throws {
        try reportingErrors { () throws(AgentError) in try store.requireExisting() }
        let signingKey = try reportingErrors { () throws(AgentError) in try AuditFiles.readKey(key) }
        let trail = try await store.withRegistry { registry throws(AgentError) in
            do throws(StoreError) { return try await registry.auditTrail() } catch { throw .store(error) }
        }
        let text = try reportingErrors { () throws(AgentError) in
            do { return AuditListing.json(try signingKey.checkpoint(of: trail, at: Date())) } catch {
                throw .invalidArgument("the checkpoint could not be signed: \(error)")
            }
        }
        guard let out else { return Terminal.print(text) }
        try reportingErrors { () throws(AgentError) in
            guard FileManager.default.createFile(atPath: out, contents: Data(text.utf8)) else {
                throw .invalidArgument("\(out) cannot be written. Fix: check the folder exists and is writable")
            }
        }
    }
}
