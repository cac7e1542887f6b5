import Foundation

/// A run waiting in an agent's spool, or rejected by the collector and kept.
public struct SpooledRun: Sendable, Hashable, Codable {
    public var key: String
    public var collector: String
    public var bench: String
    public var model: String
    public var localRunID: Int64?
    public var enqueuedAt: Date
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    /// Set when the collector refused the run itself; it is not retried.
    public var rejectedAt: Date?

    public init(
        key: String, collector: String, bench: String, model: String, localRunID: Int64?, enqueuedAt: Date, attempts: Int,
        nextAttemptAt: Date, lastError: String?, rejectedAt: Date?
    ) {
        self.key = key
        self.collector = collector
        self.bench = bench
        self.model = model
        self.localRunID = localRunID
        self.enqueuedAt = enqueuedAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.rejectedAt = rejectedAt
    }
}

/// The last run an agent delivered.
public struct SpoolDelivery: Sendable, Hashable, Codable {
    public var key: String
    public var collector: String
    public var remoteRunID: Int64
    public var duplicate: Bool
    public var deliveredAt: Date

    public init(key: String, collector: String, remoteRunID: Int64, duplicate: Bool, deliveredAt: Date) {
        self.key = key
        self.collector = collector
        self.remoteRunID = remoteRunID
        self.duplicate = duplicate
        self.deliveredAt = deliveredAt
    }
}

/// What `edgeprof agent status` shows: the spool's depth and the last delivery.
public struct SpoolStatus: Sendable, Hashable, Codable {
    public var location: String
    public var pending: [SpooledRun]
    public var rejected: [SpooledRun]
    public var delivered: Int
    public var lastDelivery: SpoolDelivery?

    public init(location: String, pending: [SpooledRun], rejected: [SpooledRun], delivered: Int, lastDelivery: SpoolDelivery?) {
        self.location = location
        self.pending = pending
        self.rejected = rejected
        self.delivered = delivered
        self.lastDelivery = lastDelivery
    }
}
