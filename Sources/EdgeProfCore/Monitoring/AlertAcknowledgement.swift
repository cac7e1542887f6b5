import Foundation

/// A person acknowledging an open alert: a governance act, written with its audit entry in one
/// transaction, so the trail shows who saw which alert, when, and under which policy.
public struct AlertAcknowledgement: Sendable, Codable, Hashable {
    public var alertID: Int64
    public var rule: MonitorRule
    /// The alert's model version and device, as monitoring keyed it.
    public var key: MonitorKey
    public var actor: String
    public var at: Date
    /// Why, or what is being done about it (optional: seeing an alert needs no reason).
    public var reason: String?

    public init(alertID: Int64, rule: MonitorRule, key: MonitorKey, actor: String, at: Date, reason: String?) {
        self.alertID = alertID
        self.rule = rule
        self.key = key
        self.actor = actor
        self.at = at
        self.reason = reason
    }
}
