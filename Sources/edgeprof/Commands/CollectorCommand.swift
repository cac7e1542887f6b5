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
        subcommands: [CollectorServeCommand.self, CollectorTokenCommand.self, CollectorSignInLinkCommand.self])
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

    @Option(help: "Seconds a client has to send a request's head (an idle connection closes after as long).")
    var headerTimeout = 10

    @Option(help: "Seconds a client has to send a request's whole body (408 after).")
    var bodyTimeout = 60

    @Option(help: "Failed authentications from one address within a minute before it is refused (429) for a minute.")
    var authFailureLimit = 30

    @Flag(help: "GET /metrics answers only with a valid token (give Prometheus one as its bearer token).")
    var metricsNeedToken = false

    @Option(help: ArgumentHelp(
        "Folder whose files MLflow clients may name as a model version's source (file://…); without it the collector reads no files for them (docs/mlflow.md).",
        valueName: "dir"))
    var mlflowArtifactRoot: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard (1...600).contains(headerTimeout), (1...3600).contains(bodyTimeout) else {
            throw ValidationError("--header-timeout must be 1 to 600 s and --body-timeout 1 to 3600 s")
        }
        guard authFailureLimit >= 1 else { throw ValidationError("--auth-failure-limit must be at least 1") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
        guard maxBody >= 1024 else { throw ValidationError("--max-body must be at least 1024 bytes") }
        if let mlflowArtifactRoot {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: mlflowArtifactRoot, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--mlflow-artifact-root \(mlflowArtifactRoot) is not a folder")
            }
        }
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
        var tls: (String, String)?
        if let tlsCert, let tlsKey { tls = (tlsCert, tlsKey) }
        var configuration = CollectorConfiguration(
            host: host, port: port, maximumBodyBytes: maxBody, tls: tls, settings: settings, auditSigner: signer,
            headerTimeout: .seconds(headerTimeout), bodyTimeout: .seconds(bodyTimeout),
            authenticationThrottle: AuthenticationThrottle(limit: authFailureLimit), metricsNeedToken: metricsNeedToken)
        configuration.mlflowArtifactRoot = mlflowArtifactRoot
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
        commandName: "token", abstract: "Issue, list, rotate and revoke API tokens (run on the collector's database; each act is audited).",
        subcommands: [CollectorTokenCreateCommand.self, CollectorTokenListCommand.self, CollectorTokenRotateCommand.self, CollectorTokenRevokeCommand.self])
}

/// `edgeprof collector token create --for NAME (--bench BENCH | --person)`.
struct CollectorTokenCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Issue a token; it is printed once and only its SHA-256 is stored.",
        discussion: """
            A tech_lead or compliance_officer issues any token; every actor may issue a person token for themselves (--for \
            their own name). A person token acts as an existing, active actor; an agent token uploads for one bench. Every \
            token expires: after the policy's default (90 days) unless --expires-in-days says otherwise, up to its maximum (365).
            """)

    @Option(name: .customLong("for"), help: ArgumentHelp("Whose token: the actor a person token acts as, or the agent's name.", valueName: "name"))
    var owner: String

    @Option(help: "An agent token for this bench: it may upload runs of this bench only.")
    var bench: String?

    @Flag(help: "A person's token: reads, and governance acts as --for.")
    var person = false

    @Option(help: "Days until the token expires (default: the policy's, 90).")
    var expiresInDays: Int?

    @OptionGroup var acting: ActingActor
    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard (bench == nil) != !person else { throw ValidationError("choose one: --bench BENCH (an agent token) or --person") }
        if let bench, let problem = RunUploadValidation.nameProblem(bench) { throw ValidationError("--bench \(problem)") }
    }

    func run() async throws {
        let request = GovernanceRules.TokenRequest(owner: owner, kind: person ? .person : .agent, bench: bench, expiresInDays: expiresInDays)
        let issued = try await acting.service(store) { service, _ async throws(AgentError) in try await service.issueToken(request) }
        Terminal.print(issued.token + "\n")
        Terminal.note(
            "token \(issued.grant.id) for \(owner)\(bench.map { " (bench \($0))" } ?? " (person)"), valid until \(issued.grant.expiresAt.map { $0.ISO8601Format() } ?? "revoked"): keep it secret; it is not shown again")
    }
}

/// `edgeprof collector token rotate ID [--grace-hours N]`.
struct CollectorTokenRotateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate", abstract: "Replace a token with a new one for the same owner and bench; the old one stops now or after --grace-hours.")

    @Argument(help: "The token id (the 12 hex digits after ept_).")
    var id: String

    @Option(help: "Hours the old token keeps working, so an agent can switch without missing an upload (0 to 168).")
    var graceHours = 0

    @OptionGroup var acting: ActingActor
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let (id, graceHours) = (id, graceHours)
        let issued = try await acting.service(store) { service, database async throws(AgentError) in
            try await service.rotateToken(try await CollectorTokenRevokeCommand.grant(id, database), graceHours: graceHours)
        }
        Terminal.print(issued.token + "\n")
        Terminal.note("token \(issued.grant.id) replaces \(id)\(graceHours > 0 ? ", which works \(graceHours) more hours" : ", which is revoked"); keep it secret")
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

/// `edgeprof collector token revoke ID --reason TEXT`.
struct CollectorTokenRevokeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke", abstract: "Revoke a token at once (its owner, a tech_lead or a compliance_officer).")

    @Argument(help: "The token id (the 12 hex digits after ept_).")
    var id: String

    @Option(help: "Why (recorded in the audit trail).")
    var reason: String

    @OptionGroup var acting: ActingActor
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let (id, reason) = (id, reason)
        try await acting.service(store) { service, database async throws(AgentError) in
            try await service.revokeToken(try await Self.grant(id, database), reason: reason)
        }
        Terminal.print("revoked \(id)\n")
    }

    /// The stored token `id`, or a not-found error naming how to list them.
    static func grant(_ id: String, _ store: any CollectorStore) async throws(AgentError) -> TokenGrant {
        let grants: [TokenGrant]
        do { grants = try await store.tokens() } catch { throw .store(error) }
        guard let grant = grants.first(where: { $0.id == id }) else {
            throw .governance(.notFound("there is no token \(id). Fix: `edgeprof collector token list` shows them"))
        }
        return grant
    }
}

/// `--actor` for the token commands: who issues or revokes (default $EDGEPROF_ACTOR, else the login).
struct ActingActor: ParsableArguments {
    @Option(help: ArgumentHelp("Who acts (default: $EDGEPROF_ACTOR, else your login); must be a registered actor.", valueName: "name"))
    var actor: String?

    /// Runs `body` with the governance service on the collector's database (and that database),
    /// acting as --actor.
    func service<T: Sendable>(
        _ store: StoreOptions, _ body: @escaping (GovernanceService, any CollectorStore) async throws(AgentError) -> T
    ) async throws -> T {
        let actor = Actor.current(explicit: actor)
        return try await CollectorDatabase.using(store) { database async throws(AgentError) in
            try await body(GovernanceService(store: database.registry, actor: actor), database)
        }
    }
}
