import struct Foundation.Date

/// A claim on a board: while it is active, no other job may drive it.
public struct DeviceLease: Sendable, Codable, Hashable {
    /// The board's stable identity (see `BoardIdentity`), never its /dev node alone.
    public var device: String
    /// The port it was taken through, for people.
    public var port: String
    /// `user@host`.
    public var holder: String
    /// The job's process for automatic leases; nil for a person's manual lease.
    public var pid: Int32?
    /// What the board is held for, e.g. "edgeprof profile kws@1.0.0".
    public var purpose: String
    public var acquiredAt: Date
    public var expiresAt: Date

    public init(device: String, port: String, holder: String, pid: Int32?, purpose: String, acquiredAt: Date, expiresAt: Date) {
        self.device = device
        self.port = port
        self.holder = holder
        self.pid = pid
        self.purpose = purpose
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
    }

    public var isManual: Bool { pid == nil }

    public var holderDescription: String {
        "\(holder)\(pid.map { " pid \($0)" } ?? "") (\(purpose))"
    }
}

/// When a lease still holds and who may use a leased board. Pure: the clock and the process
/// table come in as values.
public enum LeaseRules {
    /// Expired leases are over; so are leases whose process on this host has gone.
    public static func isActive(_ lease: DeviceLease, now: Date, host: String, processAlive: (Int32) -> Bool) -> Bool {
        guard lease.expiresAt > now else { return false }
        if let pid = lease.pid, lease.holder.hasSuffix("@\(host)"), !processAlive(pid) { return false }
        return true
    }

    /// A job may use a board leased to it, or a board its own person leased by hand.
    public static func admits(_ lease: DeviceLease, holder: String, pid: Int32?) -> Bool {
        guard lease.holder == holder else { return false }
        return lease.isManual || lease.pid == pid
    }
}

/// A board is leased to someone else.
public struct LeaseConflict: Error, Sendable, Hashable, CustomStringConvertible {
    public var lease: DeviceLease

    public init(lease: DeviceLease) {
        self.lease = lease
    }

    public var description: String {
        "\(lease.port) is busy: leased to \(lease.holderDescription) until \(lease.expiresAt.formatted(.iso8601)). Fix: wait for it, or `edgeprof devices release \(lease.port)` if that job is gone"
    }
}
