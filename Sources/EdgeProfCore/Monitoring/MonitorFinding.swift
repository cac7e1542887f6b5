/// Whether a rule's condition holds for the newest run.
public enum FindingState: String, Sendable, Codable, Hashable {
    /// The condition holds: an alert opens (or stays open).
    case firing
    /// It does not: an open alert resolves.
    case clear
    /// Too little data to say either: nothing changes.
    case inconclusive
}

/// One rule's verdict on one run, with the evidence that decided it.
public struct MonitorFinding: Sendable, Codable, Hashable {
    public var rule: MonitorRule
    public var severity: AlertSeverity
    public var state: FindingState
    /// The evidence in words: the figure, the reference and the threshold.
    public var summary: String
    public var value: Double?
    public var threshold: Double?
    /// A p-value, for the statistical rules.
    public var pValue: Double?

    public init(rule: MonitorRule, severity: AlertSeverity, state: FindingState, summary: String, value: Double? = nil, threshold: Double? = nil, pValue: Double? = nil) {
        self.rule = rule
        self.severity = severity
        self.state = state
        self.summary = summary
        self.value = value
        self.threshold = threshold
        self.pValue = pValue
    }
}

/// What the collector watches: one model version on one board of a device class.
public struct MonitorKey: Sendable, Codable, Hashable, CustomStringConvertible {
    public var model: String
    public var deviceClass: String
    /// The board instance, `BOARD:SERIAL` as it announced itself.
    public var device: String

    public init(model: String, deviceClass: String, device: String) {
        self.model = model
        self.deviceClass = deviceClass
        self.device = device
    }

    public init(_ stored: StoredRun) {
        self.init(model: stored.model.description, deviceClass: stored.context.deviceClass, device: "\(stored.run.board.board):\(stored.run.board.serial)")
    }

    public var description: String { "\(model) on \(device) (\(deviceClass))" }

    /// The board and serial `device` names (`BOARD:SERIAL`; the serial may hold colons too).
    public var boardAndSerial: (board: String, serial: String) {
        let parts = device.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }
}
