import EdgeProfCore
import Foundation
import GRDB

/// Device leases shared by every edgeprof process on the machine, in one SQLite file.
/// Taking a lease is one IMMEDIATE transaction, so two jobs racing for a board cannot both win.
/// Every user of the bench must be able to write it: the directory is created 0777 (not sticky,
/// so SQLite's journals can come and go) and the file 0666 (SQLite gives journals its mode).
public final class SQLiteLeaseStore: Sendable {
    public let location: String
    private let queue: DatabaseQueue

    public init(path: String) throws(StoreError) {
        location = path
        do {
            try Self.prepareShared(path)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            var migrator = DatabaseMigrator()
            migrator.registerMigration("v1: leases") { db in
                try db.create(table: "lease") { t in
                    t.primaryKey("device", .text)
                    t.column("json", .jsonText).notNull()
                }
            }
            queue = try OpeningLock.holding(path, mode: 0o666) {
                let queue = try DatabaseQueue(path: path, configuration: configuration)
                try migrator.migrate(queue)
                return queue
            }
        } catch let error as DatabaseError {
            throw .unavailable(location: path, reason: error.message ?? error.description)
        } catch {
            throw .unavailable(location: path, reason: error.localizedDescription)
        }
    }

    /// Takes `lease` unless an active lease that does not admit it holds the device; `isActive`
    /// and `admits` decide (LeaseRules). Returns the lease now in force.
    public func acquire(
        _ lease: DeviceLease, isActive: @escaping @Sendable (DeviceLease) -> Bool,
        admits: @escaping @Sendable (DeviceLease) -> Bool
    ) throws(StoreError) -> Result<DeviceLease, LeaseConflict> {
        try immediate("lease \(lease.device)") { db in
            if let current = try Self.fetch(lease.device, db), isActive(current) {
                if admits(current) {
                    return .success(current.isManual && lease.pid != nil ? current : try Self.save(lease, db))
                }
                return .failure(LeaseConflict(lease: current))
            }
            return .success(try Self.save(lease, db))
        }
    }

    /// Extends a lease its holder still has; false when it was lost (expired and taken).
    public func renew(device: String, holder: String, pid: Int32?, until: Date) throws(StoreError) -> Bool {
        try immediate("renew the lease of \(device)") { db in
            guard var current = try Self.fetch(device, db), current.holder == holder, current.pid == pid else { return false }
            current.expiresAt = until
            _ = try Self.save(current, db)
            return true
        }
    }

    /// Removes the lease of `device`; `force` removes anyone's. Returns the lease removed.
    public func release(device: String, holder: String, pid: Int32?, force: Bool) throws(StoreError) -> DeviceLease? {
        try immediate("release \(device)") { db in
            guard let current = try Self.fetch(device, db) else { return nil }
            guard force || (current.holder == holder && (current.pid == pid || current.isManual)) else { return nil }
            try db.execute(sql: "DELETE FROM lease WHERE device = ?", arguments: [device])
            return current
        }
    }

    public func all() throws(StoreError) -> [DeviceLease] {
        do {
            return try queue.read { db in
                try String.fetchAll(db, sql: "SELECT json FROM lease ORDER BY device").map(Self.decode)
            }
        } catch {
            throw .failed(location: location, operation: "list leases", reason: "\(error)")
        }
    }

    /// Creates the directory and file for every user; widens them when this user owns them.
    private static func prepareShared(_ path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        let manager = FileManager.default
        if !manager.fileExists(atPath: directory) {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        if (try? manager.attributesOfItem(atPath: directory)[.ownerAccountID] as? NSNumber)?.uint32Value == getuid() {
            try? manager.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory)
        }
        // Created in place, never by FileManager's write-and-rename, which would swap the file
        // under a connection another opener already holds.
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o666)
        if descriptor >= 0 { close(descriptor) }
        if (try? manager.attributesOfItem(atPath: path)[.ownerAccountID] as? NSNumber)?.uint32Value == getuid() {
            try? manager.setAttributes([.posixPermissions: 0o666], ofItemAtPath: path)
        }
    }

    private func immediate<T>(_ operation: String, _ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            var result: T?
            try queue.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
            }
            guard let result else { throw StoreError.failed(location: location, operation: operation, reason: "the transaction returned nothing") }
            return result
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            let reason = error.message ?? error.description
            if error.resultCode == .SQLITE_READONLY || error.resultCode == .SQLITE_CANTOPEN || error.resultCode == .SQLITE_PERM {
                throw .unavailable(location: location, reason: "\(reason); every user of the bench must be able to write it (chmod 666 it and 777 its directory), or set EDGEPROF_LEASES")
            }
            throw .failed(location: location, operation: operation, reason: reason)
        } catch {
            throw .failed(location: location, operation: operation, reason: "\(error)")
        }
    }

    private static func fetch(_ device: String, _ db: Database) throws -> DeviceLease? {
        try String.fetchOne(db, sql: "SELECT json FROM lease WHERE device = ?", arguments: [device]).map(decode)
    }

    private static func save(_ lease: DeviceLease, _ db: Database) throws -> DeviceLease {
        try db.execute(sql: "INSERT OR REPLACE INTO lease (device, json) VALUES (?, ?)", arguments: [lease.device, try JSONColumn.encode(lease)])
        return lease
    }

    private static func decode(_ json: String) throws -> DeviceLease {
        try JSONColumn.decode(json)
    }
}
