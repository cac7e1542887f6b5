import EdgeProfCore
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOSSL
import ServiceLifecycle

/// The collector service: the API over a `CollectorStore`, run with graceful start and stop.
public struct CollectorApplication: Sendable {
    let store: any CollectorStore
    let configuration: CollectorConfiguration
    let metrics = CollectorMetrics()
    /// The dashboard's signed-in sessions (in memory: a restart signs everyone out).
    let sessions = DashboardSessions()
    let logger: Logger

    public init(store: any CollectorStore, configuration: CollectorConfiguration, logger: Logger = Logger(label: "edgeprof.collector")) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// The router with every `CollectorRoute` registered behind the error and access checks.
    func makeRouter() -> Router<CollectorRequestContext> {
        let router = Router(context: CollectorRequestContext.self)
        router.add(middleware: ErrorMiddleware(logger: logger, metrics: metrics))
        let monitor = CollectorMonitor(
            store: store, settings: configuration.settings, metrics: metrics, logger: logger,
            rollbacks: AutomaticRollbackWatcher(store: store, logger: logger, sweep: configuration.rollbackSweep), lifecycle: lifecycleWatcher)
        let governance = GovernanceHandlers(registry: store.registry, auditSigner: configuration.auditSigner)
        let handlers = CollectorHandlers(
            store: store, configuration: configuration, metrics: metrics, monitor: monitor, governance: governance,
            throttle: ThrottleGate(configuration.authenticationThrottle))
        for route in CollectorRoute.allCases {
            let access = route == .metrics && configuration.metricsNeedToken ? AccessRule.anyToken : route.access
            router.on(RouterPath(route.path), method: route.method) { [metrics] request, context in
                let started = ContinuousClock.now
                do {
                    let grant = try await handlers.authorize(request, access, from: context.clientAddress)
                    let response = try await handlers.respond(route, request: request, context: context, grant: grant)
                    metrics.recordRequest(method: route.method.rawValue, route: route.path, status: Int(response.status.code), duration: ContinuousClock.now - started)
                    return response
                } catch {
                    let status = (error as? APIError)?.status.code ?? (error as? any HTTPResponseError)?.status.code ?? 500
                    metrics.recordRequest(method: route.method.rawValue, route: route.path, status: Int(status), duration: ContinuousClock.now - started)
                    if status == 401 { metrics.recordAuthenticationFailure(reason: (error as? APIError)?.accessReason ?? "unknown") }
                    throw error
                }
            }
        }
        DashboardRoute.register(on: router, DashboardHandlers(store: store, configuration: configuration, sessions: sessions, api: handlers))
        let mlflow = MLflowHandlers(store: store, configuration: configuration, governance: governance)
        for route in MLflowRoute.allCases {
            router.on(RouterPath(route.path), method: route.method) { [metrics] request, context in
                let started = ContinuousClock.now
                do {
                    let grant = try await handlers.authorize(request, route.access, from: context.clientAddress)
                    let body = route.hasBody ? try await handlers.jsonBody(request) : nil
                    let response = try await mlflow.respond(.init(route: route, query: MLflowQuery.parameters(request.uri.query), body: body, grant: grant))
                    metrics.recordRequest(method: route.method.rawValue, route: route.path, status: Int(response.status.code), duration: ContinuousClock.now - started)
                    return response
                } catch {
                    let answer = MLflowError.from(error)
                    metrics.recordRequest(method: route.method.rawValue, route: route.path, status: Int(answer.status.code), duration: ContinuousClock.now - started)
                    if answer.status.code == 401 { metrics.recordAuthenticationFailure(reason: (error as? APIError)?.accessReason ?? "unknown") }
                    throw answer
                }
            }
        }
        return router
    }

    /// Serves until SIGTERM or SIGINT, then drains in-flight requests. `onListening` gets the bound port.
    public func run(
        services: [any Service] = [], prepare: (@Sendable () async throws -> Void)? = nil,
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        try await makeServiceGroup(services: services, prepare: prepare, onListening: onListening).run()
    }

    /// The service group that runs the server; `triggerGracefulShutdown()` stops it cleanly.
    /// `services` start first (a database client); `prepare` runs before the server listens.
    public func makeServiceGroup(
        services: [any Service] = [], prepare: (@Sendable () async throws -> Void)? = nil,
        onListening: @escaping @Sendable (Int) async -> Void
    ) throws -> ServiceGroup {
        let server: HTTPServerBuilder
        // The idle timeout runs from the connection's start or last response to the next request
        // head, and between body parts: a half-sent head or a stalled body is cut off.
        let http1 = HTTPServerBuilder.http1(configuration: .init(idleTimeout: .nanoseconds(Int64(configuration.headerTimeout.components.seconds) * 1_000_000_000
            + configuration.headerTimeout.components.attoseconds / 1_000_000_000)))
        if let tls = configuration.tls {
            server = try .tls(http1, tlsConfiguration: try Self.tlsConfiguration(certificate: tls.certificatePath, key: tls.keyPath))
        } else {
            server = http1
        }
        var application = Application(
            router: makeRouter(),
            server: server,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "edgeprof-collector"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            eventLoopGroupProvider: configuration.eventLoopGroup.map { .shared($0) } ?? .singleton,
            logger: logger)
        if let prepare { application.beforeServerStarts(perform: prepare) }
        let webhooks = WebhookDispatcher(
            store: store, retry: configuration.webhookRetry, webhooks: configuration.settings.webhooks, logger: logger, poll: .milliseconds(500),
            metrics: metrics)
        let rollbacks = AutomaticRollbackWatcher(store: store, logger: logger, sweep: configuration.rollbackSweep)
        let alertmanager: [any Service] = configuration.settings.alertmanager.map { [AlertmanagerNotifier(store: store, settings: $0, logger: logger, metrics: metrics)] } ?? []
        let retention = TelemetryRetention(store: store, settings: configuration.settings.telemetry, logger: logger, sweep: .seconds(3600))
        let drift = DriftScheduler(store: store, logger: logger, sweep: configuration.driftSweep, webhooks: configuration.settings.webhooks)
        let incidents = IncidentWatcher(store: store, logger: logger, sweep: configuration.rollbackSweep)
        let abTests = ABTestWatcher(store: store, logger: logger, sweep: configuration.rollbackSweep, webhooks: configuration.settings.webhooks)
        let places = PlaceWatcher(store: store, logger: logger, sweep: configuration.rollbackSweep, webhooks: configuration.settings.webhooks, listeningSince: Date())
        let outages = OutageWatcher(store: store, logger: logger, sweep: configuration.outageSweep, webhooks: configuration.settings.webhooks)
        return ServiceGroup(
            configuration: .init(
                services: services + [application, webhooks, rollbacks, lifecycleWatcher, retention, drift, incidents, abTests, places, outages] + alertmanager,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
    }

    /// Automatic stage moves and stage-duration alerts, swept like rollbacks.
    var lifecycleWatcher: LifecycleWatcher {
        LifecycleWatcher(store: store, logger: logger, sweep: configuration.rollbackSweep, webhooks: configuration.settings.webhooks)
    }

    static func tlsConfiguration(certificate: String, key: String) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
        let privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        return TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(privateKey))
    }
}
