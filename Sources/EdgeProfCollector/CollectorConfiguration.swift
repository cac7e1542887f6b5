/// How `edgeprof collector serve` runs: where it listens, where it stores, how much it accepts.
public struct CollectorConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Largest request body accepted, bytes (a run of 20 iterations × 16 tokens is ~10 KB).
    public var maximumBodyBytes: Int
    /// PEM certificate chain and private key for HTTPS; plain HTTP when nil.
    public var tls: (certificatePath: String, keyPath: String)?

    public init(host: String = "127.0.0.1", port: Int = 8470, maximumBodyBytes: Int = 8 << 20, tls: (certificatePath: String, keyPath: String)? = nil) {
        self.host = host
        self.port = port
        self.maximumBodyBytes = maximumBodyBytes
        self.tls = tls
    }
}
