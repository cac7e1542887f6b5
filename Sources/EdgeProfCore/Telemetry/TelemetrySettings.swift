/// How long the collector keeps inference telemetry (`telemetry: {retention-days}` in its
/// configuration; 90 days by default, as the governance documents ask).
public struct TelemetrySettings: Sendable, Codable, Hashable {
    public static let defaultRetentionDays = 90.0

    public var retentionDays: Double

    enum CodingKeys: String, CodingKey {
        case retentionDays = "retention-days"
    }

    public init(retentionDays: Double = defaultRetentionDays) {
        self.retentionDays = retentionDays
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        retentionDays = try c.decodeIfPresent(Double.self, forKey: .retentionDays) ?? Self.defaultRetentionDays
    }
}
