import EdgeProfCore
import EdgeProfHardware
import EdgeProfStore
import Foundation
import Synchronization

/// Leases on boards for everyone on this machine: a profile holds one with a keepalive while it
/// runs; a person can hold one by hand. Leases live in one file shared by all jobs:
/// $EDGEPROF_LEASES, else /tmp/edgeprof-leases/leases.sqlite.
public final class LeaseService: Sendable {
    /// How long an automatic lease lasts without a keepalive (renewed every quarter of it): a
    /// crashed job's lease ends by itself.
    public let runLeaseSeconds: Double
    public let store: SQLiteLeaseStore
    public let holder: String
    private let host: String

    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let explicit = environment["EDGEPROF_LEASES"], !explicit.isEmpty { return explicit }
        return NSTemporaryDirectory() + "edgeprof-leases/leases.sqlite"
    }

    public init(path: String = LeaseService.defaultPath(), runLeaseSeconds: Double = 30) throws(AgentError) {
        self.runLeaseSeconds = runLeaseSeconds
        do {
            store = try SQLiteLeaseStore(path: path)
        } catch {
            throw .store(error)
        }
        host = ProcessInfo.processInfo.hostName
        holder = "\(NSUserName())@\(host)"
    }

    /// Takes a lease on the board behind `port`; `pid` nil makes it a person's manual lease.
    public func acquire(port: String, purpose: String, seconds: Double, pid: Int32?) throws(AgentError) -> DeviceLease {
        let now = Date()
        let lease = DeviceLease(
            device: BoardIdentity.of(port: port), port: port, holder: holder, pid: pid, purpose: purpose,
            acquiredAt: now, expiresAt: now.addingTimeInterval(seconds))
        let host = host
        let holder = holder
        let result: Result<DeviceLease, LeaseConflict>
        do {
            result = try store.acquire(
                lease, isActive: { LeaseRules.isActive($0, now: now, host: host, processAlive: Self.processAlive) },
                admits: { LeaseRules.admits($0, holder: holder, pid: pid) })
        } catch {
            throw .store(error)
        }
        switch result {
        case .success(let held): return held
        case .failure(let conflict): throw .leased(conflict)
        }
    }

    /// An automatic lease for this process, kept alive until the keeper is stopped.
    public func hold(port: String, purpose: String) throws(AgentError) -> LeaseKeeper {
        let pid = ProcessInfo.processInfo.processIdentifier
        let lease = try acquire(port: port, purpose: purpose, seconds: runLeaseSeconds, pid: pid)
        return LeaseKeeper(service: self, lease: lease, ownsLease: lease.pid == pid)
    }

    public func release(port: String, force: Bool) throws(AgentError) -> DeviceLease? {
        do {
            return try store.release(device: BoardIdentity.of(port: port), holder: holder, pid: nil, force: force)
        } catch {
            throw .store(error)
        }
    }

    /// The leases in force now.
    public func active() throws(AgentError) -> [DeviceLease] {
        let now = Date()
        do {
            return try store.all().filter { LeaseRules.isActive($0, now: now, host: host, processAlive: Self.processAlive) }
        } catch {
            throw .store(error)
        }
    }

    static func processAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}

/// Keeps an automatic lease alive from a background thread; `release()` ends it.
public final class LeaseKeeper: Sendable {
    public let lease: DeviceLease
    private let service: LeaseService
    private let ownsLease: Bool
    private let stopped = Mutex(false)
    private let done = DispatchSemaphore(value: 0)

    init(service: LeaseService, lease: DeviceLease, ownsLease: Bool) {
        self.service = service
        self.lease = lease
        self.ownsLease = ownsLease
        guard ownsLease else { return }
        Thread.detachNewThread { [self] in
            let interval = service.runLeaseSeconds / 4
            var nextRenewal = Date().addingTimeInterval(interval)
            while !stopped.withLock({ $0 }) {
                Thread.sleep(forTimeInterval: 0.1)
                guard Date() >= nextRenewal else { continue }
                _ = try? service.store.renew(
                    device: lease.device, holder: lease.holder, pid: lease.pid,
                    until: Date().addingTimeInterval(service.runLeaseSeconds))
                nextRenewal = Date().addingTimeInterval(interval)
            }
            done.signal()
        }
    }

    /// Stops the keepalive and gives the board back (a person's manual lease stays).
    public func release() {
        guard ownsLease else { return }
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        done.wait()
        _ = try? service.store.release(device: lease.device, holder: lease.holder, pid: lease.pid, force: false)
    }
}
