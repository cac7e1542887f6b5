/// What an agent sends the collector for one run: the run with all its raw readings, where it was
/// taken, and an idempotency key so a retried upload is stored once.
public struct RunUpload: Sendable, Codable, Hashable {
    /// Chosen by the agent once per run (a UUID); the same key twice means the same run.
    public var idempotencyKey: String
    /// The bench (agent) that took the run; an agent's token may only upload for its own bench.
    public var bench: String
    /// `NAME@VERSION` of the registered model the board ran.
    public var model: String
    /// The artifact SHA-256 the agent checked on the board; must match the collector's registry.
    public var artifactSHA256: String
    public var context: RunContext
    public var run: RecordedRun

    public init(idempotencyKey: String, bench: String, model: String, artifactSHA256: String, context: RunContext, run: RecordedRun) {
        self.idempotencyKey = idempotencyKey
        self.bench = bench
        self.model = model
        self.artifactSHA256 = artifactSHA256
        self.context = context
        self.run = run
    }
}

/// The collector's answer to an upload.
public struct RunReceipt: Sendable, Codable, Hashable {
    /// The run's id in the collector's store.
    public var runID: Int64
    /// True when this key was already stored: nothing was written this time.
    public var duplicate: Bool

    public init(runID: Int64, duplicate: Bool) {
        self.runID = runID
        self.duplicate = duplicate
    }
}

extension RunUpload {
    /// The upload of a stored run, keyed by its content: the same run uploaded twice, from any
    /// spool, is one run on the collector.
    public init(stored: StoredRun, bench: String, artifactSHA256: String) {
        self.init(
            idempotencyKey: "", bench: bench, model: stored.model.description, artifactSHA256: artifactSHA256,
            context: stored.context, run: stored.run)
        idempotencyKey = "run-" + contentSHA256.prefix(40)
    }
}
