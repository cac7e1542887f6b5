import AsyncHTTPClient
@testable import EdgeProfCollector
import EdgeProfCore
import EdgeProfStore
import Foundation
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A collector serving on a real socket on 127.0.0.1 (a free port), over a real SQLite file or
/// a fresh PostgreSQL database, with an agent token for bench-1 and a person token for ana.
final class LiveCollector: Sendable {
    let store: any CollectorStore
    private let fixture: StoreUnderTest
    let group: ServiceGroup
    /// The group's run, which ends once every service has stopped.
    let running: Task<Void, Never>
    let port: Int
    let agentToken: String
    let personToken: String
    let model: RegisteredModel
    static let sha = String(repeating: "a", count: 64)
    static let reference = ModelReference(name: "kws", version: SemanticVersion(major: 1, minor: 0, patch: 0))

    /// Closes idle connections long before the collector does (as `CollectorClient`), so a
    /// request never rides a connection the server is closing.
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.idleTimeout = .seconds(2)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// The deadline of the agents' clients in tests: a bound on a hang, not a speed figure. The
    /// product's 15 s is too short for a collector that shares two loaded cores with the whole suite.
    static let clientTimeout: Duration = .seconds(120)

    static func start(
        on kind: StoreKind = .sqlite, maximumBodyBytes: Int = 1 << 20, settings: CollectorSettings = CollectorSettings(), auditSigner: AuditSigner? = nil,
        headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(60),
        authenticationThrottle: AuthenticationThrottle = AuthenticationThrottle(limit: 1_000_000), metricsNeedToken: Bool = false,
        watcherSweep: Duration = .seconds(30), mlflowArtifactRoot: String? = nil, eventLoopGroup: (any EventLoopGroup)? = nil
    ) async throws -> LiveCollector {
        try await start(reusing: try await StoreUnderTest.make(kind), maximumBodyBytes: maximumBodyBytes, settings: settings, auditSigner: auditSigner,
                        headerTimeout: headerTimeout, bodyTimeout: bodyTimeout, authenticationThrottle: authenticationThrottle, metricsNeedToken: metricsNeedToken,
                        watcherSweep: watcherSweep, mlflowArtifactRoot: mlflowArtifactRoot, eventLoopGroup: eventLoopGroup)
    }

    /// A collector over a store that already holds data, as one started again after a stop.
    static func start(
        reusing fixture: StoreUnderTest, maximumBodyBytes: Int = 1 << 20, settings: CollectorSettings = CollectorSettings(), auditSigner: AuditSigner? = nil,
        headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(60),
        authenticationThrottle: AuthenticationThrottle = AuthenticationThrottle(limit: 1_000_000), metricsNeedToken: Bool = false,
        watcherSweep: Duration = .seconds(30), mlflowArtifactRoot: String? = nil, eventLoopGroup: (any EventLoopGroup)? = nil
    ) async throws -> LiveCollector {
        let store = fixture.store
        let model = fixture.model
        let now = Date()
        let agent = try await issue(store, TokenGrant(id: "", actor: "bench1-agent", kind: .agent, bench: "bench-1", createdAt: now, expiresAt: nil))
        let person = try await issue(store, TokenGrant(id: "", actor: "ana", kind: .person, bench: nil, createdAt: now, expiresAt: nil))
        var configuration = CollectorConfiguration(
            host: "127.0.0.1", port: 0, maximumBodyBytes: maximumBodyBytes, settings: settings,
            webhookRetry: RetrySchedule(base: 0.1, cap: 0.2), auditSigner: auditSigner, headerTimeout: headerTimeout, bodyTimeout: bodyTimeout,
            authenticationThrottle: authenticationThrottle, metricsNeedToken: metricsNeedToken)
        // Tests step the drift scheduler through simulated days themselves; the collector's own
        // sweep (on the wall clock) runs only at start.
        configuration.driftSweep = .seconds(86_400)
        // Outages too: a test that lasts longer than the outage policy's minutes on a loaded
        // machine must not see its devices go silent; the outage tests sweep at their own `now`.
        configuration.outageSweep = .seconds(86_400)
        // The watchers' sweep on the wall clock (lifecycle, rollbacks, incidents, places); a test
        // that sweeps on a clock of its own takes it out of the way.
        configuration.rollbackSweep = watcherSweep
        configuration.mlflowArtifactRoot = mlflowArtifactRoot
        configuration.eventLoopGroup = eventLoopGroup
        let application = CollectorApplication(store: store, configuration: configuration)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = try application.makeServiceGroup { port in continuation.yield(port) }
        let running = DedicatedServing.serve { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return LiveCollector(
            fixture: fixture, group: group, running: running, port: port, agentToken: agent, personToken: person,
            model: model)
    }

    private init(
        fixture: StoreUnderTest, group: ServiceGroup, running: Task<Void, Never>, port: Int, agentToken: String, personToken: String, model: RegisteredModel
    ) {
        self.fixture = fixture
        self.store = fixture.store
        self.group = group
        self.running = running
        self.port = port
        self.agentToken = agentToken
        self.personToken = personToken
        self.model = model
    }

    static func issue(_ store: any CollectorStore, _ template: TokenGrant, expiresAt: Date? = nil) async throws -> String {
        let made = APIToken.make(randomBytes: (0..<30).map { _ in UInt8.random(in: 0...255) })
        var grant = template
        grant.id = made.id
        grant.expiresAt = expiresAt ?? template.expiresAt
        try await issue(grant, sha256: made.sha256, in: store.registry)
        return made.token
    }

    /// Writes a token the way `edgeprof collector token create` does (an audited registry act),
    /// without the rules: tests also need tokens that the rules would refuse to issue.
    static func issue(_ grant: TokenGrant, sha256: String, in registry: any RegistryStore) async throws {
        let head = try await registry.snapshot(model: "").auditHead
        _ = try await registry.commit(GovernanceChange(actor: "test-setup", at: grant.createdAt, expectedAuditHead: head, operations: [.issueToken(grant, sha256: sha256)]))
    }

    /// Adds a registry actor with roles, as the first actor adds themselves (an audited act).
    func addActor(_ name: String, _ roles: [GovernanceRole]) async throws {
        let head = try await store.registry.snapshot(model: "").auditHead
        _ = try await store.registry.commit(GovernanceChange(
            actor: name, at: Date(), expectedAuditHead: head,
            operations: [.addActor(RegistryActor(name: name, roles: roles, addedAt: Date(), addedBy: name))]))
    }

    /// Stops the services, then closes the database, as a collector process does: a service
    /// still running must not find its database gone.
    func stop() async {
        await group.triggerGracefulShutdown()
        await running.value
        fixture.close()
    }

    struct Reply {
        var status: Int
        var body: String
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] }
        var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String? { (json?["error"] as? [String: Any])?["message"] as? String }
    }

    func request(
        _ method: NIOHTTP1.HTTPMethod, _ path: String, token: String? = nil, body: Data? = nil,
        contentType: String? = "application/json", headers extra: [(String, String)] = []
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        let response = try await Self.http.execute(request, timeout: .seconds(Self.clientTimeout.components.seconds))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return Reply(status: Int(response.status.code), body: String(buffer: bytes))
    }

    /// SQL run on the collector's database behind its back (see `StoreUnderTest.execute`).
    func executeSQL(_ sql: String) async throws -> String {
        try await fixture.execute(sql)
    }

    func runCount() async throws -> Int {
        try await store.registry.runs(of: model, deviceClass: nil).count
    }
}
