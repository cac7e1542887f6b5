import Foundation

/// What `/metrics` reads from the store at each scrape, so that every collector sharing a
/// database exposes the same figures and a restart loses none.
public struct MetricsSnapshot: Sendable, Hashable {
    /// The latest complete run of one model on one board: its headline figures.
    public struct Device: Sendable, Hashable {
        public var board: String
        public var serial: String
        public var deviceClass: String
        public var model: String
        public var version: String
        public var bench: String?
        public var finishedAt: Date
        public var headline: RunHeadline

        public init(board: String, serial: String, deviceClass: String, model: String, version: String, bench: String?, finishedAt: Date, headline: RunHeadline) {
            self.board = board
            self.serial = serial
            self.deviceClass = deviceClass
            self.model = model
            self.version = version
            self.bench = bench
            self.finishedAt = finishedAt
            self.headline = headline
        }
    }

    public var devices: [Device]
    /// Webhook deliveries neither delivered nor dead, and when the oldest of them was queued.
    public var webhookBacklog: Int
    public var oldestPendingWebhook: Date?

    public init(devices: [Device], webhookBacklog: Int, oldestPendingWebhook: Date?) {
        self.devices = devices
        self.webhookBacklog = webhookBacklog
        self.oldestPendingWebhook = oldestPendingWebhook
    }

    /// The SQL both stores run: the latest complete run per board, serial, class and model name.
    public static let latestRunPerDeviceSQL = """
        SELECT run.board, run.serial, run.device_class, run.bench, run.finished_at, run.headline_json,
            model_version.name AS model_name, model_version.version AS model_version
        FROM run JOIN model_version ON model_version.id = run.model_version_id
        JOIN (SELECT MAX(r.id) AS id FROM run AS r JOIN model_version AS m ON m.id = r.model_version_id
              WHERE r.status = 'complete' GROUP BY r.board, r.serial, r.device_class, m.name) AS latest ON latest.id = run.id
        ORDER BY run.board, run.serial, model_version.name
        """

    public static let webhookBacklogSQL = "SELECT COUNT(*) AS pending, MIN(created_at) AS oldest FROM webhook_outbox WHERE delivered_at IS NULL AND dead_at IS NULL"
}
