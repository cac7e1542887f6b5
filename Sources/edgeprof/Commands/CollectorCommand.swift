import ArgumentParser
import EdgeProfAgent
import EdgeProfCollector
import EdgeProfCore
import EdgeProfPostgres
import EdgeProfStore
import Foundation
import ServiceLifecycle

/// `edgeprof collector`: the lab service agents upload to.
struct CollectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collector", abstract: "Run the collector service and manage its API tokens.",
        subcommands: [CollectorServeCommand.self, CollectorTokenCommand.self, ])
}

/// `edgeprof collector serve`.
struct CollectorServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the collector's JSON API (OpenAPI at /openapi.json, Prometheus at /metrics) until SIGTERM or SIGINT.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port, printed at start).")
    var port = 8470

    @Option(help: "Largest request body accepted, bytes.")
    var maxBody = 8 << 20

    @Option(help: ArgumentHelp("PEM certificate chain: serve HTTPS (with --tls-key).", valueName: "path"))
    var tlsCert: String?

    @Option(help: ArgumentHelp("PEM private key of --tls-cert.", valueName: "path"))
    var tlsKey: String?

    @Option(help: ArgumentHelp("YAML configuration: webhooks and monitoring thresholds (docs/collector.md).", valueName: "path"))
    var config: String?

    @Option(help: ArgumentHelp("Ed25519 key (edgeprof audit keygen) to sign GET /v1/audit/checkpoint with; keep it off the database host.", valueName: "file"))
    var auditKey: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard maxBody >= 1024 else { throw ValidationError("--max-body must be at least 1024 bytes") }
    }

    func run() async throws {
        let settings = try reportingErrors { () throws(AgentError) in
            guard let config else { return CollectorSettings() }
            guard let data = FileManager.default.contents(atPath: config) else {
                throw .invalidArgument("\(config) cannot be read. Fix: check the path given to --config")
            }
            do throws(ConfigError) { return try CollectorSettings.parse(String(decoding: data, as: UTF8.self), file: config) } catch {
                throw .config(error)
            }
        }
        let signer = try reportingErrors { () throws(AgentError) in try auditKey.map(AuditFiles.readKey) }
        let opened = try CollectorDatabase.open(store)
        let configuration = CollectorConfiguration(
            host: host, port: port, maximumBodyBytes: maxBody, tls: tlsCert.map { ($0, tlsKey!) }, settings: settings,
            auditSigner: signer)
        let scheme = tlsCert == nil ? "http" : "https"
        let application = CollectorApplication(store: opened.store, configuration: configuration)
        let host = host
        let location = opened.store.location
        do {
            try await application.run(services: opened.services, prepare: opened.prepare) { port in
                Terminal.note("collector listening on \(scheme)://\(host):\(port) (database \(location))")
            }
        } catch let error as StoreError {
            Terminal.error(error.description)
            throw ExitCode(ExitStatus.code(for: AgentError.store(error)))
        } catch {
            Terminal.error("the collector stopped: \(error). Fix: check that \(host):\(port) is free and the TLS files (if any) are readable PEM")
            throw ExitCode(ExitStatus.ioError)
        }
    }
}

/// `edgeprof collector token`.
struct CollectorTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Issue, list and revoke API tokens (run on the collector's database).",
        subcommands: [CollectorTokenCreateCommand.self, CollectorTokenListCommand.self, CollectorTokenRevokeCommand.self])
}

/// `edgeprof collector token create --actor NAME (--bench BENCH | --person)`.
struct CollectorTokenCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Issue a token; it is printed once and only its SHA-256 is stored.")

    @Option(help: "The actor the token acts as.")
    var actor: String

    @Option(help: "An agent token for this bench: it may upload runs of this bench only.")
    var bench: String?

    @Flag(help: "A person's token: reads, and governance acts as --actor.")
    var person = false

    @Option(help: "Days until the token expires (none by default).")
    var expiresInDays: Int?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard (bench == nil) != !person else { throw ValidationError("choose one: --bench BENCH (an agent token) or --person") }
        if let bench, let problem = RunUploadValidation.nameProblem(bench) { throw ValidationError("--bench \(problem)") }
        if let days = expiresInDays, days < 1 { throw ValidationError("--expires-in-days must be at least 1") }
    }

    func run() async throws {
        var random = SystemRandomNumberGenerator()
        let made = APIToken.make(randomBytes: (0..<30).map { _ in UInt8.random(in: 0...255, using: &random) })
        let now = Date()
        let grant = TokenGrant(
            id: made.id, actor: actor, kind: person ? .person : .agent, bench: bench, createdAt: now,
            expiresAt: expiresInDays.map { now.addingTimeInterval(Double($0) * 86400) })
        try await CollectorDatabase.using(store) { database async throws(AgentError) in
            do throws(StoreError) { return try await database.issueToken(grant, sha256: made.sha256) } catch { throw .store(error) }
        }
        Terminal.print(made.token + "\n")
        Terminal.note("token \(made.id) for \(actor)\(bench.map { " (bench \($0))" } ?? " (person)"): keep it secret; it is not shown again")
    }
}

/// `edgeprof collector token list`.
struct CollectorTokenListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List tokens (never their secrets).")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let grants = try await CollectorDatabase.using(store) { database async throws(AgentError) in
            do throws(StoreError) { return try await database.tokens() } catch { throw .store(error) }
        }
        Terminal.print(TokenListing.table(grants, now: Date()))
    }
}

/// `edgeprof collector token revoke ID`.
struct CollectorTokenRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "revoke", abstract: "Revoke a token at once.")

    @Argument(help: "The token id (the 12 hex digits after ept_).")
    var id: String

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let id = id
        let revoked = try await CollectorDatabase.using(store) { database async throws(AgentError) in
            do throws(StoreError) { return try await database.revokeToken(id: id, at: Date()) } catch { throw .store(error) }
        }
        guard revoked else {
            Terminal.error("there is no token \(id). Fix: `edgeprof collector token list` shows them")
            throw ExitCode(ExitStatus.notFound)
        }
        Terminal.print("revoked \(id)\n")
    }
}
