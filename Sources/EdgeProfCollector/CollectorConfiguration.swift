import EdgeProfCore
import NIOCore

/// How `edgeprof collector serve` runs: where it listens, how much it accepts, what it watches.
public struct CollectorConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Largest request body accepted, bytes (a run of 20 iterations × 16 tokens is ~10 KB).
    public var maximumBodyBytes: Int
    /// PEM certificate chain and private key for HTTPS; plain HTTP when nil.
    public var tls: (certificatePath: String, keyPath: String)?
    /// Monitoring thresholds and webhooks (`--config`).
    public var settings: CollectorSettings
    /// How failed webhook deliveries are retried.
    public var webhookRetry: RetrySchedule
    /// How long a client has to send a request's head (and an idle connection stays open), and
    /// its whole body: slow or stalled clients cannot hold connections.
    public var headerTimeout: Duration
    public var bodyTimeout: Duration
    /// `GET /metrics` answers only with a valid token (any kind).
    public var metricsNeedToken: Bool
    /// How many failed authentications a source gets before it is refused for a while.
    public var authenticationThrottle: AuthenticationThrottle
    /// Signs the audit checkpoints `GET /v1/audit/checkpoint` serves (`--audit-key`).
    public var auditSigner: AuditSigner?
    /// How often every model is checked for an automatic rollback that is due (besides right
    /// after a run opens a critical alert).
    public var rollbackSweep: Duration = .seconds(30)
    /// How often the drift scheduler looks for due windows (a window is due once a day or a week).
    public var driftSweep: Duration = .seconds(300)
    /// How often the fleet is checked for serving outages (devices that stopped answering).
    public var outageSweep: Duration = .seconds(30)
    /// The folder whose files MLflow clients may name as a model version's source (`file://…`);
    /// nil: the collector reads no files for them.
    public var mlflowArtifactRoot: String?
    /// The event loops the server's connections run on; nil: NIO's shared ones. A collector that
    /// shares its process with other servers and clients (a test suite) can be given loops of its
    /// own, so their traffic never delays its timeouts.
    public var eventLoopGroup: (any EventLoopGroup)?

    public init(
        host: String = "127.0.0.1", port: Int = 8470, maximumBodyBytes: Int = 8 << 20, tls: (certificatePath: String, keyPath: String)? = nil,
        settings: CollectorSettings = CollectorSettings(), webhookRetry: RetrySchedule = RetrySchedule(base: 1, cap: 300),
        auditSigner: AuditSigner? = nil, headerTimeout: Duration = .seconds(10), bodyTimeout: Duration = .seconds(60),
        authenticationThrottle: AuthenticationThrottle = AuthenticationThrottle(), metricsNeedToken: Bool = false
    ) {
        self.metricsNeedToken = metricsNeedToken
        self.authenticationThrottle = authenticationThrottle
        self.auditSigner = auditSigner
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.host = host
        self.port = port
        self.maximumBodyBytes = maximumBodyBytes
        self.tls = tls
        self.settings = settings
        self.webhookRetry = webhookRetry
    }
}
