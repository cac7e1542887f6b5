import EdgeProfCore

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
    /// Signs the audit checkpoints `GET /v1/audit/checkpoint` serves (`--audit-key`).
    public var auditSigner: AuditSigner?

    public init(
        host: String = "127.0.0.1", port: Int = 8470, maximumBodyBytes: Int = 8 << 20, tls: (certificatePath: String, keyPath: String)? = nil,
        settings: CollectorSettings = CollectorSettings(), webhookRetry: RetrySchedule = RetrySchedule(base: 1, cap: 300),
        auditSigner: AuditSigner? = nil
    ) {
        self.auditSigner = auditSigner
        self.host = host
        self.port = port
        self.maximumBodyBytes = maximumBodyBytes
        self.tls = tls
        self.settings = settings
        self.webhookRetry = webhookRetry
    }
}
